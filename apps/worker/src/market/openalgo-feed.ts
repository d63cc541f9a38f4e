import { OpenAlgoFeedSource } from '@tradeloop/brokers';
import type { Instrument } from '@tradeloop/domain';
import type { Db } from '@tradeloop/platform';
import { openAlgoWsUrl } from '@tradeloop/trading';
import { brokerKeysOf, type BrokerFeedDeps } from './broker-feed-keys';

/**
 * OpenAlgo `EXCHANGE:SYMBOL` of each instrument a feed streams (the port OpenAlgoFeedSource.symbols):
 * the key the daily instrument master import stored in instrument_broker_keys (docs/brokers.md 3.7
 * and 6), else, for cash equities and indices, the names an instance uses for them: our own
 * exchange and symbol (the adapter's instrument map does the same), indices on `NSE_INDEX` /
 * `BSE_INDEX`. A derivative without a key is left out: OpenAlgo spells its contracts with the full
 * expiry date, not as we do. Only active instruments among `universe` are taken.
 */
export async function openAlgoSymbolsOf(db: Db, universe: readonly Instrument[]): Promise<Map<string, string>> {
  const symbols = universe.map((i) => i.symbol);
  const rows = await brokerKeysOf(db, 'openalgo', symbols);
  const keyed = new Map<string, string>();
  for (const r of rows) if (/^[A-Z_]+:\S+$/.test(r.key)) keyed.set(r.symbol, r.key);
  const out = new Map<string, string>();
  for (const i of universe) {
    const own =
      i.instrumentType === 'EQ' ? `${i.exchange}:${i.symbol}` : i.instrumentType === 'INDEX' ? `${i.exchange}_INDEX:${i.symbol}` : null;
    const key = keyed.get(i.symbol) ?? own;
    if (key) out.set(key, i.symbol);
  }
  return out;
}

/**
 * The WebSocket proxy of MARKET_FEED_ACCOUNT_ID (an OpenAlgo account: host + API key, no daily
 * login) as the market feed: while the account is not connected (error, disabled) the feed waits;
 * a key the proxy refuses turns the account `error` (audited), never needs_login, and the feed
 * streams again once the account is connected again (the periodic check, or a new key).
 */
export function openAlgoFeedSource(deps: BrokerFeedDeps): OpenAlgoFeedSource {
  const { config, accounts, db, universe, log } = deps;
  const accountId = config.MARKET_FEED_ACCOUNT_ID!;
  return new OpenAlgoFeedSource({
    session: async () => {
      const account = await accounts.forExecution(accountId);
      if (!account || account.kind !== 'openalgo' || account.disabled || account.status !== 'connected') return null;
      const host = account.credentials['host'];
      const apiKey = account.credentials['apiKey'];
      if (!host || !apiKey) return null;
      return { url: openAlgoWsUrl(host, config.OPENALGO_WS_PORT), apiKey };
    },
    onAuthLost: async (reason) => {
      await accounts.markError(accountId, reason);
    },
    symbols: () => openAlgoSymbolsOf(db, universe),
    onEvent: (event, details) => log.info(details, `openalgo feed: ${event}`),
  });
}
