import { useMemo } from 'react';
import { Area, AreaChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDateTime } from '../../lib/format';
import { formatInr, toPaise } from '../../lib/money';
import { equitySeries, thinSeries, type EquityPoint } from './backtest-report';

const COLORS = { equity: '#3d8bfd', drawdown: '#f0506e', grid: '#171d28', axis: '#8591a1' };
const MAX_POINTS = 1500;

const tickTime = (t: number) => {
  const d = new Date(t);
  return `${d.getDate()}/${d.getMonth() + 1} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};
const rupeesAxis = (v: number) => `₹${Math.round(v).toLocaleString('en-IN')}`;
/** Enough decimals that the drawdown axis's ticks differ (a 0.02 % fall is not "-0.0%"). */
const drawdownDigits = (deepest: number) => (Math.abs(deepest) >= 0.01 ? 1 : Math.abs(deepest) >= 0.001 ? 2 : 3);
const tooltipStyle = { background: '#121720', border: '1px solid #2a3341', borderRadius: 4, fontSize: 12 };

/**
 * Equity (rupees per bar) and its drawdown from the running peak, two recharts charts sharing
 * the time axis. Test ids: backtest-equity-chart (data-points), backtest-drawdown-chart.
 */
export function BacktestCharts({ points }: { points: readonly { ts: string; equity: string }[] }) {
  const series = useMemo(() => equitySeries(points), [points]);
  const drawn = useMemo(() => thinSeries(series, MAX_POINTS), [series]);
  const equityTip = (p: EquityPoint) => formatInr(toPaise(p.equity));
  const deepest = useMemo(() => series.reduce((m, p) => Math.min(m, p.drawdown), 0), [series]);
  const digits = drawdownDigits(deepest);
  const timeAt = (i: number) => tickTime(series[Math.min(Math.max(Math.round(i), 0), series.length - 1)]?.t ?? 0);
  // The axes and tooltip both charts share (recharts wants XAxis etc. as direct children, so shared props, not a wrapper).
  const xAxis = {
    dataKey: 'i',
    type: 'number',
    domain: ['dataMin', 'dataMax'],
    tickFormatter: timeAt,
    tick: { fill: COLORS.axis, fontSize: 11 },
    stroke: COLORS.grid,
    minTickGap: 40,
  } as const;
  const yAxis = { tick: { fill: COLORS.axis, fontSize: 11 }, stroke: COLORS.grid, width: 72 } as const;
  const tooltip = {
    contentStyle: tooltipStyle,
    labelStyle: { color: '#f1f4f8' },
    labelFormatter: (i: unknown) => formatDateTime(new Date(series[Number(i)]?.t ?? 0).toISOString()),
  };
  if (series.length === 0) return <p className="muted">No equity points.</p>;
  return (
    <div className="backtest-charts">
      <figure className="backtest-chart" data-testid="backtest-equity-chart" data-points={series.length} aria-label="Equity per bar">
        <figcaption>
          <span className="wf-chart-title">Equity</span>
          <span className="muted">per bar, ₹</span>
        </figcaption>
        <div className="backtest-chart-surface">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={drawn} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={COLORS.grid} vertical={false} />
              <XAxis {...xAxis} />
              <YAxis {...yAxis} domain={['auto', 'auto']} tickFormatter={rupeesAxis} />
              <Tooltip {...tooltip} formatter={(_v, _n, item) => [equityTip(item.payload as EquityPoint), 'Equity']} />
              <Line type="linear" dataKey="value" stroke={COLORS.equity} dot={false} strokeWidth={1.5} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </div>
      </figure>
      <figure className="backtest-chart" data-testid="backtest-drawdown-chart" aria-label="Drawdown from the running peak">
        <figcaption>
          <span className="wf-chart-title">Drawdown</span>
          <span className="muted">from the running peak</span>
        </figcaption>
        <div className="backtest-chart-surface backtest-chart-surface-short">
          <ResponsiveContainer width="100%" height="100%">
            <AreaChart data={drawn} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={COLORS.grid} vertical={false} />
              <XAxis {...xAxis} />
              <YAxis {...yAxis} domain={['auto', 0]} tickFormatter={(v: number) => `${(v * 100).toFixed(digits)}%`} />
              <Tooltip {...tooltip} formatter={(v) => [typeof v === 'number' ? `${(v * 100).toFixed(digits + 1)} %` : '—', 'Drawdown']} />
              <Area
                type="linear"
                dataKey="drawdown"
                stroke={COLORS.drawdown}
                fill={COLORS.drawdown}
                fillOpacity={0.25}
                isAnimationActive={false}
              />
            </AreaChart>
          </ResponsiveContainer>
        </div>
      </figure>
    </div>
  );
}
