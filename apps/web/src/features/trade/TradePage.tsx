/*
 * Trade → Market watch: the user's watchlists (left) and a live price chart (right).
 *
 * The order ticket docks right of the chart, the charted instrument's market depth under it; orders,
 * positions, trades and risk are tabs below.
 *
 * URL state (shareable, survives reloads): ?list=<watchlist id>&symbol=<SYMBOL>&tf=<1m|5m|15m|1h|1d>&tab=<orders|legs|positions|trades|risk>.
 *
 * Keys: B / S open the ticket as buy / sell for the selected watchlist row (when the list has
 * focus) or the charted instrument; Esc closes it. With the list focused, the quick actions of the
 * selected row: ⇧B / ⇧S, 1–4 (CE+ CE− PE+ PE−), X (exit), ⇧X (exit all) — quick/quick-trade.ts.
 *
 * Watchlist trading (docs/watchlist-trading.md): quick buttons on the selected row, the Legs tab,
 * the selected leg's TP / SL / trailing stop drawn on the chart of its contract, risk exits as toasts.
 *
 * Test ids:
 *   trade-page      the page
 *   (watchlist: WatchlistPanel.tsx, WatchlistTabs.tsx, InstrumentSearch.tsx, WatchlistTable.tsx;
 *    chart: PriceChart.tsx; depth: DepthPanel.tsx; ticket: OrderTicket.tsx; tabs: TradingTabs.tsx and the tables it names)
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { toast } from 'sonner';
import type { Leg, RiskExit } from '@tradeloop/contracts';
import { isTimeframe, type Timeframe } from '@tradeloop/domain';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { PriceChart } from './PriceChart';
import { DepthPanel } from './DepthPanel';
import { QuoteBook } from './quote-book';
import { useWatchlists } from './trade-api';
import { useLiveQuotes } from './useLiveQuotes';
import { WatchlistPanel } from './WatchlistPanel';
import { OrderTicketPanel, type TicketState } from './OrderTicket';
import { useInstrument, useKillSwitch, useOrders, usePositions, useTrades } from './orders-api';
import { isTradingTab, TradingTabs, type TradingTab } from './TradingTabs';
import { useTradingSync } from './useTradingSync';
import { useBrokerAccounts } from '../brokers/broker-accounts-api';
import { useLegs, useWatchlistTradingSync } from './quick/quick-api';
import { exitSentence, legKey, LegsPanel } from './quick/LegsPanel';
import { legLevels, quickKey } from './quick/quick-trade';
import { useQuickTrade } from './quick/useQuickTrade';
import './trade.css';
import './quick/quick.css';

const EMPTY: never[] = [];

const isTypingTarget = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/** The selected watchlist row's element while the list has focus, else null. */
function focusedWatchlistRow(): HTMLElement | null {
  const list = document.activeElement?.closest('[data-testid="watchlist-rows"]');
  return list?.querySelector<HTMLElement>('[data-selected="true"]') ?? null;
}

