import { Inject, Injectable, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, closeRedis, createRedis, LOGGER, REDIS, type AppConfig } from '@tradeloop/platform';
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
 * Patch, rotate-secret and delete drop the entry at once in the process that made the change,
 * and in every other process through Redis pub/sub (as the principal cache does); the TTL only
 * bounds staleness if a message is lost (Redis down). Without Redis (unit tests) it is local only.
 */
@Injectable()
export class SourceCache implements OnModuleInit, OnApplicationShutdown {
  private readonly entries = new Map<string, { value: CachedSource; expiresAt: number }>();
  private readonly loading = new Map<string, Promise<CachedSource | undefined>>();
  private generation = 0;
  private subscriber?: Redis;
  private readonly channel: string | null;

  constructor(
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
    @Optional() @Inject(REDIS) private readonly redis?: Redis,
    @Optional() @Inject(LOGGER) private readonly logger?: Logger,
  ) {
    this.channel = config ? `${config.REDIS_PREFIX}:alerts:sources:invalidate` : null;
  }

  async onModuleInit(): Promise<void> {
    if (!this.config || !this.channel) return;
    this.subscriber = createRedis(this.config.REDIS_URL, 'pubsub', 'tradeloop-webhook-sources-invalidation');
    this.subscriber.on('message', (_channel: string, id: string) => this.drop(id));
    // After a reconnect invalidations may have been missed: start from empty.
    this.subscriber.on('ready', () => this.clear());
    await this.subscriber.subscribe(this.channel);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.subscriber) await closeRedis(this.subscriber);
  }

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

  /** After a change to the source committed: dropped here at once, in the other processes when the message arrives. */
  invalidate(id: string): void {
    this.drop(id);
    if (this.redis && this.channel)
      void this.redis
        .publish(this.channel, id)
        .catch((err: unknown) =>
          this.logger?.warn({ err: (err as Error).message }, 'webhook source invalidation not published; other processes rely on the TTL'),
        );
  }

  private drop(id: string): void {
    this.generation++;
    this.entries.delete(id);
    this.loading.delete(id);
  }

  private clear(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }
}
