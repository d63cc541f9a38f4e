import type { Db } from '@tradeloop/platform';
import { brokerKeysOf } from './broker-feed-keys';

/**
 * Kite instrument tokens of the instruments a feed streams (the port KiteFeedSource.tokens): the
 * daily instrument master import stores each instrument's `instrument_token` in
 * instrument_broker_keys (docs/brokers.md 5); only active instruments among `symbols` are taken.
 */
export async function kiteTokensOf(db: Db, symbols: readonly string[]): Promise<Map<number, string>> {
  const rows = await brokerKeysOf(db, 'kite', symbols);
  const out = new Map<number, string>();
  for (const r of rows) {
    const token = Number(r.key);
    if (Number.isSafeInteger(token) && token > 0) out.set(token, r.symbol);
  }
  return out;
}
