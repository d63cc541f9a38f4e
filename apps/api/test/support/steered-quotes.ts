import type { Redis } from 'ioredis';
import { formatPrice, type PriceTicks } from '@tradeloop/domain';
import { marketKeys, parseWireTick } from '@tradeloop/market';
import { REDIS } from '@tradeloop/platform';
import { eventually } from './market-socket';
import type { TestApi } from './test-api';

/**
 * Until every process reads `price` as the LTP of `symbol`: the API (its stream hub answers from
 * the ticks it received, at once) AND the shared quotes hash in Redis, which the feed writes every
 * 100 ms and the worker reads (alert decisions, paper fills). Waiting for the API alone let a test
 * act inside that window: the worker then judged on the previous price, or on none yet.
 */
export function untilQuotedEverywhere(api: TestApi, redisPrefix: string, token: string, symbol: string, price: PriceTicks, ms = 15_000) {
  const redis = api.app.get<Redis>(REDIS);
  const key = marketKeys(redisPrefix).quotes;
  return eventually(
    async () => {
      const shared = parseWireTick(await redis.hget(key, symbol));
      if (shared?.[2] !== price) return false;
      const res = await api.http.get(`/api/v1/market/quotes?symbols=${encodeURIComponent(symbol)}`, token);
      return res.status === 200 && res.body.items?.[0]?.ltp === formatPrice(price);
    },
    ms,
    `${symbol} quoted at ${formatPrice(price)} by the API and in the shared quotes`,
  );
}
