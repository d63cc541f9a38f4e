import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// Renews the lease if we hold it, else takes it if nobody does; atomic, so two replicas never both hold it.
const HOLD = `if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('pexpire', KEYS[1], ARGV[2]) return 1
elseif redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 end
return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * A time-limited lease in Redis that one process at a time holds: the holder renews it on every
 * use, and if it dies the lease lapses after `ttlMs` and another replica takes over. Used where
 * doing the work twice is safe but wasteful or noisy (the risk monitor's pushes), never as the
 * only guard for money: that is the database's job.
 */
export class LeaderLease {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly ttlMs: number,
    readonly token: string = randomUUID(),
  ) {}

  /** True while this process holds the lease (taking or renewing it); false if another does. */
  async hold(): Promise<boolean> {
    return (await this.redis.eval(HOLD, 1, this.key, this.token, String(this.ttlMs))) === 1;
  }

  /** Gives the lease up at once (on shutdown) so another replica need not wait for it to lapse. */
  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.token);
  }
}
