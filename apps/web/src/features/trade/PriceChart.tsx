/*
 * Test ids:
 *   price-chart              the chart panel; data-symbol, data-timeframe, data-state (empty|loading|error|ready),
 *                            data-last-candle = "ts|close|volume" of the last candle, updated on every live candle,
 *                            data-live (pending|live|refused|no-answer) for the candle subscription
 *   chart-symbol             the symbol heading
 *   chart-ltp                last traded price (from ticks)
 *   chart-timeframe-<tf>     timeframe buttons 1m/5m/15m/1h/1d (aria-pressed on the current one)
 *   chart-legend             OHLC and volume of the candle under the crosshair (else the last one);
 *                            data-ts = that candle's ISO time
 *   chart-canvas             the drawing surface (lightweight-charts)
 *   (data-levels on price-chart: the exit levels drawn as lines, "TP:130.00|SL:80.00|TSL:110.00", quick/quick-trade.ts)
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  HistogramSeries,
  LineStyle,
  type AutoscaleInfo,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type MouseEventParams,
  type Time,
} from 'lightweight-charts';
import { TIMEFRAMES, type Timeframe } from '@tradeloop/domain';
import { ErrorNotice } from '../../components/ErrorNotice';
import { changePercent, direction, formatChange, formatPrice, formatVolume } from '../../lib/price';
import { lastCandleAttr, toBar, type Bar } from './chart-data';
import type { QuoteBook } from './quote-book';
import { CHART_COLORS, createCandleChart } from './candle-chart';
import { levelsAttr, type Level, type LevelKind } from './quick/quick-trade';
import { useLiveCandles } from './useLiveCandles';
import { useLiveQuote } from './useLiveQuotes';

const COLORS = CHART_COLORS;

interface ChartHandles {
  chart: IChartApi;
  candles: ISeriesApi<'Candlestick'>;
  volume: ISeriesApi<'Histogram'>;
}

interface PriceChartProps {
  symbol: string | null;
  timeframe: Timeframe;
  book: QuoteBook;
  onTimeframe: (timeframe: Timeframe) => void;
  /** Exit levels of the charted contract's leg, drawn as horizontal lines. */
  levels?: readonly Level[];
}

const LEVEL_STYLE: Record<LevelKind, { color: string; title: string; style: LineStyle }> = {
  TP: { color: COLORS.up, title: 'TP', style: LineStyle.Dashed },
  SL: { color: COLORS.down, title: 'SL', style: LineStyle.Dashed },
  TSL: { color: '#e8b339', title: 'Trail', style: LineStyle.Solid },
};
const NO_LEVELS: readonly Level[] = [];

const volumePoint = (bar: Bar) => ({
  time: bar.time,
  value: bar.volume,
  color: bar.close >= bar.open ? COLORS.upVolume : COLORS.downVolume,
});

