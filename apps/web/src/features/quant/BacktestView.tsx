import { Fragment, useCallback, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { REALTIME_EVENTS, type BacktestDto, type BacktestMetrics, type BacktestProgressEvent } from '@tradeloop/contracts';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Money } from '../../components/Money';
import { describeError } from '../../lib/api';
import { useRealtimeEvent } from '../../lib/RealtimeProvider';
import { saveBlob } from '../../lib/download';
import { formatDateTime } from '../../lib/format';
import { formatPrice } from '../../lib/price';
import { BacktestCharts } from './BacktestCharts';
import { BacktestTradeChart } from './BacktestTradeChart';
import { SweepReport } from './SweepReport';
import { backtestTitle, formatMetricValue, METRIC_ROWS, shownProgress, STATUS_TEXT, tradesCsv } from './backtest-report';
import { fetchAllTrades, isFinal, useBacktest, useBacktestEquity, useBacktestTrades, useCancelBacktest } from './backtests-api';

export const STATUS_CHIP: Record<BacktestDto['status'], string> = {
  queued: 'chip-neutral',
  running: 'chip-accent',
  completed: 'chip-positive',
  failed: 'chip-negative',
  cancelled: 'chip-warning',
};

/**
 * One backtest: its state in words, a progress bar (pushed by `backtest.progress`, polled when
 * no event comes), Cancel while unfinished, and the report once completed.
 *
 * Test ids: backtest-view (data-id, data-status, data-events = backtest.progress events heard), backtest-status, backtest-progress (role progressbar,
 * data-progress 0..100), backtest-cancel, backtest-cancel-error, backtest-failure, backtest-report; a sweep's
 * sweep-report (see SweepReport); a sweep child's backtest-parent (back to its sweep) and backtest-oos-metrics
 * (backtest-oos-metric-<key>, data-value).
 */
