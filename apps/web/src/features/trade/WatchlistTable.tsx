/*
 * Test ids:
 *   watchlist-rows                     the focusable grid of rows (keyboard: ↑/↓, Home/End, Enter, Delete, Alt+↑/↓)
 *   watchlist-row-<SYMBOL>             one row; data-ltp = current LTP string ("" before the first quote),
 *                                      data-bid / data-ask (the touch), data-selected, data-charted,
 *                                      data-live (pending|live|refused|no-answer)
 *   watchlist-touch-<SYMBOL>           the selected row's bid, ask and spread
 *   watchlist-ltp-<SYMBOL>             its LTP cell (flashes green/red when the LTP changes)
 *   watchlist-change-<SYMBOL>          change vs the previous close
 *   watchlist-change-pct-<SYMBOL>      change in percent
 *   watchlist-remove-<SYMBOL>          remove button
 *   (the selected row's quick buttons: quick/QuickStrip.tsx)
 */
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { EmptyState } from '../../components/EmptyState';
import type { SubscriptionStatus } from '../../lib/market-subscriptions';
import { changePercent, direction, formatChange, formatPrice, formatSpread } from '../../lib/price';
import type { QuoteBook } from './quote-book';
import { useLiveQuote } from './useLiveQuotes';

interface WatchlistTableProps {
  listName: string;
  symbols: readonly string[];
  book: QuoteBook;
  statuses: Record<string, SubscriptionStatus>;
  selected: number;
  charted: string | null;
  onSelect: (index: number) => void;
  onOpen: (symbol: string) => void;
  onRemove: (symbol: string) => void;
  onMove: (from: number, to: number) => void;
  /** What the selected row shows under its prices (its quick buttons). */
  renderQuick?: (symbol: string) => ReactNode;
}

export function WatchlistTable({
  listName,
  symbols,
  book,
  statuses,
  selected,
  charted,
  onSelect,
  onOpen,
  onRemove,
  onMove,
  renderQuick,
}: WatchlistTableProps) {
  const listId = useId();
  const bodyRef = useRef<HTMLDivElement>(null);
  const current = symbols[selected];

  useEffect(() => {
    if (!current) return;
    const row = bodyRef.current?.querySelector<HTMLElement>(`[data-symbol="${CSS.escape(current)}"]`);
    row?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (symbols.length === 0) return;
    const last = symbols.length - 1;
    const at = Math.min(selected, last);
    if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && event.altKey) {
      event.preventDefault();
      const to = event.key === 'ArrowDown' ? at + 1 : at - 1;
      if (to >= 0 && to <= last) onMove(at, to);
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      onSelect(Math.min(at + 1, last));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      onSelect(Math.max(at - 1, 0));
    } else if (event.key === 'Home') {
      event.preventDefault();
      onSelect(0);
    } else if (event.key === 'End') {
      event.preventDefault();
      onSelect(last);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      onOpen(symbols[at]!);
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      onRemove(symbols[at]!);
    }
  };

  return (
    <div className="wl-table">
      <div className="wl-head" aria-hidden="true">
        <span>Symbol</span>
        <span className="wl-num">LTP</span>
        <span className="wl-num wl-chg">Chg</span>
        <span className="wl-num">Chg %</span>
        <span />
      </div>
      {symbols.length === 0 ? (
        <EmptyState title="This watchlist is empty">Search above to add instruments.</EmptyState>
      ) : (
        // A grid of rows, not a listbox: a row holds buttons (remove, quick orders), which an option may not.
        <div
          ref={bodyRef}
          className="wl-body"
          role="grid"
          tabIndex={0}
          aria-label={`Instruments in ${listName}`}
          aria-activedescendant={current ? `${listId}-${selected}` : undefined}
          onKeyDown={onKeyDown}
          data-testid="watchlist-rows"
        >
          {symbols.map((symbol, index) => (
            <WatchlistRow
              key={symbol}
              id={`${listId}-${index}`}
              symbol={symbol}
              book={book}
              status={statuses[symbol]}
              selected={index === selected}
              charted={symbol === charted}
              onClick={() => {
                onSelect(index);
                onOpen(symbol);
              }}
              onRemove={() => onRemove(symbol)}
              quick={index === selected && renderQuick ? renderQuick(symbol) : null}
            />
          ))}
        </div>
      )}
    </div>
  );
}

