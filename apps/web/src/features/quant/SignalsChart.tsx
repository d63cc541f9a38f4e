import { useEffect } from 'react';
import { CartesianGrid, ComposedChart, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import type { SignalDto } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { useCandles } from '../trade/trade-api';
import { chartPoints } from './signal-markers';

const time = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** The symbol's 1m closes (bar by bar: closed hours take no room) with its BUY (▲ green) and SELL (▼ red) signals on the bars they were given. */
export function SignalsChart({ symbol, signals }: { symbol: string; signals: readonly SignalDto[] }) {
  const candles = useCandles(symbol, '1m');
  // A signal is pushed a moment before its bar reaches the candle store: re-read until it is there.
  const lastBar = candles.data?.candles.at(-1)?.ts;
  const newest = signals.find((s) => s.symbol === symbol)?.ts;
  const { refetch, isFetching } = candles;
  useEffect(() => {
    if (!newest || isFetching || (lastBar !== undefined && Date.parse(lastBar) >= Date.parse(newest))) return undefined;
    const t = setTimeout(() => void refetch(), 1_000);
    return () => clearTimeout(t);
  }, [newest, lastBar, isFetching, refetch]);
  const points = chartPoints((candles.data?.candles ?? []).slice(-180), signals.filter((s) => s.symbol === symbol));
  const marked = points.filter((p) => p.buy !== undefined || p.sell !== undefined).length;
  if (points.length === 0) return <EmptyState title={candles.isPending ? 'Loading the chart…' : `No 1m bars for ${symbol}.`} />;
  return (
    <div className="signals-chart" data-testid="signals-chart" data-symbol={symbol} data-markers={marked}>
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
          <XAxis dataKey="t" type="category" tickFormatter={time} minTickGap={40} tick={{ fontSize: 11 }} stroke="var(--text-muted)" />
          <YAxis domain={['auto', 'auto']} tick={{ fontSize: 11 }} width={64} stroke="var(--text-muted)" tickFormatter={(v: number) => v.toFixed(2)} />
          <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} formatter={(v) => (typeof v === 'number' ? v.toFixed(2) : String(v))} />
          <Line dataKey="close" name="Close" stroke="var(--accent)" dot={false} strokeWidth={1.5} isAnimationActive={false} />
          <Scatter dataKey="buy" name="BUY" fill="var(--positive)" shape="triangle" isAnimationActive={false} />
          <Scatter dataKey="sell" name="SELL" fill="var(--negative)" shape="diamond" isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
