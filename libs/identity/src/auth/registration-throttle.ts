import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError } from '@tradeloop/domain';
import { APP_CONFIG, type AppConfig, REDIS } from '@tradeloop/platform';

const GLOBAL_KEY = 'all';

/**
 * Budgets self-registration per client IP and for all clients together, in Redis (shared by
 * every API replica). Every attempt counts, successful or not (a duplicate email answers like a
 * fresh account, so failures cannot be told apart anyway); consuming is atomic, so a burst of
 * parallel requests gets exactly the budget.
 */
@Injectable()
export class RegistrationThrottle {
  private readonly byIp: RateLimiterRedis;
  private readonly global: RateLimiterRedis;

  constructor(@Inject(REDIS) redis: Redis, @Inject(APP_CONFIG) config: AppConfig) {
    const duration = config.REGISTER_WINDOW_SECONDS;
    this.byIp = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.REDIS_PREFIX}:register:ip`,
      points: config.REGISTER_MAX_PER_IP,
      duration,
    });
    this.global = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.REDIS_PREFIX}:register:global`,
      points: config.REGISTER_MAX_GLOBAL,
      duration,
    });
  }

  /**
   * Spends one attempt of the IP's budget, then one of the global budget; throws RATE_LIMITED
   * (with the seconds until the window frees up) when either is spent. An IP over its own budget
   * does not consume the global one, so one noisy client cannot lock everyone else out.
   */
  async consume(ip: string): Promise<void> {
    await this.spend(this.byIp, ip, 'Too many registrations from this address; try again later', 'ip');
    await this.spend(this.global, GLOBAL_KEY, 'Registration is busy; try again later', 'global');
  }

  private async spend(limiter: RateLimiterRedis, key: string, message: string, limit: 'ip' | 'global'): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (err) {
      // consume() rejects with a RateLimiterRes once the budget is spent; real errors (Redis
      // down) propagate as they are.
      if (!(err instanceof RateLimiterRes)) throw err;
      throw new DomainError('RATE_LIMITED', message, {
        retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)),
        context: { limit },
      });
    }
  }
}
