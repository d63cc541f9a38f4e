import { useCallback, useEffect } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  BACKTEST_FINAL_STATUSES,
  REALTIME_EVENTS,
  type BacktestCreated,
  type BacktestDto,
  type BacktestEquity,
  type BacktestProgressEvent,
  type BacktestSummaryDto,
  type BacktestTradeDto,
  type CreateBacktestInput,
  type Page,
} from '@tradeloop/contracts';
import { api } from '../../lib/api';
import { useRealtime } from '../../lib/RealtimeProvider';

/** Backtests (docs/backtests.md "Runs, storage and API"; docs/api.md "Backtests and runs"). */
export const backtestsQueryKey = ['quant', 'backtests'] as const;
const backtestKey = (id: string) => [...backtestsQueryKey, id] as const;
const tradesKey = (id: string, cursor: string | null) => [...backtestsQueryKey, id, 'trades', cursor ?? ''] as const;
const equityKey = (id: string) => [...backtestsQueryKey, id, 'equity'] as const;

const path = (id: string) => `/api/v1/backtests/${encodeURIComponent(id)}`;
export const isFinal = (b: Pick<BacktestDto, 'status'> | undefined): boolean =>
  b !== undefined && BACKTEST_FINAL_STATUSES.includes(b.status);

/** Without a `backtest.progress` event for this long, the status is polled every second. */
const EVENT_SILENCE_MS = 2_000;
const POLL_MS = 1_000;
/** While events arrive, a slower read still picks up the status (queued → running, the end). */
const POLL_WITH_EVENTS_MS = 3_000;

/** Time of the last `backtest.progress` event per backtest (shared by the hooks below). */
const lastEventAt = new Map<string, number>();

export function useBacktest(id: string | null) {
  return useQuery({
    queryKey: backtestKey(id ?? ''),
    queryFn: ({ signal }) => api<BacktestDto>(path(id!), { signal }),
    enabled: id !== null,
    refetchInterval: (query) => {
      const data = query.state.data;
      if (query.state.status === 'error' || isFinal(data)) return false;
      const heard = lastEventAt.get(id ?? '');
      return heard !== undefined && Date.now() - heard < EVENT_SILENCE_MS ? POLL_WITH_EVENTS_MS : POLL_MS;
    },
  });
}

/**
 * `backtest.progress` (the owner's room) moves the cached backtest's progress (a queued one is
 * then running); reaching 1 re-reads it for its final status and metrics. A reconnect re-reads
 * every unfinished one. Missed events need no gap logic: the status read is authoritative.
 */
export function useBacktestProgressSync(): void {
  const queryClient = useQueryClient();
  const { connection } = useRealtime();
  useEffect(() => {
    if (!connection) return undefined;
    const { socket } = connection;
    let connectedBefore = socket.connected;
    const onProgress = (event: BacktestProgressEvent) => {
      lastEventAt.set(event.id, Date.now());
      queryClient.setQueryData<BacktestDto>(backtestKey(event.id), (b) =>
        b && !isFinal(b)
          ? { ...b, status: b.status === 'queued' ? 'running' : b.status, progress: Math.max(b.progress, Math.min(event.progress, 1)) }
          : b,
      );
      if (event.progress >= 1) void queryClient.invalidateQueries({ queryKey: backtestKey(event.id), exact: true });
    };
    const onConnect = () => {
      if (connectedBefore)
        for (const [key, data] of queryClient.getQueriesData<BacktestDto>({ queryKey: backtestsQueryKey }))
          if (key.length === 3 && data && !isFinal(data)) void queryClient.invalidateQueries({ queryKey: key, exact: true });
      connectedBefore = true;
    };
    socket.on(REALTIME_EVENTS.backtestProgress, onProgress);
    socket.on('connect', onConnect);
    return () => {
      socket.off(REALTIME_EVENTS.backtestProgress, onProgress);
      socket.off('connect', onConnect);
    };
  }, [connection, queryClient]);
}

export function useCreateBacktest() {
  return useMutation({
    mutationFn: (body: CreateBacktestInput) => api<BacktestCreated>('/api/v1/backtests', { method: 'POST', body }),
  });
}

export function useCancelBacktest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<unknown>(path(id), { method: 'DELETE' }),
    onSettled: (_r, _e, id) => void queryClient.invalidateQueries({ queryKey: backtestKey(id), exact: true }),
  });
}

export const TRADES_PAGE = 50;

/** One page of a completed backtest's trades (`cursor` null = the first). */
export function useBacktestTrades(id: string, cursor: string | null, enabled: boolean) {
  return useQuery({
    queryKey: tradesKey(id, cursor),
    queryFn: ({ signal }) =>
      api<Page<BacktestTradeDto>>(`${path(id)}/trades`, { signal, query: { limit: TRADES_PAGE, cursor: cursor ?? undefined } }),
    enabled,
    staleTime: Infinity,
  });
}

/** Every trade of a backtest, page after page (for the CSV export). */
export async function fetchAllTrades(id: string): Promise<BacktestTradeDto[]> {
  const all: BacktestTradeDto[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<BacktestTradeDto> = await api<Page<BacktestTradeDto>>(`${path(id)}/trades`, {
      query: { limit: 500, cursor: cursor ?? undefined },
    });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

export function useBacktestEquity(id: string, enabled: boolean) {
  return useQuery({
    queryKey: equityKey(id),
    queryFn: ({ signal }) => api<BacktestEquity>(`${path(id)}/equity`, { signal }),
    enabled,
    staleTime: Infinity,
  });
}

/** The caller's backtests, newest first (`GET /api/v1/backtests`), a page at a time. */
export const backtestListKey = ['quant', 'backtest-list'] as const;
export const LIST_PAGE = 20;
/** While any listed backtest is unfinished, the list is re-read this often. */
const LIST_POLL_MS = 2_000;

export function useBacktestList() {
  return useInfiniteQuery({
    queryKey: backtestListKey,
    queryFn: ({ signal, pageParam }) =>
      api<Page<BacktestSummaryDto>>('/api/v1/backtests', { signal, query: { limit: LIST_PAGE, cursor: pageParam ?? undefined } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.items.some((b) => !isFinal(b))) ? LIST_POLL_MS : false),
  });
}

/** A new backtest shows in the list at once. */
export function useRefreshBacktestList(): () => void {
  const queryClient = useQueryClient();
  return useCallback(() => void queryClient.invalidateQueries({ queryKey: backtestListKey }), [queryClient]);
}