export function PriceChart({ symbol, timeframe, book, onTimeframe, levels = NO_LEVELS }: PriceChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const handlesRef = useRef<ChartHandles | null>(null);
  /** The (symbol, timeframe) whose bars are drawn. */
  const drawnRef = useRef('');
  /** Every bar drawn, by chart time: what the crosshair legend looks up. */
  const barsRef = useRef(new Map<number, Bar>());
  const [liveLast, setLiveLast] = useState<{ stream: string; bar: Bar } | null>(null);
  const [hover, setHover] = useState<{ stream: string; bar: Bar } | null>(null);
  const quote = useLiveQuote(book, symbol);

  // The chart itself: made once, sized by its container (autoSize uses a ResizeObserver).
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return undefined;
    const { chart, candles } = createCandleChart(container);
    candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.26 } });
    const volume = chart.addSeries(HistogramSeries, {
      priceFormat: { type: 'volume' },
      priceScaleId: '',
      lastValueVisible: false,
      priceLineVisible: false,
    });
    volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    const onCrosshair = (param: MouseEventParams<Time>) => {
      const bar = param.time !== undefined && param.point ? barsRef.current.get(param.time as number) : undefined;
      setHover(bar ? { stream: drawnRef.current, bar } : null);
    };
    chart.subscribeCrosshairMove(onCrosshair);
    handlesRef.current = { chart, candles, volume };
    return () => {
      chart.unsubscribeCrosshairMove(onCrosshair);
      handlesRef.current = null;
      chart.remove();
    };
  }, []);

  // The exit levels: one price line each, moved (not redrawn) as they change; the price scale
  // stretches to keep them in view.
  const levelLinesRef = useRef(new Map<LevelKind, IPriceLine>());
  const levelsKey = levelsAttr(levels);
  useEffect(() => {
    const candles = handlesRef.current?.candles;
    if (!candles) return;
    const lines = levelLinesRef.current;
    const wanted = new Map(levels.map((l) => [l.kind, Number(l.price)]));
    const prices = [...wanted.values()];
    candles.applyOptions({
      autoscaleInfoProvider: (base: () => AutoscaleInfo | null): AutoscaleInfo | null => {
        const info = base();
        if (!info?.priceRange || prices.length === 0) return info;
        const { minValue, maxValue } = info.priceRange;
        return { ...info, priceRange: { minValue: Math.min(minValue, ...prices), maxValue: Math.max(maxValue, ...prices) } };
      },
    });
    for (const [kind, line] of lines) {
      if (wanted.has(kind)) continue;
      candles.removePriceLine(line);
      lines.delete(kind);
    }
    for (const [kind, price] of wanted) {
      const line = lines.get(kind);
      if (line) line.applyOptions({ price });
      else {
        const style = LEVEL_STYLE[kind];
        lines.set(
          kind,
          candles.createPriceLine({
            price,
            color: style.color,
            lineWidth: 1,
            lineStyle: style.style,
            axisLabelVisible: true,
            title: style.title,
          }),
        );
      }
    }
  }, [levels]);

  const { stream, history, subscription } = useLiveCandles(symbol, timeframe, {
    reset: (drawn) => {
      drawnRef.current = drawn;
      barsRef.current = new Map();
      handlesRef.current?.candles.setData([]);
      handlesRef.current?.volume.setData([]);
    },
    history: (bars) => {
      const handles = handlesRef.current;
      if (!handles) return;
      barsRef.current = new Map(bars.map((b) => [b.time as number, b]));
      handles.candles.setData(bars);
      handles.volume.setData(bars.map(volumePoint));
      handles.chart.timeScale().scrollToRealTime();
    },
    live: (bar, drawn) => {
      barsRef.current.set(bar.time, bar);
      const handles = handlesRef.current;
      if (handles) {
        handles.candles.update(bar);
        handles.volume.update(volumePoint(bar));
      }
      setLiveLast({ stream: drawn, bar });
    },
  });

  const historyLast = useMemo(() => {
    const data = history.data;
    const c = data && `${data.symbol}|${data.timeframe}` === stream ? data.candles.at(-1) : undefined;
    return c ? toBar(c) : null;
  }, [history.data, stream]);
  const streamLive = liveLast?.stream === stream ? liveLast.bar : null;
  const last = streamLive && (!historyLast || streamLive.time >= historyLast.time) ? streamLive : historyLast;
  const hovered = hover?.stream === stream ? hover.bar : null;

  const live = symbol ? (subscription.statuses[symbol]?.state ?? 'pending') : 'pending';

  const state = !symbol ? 'empty' : history.isError ? 'error' : history.isPending ? 'loading' : 'ready';
  const shown = hovered ?? last;
  const tone = direction(quote?.change);
  const toneClass = tone > 0 ? ' up' : tone < 0 ? ' down' : '';
  const noCandles = state === 'ready' && last === null;

  return (
    <section
      className="chart-panel"
      aria-label={symbol ? `${symbol} price chart` : 'Price chart'}
      data-testid="price-chart"
      data-symbol={symbol ?? ''}
      data-timeframe={timeframe}
      data-state={state}
      data-live={live}
      data-last-candle={lastCandleAttr(last)}
      data-levels={levelsKey}
    >
      <header className="chart-header">
        <div className="chart-title">
          <h2 className="chart-symbol mono" data-testid="chart-symbol">
            {symbol ?? 'No instrument'}
          </h2>
          {symbol && (
            <span className="chart-quote">
              <span className="chart-ltp mono" data-testid="chart-ltp">
                {formatPrice(quote?.ltp)}
              </span>
              <span className={`mono${toneClass}`}>
                {formatChange(quote?.change)} ({changePercent(quote?.ltp, quote?.change, quote?.prevClose)})
              </span>
            </span>
          )}
        </div>
        <div className="segmented chart-timeframes" role="group" aria-label="Timeframe">
          {TIMEFRAMES.map((tf) => (
            <button
              key={tf}
              type="button"
              className="segment"
              aria-pressed={tf === timeframe}
              onClick={() => onTimeframe(tf)}
              data-testid={`chart-timeframe-${tf}`}
            >
              {tf}
            </button>
          ))}
        </div>
      </header>
      <div className="chart-legend mono" data-testid="chart-legend" data-ts={shown?.ts ?? ''} aria-live="off">
        {shown ? (
          <>
            <LegendValue label="O" value={formatPrice(shown.o)} />
            <LegendValue label="H" value={formatPrice(shown.h)} />
            <LegendValue label="L" value={formatPrice(shown.l)} />
            <LegendValue label="C" value={formatPrice(shown.c)} tone={shown.close >= shown.open ? 'up' : 'down'} />
            <LegendValue label="V" value={formatVolume(shown.volume)} />
            <span className="muted">{istLabel(shown.ts, timeframe)}</span>
          </>
        ) : (
          <span className="muted">{symbol ? 'OHLC appears here' : ''}</span>
        )}
        {symbol && live !== 'live' && live !== 'pending' && (
          <span className="chart-live-warning text-negative">
            {live === 'refused' ? 'Live candles refused' : 'Live candles unavailable'}
          </span>
        )}
      </div>
      <div className="chart-canvas" data-testid="chart-canvas">
        <div ref={containerRef} className="chart-surface" />
        {state === 'empty' && <div className="chart-overlay muted">Pick an instrument in the watchlist to see its chart.</div>}
        {state === 'loading' && <div className="chart-overlay muted">Loading {symbol} candles…</div>}
        {state === 'error' && (
          <div className="chart-overlay">
            <ErrorNotice error={history.error} onRetry={() => void history.refetch()} />
          </div>
        )}
        {noCandles && (
          <div className="chart-overlay muted">
            No {timeframe} candles for {symbol} yet; they appear here as trades arrive.
          </div>
        )}
      </div>
    </section>
  );
}

function LegendValue({ label, value, tone }: { label: string; value: string; tone?: 'up' | 'down' }) {
  return (
    <span className="chart-legend-item">
      <span className="chart-legend-label">{label}</span>
      <span className={tone ?? ''}>{value}</span>
    </span>
  );
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The candle's start in IST ("23 Nov 09:15", or just the date for daily candles). */
function istLabel(iso: string, timeframe: Timeframe): string {
  const d = new Date(Date.parse(iso) + 19_800_000);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const date = `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  return timeframe === '1d' ? `${date} IST` : `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} IST`;
}
