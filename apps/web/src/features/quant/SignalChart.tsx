import { useEffect, useMemo, useRef, useState } from 'react';
import { createSeriesMarkers, type IChartApi, type ISeriesApi, type ISeriesMarkersPluginApi, type Time } from 'lightweight-charts';
import type { SignalDto } from '@tradeloop/contracts';
import type { Timeframe } from '@tradeloop/domain';
import { ErrorNotice } from '../../components/ErrorNotice';
import { createCandleChart } from '../trade/candle-chart';
import { useLiveCandles } from '../trade/useLiveCandles';
import type { Bar } from '../trade/chart-data';
import { signalMarkers } from './signal-markers';
import '../trade/trade.css';

interface Handles {
  chart: IChartApi;
  candles: ISeriesApi<'Candlestick'>;
  markers: ISeriesMarkersPluginApi<Time>;
}

/** The app's candle chart with a markers layer, made in `containerRef`'s element on mount and removed on unmount. */
export function useMarkedCandleChart() {
  const containerRef = useRef<HTMLDivElement>(null);
  const handlesRef = useRef<Handles | null>(null);
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return undefined;
    const { chart, candles } = createCandleChart(container);
    const markers = createSeriesMarkers(candles, []);
    handlesRef.current = { chart, candles, markers };
    return () => {
      handlesRef.current = null;
      chart.remove();
    };
  }, []);
  return { containerRef, handlesRef };
}

/** Over a marked chart's canvas: "Loading <symbol> candles…" while loading, the error with a retry after a failed read. */
export function CandlesOverlay({
  state,
  symbol,
  error,
  onRetry,
}: {
  state: string;
  symbol: string | null;
  error: unknown;
  onRetry: () => void;
}) {
  if (state === 'loading') return <div className="chart-overlay muted">Loading {symbol} candles…</div>;
  if (state === 'error')
    return (
      <div className="chart-overlay">
        <ErrorNotice error={error} onRetry={onRetry} />
      </div>
    );
  return null;
}

/** The BUY / SELL counts beside a marked chart's title. */
export function MarkerLegend({ buys, sells }: { buys: number; sells: number }) {
  return (
    <div className="signal-legend">
      <span className="signal-legend-item up">▲ BUY {buys}</span>
      <span className="signal-legend-item down">▼ SELL {sells}</span>
    </div>
  );
}

/**
 * The symbol's candles (the signals' timeframe) with each BUY / SELL signal as a marker on its
 * bar; live candles and live signals are drawn as they arrive.
 *
 * Test ids: signal-chart (data-symbol, data-state empty|loading|error|ready, data-markers = markers drawn,
 * data-buy / data-sell counts), signal-chart-canvas.
 */
export function SignalChart({
  symbol,
  timeframe,
  signals,
}: {
  symbol: string | null;
  timeframe: Timeframe;
  signals: readonly SignalDto[];
}) {
  const { containerRef, handlesRef } = useMarkedCandleChart();
  const [barTimes, setBarTimes] = useState<number[]>([]);
  /** The drawn bars' times, for the live-candle handler (state would be stale in its closure). */
  const timesRef = useRef<number[]>([]);
  /** Every bar drawn, by chart time (a closed bar is compared with its stored state). */
  const barsRef = useRef(new Map<number, Bar>());

  const { history } = useLiveCandles(symbol, timeframe, {
    reset: () => {
      handlesRef.current?.candles.setData([]);
      timesRef.current = [];
      barsRef.current = new Map();
      setBarTimes([]);
    },
    history: (bars) => {
      const handles = handlesRef.current;
      if (!handles) return;
      barsRef.current = new Map(bars.map((b) => [b.time as number, b]));
      handles.candles.setData(bars);
      handles.chart.timeScale().scrollToRealTime();
      timesRef.current = bars.map((b) => b.time);
      setBarTimes(timesRef.current);
    },
    live: (bar) => {
      barsRef.current.set(bar.time, bar);
      handlesRef.current?.candles.update(bar);
      if (bar.time > (timesRef.current.at(-1) ?? 0)) {
        timesRef.current = [...timesRef.current, bar.time];
        setBarTimes(timesRef.current);
      }
    },
    drawnAt: (time) => barsRef.current.get(time),
    settled: (settled) => {
      const drawn = barsRef.current;
      const inserted = settled.some((b) => !drawn.has(b.time));
      for (const b of settled) drawn.set(b.time, b);
      if (inserted) {
        // A bar the history read missed: the bars are set again in order, and the markers follow them.
        const bars = [...drawn.values()].sort((a, b) => a.time - b.time);
        handlesRef.current?.candles.setData(bars);
        timesRef.current = bars.map((b) => b.time);
        setBarTimes(timesRef.current);
      } else for (const b of settled) handlesRef.current?.candles.update(b, true);
    },
  });

  const markers = useMemo(() => (symbol ? signalMarkers(signals, symbol, barTimes) : []), [signals, symbol, barTimes]);
  useEffect(() => {
    handlesRef.current?.markers.setMarkers(markers);
  }, [markers, handlesRef]);

  const state = !symbol ? 'empty' : history.isError ? 'error' : history.isPending ? 'loading' : 'ready';
  const buys = markers.filter((m) => m.shape === 'arrowUp').length;

  return (
    <section
      className="chart-panel signal-chart"
      aria-label={symbol ? `${symbol} price with signals` : 'Price with signals'}
      data-testid="signal-chart"
      data-symbol={symbol ?? ''}
      data-state={state}
      data-markers={markers.length}
      data-buy={buys}
      data-sell={markers.length - buys}
    >
      <header className="chart-header">
        <div className="chart-title">
          <h2 className="chart-symbol mono">{symbol ?? 'No symbol'}</h2>
          <span className="muted">{timeframe} candles · signal markers</span>
        </div>
        <MarkerLegend buys={buys} sells={markers.length - buys} />
      </header>
      <div className="chart-canvas" data-testid="signal-chart-canvas">
        <div ref={containerRef} className="chart-surface" />
        {state === 'empty' && (
          <div className="chart-overlay muted">Filter by a symbol (or click one in the list) to see its chart with signals.</div>
        )}
        <CandlesOverlay state={state} symbol={symbol} error={history.error} onRetry={() => void history.refetch()} />
      </div>
    </section>
  );
}
