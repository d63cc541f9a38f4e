import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EngineCompareDto } from '@tradeloop/contracts';
import { formatInr } from '../../lib/money';
import { formatMs } from './delivery-view';

const COLORS = { real: '#3d8bfd', shadow: '#e8b339', grid: '#171d28', axis: '#8591a1' };
type Figures = EngineCompareDto['engines'][number]['real'];

const rupees = (paise: string) => Number(BigInt(paise)) / 100;
const inr = (paise: string) => formatInr(BigInt(paise));
const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 1000) / 10} %`);

/** Chart rows: one per engine, real beside shadow. */
export function compareSeries(c: EngineCompareDto, pick: (f: Figures) => number | null) {
  return c.engines.map((e) => ({ engine: `Engine ${e.engine}`, real: pick(e.real), shadow: pick(e.shadow) }));
}

const ROWS: { label: string; value: (f: Figures) => string; key: string }[] = [
  { key: 'decisions', label: 'Decisions', value: (f) => `${f.decisions} (${f.enters} enter / ${f.skips} skip)` },
  { key: 'positions', label: 'Positions', value: (f) => `${f.positions} (${f.open} open, ${f.closed} closed)` },
  { key: 'winRate', label: 'Win rate', value: (f) => `${pct(f.winRate)}${f.closed ? ` (${f.wins}/${f.closed})` : ''}` },
  { key: 'pnl', label: 'P&L', value: (f) => `${inr(f.pnlPaise)} (realized ${inr(f.realizedPnlPaise)}, open ${inr(f.openPnlPaise)})` },
  { key: 'drawdown', label: 'Max drawdown', value: (f) => inr(f.maxDrawdownPaise) },
  { key: 'latency', label: 'Decision latency p50 / p99', value: (f) => `${formatMs(f.latencyMs.p50)} / ${formatMs(f.latencyMs.p99)}` },
];

function Chart({
  title,
  data,
  format,
  testId,
}: {
  title: string;
  data: ReturnType<typeof compareSeries>;
  format: (v: number) => string;
  testId: string;
}) {
  return (
    <figure className="compare-chart" data-testid={testId} aria-label={title}>
      <figcaption className="small">{title}</figcaption>
      <div className="compare-chart-surface">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} barGap={2}>
            <CartesianGrid stroke={COLORS.grid} vertical={false} />
            <XAxis dataKey="engine" tick={{ fill: COLORS.axis, fontSize: 11 }} stroke={COLORS.grid} />
            <YAxis tick={{ fill: COLORS.axis, fontSize: 11 }} stroke={COLORS.grid} tickFormatter={format} width={64} />
            <Tooltip
              cursor={{ fill: 'rgba(255,255,255,0.04)' }}
              contentStyle={{ background: '#121720', border: '1px solid #2a3341', borderRadius: 4, fontSize: 12 }}
              labelStyle={{ color: '#f1f4f8' }}
              formatter={(v) => (typeof v === 'number' ? format(v) : '—')}
            />
            <Legend wrapperStyle={{ fontSize: 11, color: COLORS.axis }} iconSize={8} />
            <Bar dataKey="real" name="real (traded)" fill={COLORS.real} isAnimationActive={false} />
            <Bar dataKey="shadow" name="shadow" fill={COLORS.shadow} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/**
 * A vs B and real vs shadow for one source: P&L, win rate, drawdown and latency charts, and every
 * figure in a table. Test ids: engine-compare, compare-chart-<pnl|winrate|drawdown|latency>, compare-row-<key> (cells data-engine, data-kind)
 */
export function EngineCompare({ compare }: { compare: EngineCompareDto }) {
  return (
    <div className="stack" data-testid="engine-compare">
      <div className="compare-grid">
        <Chart
          title="P&L (₹)"
          testId="compare-chart-pnl"
          data={compareSeries(compare, (f) => rupees(f.pnlPaise))}
          format={(v) => `₹${v.toLocaleString('en-IN')}`}
        />
        <Chart
          title="Win rate (%)"
          testId="compare-chart-winrate"
          data={compareSeries(compare, (f) => (f.winRate === null ? null : f.winRate * 100))}
          format={(v) => `${Math.round(v)} %`}
        />
        <Chart
          title="Max drawdown (₹)"
          testId="compare-chart-drawdown"
          data={compareSeries(compare, (f) => rupees(f.maxDrawdownPaise))}
          format={(v) => `₹${v.toLocaleString('en-IN')}`}
        />
        <Chart
          title="Decision latency p99 (ms)"
          testId="compare-chart-latency"
          data={compareSeries(compare, (f) => f.latencyMs.p99)}
          format={(v) => `${v}`}
        />
      </div>
      <div className="table-wrap">
        <table className="table table-dense">
          <thead>
            <tr>
              <th />
              {compare.engines.flatMap((e) => [
                <th key={`${e.engine}-real`}>Engine {e.engine} real</th>,
                <th key={`${e.engine}-shadow`}>Engine {e.engine} shadow</th>,
              ])}
            </tr>
          </thead>
          <tbody>
            {ROWS.map((r) => (
              <tr key={r.key} data-testid={`compare-row-${r.key}`}>
                <th scope="row">{r.label}</th>
                {compare.engines.flatMap((e) => [
                  <td key={`${e.engine}-real`} className="mono" data-engine={e.engine} data-kind="real">
                    {r.value(e.real)}
                  </td>,
                  <td key={`${e.engine}-shadow`} className="mono" data-engine={e.engine} data-kind="shadow">
                    {r.value(e.shadow)}
                  </td>,
                ])}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
