import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { REALTIME_EVENTS, type TickEvent } from '@tradeloop/contracts';
import { useRealtimeEvent } from '../../lib/RealtimeProvider';
import { useMarketSubscription } from '../../lib/useMarketSubscription';
import type { LiveQuote, QuoteBook } from './quote-book';
import { quotesQueryKey, useQuotes } from './trade-api';

/**
 * Keeps `book` current for `symbols`: REST quotes first, then `tick` events. Lost ticks (a seq
 * jump or a reconnect) re-read the quotes.
 */
export function useLiveQuotes(book: QuoteBook, symbols: readonly string[]) {
  const queryClient = useQueryClient();
  const quotes = useQuotes(symbols);

  useEffect(() => {
    for (const quote of quotes.data?.items ?? []) book.applyQuote(quote);
  }, [book, quotes.data]);

  const symbolsKey = symbols.join(',');
  const refetch = useCallback(() => {
    if (!symbolsKey) return;
    void queryClient.refetchQueries({ queryKey: quotesQueryKey(symbolsKey.split(',')) }, { cancelRefetch: false });
  }, [queryClient, symbolsKey]);

  const subscription = useMarketSubscription('ticks', symbols, undefined, refetch);

  const onTick = useCallback((tick: TickEvent) => book.applyTick(tick), [book]);
  useRealtimeEvent(REALTIME_EVENTS.tick, onTick);

  return { quotes, subscription };
}

/** One symbol's latest quote from the book, re-rendering only when it changes. */
export function useLiveQuote(book: QuoteBook, symbol: string | null): LiveQuote | undefined {
  const subscribe = useCallback((listener: () => void) => (symbol ? book.subscribe(symbol, listener) : () => undefined), [book, symbol]);
  const get = useCallback(() => (symbol ? book.get(symbol) : undefined), [book, symbol]);
  return useSyncExternalStore(subscribe, get);
}

/**
 * The latest LTP of each of `symbols` from the book (undefined before the first quote),
 * re-rendering when any of them changes.
 */
export function useLiveLtps(book: QuoteBook, symbols: readonly string[]): (symbol: string) => string | undefined {
  const key = symbols.join('\u0000');
  const subscribe = useCallback(
    (listener: () => void) => {
      const offs = key ? key.split('\u0000').map((s) => book.subscribe(s, listener)) : [];
      return () => offs.forEach((off) => off());
    },
    [book, key],
  );
  // A string snapshot: equal prices compare equal, so unchanged quotes do not re-render.
  const snapshot = useSyncExternalStore(
    subscribe,
    useCallback(() => (key ? key.split('\u0000').map((s) => book.get(s)?.ltp ?? '') : []).join('\u0000'), [book, key]),
  );
  const ltps = new Map(key ? key.split('\u0000').map((s, i) => [s, snapshot.split('\u0000')[i] || undefined] as const) : []);
  return (symbol) => ltps.get(symbol);
}
