import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SymbolRows } from '@tradeloop/domain';
import { writeDatasetArrow, type DatasetDescription } from './dataset-arrow';

const STAGING = 1 << 20;

/**
 * Writes the dataset's Arrow IPC file at `path` whole or not at all: into a temporary file
 * beside it, renamed over `path` once complete, so a reader never sees half a file. Small
 * chunks (message headers, padding) are staged into 1 MiB writes; column buffers go straight
 * to the file. Returns rows and bytes written.
 */
export function writeDatasetArrowFile(path: string, parts: readonly SymbolRows[], d: DatasetDescription): { rows: number; bytes: number } {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  const staging = new Uint8Array(STAGING);
  let staged = 0;
  let bytes = 0;
  const flush = () => {
    for (let off = 0; off < staged; ) off += writeSync(fd, staging, off, staged - off);
    staged = 0;
  };
  try {
    const rows = writeDatasetArrow(parts, d, (chunk) => {
      bytes += chunk.byteLength;
      const direct = chunk.byteLength >= STAGING / 4;
      // Anything staged goes first: the file is the chunks in order.
      if (direct || chunk.byteLength > STAGING - staged) flush();
      if (direct) {
        for (let off = 0; off < chunk.byteLength; ) off += writeSync(fd, chunk, off, chunk.byteLength - off);
      } else {
        staging.set(chunk, staged);
        staged += chunk.byteLength;
      }
    });
    flush();
    closeSync(fd);
    renameSync(tmp, path);
    return { rows, bytes };
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw err;
  }
}
