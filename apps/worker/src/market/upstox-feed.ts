import { UpstoxFeedSource } from '@tradeloop/brokers';
import type { Db } from '@tradeloop/platform';
import { brokerKeysOf, type BrokerFeedDeps } from './broker-feed-keys';

/**
 * Upstox `instrument_key`s (`NSE_EQ|INE002A01018`) of the instruments a feed streams (the port
 * UpstoxFeedSource.keys): the keys the daily instrument master import stored in
 * instrument_broker_keys (docs/brokers.md 2.7 and 6); only active instruments among `symbols`.
 */
export async function upstoxKeysOf(db: Db, symbols: readonly string[]): Promise<Map<string, string>> {
  const rows = await brokerKeysOf(db, 'upstox', symbols);
  const out = new Map<string, string>();
  for (const r of rows) if (/^[A-Z_]+\|\S/.test(r.key)) out.set(r.key, r.symbol);
  return out;
}

/**
 * The market feed v3 of MARKET_FEED_ACCOUNT_ID (an Upstox account with a daily login): while the
 * account has no session (needs_login, disabled) the feed waits; a token Upstox refuses turns the
 * account needs_login and the feed streams again after the next login.
 */
export function upstoxFeedSource(deps: BrokerFeedDeps): UpstoxFeedSource {
  const accountId = deps.config.MARKET_FEED_ACCOUNT_ID!;
  const symbols = deps.universe.map((i) => i.symbol);
  return new UpstoxFeedSource({
    apiRoot: deps.config.UPSTOX_API_ROOT,
    session: async () => {
      const account = await deps.accounts.forExecution(accountId);
      if (!account || account.kind !== 'upstox' || account.disabled || account.status !== 'connected' || !account.accessToken) return null;
      return { accessToken: account.accessToken };
    },
    onAuthLost: async (reason) => {
      await deps.accounts.markNeedsLogin(accountId, reason);
    },
    keys: async () => {
      const keys = await upstoxKeysOf(deps.db, symbols);
      if (keys.size === 0)
        deps.log.warn('no instrument has an Upstox key yet (run the instrument master import): the feed streams nothing');
      return keys;
    },
    onEvent: (event, details) => deps.log.info(details, `upstox feed: ${event}`),
  });
}
