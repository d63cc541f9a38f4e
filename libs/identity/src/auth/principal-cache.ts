import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig, REDIS, LOGGER, closeRedis, createRedis } from '@tradeloop/platform';
import type { Principal } from './sessions.repository';

interface Entry {
  principal: Principal;
  expiresAt: number;
}

type Invalidation = { userId: string } | { sessionId: string };

const MAX_ENTRIES = 50_000;

/**
 * A short-lived, per-process cache of resolved principals, so an authenticated request does not
 * have to round-trip to Postgres every time. It is safe because every change that could make an
 * entry wrong (logout, revocation, disabling, role change, MFA enrolment) invalidates it:
 * synchronously in the process that made the change, and in every other process through Redis
 * pub/sub. The TTL only bounds staleness if a message is lost (e.g. Redis down).
 */
@Injectable()
export class PrincipalCache implements OnModuleInit, OnApplicationShutdown {
  private readonly entries = new Map<string, Entry>();
  private readonly channel: string;
  private readonly ttlMs: number;
  private subscriber?: Redis;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.channel = `${config.REDIS_PREFIX}:auth:invalidate`;
    this.ttlMs = config.AUTH_CACHE_TTL_MS;
  }

  async onModuleInit(): Promise<void> {
    if (this.ttlMs === 0) return;
    this.subscriber = createRedis(this.config.REDIS_URL, 'pubsub', 'tradeloop-auth-invalidation');
    this.subscriber.on('message', (_channel: string, message: string) => {
      try {
        this.applyLocally(JSON.parse(message) as Invalidation);
      } catch {
        this.entries.clear();
      }
    });
    // After a reconnect we may have missed invalidations: start from empty.
    this.subscriber.on('ready', () => this.entries.clear());
    await this.subscriber.subscribe(this.channel);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.subscriber) await closeRedis(this.subscriber);
  }

  get(sessionId: string, userId: string): Principal | undefined {
    const entry = this.entries.get(sessionId);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now() || entry.principal.userId !== userId) {
      this.entries.delete(sessionId);
      return undefined;
    }
    return entry.principal;
  }

  set(principal: Principal): void {
    if (this.ttlMs === 0) return;
    if (this.entries.size >= MAX_ENTRIES) {
      // Map iterates in insertion order: drop the oldest entry.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(principal.sessionId, { principal, expiresAt: Date.now() + this.ttlMs });
  }

  /** Call after the change has committed. Local drop is immediate; other processes follow. */
  async invalidate(target: Invalidation): Promise<void> {
    this.applyLocally(target);
    if (this.ttlMs === 0) return;
    try {
      await this.redis.publish(this.channel, JSON.stringify(target));
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'auth invalidation not published; other processes rely on the TTL');
    }
  }

  private applyLocally(target: Invalidation): void {
    if ('sessionId' in target) {
      this.entries.delete(target.sessionId);
      return;
    }
    for (const [sessionId, entry] of this.entries) {
      if (entry.principal.userId === target.userId) this.entries.delete(sessionId);
    }
  }
}
