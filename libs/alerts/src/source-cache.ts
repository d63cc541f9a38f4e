import { Injectable } from '@nestjs/common';
import type { WebhookSourceRow } from './webhook-sources.repository';

/** A source as the intake needs it: the row and its decrypted secret. */
export interface CachedSource {
  source: WebhookSourceRow;
  secret: string;
}

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * The intake's fast path (docs/alerts.md "Intake"): a source and its decrypted secret, kept in
 * this process's memory for a few seconds so a burst of alerts reads Postgres and decrypts once.
 * Patch, rotate-secret and delete drop the entry at once in the process that made the change;
 * another API replica sees the change within the TTL.
 */
@Injectable()
export class SourceCache {
  private readonly entries = new Map<string, { value: CachedSource; expiresAt: number }>();
  private readonly loading = new Map<string, Promise<CachedSource | undefined>>();
  private generation = 0;

  async get(id: string, load: () => Promise<CachedSource | undefined>): Promise<CachedSource | undefined> {
    const hit = this.entries.get(id);
    if (hit && hit.expiresAt > Date.now()) return hit.value;
    if (hit) this.entries.delete(id);
    // One load per source at a time: a burst of 1,000 alerts waits on the first read.
    let pending = this.loading.get(id);
    if (!pending) {
      const generation = this.generation;
      pending = load().then(
        (value) => {
          this.loading.delete(id);
          // An invalidation while loading: what was read may be stale, so it is not kept.
          if (value && generation === this.generation) this.put(id, value);
          return value;
        },
        (err: unknown) => {
          this.loading.delete(id);
          throw err;
        },
      );
      this.loading.set(id, pending);
    }
    return pending;
  }

  private put(id: string, value: CachedSource): void {
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(id, { value, expiresAt: Date.now() + TTL_MS });
  }

  /** After a change to the source committed. */
  invalidate(id: string): void {
    this.generation++;
    this.entries.delete(id);
    this.loading.delete(id);
  }
}