export function BacktestView({ id, onOpen }: { id: string; onOpen: (id: string) => void }) {
  const backtest = useBacktest(id);
  const cancel = useCancelBacktest();
  const b = backtest.data;
  // Progress events heard for this backtest (the cache is moved by useBacktestProgressSync; counted for the data-events hook).
  const [events, setEvents] = useState(0);
  const onProgress = useCallback((e: BacktestProgressEvent) => (e.id === id ? setEvents((n) => n + 1) : undefined), [id]);
  useRealtimeEvent(REALTIME_EVENTS.backtestProgress, onProgress);

  if (backtest.isError) return <ErrorNotice error={backtest.error} onRetry={() => void backtest.refetch()} />;
  if (!b) return <p className="muted">Loading backtest…</p>;

  const progress = shownProgress(b, undefined);
  const pct = Math.floor(progress * 100);
  const final = isFinal(b);
  return (
    <div className="stack" data-testid="backtest-view" data-id={b.id} data-status={b.status} data-events={events}>
      <section className="panel backtest-head">
        <div className="backtest-head-row">
          <div className="backtest-head-title">
            <h2 className="panel-title mono">{backtestTitle(b)}</h2>
            <span className={`chip ${STATUS_CHIP[b.status]}`} data-testid="backtest-status">
              {b.status}
            </span>
          </div>
          {b.parentId !== null && (
            <button type="button" className="button button-small" onClick={() => onOpen(b.parentId!)} data-testid="backtest-parent">
              ← Sweep
            </button>
          )}
          {!final && (
            <button
              type="button"
              className="button button-small button-danger"
              onClick={() => cancel.mutate(b.id)}
              disabled={cancel.isPending}
              data-testid="backtest-cancel"
            >
              {cancel.isPending ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
        </div>
        <div
          className={`backtest-progress backtest-progress-${b.status}`}
          role="progressbar"
          aria-label="Backtest progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          data-testid="backtest-progress"
          data-progress={pct}
        >
          <div className="backtest-progress-fill" style={{ width: `${pct}%` }} />
        </div>
        <p className="backtest-status-text">
          <span>{STATUS_TEXT[b.status]}</span>{' '}
          <span className="muted mono">
            {pct} % · {b.barsProcessed.toLocaleString('en-IN')} bars
          </span>
        </p>
        {b.status === 'failed' && b.error && (
          <div className="notice notice-error" data-testid="backtest-failure">
            {b.error}
          </div>
        )}
        {cancel.isError && (
          <div className="notice notice-error" role="alert" data-testid="backtest-cancel-error">
            {describeError(cancel.error)}
          </div>
        )}
        <p className="muted small backtest-facts">
          {formatDateTime(b.request.from)} → {formatDateTime(b.request.to)} · fill{' '}
          {b.request.fillModel.at === 'next_open' ? 'next open' : 'close'}, slippage {b.request.fillModel.slippageBps} bps
          {b.request.fillModel.maxParticipation !== undefined ? `, max ${b.request.fillModel.maxParticipation} of bar volume` : ''} · fees{' '}
          {b.request.fees ? 'on' : 'off'} · capital <Money value={b.request.initialCapital} /> · started {formatDateTime(b.createdAt)}
        </p>
      </section>
      {b.children !== null && <SweepReport backtest={b} onOpen={onOpen} />}
      {b.status === 'completed' && b.metrics && <BacktestReport backtest={b} metrics={b.metrics} />}
    </div>
  );
}

/** Rows of two metrics each (the report is wide, the figures short). */
const pairs = <T,>(xs: readonly T[]): T[][] => Array.from({ length: Math.ceil(xs.length / 2) }, (_, i) => xs.slice(2 * i, 2 * i + 2));

function BacktestReport({ backtest: b, metrics }: { backtest: BacktestDto; metrics: BacktestMetrics }) {
  const equity = useBacktestEquity(b.id, true);
  const allTrades = useQuery({
    queryKey: ['quant', 'backtests', b.id, 'all-trades'],
    queryFn: () => fetchAllTrades(b.id),
    staleTime: Infinity,
  });
  const [symbol, setSymbol] = useState(b.request.symbols[0]!);
  return (
    <div className="stack" data-testid="backtest-report">
      <section className="panel" aria-labelledby="backtest-metrics-title">
        <h3 className="panel-title" id="backtest-metrics-title">
          Metrics
        </h3>
        <table className="table table-dense backtest-metrics" data-testid="backtest-metrics">
          <tbody>
            {pairs(METRIC_ROWS).map((row) => (
              <tr key={row.map((m) => m.key).join()}>
                {row.map((m) => (
                  <Fragment key={m.key}>
                    <th scope="row" title={m.hint}>
                      {m.label}
                    </th>
                    <td className="col-num mono nowrap" data-testid={`backtest-metric-${m.key}`} data-value={String(metrics[m.key])}>
                      {m.key === 'fees' ? <Money value={metrics.fees} /> : formatMetricValue(m.key, metrics[m.key])}
                    </td>
                  </Fragment>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {b.outOfSampleMetrics && (
          <table className="table table-dense backtest-oos-metrics" data-testid="backtest-oos-metrics">
            <caption className="muted small">
              In-sample (above) beside out-of-sample, from {b.splitAt ? formatDateTime(b.splitAt) : '—'} (replayed apart, from the initial
              capital)
            </caption>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">In-sample</th>
                <th scope="col">Out-of-sample</th>
              </tr>
            </thead>
            <tbody>
              {METRIC_ROWS.map((m) => (
                <tr key={m.key}>
                  <th scope="row" title={m.hint}>
                    {m.label}
                  </th>
                  <td className="col-num mono nowrap">
                    {m.key === 'fees' ? <Money value={metrics.fees} /> : formatMetricValue(m.key, metrics[m.key])}
                  </td>
                  <td
                    className="col-num mono nowrap"
                    data-testid={`backtest-oos-metric-${m.key}`}
                    data-value={String(b.outOfSampleMetrics![m.key])}
                  >
                    {m.key === 'fees' ? (
                      <Money value={b.outOfSampleMetrics!.fees} />
                    ) : (
                      formatMetricValue(m.key, b.outOfSampleMetrics![m.key])
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-label="Equity and drawdown">
        {equity.isError ? (
          <ErrorNotice error={equity.error} onRetry={() => void equity.refetch()} />
        ) : equity.data ? (
          <BacktestCharts points={equity.data.points} />
        ) : (
          <p className="muted">Loading equity…</p>
        )}
      </section>
      <section className="panel stack" aria-label="Trades on the chart">
        {b.request.symbols.length > 1 && (
          <label className="field backtest-chart-symbol">
            <span className="label">Chart symbol</span>
            <select className="select" value={symbol} onChange={(e) => setSymbol(e.target.value)} data-testid="backtest-chart-symbol">
              {b.request.symbols.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        )}
        {allTrades.isError ? (
          <ErrorNotice error={allTrades.error} onRetry={() => void allTrades.refetch()} />
        ) : (
          <BacktestTradeChart
            symbol={symbol}
            timeframe={b.request.timeframe}
            from={b.request.from}
            to={b.request.to}
            trades={allTrades.data ?? []}
          />
        )}
      </section>
      <BacktestTrades backtest={b} total={metrics.trades} />
    </div>
  );
}

/**
 * The fills, a page at a time (cursor pages, Newer / Older by the cursors seen), and every fill
 * as CSV. Test ids: backtest-trades (data-count on the page), backtest-trade-<seq>, backtest-trades-next,
 * backtest-trades-prev, backtest-trades-csv, backtest-trades-csv-error.
 */
function BacktestTrades({ backtest: b, total }: { backtest: BacktestDto; total: number }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1)!;
  const page = useBacktestTrades(b.id, cursor, true);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const items = page.data?.items ?? [];

  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const trades = await fetchAllTrades(b.id);
      saveBlob(new Blob([tradesCsv(trades)], { type: 'text/csv' }), `backtest-${b.id}-trades.csv`);
    } catch (e) {
      setExportError(e);
    } finally {
      setExporting(false);
    }
  };

  return (
    <section className="panel stack" aria-labelledby="backtest-trades-title">
      <div className="backtest-head-row">
        <h3 className="panel-title" id="backtest-trades-title">
          Trades <span className="muted mono">({total.toLocaleString('en-IN')})</span>
        </h3>
        <button
          type="button"
          className="button button-small"
          onClick={() => void exportCsv()}
          disabled={exporting || total === 0}
          data-testid="backtest-trades-csv"
        >
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
      </div>
      {exportError !== null && (
        <div className="notice notice-error" role="alert" data-testid="backtest-trades-csv-error">
          {describeError(exportError)}
        </div>
      )}
      {page.isError ? (
        <ErrorNotice error={page.error} onRetry={() => void page.refetch()} />
      ) : (
        <div className="table-wrap">
          <table className="table table-dense" data-testid="backtest-trades" data-count={items.length}>
            <thead>
              <tr>
                <th className="col-num">#</th>
                <th>Time</th>
                <th>Symbol</th>
                <th>Side</th>
                <th className="col-num">Qty</th>
                <th className="col-num">Price</th>
                <th className="col-num">Fees</th>
                <th className="col-num">Realised P&amp;L</th>
              </tr>
            </thead>
            <tbody>
              {items.map((t) => (
                <tr key={t.seq} data-testid={`backtest-trade-${t.seq}`} data-side={t.side}>
                  <td className="col-num mono muted">{t.seq}</td>
                  <td className="mono nowrap">{formatDateTime(t.ts)}</td>
                  <td className="mono">{t.symbol}</td>
                  <td>
                    <span className={`chip ${t.side === 'BUY' ? 'chip-positive' : 'chip-negative'}`}>{t.side}</span>
                  </td>
                  <td className="col-num mono">{t.quantity.toLocaleString('en-IN')}</td>
                  <td className="col-num mono">{formatPrice(t.price)}</td>
                  <td className="col-num">
                    <Money value={t.fees} />
                  </td>
                  <td className="col-num">
                    <Money value={t.realizedPnl} signed />
                  </td>
                </tr>
              ))}
              {page.isPending && (
                <tr>
                  <td colSpan={8} className="table-placeholder muted">
                    Loading trades…
                  </td>
                </tr>
              )}
              {page.isSuccess && items.length === 0 && (
                <tr>
                  <td colSpan={8} className="table-placeholder muted">
                    No trades: the strategy never crossed in this range.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      <div className="backtest-pager">
        <button
          type="button"
          className="button button-small"
          disabled={cursors.length === 1}
          onClick={() => setCursors((c) => c.slice(0, -1))}
          data-testid="backtest-trades-prev"
        >
          ← Previous
        </button>
        <span className="muted mono">page {cursors.length}</span>
        <button
          type="button"
          className="button button-small"
          disabled={!page.data?.nextCursor}
          onClick={() => setCursors((c) => [...c, page.data!.nextCursor])}
          data-testid="backtest-trades-next"
        >
          Next →
        </button>
      </div>
    </section>
  );
}
