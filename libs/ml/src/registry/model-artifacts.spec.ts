import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppConfig } from '@tradeloop/platform';
import { ModelArtifactStore, safeSegment, sha256Hex } from './model-artifacts';

const store = () => {
  const root = mkdtempSync(join(tmpdir(), 'tl-artifacts-'));
  return { root, s: new ModelArtifactStore({ MODEL_REGISTRY_DIR: root } as AppConfig) };
};

describe('ModelArtifactStore', () => {
  it('stores under <name>/<version>/<sha256>.onnx with no temporary file left, and reads it back', async () => {
    const { root, s } = store();
    const bytes = new Uint8Array([1, 2, 3]);
    const { artifact, checksum } = await s.put('demo', '1', bytes);
    expect(checksum).toBe(sha256Hex(bytes));
    expect(artifact).toBe(join('demo', '1', `${checksum}.onnx`));
    expect(readdirSync(join(root, 'demo', '1'))).toEqual([`${checksum}.onnx`]);
    expect(new Uint8Array(await s.read(artifact, checksum))).toEqual(bytes);
  });

  it('refuses a file whose bytes no longer match the recorded checksum', async () => {
    const { root, s } = store();
    const { artifact, checksum } = await s.put('demo', '1', new Uint8Array([1]));
    writeFileSync(join(root, artifact), new Uint8Array([2]));
    await expect(s.read(artifact, checksum)).rejects.toThrow(/checksum/);
  });

  it('refuses at start a registry directory it cannot create or write', async () => {
    const { root } = store();
    const file = join(root, 'not-a-dir');
    writeFileSync(file, 'x');
    await expect(new ModelArtifactStore({ MODEL_REGISTRY_DIR: join(file, 'models') } as AppConfig).onModuleInit()).rejects.toThrow(/MODEL_REGISTRY_DIR .* is not a writable directory/);
    await expect(store().s.onModuleInit()).resolves.toBeUndefined();
  });

  it('keeps names and versions to one path segment', () => {
    expect(safeSegment('..')).toBe('%2E%2E');
    expect(safeSegment('.')).toBe('%2E');
    expect(safeSegment('../../etc')).toBe('..%2F..%2Fetc');
    expect(safeSegment('v1.2')).toBe('v1.2');
  });
});
