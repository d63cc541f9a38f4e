import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig, REDIS } from '@tradeloop/platform';

const WINDOW_MS = 60_000;
const COMMAND = 'tradeloopHookRate';

// A sliding log of the last minute's accepted-for-checking deliveries (a sorted set of times):
// drop what is older than a minute, refuse when the log is full (returning how long until its
// oldest entry leaves), else add this one. Atomic in Redis, so a burst gets exactly the budget,
// and exact at any moment (a fixed per-minute bucket would let twice the limit through at a
// bucket's edge).
const SCRIPT = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ${WINDOW_MS})
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + ${WINDOW_MS} - now
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], ${WINDOW_MS + 1_000})
return -1
`;

/** A source's `limits.perMinute` (docs/alerts.md "Intake", step 2), shared by every API replica through Redis. */
@Injectable()
export class SourceRateLimit {
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.prefix = `${config.REDIS_PREFIX}:hooks:rate:`;
    // EVALSHA of a script defined once (ioredis sends EVAL only when Redis does not know it yet).
    if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: SCRIPT });
  }

  /** Counts one delivery; when the last minute already holds `perMinute`, the seconds to wait instead. */
  async take(sourceId: string, perMinute: number, deliveryId: string): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
    const run = (this.redis as unknown as Record<typeof COMMAND, (key: string, ...args: (string | number)[]) => Promise<number>>)[COMMAND];
    const wait = Number(await run.call(this.redis, `${this.prefix}${sourceId}`, Date.now(), perMinute, deliveryId));
    return wait < 0 ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
  }
}
