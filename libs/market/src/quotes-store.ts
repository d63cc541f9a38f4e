import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig, REDIS } from '@tradeloop/platform';
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

  private hot: ((symbol: string) => WireTick | undefined) | null = null;

  /**
   * A process that receives the live feed itself (the API's stream hub) answers from memory
   * first: `lookup` returns a symbol's latest tick while it is fresh, else undefined.
   */
  attachHot(lookup: (symbol: string) => WireTick | undefined): void {
    this.hot = lookup;
  }

  /** Latest ticks of the given symbols (missing ones are absent from the map): memory, then one Redis round trip. */
  async get(symbols: readonly string[]): Promise<Map<string, WireTick>> {
    const out = new Map<string, WireTick>();
    const missing: string[] = [];
    for (const s of symbols) {
      const t = this.hot?.(s);
      if (t) out.set(s, t);
      else missing.push(s);
    }
    if (missing.length === 0) return out;
    const values = await this.redis.hmget(this.key, ...missing);
    values.forEach((v) => {
      const t = parseWireTick(v);
      if (t) out.set(t[0], t);
    });
    return out;
  }
}
