import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig, REDIS } from '@tradeloop/platform';
import { marketKeys, parseWireDepth, parseWireTick, type WireDepth, type WireTick } from './market-wire';

/**
 * The latest quote (and 5-level book) of every instrument, in Redis hashes shared by all
 * processes: the feed writes them, the API and the execution engine read them.
 */
@Injectable()
export class QuotesStore {
  private readonly key: string;
  private readonly depthKey: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const keys = marketKeys(config.REDIS_PREFIX);
    this.key = keys.quotes;
    this.depthKey = keys.depthBook;
  }

  private hot: ((symbol: string) => WireTick | undefined) | null = null;
  private hotDepth: ((symbol: string) => WireDepth | undefined) | null = null;

  /**
   * A process that receives the live feed itself (the API's stream hub) answers from memory
   * first: `lookup` returns a symbol's latest tick while it is fresh, else undefined.
   */
  attachHot(lookup: (symbol: string) => WireTick | undefined): void {
    this.hot = lookup;
  }

  /** Like attachHot, for books: a process receiving a symbol's depth channel answers from memory. */
  attachHotDepth(lookup: (symbol: string) => WireDepth | undefined): void {
    this.hotDepth = lookup;
  }

  /** The latest 5-level book of a symbol (memory, then Redis), or null when the feed has reported none. */
  async depth(symbol: string): Promise<WireDepth | null> {
    const hot = this.hotDepth?.(symbol);
    if (hot) return hot;
    return parseWireDepth(await this.redis.hget(this.depthKey, symbol));
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
