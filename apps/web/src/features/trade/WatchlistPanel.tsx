/*
 * Test ids:
 *   watchlist                  the panel; data-list = active list's name, data-count = its number of symbols
 *   watchlist-quotes-error     shown when quotes could not be loaded (with Retry)
 *   watchlist-live-status      live state of the list's prices (data-state = live|pending|no-answer|offline)
 *   (tabs, search and rows: see WatchlistTabs.tsx, InstrumentSearch.tsx, WatchlistTable.tsx;
 *    quick trading: quick/QuickBar.tsx, quick/QuickStrip.tsx, quick/SettingsDrawer.tsx)
 */
import { useState } from 'react';
import type { InstrumentDto, Leg, Watchlist } from '@tradeloop/contracts';
import { ErrorNotice } from '../../components/ErrorNotice';
import { describeError } from '../../lib/api';
import { useRealtime } from '../../lib/RealtimeProvider';
import type { SubscriptionStatus } from '../../lib/market-subscriptions';
import { InstrumentSearch } from './InstrumentSearch';
import { QuickBar } from './quick/QuickBar';
import { QuickKeysHint, QuickStrip } from './quick/QuickStrip';
import { SettingsDrawer } from './quick/SettingsDrawer';
import type { QuickTrade } from './quick/useQuickTrade';
import type { QuoteBook } from './quote-book';
import { useWatchlistChange } from './trade-api';
import { WatchlistTable } from './WatchlistTable';
import { WatchlistTabs } from './WatchlistTabs';

interface WatchlistPanelProps {
  lists: readonly Watchlist[];
  active: Watchlist | null;
  book: QuoteBook;
  statuses: Record<string, SubscriptionStatus>;
  quotesError: unknown;
  onRetryQuotes: () => void;
  charted: string | null;
  onActivate: (id: string) => void;
  onOpenChart: (symbol: string) => void;
  /** Quick trading on the rows (the active list's). */
  quick: QuickTrade;
  legs: readonly Leg[];
}

export function WatchlistPanel({
  lists,
  active,
  book,
  statuses,
  quotesError,
  onRetryQuotes,
  charted,
  onActivate,
  onOpenChart,
  quick,
  legs,
}: WatchlistPanelProps) {
  const change = useWatchlistChange();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [selection, setSelection] = useState<{ listId: string | null; index: number }>({ listId: null, index: 0 });
  const symbols = active?.symbols ?? [];
  // The selection belongs to one list; another list starts at its charted row or the top.
  const selected =
    selection.listId === active?.id
      ? Math.min(selection.index, Math.max(symbols.length - 1, 0))
      : Math.max(0, charted ? symbols.indexOf(charted) : 0);
  const select = (index: number) => setSelection({ listId: active?.id ?? null, index });

  const add = (instrument: InstrumentDto) => {
    if (!active) return;
    const existing = symbols.indexOf(instrument.symbol);
    if (existing >= 0) {
      select(existing);
      return;
    }
    change.mutate(
      { kind: 'add', id: active.id, symbol: instrument.symbol },
      { onSuccess: (list) => list && setSelection({ listId: list.id, index: list.symbols.indexOf(instrument.symbol) }) },
    );
  };

  const remove = (symbol: string) => {
    if (!active) return;
    change.mutate({ kind: 'remove', id: active.id, symbol });
  };

  const move = (from: number, to: number) => {
    if (!active) return;
    const next = [...symbols];
    const [moved] = next.splice(from, 1);
    next.splice(to, 0, moved!);
    select(to);
    change.mutate({ kind: 'replace', id: active.id, symbols: next });
  };

  return (
    <section className="wl-panel" aria-label="Watchlist" data-testid="watchlist" data-list={active?.name ?? ''} data-count={symbols.length}>
      <WatchlistTabs
        lists={lists}
        activeId={active?.id ?? null}
        busy={change.isPending}
        onActivate={onActivate}
        onCreate={async (name) => {
          const list = await change.mutateAsync({ kind: 'create', name });
          if (list) onActivate(list.id);
        }}
        onRename={(id, name) => change.mutateAsync({ kind: 'rename', id, name })}
        onDelete={(id) => change.mutateAsync({ kind: 'delete', id }).catch(() => undefined)}
      />
      <InstrumentSearch listed={symbols} disabled={!active} onAdd={add} />
      <QuickBar
        quick={quick}
        anyOpen={legs.some((l) => l.watchlistId === active?.id && l.targetQuantity !== 0)}
        selected={symbols[selected] ?? null}
        onSettings={() => setSettingsOpen(true)}
      />
      <WatchlistTable
        listName={active?.name ?? 'watchlist'}
        symbols={symbols}
        book={book}
        statuses={statuses}
        selected={selected}
        charted={charted}
        onSelect={select}
        onOpen={onOpenChart}
        onRemove={remove}
        onMove={move}
        renderQuick={(symbol) => <QuickStrip symbol={symbol} book={book} quick={quick} legs={legs} />}
      />
      {quotesError ? (
        <div className="wl-footer" data-testid="watchlist-quotes-error">
          <ErrorNotice error={quotesError} message={`Quotes could not be loaded: ${describeError(quotesError)}`} onRetry={onRetryQuotes} />
        </div>
      ) : null}
      <WatchlistFooter symbols={symbols} statuses={statuses} />
      {symbols.length > 0 && (
        <div className="wl-quick-hint">
          <QuickKeysHint />
        </div>
      )}
      <SettingsDrawer
        open={settingsOpen}
        onClose={() => setSettingsOpen(false)}
        watchlistId={active?.id ?? null}
        watchlistName={active?.name ?? 'this watchlist'}
        symbol={symbols[selected] ?? null}
        underlying={symbols[selected] ?? null}
      />
    </section>
  );
}

const LIVE_TEXT = {
  live: 'Live',
  pending: 'Subscribing…',
  'no-answer': 'Live prices unavailable: the server did not answer',
  offline: 'Offline: prices may be stale',
} as const;

function WatchlistFooter({ symbols, statuses }: { symbols: readonly string[]; statuses: Record<string, SubscriptionStatus> }) {
  const { state: connection } = useRealtime();
  const states = symbols.map((s) => statuses[s]?.state ?? 'pending');
  const refused = symbols.filter((s) => statuses[s]?.state === 'refused');
  const state: keyof typeof LIVE_TEXT =
    connection !== 'online'
      ? 'offline'
      : states.some((s) => s === 'live')
        ? 'live'
        : states.some((s) => s === 'no-answer')
          ? 'no-answer'
          : 'pending';
  return (
    <footer className="wl-status">
      <span className="muted">
        {symbols.length} {symbols.length === 1 ? 'instrument' : 'instruments'}
      </span>
      {symbols.length > 0 && (
        <span
          className={`live-indicator live-${state === 'live' ? 'online' : state === 'offline' ? 'offline' : 'connecting'}`}
          data-testid="watchlist-live-status"
          data-state={state}
        >
          <span className="live-dot" aria-hidden="true" />
          {LIVE_TEXT[state]}
        </span>
      )}
      {refused.length > 0 && <span className="text-negative">No live prices for {refused.join(', ')}</span>}
    </footer>
  );
}
