import { useCallback, useEffect, useLayoutEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { REALTIME_EVENTS, type CandleEvent, type CandleSeries } from '@tradeloop/contracts';
import type { Timeframe } from '@tradeloop/domain';
import { useRealtimeEvent } from '../../lib/RealtimeProvider';
import { useMarketSubscription } from '../../lib/useMarketSubscription';
import { api } from '../../lib/api';
import { isoOfChartTime, mergeBars, settleBar, toBar, type Bar } from './chart-data';
import { candlesQueryKey, useCandles } from './trade-api';

/** What a chart does with a live candle stream; `stream` is "symbol|timeframe" of the bars drawn. */
export interface CandleDrawing {
  /** Another symbol or timeframe starts from nothing. */
  reset(stream: string): void;
  /** History (and every re-read of it) replaces the drawn bars; live bars newer than it are kept in. */
  history(bars: Bar[], stream: string): void;
  /** A live bar at or after the newest drawn one: it updates the last bar or is appended. */
  live(bar: Bar, stream: string): void;
  /** The bar drawn at `time`, if any. */
  drawnAt(time: number): Bar | undefined;
  /** Closed bars' stored states that differ from the ones drawn (or were not drawn): they replace them (older bars). */
  settled(bars: readonly Bar[], stream: string): void;
}

/**
 * How long after a bar closed its final state is surely stored: the feed writes candles about
 * once a second. A stored bar with less volume than the drawn one is asked for again, this much
 * later, up to SETTLE_ATTEMPTS times.
 */
export const CANDLE_SETTLE_MS = 2_000;
const SETTLE_ATTEMPTS = 4;

/** Live bars kept per stream so a re-read of history cannot drop them; only the newest can still change. */
const LIVE_KEPT = 50;

/**
 * One candle stream for a chart — the symbol's history, the live `candle` events of its
 * subscription (a re-subscription re-reads history), and the rule that a chart can only update
 * its last bar or append (an older live bar waits for the next re-read). When a live bar opens
 * a new bucket, the bar before it has closed: once the feed has stored it (CANDLE_SETTLE_MS),
 * it is read back and, if the chart drew it otherwise (history read before its last trades were
 * stored, a live update lost), the stored bar replaces it — closed bars are the stored record,
 * the same the API, the indicators' tests and a reload see. The chart is drawn through
 * `drawing`; call this after the effect that creates the chart, so its effects find it.
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
  const settleTimersRef = useRef(new Set<ReturnType<typeof setTimeout>>());
  /** Closed bars of the drawn stream waiting to be read back ("stream|time"). */
  const settlingRef = useRef(new Set<string>());

  useEffect(() => {
    if (drawnRef.current === stream) return;
    drawnRef.current = stream;
    liveRef.current = new Map();
    newestRef.current = 0;
    settleTimersRef.current.forEach(clearTimeout);
    settleTimersRef.current.clear();
    settlingRef.current.clear();
    drawingRef.current.reset(stream);
  }, [stream]);
  useEffect(() => {
    const timers = settleTimersRef.current;
    return () => {
      timers.forEach(clearTimeout);
      timers.clear();
    };
  }, []);

  /** Reads the closed bar at `time` (ending at `next`) back from the store after CANDLE_SETTLE_MS; see above. */
  const settleLater = useCallback((drawn: string, time: number, next: number) => {
    const pending = `${drawn}|${time}`;
    if (settlingRef.current.has(pending)) return;
    settlingRef.current.add(pending);
    const timers = settleTimersRef.current;
    const cut = drawn.lastIndexOf('|');
    const query = { symbol: drawn.slice(0, cut), timeframe: drawn.slice(cut + 1), from: isoOfChartTime(time), to: isoOfChartTime(next) };
    const attempt = (n: number) => {
      const again = () => {
        if (n < SETTLE_ATTEMPTS) attempt(n + 1);
        else settlingRef.current.delete(pending);
      };
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (drawnRef.current !== drawn) return;
        api<CandleSeries>('/api/v1/market/candles', { query })
          .then((series) => {
            if (drawnRef.current !== drawn) return;
            // Every stored bar of [time, next): one the chart never drew (its history read missed it) comes in too.
            const stored = series.candles.map(toBar);
            const verdicts = stored.map((bar) => settleBar(drawingRef.current.drawnAt(bar.time), bar));
            const apply = stored.filter((_, i) => verdicts[i] === 'apply');
            if (apply.length > 0) {
              for (const bar of apply) if (liveRef.current.has(bar.time)) liveRef.current.set(bar.time, bar);
              drawingRef.current.settled(apply, drawn);
            }
            if (!stored.some((b) => b.time === time) || verdicts.includes('stale')) again();
            else settlingRef.current.delete(pending);
          })
          .catch(again);
      }, CANDLE_SETTLE_MS);
      timers.add(timer);
    };
    attempt(1);
  }, []);

  useEffect(() => {
    const data = history.data;
    if (!data || `${data.symbol}|${data.timeframe}` !== drawnRef.current) return;
    const bars = mergeBars(data.candles, liveRef.current.values());
    newestRef.current = bars.at(-1)?.time ?? 0;
    drawingRef.current.history(bars, drawnRef.current);
    // History without the bar the live stream is on: its newest stored bar closed, perhaps after
    // it was read (the feed stores the closed bar and the next one's first state together).
    const storedNewest = data.candles.length > 0 ? toBar(data.candles.at(-1)!).time : 0;
    const next = bars.find((b) => b.time > storedNewest)?.time;
    if (storedNewest > 0 && next !== undefined) settleLater(drawnRef.current, storedNewest, next);
  }, [history.data, stream, settleLater]);

  const onCandle = useCallback(
    (event: CandleEvent) => {
      if (`${event.symbol}|${event.timeframe}` !== drawnRef.current) return;
      const bar = toBar(event);
      const live = liveRef.current;
      live.set(bar.time, bar);
      if (live.size > LIVE_KEPT) {
        const times = [...live.keys()].sort((a, b) => a - b);
        for (const t of times.slice(0, times.length - LIVE_KEPT)) live.delete(t);
      }
      if (bar.time < newestRef.current) return;
      const closed = newestRef.current;
      newestRef.current = bar.time;
      drawingRef.current.live(bar, drawnRef.current);
      if (closed > 0 && bar.time > closed) settleLater(drawnRef.current, closed, bar.time);
    },
    [settleLater],
  );
  useRealtimeEvent(REALTIME_EVENTS.candle, onCandle);

  const refetchHistory = useCallback(() => {
    if (symbol) void queryClient.refetchQueries({ queryKey: candlesQueryKey(symbol, timeframe) }, { cancelRefetch: false });
  }, [queryClient, symbol, timeframe]);
  const subscription = useMarketSubscription('candles', symbol ? [symbol] : [], timeframe, refetchHistory);

  return { stream, history, subscription };
}
