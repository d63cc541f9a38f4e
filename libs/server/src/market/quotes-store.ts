import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config';
import { REDIS } from '../infra.module';
import { marketKeys, parseWireTick, type WireTick } from './market-wire';

/**
 * The latest quote of every instrument, in one Redis hash shared by all processes: the feed
 * writes it, the API and the execution engine read it.
 */
@Injectable()
export class QuotesStore {
  private readonly key: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.key = marketKeys(config.REDIS_PREFIX).quotes;
  }

  /** Latest ticks of the given symbols (missing ones are absent from the map). One round trip. */
  async get(symbols: readonly string[]): Promise<Map<string, WireTick>> {
    const out = new Map<string, WireTick>();
    if (symbols.length === 0) return out;
    const values = await this.redis.hmget(this.key, ...symbols);
    values.forEach((v) => {
      const t = parseWireTick(v);
      if (t) out.set(t[0], t);
    });
    return out;
  }
}
