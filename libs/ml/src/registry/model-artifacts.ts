import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@tradeloop/platform';

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A card's name or version as one path segment: nothing in it can climb out (`/`, `..`). */
export const safeSegment = (s: string): string => encodeURIComponent(s).replace(/^\.+$/, (dots) => '%2E'.repeat(dots.length));

/**
 * The .onnx files of registered models, under MODEL_REGISTRY_DIR as `<name>/<version>/<sha256>.onnx`.
 * Written to a temporary name and renamed, so a crash never leaves a half-written model where a
 * loader could find it; read back only when the checksum still matches the database.
 */
@Injectable()
export class ModelArtifactStore implements OnModuleInit {
  readonly root: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.root = isAbsolute(config.MODEL_REGISTRY_DIR) ? config.MODEL_REGISTRY_DIR : resolve(process.cwd(), config.MODEL_REGISTRY_DIR);
  }

  /** A registry directory the process cannot write stops it at start, not at the first upload. */
  async onModuleInit(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true });
      await access(this.root, constants.R_OK | constants.W_OK);
    } catch (err) {
      throw new Error(`MODEL_REGISTRY_DIR ${this.root} is not a writable directory: ${(err as Error).message}`);
    }
  }

  /** Stores the bytes; returns the path relative to the registry root. */
  async put(name: string, version: string, bytes: Uint8Array): Promise<{ artifact: string; checksum: string }> {
    const checksum = sha256Hex(bytes);
    const artifact = join(safeSegment(name), safeSegment(version), `${checksum}.onnx`);
    const target = this.pathOf(artifact);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, bytes, { flag: 'wx' });
    await rename(temp, target);
    return { artifact, checksum };
  }

  /** Removes a stored file (a registration whose database row could not be written). */
  async remove(artifact: string): Promise<void> {
    await rm(this.pathOf(artifact), { force: true });
  }

  /** The file's bytes, refused when they no longer hash to `checksum` (a file changed on disk). */
  async read(artifact: string, checksum: string): Promise<Uint8Array> {
    const bytes = await readFile(this.pathOf(artifact));
    const actual = sha256Hex(bytes);
    if (actual !== checksum) throw new Error(`model file ${artifact} has checksum ${actual}, the registry recorded ${checksum}`);
    return bytes;
  }

  pathOf(artifact: string): string {
    return join(this.root, artifact);
  }
}
