import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError } from '@tradeloop/domain';
import { APP_CONFIG, type AppConfig, REDIS } from '@tradeloop/platform';

/**
 * Counts failed logins per account and per client IP in Redis (shared by every API replica).
 * Once either budget is spent, logins for that key are refused with 429 until the window passes
 * — checked before the password, so a throttled attacker learns nothing even with the right one.
 */
@Injectable()
export class LoginThrottle {
  private readonly byAccount: RateLimiterRedis;
  private readonly byIp: RateLimiterRedis;

  constructor(@Inject(REDIS) redis: Redis, @Inject(APP_CONFIG) config: AppConfig) {
    const window = config.LOGIN_THROTTLE_WINDOW_SECONDS;
    this.byAccount = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.REDIS_PREFIX}:login:acct`,
      points: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      duration: window,
      blockDuration: window,
    });
    this.byIp = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.REDIS_PREFIX}:login:ip`,
      points: config.LOGIN_MAX_FAILURES_PER_IP,
      duration: window,
      blockDuration: window,
    });
  }

  /** Throws RATE_LIMITED when either budget is spent. */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const [acct, addr] = await Promise.all([this.byAccount.get(email), this.byIp.get(ip)]);
    const waits = [this.blockedFor(acct, this.byAccount.points), this.blockedFor(addr, this.byIp.points)];
    const wait = Math.max(...waits);
    if (wait > 0) {
      throw new DomainError('RATE_LIMITED', 'Too many failed logins; try again later', { retryAfterSeconds: wait });
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await Promise.all([this.byAccount.consume(email).catch(swallowLimit), this.byIp.consume(ip).catch(swallowLimit)]);
  }

  /** A successful login clears the account's counter (not the IP's: one good password must
   *  not reset an attacker's budget across many accounts). */
  async recordSuccess(email: string): Promise<void> {
    await this.byAccount.delete(email);
  }

  private blockedFor(res: RateLimiterRes | null, points: number): number {
    if (!res || res.consumedPoints < points) return 0;
    return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  }
}

// consume() rejects with a RateLimiterRes once the budget is spent: that is expected here,
// the next attempt's assertAllowed() reports it. Real errors (Redis down) still propagate.
function swallowLimit(err: unknown): void {
  if (err instanceof RateLimiterRes) return;
  throw err;
}
