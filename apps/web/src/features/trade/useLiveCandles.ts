import { useCallback, useEffect, useLayoutEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { REALTIME_EVENTS, type CandleEvent } from '@tradeloop/contracts';
import type { Timeframe } from '@tradeloop/domain';
import { useRealtimeEvent } from '../../lib/RealtimeProvider';
import { useMarketSubscription } from '../../lib/useMarketSubscription';
import { mergeBars, toBar, type Bar } from './chart-data';
import { candlesQueryKey, useCandles } from './trade-api';

/** What a chart does with a live candle stream; `stream` is "symbol|timeframe" of the bars drawn. */
export interface CandleDrawing {
  /** Another symbol or timeframe starts from nothing. */
  reset(stream: string): void;
  /** History (and every re-read of it) replaces the drawn bars; live bars newer than it are kept in. */
  history(bars: Bar[], stream: string): void;
  /** A live bar at or after the newest drawn one: it updates the last bar or is appended. */
  live(bar: Bar, stream: string): void;
}

/** Live bars kept per stream so a re-read of history cannot drop them; only the newest can still change. */
const LIVE_KEPT = 50;

/**
 * One candle stream for a chart — the symbol's history, the live `candle` events of its
 * subscription (a re-subscription re-reads history), and the rule that a chart can only update
 * its last bar or append (an older live bar waits for the next re-read). The chart is drawn
 * through `drawing`; call this after the effect that creates the chart, so its effects find it.
 */
export function useLiveCandles(symbol: string | null, timeframe: Timeframe, drawing: CandleDrawing) {
  const queryClient = useQueryClient();
  const stream = `${symbol ?? ''}|${timeframe}`;
  const drawingRef = useRef(drawing);
  useLayoutEffect(() => {
    drawingRef.current = drawing;
  });
  /** The stream whose bars are drawn. */
  const drawnRef = useRef('');
  const liveRef = useRef(new Map<number, Bar>());
  /** Time of the newest bar drawn. */
  const newestRef = useRef(0);
  const history = useCandles(symbol, timeframe);

  useEffect(() => {
    if (drawnRef.current === stream) return;
    drawnRef.current = stream;
    liveRef.current = new Map();
    newestRef.current = 0;
    drawingRef.current.reset(stream);
  }, [stream]);

  useEffect(() => {
    const data = history.data;
    if (!data || `${data.symbol}|${data.timeframe}` !== drawnRef.current) return;
    const bars = mergeBars(data.candles, liveRef.current.values());
    newestRef.current = bars.at(-1)?.time ?? 0;
    drawingRef.current.history(bars, drawnRef.current);
  }, [history.data, stream]);

  const onCandle = useCallback((event: CandleEvent) => {
    if (`${event.symbol}|${event.timeframe}` !== drawnRef.current) return;
    const bar = toBar(event);
    const live = liveRef.current;
    live.set(bar.time, bar);
    if (live.size > LIVE_KEPT) {
      const times = [...live.keys()].sort((a, b) => a - b);
      for (const t of times.slice(0, times.length - LIVE_KEPT)) live.delete(t);
    }
    if (bar.time < newestRef.current) return;
    newestRef.current = bar.time;
    drawingRef.current.live(bar, drawnRef.current);
  }, []);
  useRealtimeEvent(REALTIME_EVENTS.candle, onCandle);

  const refetchHistory = useCallback(() => {
    if (symbol) void queryClient.refetchQueries({ queryKey: candlesQueryKey(symbol, timeframe) }, { cancelRefetch: false });
  }, [queryClient, symbol, timeframe]);
  const subscription = useMarketSubscription('candles', symbol ? [symbol] : [], timeframe, refetchHistory);

  return { stream, history, subscription };
}
