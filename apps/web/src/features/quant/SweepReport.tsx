import { useState } from 'react';
import type { BacktestDto } from '@tradeloop/contracts';
import { formatDateTime } from '../../lib/format';
import { formatMetricValue, METRIC_ROWS, type MetricKey } from './backtest-report';
import {
  bestChild,
  heatColour,
  HEATMAP_METRICS,
  metricOf,
  metricRange,
  sweepGrid,
  sweptKeys,
  type Sample,
  type SweepChild,
} from './sweep-report';

const LABEL = new Map(METRIC_ROWS.map((m) => [m.key, m.label]));

/**
 * A sweep's report (docs/backtests.md "Sweeps"): heatmaps of the chosen metric over the swept
 * params (columns the first, rows the others: sma-crossover's fast × slow, ml-signal's quantity ×
 * allowShort),
 * in-sample and out-of-sample side by side on one colour scale (an optimiser that hides
 * overfitting is worse than none); a cell opens that child's full report.
 *
 * Test ids: sweep-report (data-children, data-done), sweep-metric (select), sweep-heatmap-<in|out>,
 * sweep-cell-<in|out>-<x>-<row> (x: the first swept param's value, row: the others' values joined by "-";
 * sma-crossover: sweep-cell-in-<fast>-<slow>) (data-id, data-value, data-best = best of its sample).
 */
export function SweepReport({ backtest: b, onOpen }: { backtest: BacktestDto; onOpen: (id: string) => void }) {
  const [metric, setMetric] = useState<MetricKey>('totalReturn');
  const children = b.children ?? [];
  const grid = sweepGrid(children, sweptKeys(b.request.strategy.params));
  const range = metricRange(children, metric);
  const done = children.filter((c) => c.status === 'completed').length;
  return (
    <section className="panel" aria-labelledby="sweep-title" data-testid="sweep-report" data-children={children.length} data-done={done}>
      <div className="sweep-head">
        <h3 className="panel-title" id="sweep-title">
          Sweep: {children.length} runs · {done} completed
        </h3>
        <label className="field sweep-metric-field">
          <span className="label">Colour by</span>
          <select className="select" value={metric} onChange={(e) => setMetric(e.target.value as MetricKey)} data-testid="sweep-metric">
            {HEATMAP_METRICS.map((k) => (
              <option key={k} value={k}>
                {LABEL.get(k) ?? k}
              </option>
            ))}
          </select>
        </label>
      </div>
      {b.sweep && (
        <p className="muted small">
          In-sample {formatDateTime(b.request.from)} → {formatDateTime(b.sweep.splitAt)} · out-of-sample (last{' '}
          {Math.round(b.sweep.outOfSample * 100)} %) → {formatDateTime(b.request.to)}. Each run starts afresh at the split. Click a cell for
          its full report.
        </p>
      )}
      <div className="sweep-heatmaps">
        {(['in', 'out'] as const).map((sample) => (
          <Heatmap key={sample} sample={sample} children={children} grid={grid} metric={metric} range={range} onOpen={onOpen} />
        ))}
      </div>
    </section>
  );
}

function Heatmap({
  sample,
  children,
  grid,
  metric,
  range,
  onOpen,
}: {
  sample: Sample;
  children: readonly SweepChild[];
  grid: ReturnType<typeof sweepGrid>;
  metric: MetricKey;
  range: { lo: number; hi: number };
  onOpen: (id: string) => void;
}) {
  const best = bestChild(children, metric, sample);
  return (
    <figure className="sweep-heatmap" data-testid={`sweep-heatmap-${sample}`}>
      <figcaption className="label">{sample === 'in' ? 'In-sample' : 'Out-of-sample'}</figcaption>
      <table className="sweep-grid">
        <thead>
          <tr>
            <th scope="col" className="muted small">
              {grid.yKeys.length ? `${grid.yKeys.join(' · ')} ↓ ` : ''}
              {grid.xKey} →
            </th>
            {grid.xs.map((x) => (
              <th key={String(x)} scope="col" className="mono">
                {String(x)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.ys.map((y) => (
            <tr key={y.key}>
              <th scope="row" className="mono">
                {y.label}
              </th>
              {grid.xs.map((x) => {
                const c = grid.cell(x, y.key);
                const id = y.key === '' ? String(x) : `${String(x)}-${y.key}`;
                if (!c)
                  return (
                    <td key={String(x)} className="sweep-cell sweep-cell-empty">
                      —
                    </td>
                  );
                const value = metricOf(c, metric, sample);
                const isBest = best?.id === c.id;
                return (
                  <td key={String(x)} className="sweep-cell-td">
                    <button
                      type="button"
                      className={`sweep-cell${isBest ? ' sweep-cell-best' : ''}`}
                      style={{ background: heatColour(value, range.lo, range.hi, metric) }}
                      onClick={() => onOpen(c.id)}
                      title={`${grid.xKey} ${String(x)}${y.label ? `, ${grid.yKeys.length === 1 ? `${grid.yKeys[0]} ${y.label}` : y.label}` : ''}: ${c.status}`}
                      data-testid={`sweep-cell-${sample}-${id}`}
                      data-id={c.id}
                      data-value={value === null ? '' : String(value)}
                      data-best={isBest ? 'true' : 'false'}
                    >
                      {c.status === 'completed'
                        ? formatMetricValue(metric, value)
                        : c.status === 'running'
                          ? `${Math.floor(c.progress * 100)} %`
                          : c.status}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
