import type { Db } from '@tradeloop/platform';

/**
 * Kite instrument tokens of the instruments a feed streams (the port KiteFeedSource.tokens): the
 * daily instrument master import stores each instrument's `instrument_token` in
 * instrument_broker_keys (docs/brokers.md 5); only active instruments among `symbols` are taken.
 */
export async function kiteTokensOf(db: Db, symbols: readonly string[]): Promise<Map<number, string>> {
  const rows = await db.sql.rows<{ key: string; symbol: string }>(
    `SELECT k.key, k.symbol FROM instrument_broker_keys k JOIN instruments i ON i.symbol = k.symbol
      WHERE k.broker = 'kite' AND i.active AND k.symbol = ANY($1::text[])`,
    [symbols],
  );
  const out = new Map<number, string>();
  for (const r of rows) {
    const token = Number(r.key);
    if (Number.isSafeInteger(token) && token > 0) out.set(token, r.symbol);
  }
  return out;
}
