/*
 * Trade → Market watch: the user's watchlists (left) and a live price chart (right).
 *
 * URL state (shareable, survives reloads): ?list=<watchlist id>&symbol=<SYMBOL>&tf=<1m|5m|15m|1h|1d>.
 *
 * Test ids:
 *   trade-page      the page
 *   (watchlist: WatchlistPanel.tsx, WatchlistTabs.tsx, InstrumentSearch.tsx, WatchlistTable.tsx;
 *    chart: PriceChart.tsx)
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { isTimeframe, type Timeframe } from '@tradeloop/domain';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { PriceChart } from './PriceChart';
import { QuoteBook } from './quote-book';
import { useWatchlists } from './trade-api';
import { useLiveQuotes } from './useLiveQuotes';
import { WatchlistPanel } from './WatchlistPanel';

export function TradePage() {
  const [params, setParams] = useSearchParams();
  const [book] = useState(() => new QuoteBook());
  useEffect(() => () => book.dispose(), [book]);

  const watchlists = useWatchlists();
  const lists = useMemo(() => watchlists.data?.items ?? [], [watchlists.data]);
  const active = lists.find((w) => w.id === params.get('list')) ?? lists[0] ?? null;
  const tfParam = params.get('tf');
  const timeframe: Timeframe = isTimeframe(tfParam) ? tfParam : '1m';
  const charted = params.get('symbol') ?? active?.symbols[0] ?? null;

  // Quotes for the visible list, plus the charted instrument when it is not on it.
  const activeSymbols = active?.symbols;
  const quoteSymbols = useMemo(() => {
    const symbols = [...(activeSymbols ?? [])];
    if (charted && !symbols.includes(charted)) symbols.push(charted);
    return symbols;
  }, [activeSymbols, charted]);
  const { quotes, subscription } = useLiveQuotes(book, quoteSymbols);

  const update = useCallback(
    (changes: Record<string, string | null>) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(changes)) {
            if (v === null) next.delete(k);
            else next.set(k, v);
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  return (
    <div className="page trade-page" data-testid="trade-page">
      <PageHeader section="Trade" title="Market watch" />
      {watchlists.isError && <ErrorNotice error={watchlists.error} onRetry={() => void watchlists.refetch()} />}
      <div className="trade-grid">
        <WatchlistPanel
          lists={lists}
          active={active}
          book={book}
          statuses={subscription.statuses}
          quotesError={quotes.isError ? quotes.error : null}
          onRetryQuotes={() => void quotes.refetch()}
          charted={charted}
          onActivate={(id) => update({ list: id })}
          onOpenChart={(symbol) => update({ symbol })}
        />
        <PriceChart symbol={charted} timeframe={timeframe} book={book} onTimeframe={(tf) => update({ tf })} />
      </div>
    </div>
  );
}
