import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { MarketChannel } from '@tradeloop/contracts';
import type { Timeframe } from '@tradeloop/domain';
import { useRealtime } from './RealtimeProvider';
import { marketSubscriptionsFor, streamKey, type SubscriptionStatus } from './market-subscriptions';

const NO_STATUSES: ReadonlyMap<string, SubscriptionStatus> = new Map();
const noop = () => () => undefined;

export interface MarketSubscriptionInfo {
  /** Per symbol: pending (asked), live (acknowledged), refused (with the server's reason) or no-answer. */
  statuses: Record<string, SubscriptionStatus>;
}

/**
 * Keeps this socket subscribed to `channel` for `symbols` (and `timeframe` for candles) while the
 * component is mounted: subscribes on mount and whenever the set changes (unsubscribing dropped
 * symbols), and again after a reconnect. The events themselves arrive through
 * `useRealtimeEvent('tick' | 'candle', …)`.
 *
 * `onStale` runs when updates of one of these streams were lost — a `seq` jump, or a reconnect —
 * so the caller can re-read the current state over REST.
 */
export function useMarketSubscription(
  channel: MarketChannel,
  symbols: readonly string[],
  timeframe?: Timeframe,
  onStale?: () => void,
): MarketSubscriptionInfo {
  const { connection } = useRealtime();
  const manager = connection ? marketSubscriptionsFor(connection) : null;
  const symbolsKey = symbols.join(',');

  const staleRef = useRef(onStale);
  useEffect(() => {
    staleRef.current = onStale;
  });

  useEffect(() => {
    if (!manager || !symbolsKey) return undefined;
    return manager.acquire(channel, symbolsKey.split(','), timeframe, () => staleRef.current?.());
  }, [manager, channel, symbolsKey, timeframe]);

  const all = useSyncExternalStore(manager ? manager.subscribeStatuses : noop, manager ? manager.getStatuses : () => NO_STATUSES);
  const statuses = useMemo(() => {
    const out: Record<string, SubscriptionStatus> = {};
    if (!symbolsKey) return out;
    for (const symbol of symbolsKey.split(',')) {
      const status = all.get(streamKey(channel, symbol, timeframe));
      if (status) out[symbol] = status;
    }
    return out;
  }, [all, channel, symbolsKey, timeframe]);
  return { statuses };
}
