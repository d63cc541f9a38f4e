import type { Logger } from 'pino';
import type { BrokerAccountDirectory } from '@tradeloop/accounts';
import type { Instrument } from '@tradeloop/domain';
import type { AppConfig, Db } from '@tradeloop/platform';

/**
 * The broker keys the daily instrument master import stored in instrument_broker_keys
 * (docs/brokers.md 6) for the active instruments among `symbols`: each broker's feed port
 * (Kite tokens, Upstox instrument keys, OpenAlgo `EXCHANGE:SYMBOL`) reads its own from these.
 */
export function brokerKeysOf(
  db: Db,
  broker: 'kite' | 'upstox' | 'openalgo',
  symbols: readonly string[],
): Promise<{ key: string; symbol: string }[]> {
  return db.sql.rows<{ key: string; symbol: string }>(
    `SELECT k.key, k.symbol FROM instrument_broker_keys k JOIN instruments i ON i.symbol = k.symbol
      WHERE k.broker = $1 AND i.active AND k.symbol = ANY($2::text[])`,
    [broker, symbols],
  );
}

/** What the worker hands a broker's feed source builder (MARKET_FEED_ACCOUNT_ID names the account). */
export interface BrokerFeedDeps {
  readonly config: AppConfig;
  readonly accounts: BrokerAccountDirectory;
  readonly db: Db;
  readonly universe: readonly Instrument[];
  readonly log: Logger;
}