/** The watchlist's selected row while the list has focus, else null. */
function focusedWatchlistSymbol(): string | null {
  const list = document.activeElement?.closest('[data-testid="watchlist-rows"]');
  return list?.querySelector<HTMLElement>('[data-selected="true"]')?.dataset.symbol ?? null;
}

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
  const tabParam = params.get('tab');
  const tab: TradingTab = isTradingTab(tabParam) ? tabParam : 'orders';
  // `?ticket=BUY|SELL` (the option chain's one-click buy / sell) opens the ticket on `?symbol=`; the
  // parameter is then dropped from the URL so a reload does not open it again.
  const ticketParam = params.get('ticket');
  const [ticket, setTicket] = useState<TicketState | null>(() =>
    (ticketParam === 'BUY' || ticketParam === 'SELL') && params.get('symbol') ? { symbol: params.get('symbol')!, side: ticketParam } : null,
  );
  useEffect(() => {
    if (ticketParam === null) return;
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        next.delete('ticket');
        return next;
      },
      { replace: true },
    );
  }, [ticketParam, setParams]);

  useTradingSync();
  const orders = useOrders();
  const positions = usePositions();
  const trades = useTrades();
  const killSwitch = useKillSwitch();
  const positionItems = positions.data?.items ?? EMPTY;

  // Watchlist trading: the active list's quick buttons, the legs and their exits.
  const quick = useQuickTrade(active?.id ?? null);
  // The chain opens on the charted instrument's index (an option's or future's underlying), else NIFTY.
  const chartedInstrument = useInstrument(charted);
  const chainUnderlying = chartedInstrument.data?.underlying ?? (chartedInstrument.data?.instrumentType === 'INDEX' ? charted! : 'NIFTY');
  const legsQuery = useLegs();
  const legs: readonly Leg[] = legsQuery.data?.items ?? EMPTY;
  const brokerAccounts = useBrokerAccounts();
  const accountName = useCallback(
    (id: string) => brokerAccounts.data?.items.find((a) => a.id === id)?.name ?? `account …${id.slice(-4)}`,
    [brokerAccounts.data],
  );
  const [selectedLeg, setSelectedLeg] = useState<string | null>(null);
  const [lastExit, setLastExit] = useState<RiskExit | null>(null);
  const onExit = useCallback((exit: RiskExit) => {
    setLastExit(exit);
    toast.warning(exitSentence(exit), { className: 'toast risk-exit-toast' });
  }, []);
  const openLegs = legs.filter((l) => l.netQuantity !== 0 || l.targetQuantity !== 0);
  useWatchlistTradingSync(openLegs.length > 0, onExit);
  const chartedLeg =
    legs.find((l) => legKey(l) === selectedLeg && l.symbol === charted) ?? legs.find((l) => l.symbol === charted && l.netQuantity !== 0);
  const levels = useMemo(() => legLevels(chartedLeg), [chartedLeg]);
  const legSymbols = openLegs.map((l) => l.symbol).join(',');

  // Quotes for the visible list, the charted instrument, the ticket's and the open positions'.
  const activeSymbols = active?.symbols;
  const positionSymbols = positionItems
    .filter((p) => p.netQuantity !== 0)
    .map((p) => p.symbol)
    .join(',');
  const ticketSymbol = ticket?.symbol ?? null;
  const quoteSymbols = useMemo(() => {
    const symbols = [...(activeSymbols ?? [])];
    const more = [...(positionSymbols ? positionSymbols.split(',') : []), ...(legSymbols ? legSymbols.split(',') : [])];
    for (const s of [charted, ticketSymbol, ...more]) if (s && !symbols.includes(s)) symbols.push(s);
    return symbols;
  }, [activeSymbols, charted, ticketSymbol, positionSymbols, legSymbols]);
  const { quotes, subscription } = useLiveQuotes(book, quoteSymbols);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (document.querySelector('dialog[open]')) return;
      if (event.key === 'Escape') {
        if (ticket) {
          event.preventDefault();
          setTicket(null);
        }
        return;
      }
      if (isTypingTarget(event.target)) return;
      // Quick actions press the selected row's own button, so a disabled (in-flight) one does nothing.
      const quickButton = quickKey(event);
      const row = quickButton ? focusedWatchlistRow() : null;
      if (quickButton && row) {
        event.preventDefault();
        const button =
          quickButton === 'EXIT_ALL'
            ? document.querySelector<HTMLButtonElement>('[data-testid="quick-exit-all"]')
            : row.querySelector<HTMLButtonElement>(`[data-quick="${quickButton}"]`);
        if (button && !button.disabled) button.click();
        return;
      }
      const key = event.key.toLowerCase();
      if (key !== 'b' && key !== 's') return;
      const symbol = focusedWatchlistSymbol() ?? charted;
      if (!symbol) return;
      event.preventDefault();
      setTicket({ symbol, side: key === 'b' ? 'BUY' : 'SELL' });
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [ticket, charted]);

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
      <PageHeader
        section="Trade"
        title="Market watch"
        actions={
          <>
            <Link
              to={`/trade/option-chain?underlying=${encodeURIComponent(chainUnderlying)}`}
              className="button button-small"
              data-testid="trade-option-chain-link"
            >
              Option chain
            </Link>
            <Link to="/trade/webhooks" className="button button-small" data-testid="trade-webhooks-link">
              Webhooks
            </Link>
          </>
        }
      />
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
          quick={quick}
          legs={legs}
        />
        <div className="trade-center">
          <PriceChart symbol={charted} timeframe={timeframe} book={book} onTimeframe={(tf) => update({ tf })} levels={levels} />
          <DepthPanel symbol={charted} />
        </div>
        <OrderTicketPanel ticket={ticket} defaultSymbol={charted} book={book} positions={positionItems} onChange={setTicket} />
      </div>
      <TradingTabs
        tab={tab}
        onTab={(t) => update({ tab: t === 'orders' ? null : t })}
        orders={{
          items: orders.data?.items ?? EMPTY,
          loading: orders.isPending,
          error: orders.isError ? orders.error : null,
          retry: () => void orders.refetch(),
        }}
        positions={{
          items: positionItems,
          loading: positions.isPending,
          error: positions.isError ? positions.error : null,
          retry: () => void positions.refetch(),
        }}
        trades={{
          items: trades.data?.items ?? EMPTY,
          loading: trades.isPending,
          error: trades.isError ? trades.error : null,
          retry: () => void trades.refetch(),
        }}
        book={book}
        killSwitchEngaged={killSwitch.data?.self.engaged === true || killSwitch.data?.global.engaged === true}
        legs={{
          open: openLegs.length,
          panel: (
            <LegsPanel
              legs={legs}
              loading={legsQuery.isPending}
              error={legsQuery.isError ? legsQuery.error : null}
              onRetry={() => void legsQuery.refetch()}
              book={book}
              accountName={accountName}
              selected={selectedLeg}
              onSelect={(leg) => {
                setSelectedLeg(legKey(leg));
                update({ symbol: leg.symbol });
              }}
              lastExit={lastExit}
              onDismissExit={() => setLastExit(null)}
            />
          ),
        }}
      />
    </div>
  );
}
