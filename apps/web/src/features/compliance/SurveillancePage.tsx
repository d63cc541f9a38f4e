/*
 * Compliance → Surveillance: every user's orders and fills, newest first, with filters.
 *
 * Test ids:
 *   surveillance-tab-orders / surveillance-tab-trades   the two tabs (aria-selected); the choice is kept in ?tab=
 *   surveillance-filters                                the filter bar (SurveillanceFiltersBar.tsx):
 *     surveillance-user-filter (a UserFilter: -option, -selected, -clear), surveillance-symbol,
 *     surveillance-side, surveillance-status (orders), surveillance-account-kind,
 *     surveillance-placed-by (orders), surveillance-order-filter (+ -clear; trades of one order),
 *     surveillance-from / surveillance-to, surveillance-clear-filters
 *   surveillance-export                                 CSV of the current tab's filtered rows (audited)
 *   surveillance-orders-table (data-count), surveillance-orders-header,
 *   surveillance-order-row (data-order-id, data-user-id, data-symbol, data-side, data-status),
 *     surveillance-trader (the person: a filter), surveillance-order-status,
 *     surveillance-order-fills (the filled count: that order's fills)
 *   surveillance-trades-table (data-count), surveillance-trades-header,
 *   surveillance-trade-row (data-trade-id, data-order-id, data-user-id, data-symbol, data-side),
 *     surveillance-trader, surveillance-trade-order (that order's fills)
 *   load-more                                           the next page (LoadMore)
 */
import { useMemo, useState, type KeyboardEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { flattenPages } from '../../lib/pages';
import { useDebouncedValue } from '../../lib/useDebouncedValue';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadMore } from '../../components/LoadMore';
import { useCsvExport } from '../../lib/csv-export';
import { useSurveillanceOrders, useSurveillanceTrades } from './surveillance-api';
import {
  EMPTY_SURVEILLANCE_FILTERS,
  isSurveillanceTab,
  toSurveillanceQuery,
  type SurveillanceFilters,
  type SurveillanceTab,
} from './surveillance-filters';
import { SurveillanceFiltersBar } from './SurveillanceFiltersBar';
import { SurveillanceOrdersTable, SurveillanceTradesTable } from './SurveillanceTables';
import './surveillance.css';

const TABS: readonly { tab: SurveillanceTab; label: string }[] = [
  { tab: 'orders', label: 'Orders' },
  { tab: 'trades', label: 'Trades' },
];

export function SurveillancePage() {
  const [params, setParams] = useSearchParams();
  const tab: SurveillanceTab = isSurveillanceTab(params.get('tab')) ? (params.get('tab') as SurveillanceTab) : 'orders';
  const setTab = (next: SurveillanceTab) =>
    setParams(
      (prev) => {
        const p = new URLSearchParams(prev);
        if (next === 'orders') p.delete('tab');
        else p.set('tab', next);
        return p;
      },
      { replace: true },
    );
  // Filters live in state: a controlled input must update in the same tick as the keystroke; the symbol is sent once typing pauses.
  const [filters, setFilters] = useState<SurveillanceFilters>(EMPTY_SURVEILLANCE_FILTERS);
  const symbol = useDebouncedValue(filters.symbol, 250);
  const settled = useMemo(() => ({ ...filters, symbol }), [filters, symbol]);
  const ordersQuery = useMemo(() => toSurveillanceQuery(settled, 'orders'), [settled]);
  const tradesQuery = useMemo(() => toSurveillanceQuery(settled, 'trades'), [settled]);
  const orders = useSurveillanceOrders(ordersQuery, tab === 'orders');
  const trades = useSurveillanceTrades(tradesQuery, tab === 'trades');
  const orderRows = useMemo(() => flattenPages(orders.data?.pages), [orders.data]);
  const tradeRows = useMemo(() => flattenPages(trades.data?.pages), [trades.data]);
  const exporter = useCsvExport();
  const current = tab === 'orders' ? orders : trades;
  const shown = tab === 'orders' ? orderRows.length : tradeRows.length;

  const filterByUser = (userId: string) => setFilters((f) => ({ ...f, userId }));
  const showFills = (orderId: string) => {
    setFilters((f) => ({ ...f, orderId }));
    setTab('trades');
  };
  const onTabKey = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    event.preventDefault();
    const next = tab === 'orders' ? 'trades' : 'orders';
    setTab(next);
    document.getElementById(`surveillance-tab-${next}`)?.focus();
  };

  return (
    <div className="page">
      <PageHeader
        section="Compliance"
        title="Surveillance"
        meta={<span className="muted">Every user’s orders and fills, newest first. Click a trader to see only theirs.</span>}
        actions={
          <button
            type="button"
            className="button"
            onClick={() =>
              exporter.mutate({
                path: `/api/v1/compliance/${tab}/export.csv`,
                query: { ...(tab === 'orders' ? ordersQuery : tradesQuery) },
                fallbackName: `${tab}.csv`,
                first: tab === 'orders' ? 'order' : 'fill',
              })
            }
            disabled={exporter.isPending}
            title={`Download the ${tab === 'orders' ? 'orders' : 'fills'} matching the filters as CSV (oldest first); the export is itself audited`}
            data-testid="surveillance-export"
          >
            {exporter.isPending ? 'Exporting…' : '⇩ Export CSV'}
          </button>
        }
      />
      <div className="surveillance-tabs" role="tablist" aria-label="Orders or trades" onKeyDown={onTabKey}>
        {TABS.map(({ tab: t, label }) => (
          <button
            key={t}
            id={`surveillance-tab-${t}`}
            type="button"
            role="tab"
            className="surveillance-tab"
            aria-selected={tab === t}
            aria-controls="surveillance-panel"
            tabIndex={tab === t ? 0 : -1}
            onClick={() => setTab(t)}
            data-testid={`surveillance-tab-${t}`}
          >
            {label}
          </button>
        ))}
      </div>
      <div data-testid="surveillance-filters">
        <SurveillanceFiltersBar
          tab={tab}
          filters={filters}
          onChange={setFilters}
          onRefresh={() => void current.refetch()}
          refreshing={current.isFetching && !current.isFetchingNextPage}
        />
      </div>
      <div id="surveillance-panel" role="tabpanel" aria-labelledby={`surveillance-tab-${tab}`} className="surveillance-panel">
        {current.isError && <ErrorNotice error={current.error} onRetry={() => void current.refetch()} />}
        {tab === 'orders' ? (
          <SurveillanceOrdersTable orders={orderRows} loading={orders.isPending} onUserClick={filterByUser} onShowFills={showFills} />
        ) : (
          <SurveillanceTradesTable
            trades={tradeRows}
            loading={trades.isPending}
            onUserClick={filterByUser}
            onOrderClick={(orderId) => setFilters((f) => ({ ...f, orderId }))}
          />
        )}
        {!current.isPending && (
          <LoadMore
            hasMore={current.hasNextPage}
            loading={current.isFetchingNextPage}
            onLoadMore={() => void current.fetchNextPage()}
            shown={shown}
            noun={tab === 'orders' ? (shown === 1 ? 'order' : 'orders') : shown === 1 ? 'fill' : 'fills'}
          />
        )}
      </div>
    </div>
  );
}
