import { useRef } from 'react';
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import type { CandleSeries, InstrumentDto, QuoteList, Watchlist, WatchlistList } from '@tradeloop/contracts';
import type { Timeframe } from '@tradeloop/domain';
import { api, describeError } from '../../lib/api';

export const watchlistsQueryKey = ['watchlists'] as const;
export const quotesQueryKey = (symbols: readonly string[]) => ['market', 'quotes', symbols.join(',')] as const;
export const candlesQueryKey = (symbol: string, timeframe: Timeframe) => ['market', 'candles', symbol, timeframe] as const;

/** The caller's watchlists in order (the server creates "Watchlist 1" on first use). */
export function useWatchlists() {
  return useQuery({
    queryKey: watchlistsQueryKey,
    queryFn: ({ signal }) => api<WatchlistList>('/api/v1/watchlists', { signal }),
    staleTime: 60_000,
  });
}

/** The latest REST quotes of `symbols` (known symbols without a quote yet are simply absent). */
export function useQuotes(symbols: readonly string[]) {
  return useQuery({
    queryKey: quotesQueryKey(symbols),
    queryFn: ({ signal }) => api<QuoteList>('/api/v1/market/quotes', { signal, query: { symbols: symbols.join(',') } }),
    enabled: symbols.length > 0,
    // Ticks keep the book current; a refetch is asked for explicitly on a gap or reconnect.
    staleTime: Infinity,
  });
}

/** Instrument search: symbol prefix or words of the name (shared by the box and its Enter key). */
export const instrumentSearchOptions = (query: string) => {
  const q = query.trim();
  return queryOptions({
    queryKey: ['instruments', 'search', q],
    queryFn: ({ signal }) => api<{ items: InstrumentDto[] }>('/api/v1/instruments', { signal, query: { query: q, limit: 12 } }),
    staleTime: 5 * 60_000,
  });
};

export function useInstrumentSearch(query: string) {
  return useQuery({ ...instrumentSearchOptions(query), enabled: query.trim().length > 0, placeholderData: keepPreviousData });
}

/** The last 500 candles up to now (the API's default range). */
export function useCandles(symbol: string | null, timeframe: Timeframe) {
  return useQuery({
    queryKey: candlesQueryKey(symbol ?? '', timeframe),
    queryFn: ({ signal }) => api<CandleSeries>('/api/v1/market/candles', { signal, query: { symbol: symbol!, timeframe } }),
    enabled: symbol !== null,
    staleTime: Infinity,
  });
}

type ListChange =
  | { kind: 'create'; name: string; symbols?: string[] }
  | { kind: 'rename'; id: string; name: string }
  | { kind: 'delete'; id: string }
  | { kind: 'add'; id: string; symbol: string }
  | { kind: 'remove'; id: string; symbol: string }
  | { kind: 'replace'; id: string; symbols: string[] };

function send(change: ListChange): Promise<Watchlist | undefined> {
  const base = '/api/v1/watchlists';
  switch (change.kind) {
    case 'create':
      return api<Watchlist>(base, { method: 'POST', body: { name: change.name, symbols: change.symbols ?? [] } });
    case 'rename':
      return api<Watchlist>(`${base}/${change.id}`, { method: 'PATCH', body: { name: change.name } });
    case 'delete':
      return api<undefined>(`${base}/${change.id}`, { method: 'DELETE' });
    case 'add':
      return api<Watchlist>(`${base}/${change.id}/symbols`, { method: 'POST', body: { symbol: change.symbol } });
    case 'remove':
      return api<Watchlist>(`${base}/${change.id}/symbols/${encodeURIComponent(change.symbol)}`, { method: 'DELETE' });
    case 'replace':
      return api<Watchlist>(`${base}/${change.id}/symbols`, { method: 'PUT', body: { symbols: change.symbols } });
  }
}

/** What the cached lists look like right after `change`, before the server answers (remove, reorder). */
function optimistic(lists: Watchlist[], change: ListChange): Watchlist[] | null {
  if (change.kind === 'remove')
    return lists.map((w) => (w.id === change.id ? { ...w, symbols: w.symbols.filter((s) => s !== change.symbol) } : w));
  if (change.kind === 'replace') return lists.map((w) => (w.id === change.id ? { ...w, symbols: change.symbols } : w));
  if (change.kind === 'delete') return lists.filter((w) => w.id !== change.id);
  return null;
}

const FAILURE: Record<ListChange['kind'], string> = {
  create: 'Could not create the watchlist',
  rename: 'Could not rename the watchlist',
  delete: 'Could not delete the watchlist',
  add: 'Could not add the instrument',
  remove: 'Could not remove the instrument',
  replace: 'Could not reorder the watchlist',
};

const changeMutationKey = ['watchlists', 'change'] as const;

/**
 * Every watchlist change through one mutation. Removals and reorders show at once and are
 * rolled back if refused; the server's answer (the whole list) then replaces the cached one.
 * When changes overlap (Delete pressed three times quickly), answers may arrive out of order:
 * then the optimistic state stands until the last one settles, and the lists are re-read.
 */
export function useWatchlistChange() {
  const queryClient = useQueryClient();
  const overlapped = useRef(false);
  const othersPending = () => queryClient.isMutating({ mutationKey: changeMutationKey }) > 1;
  return useMutation({
    mutationKey: changeMutationKey,
    mutationFn: send,
    onMutate: async (change) => {
      if (othersPending()) overlapped.current = true;
      await queryClient.cancelQueries({ queryKey: watchlistsQueryKey });
      const before = queryClient.getQueryData<WatchlistList>(watchlistsQueryKey);
      const next = before && optimistic(before.items, change);
      if (next) queryClient.setQueryData<WatchlistList>(watchlistsQueryKey, { items: next });
      return { before };
    },
    onError: (error, change, context) => {
      if (!othersPending() && context?.before && optimistic(context.before.items, change))
        queryClient.setQueryData(watchlistsQueryKey, context.before);
      toast.error(FAILURE[change.kind], { description: describeError(error) });
    },
    onSuccess: (result, change) => {
      if (othersPending()) return;
      queryClient.setQueryData<WatchlistList>(watchlistsQueryKey, (data) => {
        if (!data) return data;
        if (change.kind === 'delete') return { items: data.items.filter((w) => w.id !== change.id) };
        if (!result) return data;
        const exists = data.items.some((w) => w.id === result.id);
        return { items: exists ? data.items.map((w) => (w.id === result.id ? result : w)) : [...data.items, result] };
      });
    },
    onSettled: (_result, error, change) => {
      if (othersPending()) return;
      // A refusal may mean the lists changed elsewhere (another tab); a deleted last list is
      // replaced by a new default; overlapping answers may have been skipped: re-read.
      if (error || change.kind === 'delete' || overlapped.current) {
        overlapped.current = false;
        void queryClient.invalidateQueries({ queryKey: watchlistsQueryKey });
      }
    },
  });
}
