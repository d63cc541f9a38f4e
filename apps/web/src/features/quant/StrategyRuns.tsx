/*
 * A strategy's runs (docs/backtests.md "Strategy runs"): each start → stop of it with the backtest
 * report's metrics, and two (or more) runs compared — their equity on one chart, and where a paper
 * or live run diverged from a backtest. A backtest joins a comparison by its id.
 *
 * Test ids:
 *   strategy-runs-<strategyId>   the runs table (data-count); rows strategy-run-<runId> (data-kind, data-status)
 *   strategy-run-pick-<runId>    picks a run for comparison
 *   strategy-runs-backtest       a backtest id to compare with
 *   strategy-runs-compare        the comparison (data-runs): runs-compare-chart (data-points), runs-divergence-<i>
 */
import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunDto, RunsCompare } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDateTime } from '../../lib/format';
import { formatInr } from '../../lib/money';
import { useRunsCompare, useStrategyRuns } from './runs-api';
import { thinnedNote } from './strategy-format';

const COLORS = ['#3d8bfd', '#f5a524', '#2fbf71', '#c084fc', '#f0506e'];
const GRID = '#171d28';
const AXIS = '#8591a1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const pct = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)} %`);
const num = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(2));
const shortId = (id: string) => id.slice(-8);
const tickTime = (t: number) => {
  const d = new Date(t);
  return `${d.getDate()}/${d.getMonth() + 1} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

export function StrategyRuns({ strategyId }: { strategyId: string }) {
  const runs = useStrategyRuns(strategyId);
  const [picked, setPicked] = useState<string[]>([]);
  const [backtest, setBacktest] = useState('');
  if (runs.isError) return <ErrorNotice error={runs.error} onRetry={() => void runs.refetch()} />;
  const items = runs.data?.items ?? [];
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-4)));
  const ids = [...picked, ...(UUID.test(backtest.trim()) ? [backtest.trim()] : [])];
  return (
    <div className="stack strategy-runs">
      <div className="table-wrap">
        <table className="table table-dense" data-testid={`strategy-runs-${strategyId}`} data-count={items.length}>
          <thead>
            <tr>
              <th aria-label="Compare" />
              <th>Run</th>
              <th>Started</th>
              <th>Stopped</th>
              <th className="col-num">Return</th>
              <th className="col-num">Sharpe</th>
              <th className="col-num">Max DD</th>
              <th className="col-num">Win rate</th>
              <th className="col-num">Trades</th>
              <th className="col-num">Fees</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <RunRow key={r.id} run={r} picked={picked.includes(r.id)} onPick={() => toggle(r.id)} />
            ))}
          </tbody>
        </table>
        {runs.isPending && <p className="table-placeholder muted">Loading runs…</p>}
        {runs.isSuccess && items.length === 0 && <EmptyState title="No runs yet.">Each start → stop of this strategy is a run.</EmptyState>}
      </div>
      {items.length > 0 && (
        <label className="field field-inline">
          <span className="field-label">Compare with backtest</span>
          <input
            className="input mono"
            placeholder="backtest id"
            value={backtest}
            onChange={(e) => setBacktest(e.target.value)}
            data-testid="strategy-runs-backtest"
          />
        </label>
      )}
      {ids.length >= 2 ? (
        <RunsComparison ids={ids} />
      ) : (
        items.length > 0 && <p className="muted small">Pick two runs, or one run and a backtest id, to compare them.</p>
      )}
    </div>
  );
}

function RunRow({ run: r, picked, onPick }: { run: RunDto; picked: boolean; onPick: () => void }) {
  const m = r.metrics;
  return (
    <tr data-testid={`strategy-run-${r.id}`} data-kind={r.kind} data-status={r.status}>
      <td>
        <input
          type="checkbox"
          checked={picked}
          onChange={onPick}
          aria-label={`Compare run ${shortId(r.id)}`}
          data-testid={`strategy-run-pick-${r.id}`}
        />
      </td>
      <td className="mono">
        {r.kind} · {shortId(r.id)}
        {r.stopReason && r.stopReason !== 'user' && <span className="chip chip-warning"> {r.stopReason.replace('_', ' ')}</span>}
      </td>
      <td className="mono nowrap">{formatDateTime(r.from)}</td>
      <td className="mono nowrap">{r.to ? formatDateTime(r.to) : <span className="chip chip-positive">running</span>}</td>
      <td className={`col-num mono nowrap ${(m?.totalReturn ?? 0) >= 0 ? 'text-positive' : 'text-negative'}`}>{pct(m?.totalReturn, 3)}</td>
      <td className="col-num mono nowrap">{num(m?.sharpe)}</td>
      <td className="col-num mono nowrap">{pct(m?.maxDrawdown)}</td>
      <td className="col-num mono nowrap">{pct(m?.winRate, 0)}</td>
      <td className="col-num mono nowrap">{m?.trades ?? '—'}</td>
      <td className="col-num mono nowrap">{m ? `₹${m.fees}` : '—'}</td>
    </tr>
  );
}

/**
 * The compare answer as chart rows: one per time, per run `r<k>` its equity in rupees for drawing
 * only, and `s<k>` the exact money string the tooltip shows (undefined outside the run).
 */
export function compareRows(c: RunsCompare): Record<string, number | string | undefined>[] {
  return c.equity.map((p) => {
    const row: Record<string, number | string | undefined> = { t: Date.parse(p.ts) };
    p.values.forEach((v, k) => {
      row[`r${k}`] = v === null ? undefined : Number(v);
      row[`s${k}`] = v ?? undefined;
    });
    return row;
  });
}

/** The tooltip's value of a run's line: its exact equity string, never the float drawn. */
const exactEquity = (item: { dataKey?: unknown; payload?: Record<string, unknown> }): string => {
  const exact = item.payload?.[`s${String(item.dataKey).slice(1)}`];
  return typeof exact === 'string' ? formatInr(exact) : '—';
};

function RunsComparison({ ids }: { ids: string[] }) {
  const compare = useRunsCompare(ids);
  const rows = useMemo(() => (compare.data ? compareRows(compare.data) : []), [compare.data]);
  if (compare.isError) return <ErrorNotice error={compare.error} onRetry={() => void compare.refetch()} />;
  if (!compare.data) return <p className="muted">Comparing…</p>;
  const { runs, divergences } = compare.data;
  const label = (id: string) => {
    const r = runs.find((x) => x.id === id);
    return r ? `${r.kind} ${shortId(r.id)}` : shortId(id);
  };
  const thinned = thinnedNote(compare.data.curves, label);
  return (
    <section className="stack" data-testid="strategy-runs-compare" data-runs={runs.length} aria-label="Runs compared">
      <figure className="backtest-chart" data-testid="runs-compare-chart" data-points={rows.length} aria-label="Equity of the runs">
        <figcaption>
          <span className="wf-chart-title">Equity</span>
          <span className="muted">₹, on one time axis</span>
          {thinned && (
            <span className="muted small" data-testid="runs-compare-thinned">
              {thinned}
            </span>
          )}
        </figcaption>
        <div className="backtest-chart-surface">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={GRID} vertical={false} />
              <XAxis
                dataKey="t"
                type="number"
                domain={['dataMin', 'dataMax']}
                tickFormatter={tickTime}
                tick={{ fill: AXIS, fontSize: 11 }}
                stroke={GRID}
                minTickGap={40}
              />
              <YAxis
                domain={['auto', 'auto']}
                tickFormatter={(v: number) => `₹${Math.round(v).toLocaleString('en-IN')}`}
                tick={{ fill: AXIS, fontSize: 11 }}
                stroke={GRID}
                width={80}
              />
              <Tooltip
                contentStyle={{ background: '#121720', border: '1px solid #2a3341', borderRadius: 4, fontSize: 12 }}
                labelFormatter={(t) => formatDateTime(new Date(Number(t)).toISOString())}
                formatter={(_v, _n, item) => exactEquity(item as { dataKey?: unknown; payload?: Record<string, unknown> })}
              />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {runs.map((r, k) => (
                <Line
                  key={r.id}
                  type="stepAfter"
                  dataKey={`r${k}`}
                  name={label(r.id)}
                  stroke={COLORS[k % COLORS.length]}
                  // A run of a few minutes is a few points on a days-long axis: drawn as dots so it shows.
                  dot={r.points <= 3 ? { r: 3 } : false}
                  strokeWidth={1.5}
                  connectNulls={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      </figure>
      <div className="table-wrap">
        <table className="table table-dense">
          <thead>
            <tr>
              <th>Run</th>
              <th className="col-num">Return</th>
              <th className="col-num">CAGR</th>
              <th className="col-num">Sharpe</th>
              <th className="col-num">Sortino</th>
              <th className="col-num">Max DD</th>
              <th className="col-num">Win rate</th>
              <th className="col-num">Profit factor</th>
              <th className="col-num">Trades</th>
              <th className="col-num">Exposure</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r, k) => (
              <tr key={r.id}>
                <td className="mono" style={{ color: COLORS[k % COLORS.length] }}>
                  {label(r.id)}
                </td>
                <td className="col-num mono nowrap">{pct(r.metrics?.totalReturn, 3)}</td>
                <td className="col-num mono nowrap">{pct(r.metrics?.cagr)}</td>
                <td className="col-num mono nowrap">{num(r.metrics?.sharpe)}</td>
                <td className="col-num mono nowrap">{num(r.metrics?.sortino)}</td>
                <td className="col-num mono nowrap">{pct(r.metrics?.maxDrawdown)}</td>
                <td className="col-num mono nowrap">{pct(r.metrics?.winRate, 0)}</td>
                <td className="col-num mono nowrap">{num(r.metrics?.profitFactor)}</td>
                <td className="col-num mono nowrap">{r.metrics?.trades ?? '—'}</td>
                <td className="col-num mono nowrap">{pct(r.metrics?.exposure, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {divergences.map((d, i) => (
        <p key={`${d.a}-${d.b}`} className="notice" data-testid={`runs-divergence-${i}`}>
          {label(d.a)} vs {label(d.b)}:{' '}
          {!d.overlap
            ? 'their periods do not overlap.'
            : d.firstPositionDifference
              ? `positions first differ at ${formatDateTime(d.firstPositionDifference.ts)} (${JSON.stringify(d.firstPositionDifference.a)} vs ${JSON.stringify(d.firstPositionDifference.b)}); `
              : 'positions never differ; '}
          {d.pnlDifferenceAtEnd !== null && `P&L difference at ${formatDateTime(d.overlap!.to)}: ₹${d.pnlDifferenceAtEnd}.`}
        </p>
      ))}
    </section>
  );
}
