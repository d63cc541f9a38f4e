import { useCallback, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { REALTIME_EVENTS, type DepthEvent, type MarketDepthView } from '@tradeloop/contracts';
import { api } from '../../lib/api';
import { useRealtimeEvent } from '../../lib/RealtimeProvider';
import { useMarketSubscription } from '../../lib/useMarketSubscription';

export const depthQueryKey = (symbol: string) => ['market', 'depth', symbol] as const;

/**
 * One symbol's 5-level book: GET /market/depth first, then the `depth` events of its
 * subscription (newer books replace older ones); lost events (a seq jump, a reconnect) re-read it.
 */
export function useLiveDepth(symbol: string | null) {
  const queryClient = useQueryClient();
  const rest = useQuery({
    queryKey: depthQueryKey(symbol ?? ''),
    queryFn: ({ signal }) => api<MarketDepthView>('/api/v1/market/depth', { signal, query: { symbol: symbol! } }),
    enabled: symbol !== null,
    staleTime: Infinity,
  });
  const [live, setLive] = useState<MarketDepthView | null>(null);

  const onDepth = useCallback(
    (event: DepthEvent) => {
      if (event.symbol !== symbol) return;
      setLive((prev) => (prev && prev.symbol === event.symbol && prev.ts && prev.ts > event.ts ? prev : event));
    },
    [symbol],
  );
  useRealtimeEvent(REALTIME_EVENTS.depth, onDepth);

  const refetch = useCallback(() => {
    if (symbol) void queryClient.refetchQueries({ queryKey: depthQueryKey(symbol) }, { cancelRefetch: false });
  }, [queryClient, symbol]);
  const subscription = useMarketSubscription('depth', symbol ? [symbol] : [], undefined, refetch);

  const fromRest = rest.data && rest.data.symbol === symbol ? rest.data : null;
  const fromLive = live && live.symbol === symbol ? live : null;
  // The newer of the two (ISO times of the same format compare as strings).
  const depth = fromLive && (!fromRest?.ts || (fromLive.ts ?? '') >= fromRest.ts) ? fromLive : fromRest;
  return { depth, rest, status: symbol ? subscription.statuses[symbol]?.state : undefined };
}