interface WatchlistRowProps {
  id: string;
  symbol: string;
  book: QuoteBook;
  status: SubscriptionStatus | undefined;
  selected: boolean;
  charted: boolean;
  onClick: () => void;
  onRemove: () => void;
  quick: ReactNode;
}

/** One instrument; subscribes to its own quote so a tick re-renders this row only. */
function WatchlistRow({ id, symbol, book, status, selected, charted, onClick, onRemove, quick }: WatchlistRowProps) {
  const quote = useLiveQuote(book, symbol);
  const tone = direction(quote?.change);
  const toneClass = tone > 0 ? ' up' : tone < 0 ? ' down' : '';
  const unavailable = status?.state === 'refused' ? `No live prices: ${status.reason ?? 'refused'}` : undefined;
  return (
    <div
      id={id}
      role="row"
      aria-selected={selected}
      className={`wl-row${selected ? ' wl-row-selected' : ''}${charted ? ' wl-row-charted' : ''}${quick ? ' wl-row-quick' : ''}`}
      onClick={onClick}
      data-symbol={symbol}
      data-testid={`watchlist-row-${symbol}`}
      data-ltp={quote?.ltp ?? ''}
      data-bid={quote?.bid ?? ''}
      data-ask={quote?.ask ?? ''}
      data-selected={selected}
      data-charted={charted}
      data-live={status?.state ?? 'pending'}
    >
      <span role="gridcell" className="wl-symbol mono" title={unavailable ? `${symbol}: ${unavailable}` : symbol}>
        {symbol}
        {unavailable && (
          <span className="wl-warn" role="img" aria-label={unavailable}>
            !
          </span>
        )}
      </span>
      <span
        role="gridcell"
        className="wl-num wl-ltp-cell"
        title={quote?.bid && quote.ask ? `Bid ${formatPrice(quote.bid)} · Ask ${formatPrice(quote.ask)}` : undefined}
      >
        <span
          key={quote?.moves ?? 0}
          className={`wl-ltp mono${quote?.move && quote.moves > 0 ? ` flash-${quote.move}` : ''}`}
          data-testid={`watchlist-ltp-${symbol}`}
        >
          {formatPrice(quote?.ltp)}
        </span>
      </span>
      <span role="gridcell" className={`wl-num wl-chg mono${toneClass}`} data-testid={`watchlist-change-${symbol}`}>
        {formatChange(quote?.change)}
      </span>
      <span role="gridcell" className={`wl-num mono${toneClass}`} data-testid={`watchlist-change-pct-${symbol}`}>
        {changePercent(quote?.ltp, quote?.change, quote?.prevClose)}
      </span>
      <span role="gridcell" className="wl-remove-cell">
        <button
          type="button"
          className="icon-button wl-remove"
          aria-label={`Remove ${symbol}`}
          title={`Remove ${symbol} (Delete)`}
          tabIndex={-1}
          onClick={(event) => {
            event.stopPropagation();
            onRemove();
          }}
          data-testid={`watchlist-remove-${symbol}`}
        >
          ×
        </button>
      </span>
      {selected && quote?.bid && quote.ask && (
        <span role="gridcell" className="wl-touch mono" data-testid={`watchlist-touch-${symbol}`}>
          <span>
            Bid <span className="wl-bid">{formatPrice(quote.bid)}</span>
          </span>
          <span>
            Ask <span className="wl-ask">{formatPrice(quote.ask)}</span>
          </span>
          <span className="muted">spread {formatSpread(quote.bid, quote.ask)}</span>
        </span>
      )}
      {quick && (
        <div role="gridcell" className="wl-quick-cell">
          {quick}
        </div>
      )}
    </div>
  );
}
