/*
 * Trade → Market watch: orders, positions, trades and risk, as tabs below the chart.
 *
 * Test ids:
 *   trading-tabs             the panel
 *   trading-tab-<name>       orders | legs | positions | trades | risk (aria-selected); the choice is kept in ?tab=
 *   trading-open-count       open orders badge on the Orders tab
 *   (orders-blotter: OrdersBlotter.tsx; positions-table: PositionsTable.tsx;
 *    trades-table: TradesTable.tsx; risk-panel, kill switch, risk-events: RiskPanel.tsx; legs-panel: quick/LegsPanel.tsx)
 */
import { useId, type KeyboardEvent, type ReactNode } from 'react';
import type { Order, PositionDto, Trade } from '@tradeloop/contracts';
import { OrdersBlotter, isOpenOrder } from './OrdersBlotter';
import { PositionsTable } from './PositionsTable';
import type { QuoteBook } from './quote-book';
import { RiskPanel } from './RiskPanel';
import { TradesTable } from './TradesTable';

export const TRADING_TABS = ['orders', 'legs', 'positions', 'trades', 'risk'] as const;
export type TradingTab = (typeof TRADING_TABS)[number];
export const isTradingTab = (v: string | null): v is TradingTab => (TRADING_TABS as readonly string[]).includes(v ?? '');

const LABEL: Record<TradingTab, string> = { orders: 'Orders', legs: 'Legs', positions: 'Positions', trades: 'Trades', risk: 'Risk' };

interface Query<T> {
  items: readonly T[];
  loading: boolean;
  error: unknown;
  retry: () => void;
}

interface TradingTabsProps {
  tab: TradingTab;
  onTab: (tab: TradingTab) => void;
  orders: Query<Order>;
  positions: Query<PositionDto>;
  trades: Query<Trade>;
  book: QuoteBook;
  killSwitchEngaged: boolean;
  /** The watchlist legs: how many are open, and the panel (quick/LegsPanel.tsx). */
  legs: { open: number; panel: ReactNode };
}

export function TradingTabs({ tab, onTab, orders, positions, trades, book, killSwitchEngaged, legs }: TradingTabsProps) {
  const id = useId();
  const open = orders.items.filter(isOpenOrder).length;
  const live = positions.items.filter((p) => p.netQuantity !== 0).length;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    event.preventDefault();
    const i = TRADING_TABS.indexOf(tab) + (event.key === 'ArrowRight' ? 1 : -1);
    const next = TRADING_TABS[(i + TRADING_TABS.length) % TRADING_TABS.length]!;
    onTab(next);
    document.getElementById(`${id}-tab-${next}`)?.focus();
  };
  return (
    <section className="trading-tabs" data-testid="trading-tabs" aria-label="Orders, positions, trades and risk">
      <div className="trading-tabs-bar" role="tablist" aria-label="Trading" onKeyDown={onKeyDown}>
        {TRADING_TABS.map((t) => (
          <button
            key={t}
            id={`${id}-tab-${t}`}
            type="button"
            role="tab"
            className="trading-tab"
            aria-selected={tab === t}
            aria-controls={`${id}-panel`}
            tabIndex={tab === t ? 0 : -1}
            onClick={() => onTab(t)}
            data-testid={`trading-tab-${t}`}
          >
            {LABEL[t]}
            {t === 'orders' && open > 0 && (
              <span className="trading-tab-count" data-testid="trading-open-count">
                {open}
              </span>
            )}
            {t === 'legs' && legs.open > 0 && (
              <span className="trading-tab-count" data-testid="trading-legs-count">
                {legs.open}
              </span>
            )}
            {t === 'positions' && live > 0 && <span className="trading-tab-count">{live}</span>}
            {t === 'risk' && killSwitchEngaged && <span className="chip chip-negative">switch on</span>}
          </button>
        ))}
      </div>
      <div className="trading-tab-panel" role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${tab}`}>
        {tab === 'orders' && <OrdersBlotter orders={orders.items} loading={orders.loading} error={orders.error} onRetry={orders.retry} />}
        {tab === 'legs' && legs.panel}
        {tab === 'positions' && (
          <PositionsTable
            positions={positions.items}
            book={book}
            loading={positions.loading}
            error={positions.error}
            onRetry={positions.retry}
          />
        )}
        {tab === 'trades' && <TradesTable trades={trades.items} loading={trades.loading} error={trades.error} onRetry={trades.retry} />}
        {tab === 'risk' && <RiskPanel />}
      </div>
    </section>
  );
}
