import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  createSeriesMarkers,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type Time,
} from 'lightweight-charts';
import { REALTIME_EVENTS, type CandleEvent, type SignalDto } from '@tradeloop/contracts';
import type { Timeframe } from '@tradeloop/domain';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useRealtimeEvent } from '../../lib/RealtimeProvider';
import { useMarketSubscription } from '../../lib/useMarketSubscription';
import { mergeBars, toBar, type Bar } from '../trade/chart-data';
import { createCandleChart } from '../trade/candle-chart';
import { candlesQueryKey, useCandles } from '../trade/trade-api';
import { signalMarkers } from './signal-markers';


interface Handles {
  chart: IChartApi;
  candles: ISeriesApi<'Candlestick'>;
  markers: ISeriesMarkersPluginApi<Time>;
}

/**
 * The symbol's candles (the signals' timeframe) with each BUY / SELL signal as a marker on its
 * bar; live candles and live signals are drawn as they arrive.
 *
 * Test ids: signal-chart (data-symbol, data-state empty|loading|error|ready, data-markers = markers drawn,
 * data-buy / data-sell counts), signal-chart-canvas.
 */
export function SignalChart({ symbol, timeframe, signals }: { symbol: string | null; timeframe: Timeframe; signals: readonly SignalDto[] }) {
  const queryClient = useQueryClient();
  const containerRef = useRef<HTMLDivElement>(null);
  const handlesRef = useRef<Handles | null>(null);
  const stream = `${symbol ?? ''}|${timeframe}`;
  const drawnRef = useRef('');
  const liveRef = useRef(new Map<number, Bar>());
  const [barTimes, setBarTimes] = useState<number[]>([]);
  /** The drawn bars' times, for the live-candle handler (state would be stale in its closure). */
  const timesRef = useRef<number[]>([]);
  const history = useCandles(symbol, timeframe);

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

  useEffect(() => {
    if (drawnRef.current === stream) return;
    drawnRef.current = stream;
    liveRef.current = new Map();
    handlesRef.current?.candles.setData([]);
    timesRef.current = [];
    setBarTimes([]);
  }, [stream]);

  useEffect(() => {
    const handles = handlesRef.current;
    const data = history.data;
    if (!handles || !data || `${data.symbol}|${data.timeframe}` !== drawnRef.current) return;
    const bars = mergeBars(data.candles, liveRef.current.values());
    handles.candles.setData(bars);
    handles.chart.timeScale().scrollToRealTime();
    timesRef.current = bars.map((b) => b.time);
    setBarTimes(timesRef.current);
  }, [history.data, stream]);

  const onCandle = useCallback((event: CandleEvent) => {
    if (`${event.symbol}|${event.timeframe}` !== drawnRef.current) return;
    const bar = toBar(event);
    liveRef.current.set(bar.time, bar);
    const times = timesRef.current;
    const newest = times.at(-1) ?? 0;
    // lightweight-charts only updates the last bar or appends; an older one waits for a re-read.
    if (bar.time < newest) return;
    handlesRef.current?.candles.update(bar);
    if (bar.time > newest) {
      timesRef.current = [...times, bar.time];
      setBarTimes(timesRef.current);
    }
  }, []);
  useRealtimeEvent(REALTIME_EVENTS.candle, onCandle);

  const refetch = useCallback(() => {
    if (symbol) void queryClient.refetchQueries({ queryKey: candlesQueryKey(symbol, timeframe) }, { cancelRefetch: false });
  }, [queryClient, symbol, timeframe]);
  useMarketSubscription('candles', symbol ? [symbol] : [], timeframe, refetch);

  const markers = useMemo(() => (symbol ? signalMarkers(signals, symbol, barTimes) : []), [signals, symbol, barTimes]);
  useEffect(() => {
    handlesRef.current?.markers.setMarkers(markers);
  }, [markers]);

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
        <div className="signal-legend">
          <span className="signal-legend-item up">▲ BUY {buys}</span>
          <span className="signal-legend-item down">▼ SELL {markers.length - buys}</span>
        </div>
      </header>
      <div className="chart-canvas" data-testid="signal-chart-canvas">
        <div ref={containerRef} className="chart-surface" />
        {state === 'empty' && <div className="chart-overlay muted">Filter by a symbol (or click one in the list) to see its chart with signals.</div>}
        {state === 'loading' && <div className="chart-overlay muted">Loading {symbol} candles…</div>}
        {state === 'error' && (
          <div className="chart-overlay">
            <ErrorNotice error={history.error} onRetry={() => void history.refetch()} />
          </div>
        )}
      </div>
    </section>
  );
}
