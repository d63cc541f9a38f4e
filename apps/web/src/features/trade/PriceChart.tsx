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
 *   chart-toolbar            in the header: the indicators menu and the price alert actions
 *   chart-indicators-toggle  opens chart-indicators-menu (data-count = enabled ones)
 *   chart-indicator-values   the enabled indicators' values (at the hovered bar, else the last), over the chart;
 *                            chart-legend-<kind> each
 *   chart-indicator-<kind>   sma20 / ema20 / vwap / rsi14 toggles in that menu (aria-pressed), remembered per user (useIndicatorPrefs)
 *   (on price-chart: data-indicators = the enabled ones, "sma20,vwap"; data-<kind>-last = each enabled indicator's value
 *    at the last bar as chartIndicatorText writes it ('' while off or undefined); data-indicator-from = ISO time of the
 *    first bar they are computed over; data-indicator-bar = "ts|open|high|low|close|volume" of the last bar. All from one
 *    computation, so a test can recompute them from GET /market/candles [from, last ts) plus that bar.)
 *   chart-alert-add          "Alert" (a bell): the price alert form prefilled with the LTP (also Alt+click or right-click on a price)
 *   chart-alerts-toggle      the list of the user's price alerts (price-alerts/PriceAlertsPanel.tsx); data-count = active ones
 *   (data-alert-lines on price-chart: the charted symbol's active alerts drawn as dashed lines, "above:1510.00|below:1400.00")
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
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
import {
  CHART_INDICATORS,
  formatPrice as formatTicks,
  TIMEFRAMES,
  type ChartIndicator,
  type PriceTicks,
  type Timeframe,
} from '@tradeloop/domain';
import { ErrorNotice } from '../../components/ErrorNotice';
import { changePercent, direction, formatChange, formatPrice, formatVolume, priceTicks } from '../../lib/price';
import { lastCandleAttr, toBar, type Bar } from './chart-data';
import type { QuoteBook } from './quote-book';
import { CHART_COLORS, createCandleChart } from './candle-chart';
import { levelsAttr, type Level, type LevelKind } from './quick/quick-trade';
import { useLiveCandles } from './useLiveCandles';
import { useLiveQuote } from './useLiveQuotes';
import { EMPTY_SNAPSHOT, INDICATOR_STYLE, IndicatorLayer, type IndicatorSnapshot } from './indicator-layer';
import { useIndicatorPrefs } from './useIndicatorPrefs';
import { useInstrument } from './orders-api';
import { PriceAlertForm, type PriceAlertDraft } from './price-alerts/PriceAlertForm';
import { PriceAlertsPanel } from './price-alerts/PriceAlertsPanel';
import { usePriceAlerts } from './price-alerts/price-alerts-api';
import { Floating } from './price-alerts/Floating';
import './chart-tools.css';

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
/** The colour of price alert lines. */
const ALERT_COLOR = '#ff8a4c';

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
  const [hover, setHover] = useState<{ stream: string; bar: Bar; indicators: Record<ChartIndicator, string> } | null>(null);
  const quote = useLiveQuote(book, symbol);
  const indicatorsRef = useRef<IndicatorLayer | null>(null);
  const [indicators, setIndicators] = useState<{ stream: string; snap: IndicatorSnapshot }>({ stream: '', snap: EMPTY_SNAPSHOT });
  const prefs = useIndicatorPrefs();
  const enabledKey = prefs.enabled.join(',');
  const instrument = useInstrument(symbol);
  const alerts = usePriceAlerts();
  const [alertForm, setAlertForm] = useState<{ symbol: string; draft: PriceAlertDraft; key: number } | null>(null);
  /** The toolbar's open menu: the indicators, or the alerts list. */
  const [menu, setMenu] = useState<'indicators' | 'alerts' | null>(null);
  const alertToolsRef = useRef<HTMLDivElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  /** Opens the alert form at a price the user pointed at on the chart (Alt+click, right-click). */
  const openAlertAtRef = useRef<(price: number) => void>(() => undefined);
  useLayoutEffect(() => {
    openAlertAtRef.current = (price: number) => {
      if (!symbol) return;
      const tick = priceTicks(instrument.data?.tickSize) ?? 500;
      const ticks = Math.max(tick, Math.round((price * 10_000) / tick) * tick) as PriceTicks;
      const ltp = priceTicks(quote?.ltp);
      setMenu(null);
      setAlertForm({
        symbol,
        draft: { condition: ltp !== null && ticks < ltp ? 'below' : 'above', price: formatTicks(ticks) },
        key: Date.now(),
      });
    };
  });
  const publishIndicators = () => {
    const layer = indicatorsRef.current;
    if (layer) setIndicators({ stream: drawnRef.current, snap: layer.snapshot() });
  };

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
    const layer = new IndicatorLayer(chart);
    indicatorsRef.current = layer;
    const onCrosshair = (param: MouseEventParams<Time>) => {
      const bar = param.time !== undefined && param.point ? barsRef.current.get(param.time as number) : undefined;
      setHover(bar ? { stream: drawnRef.current, bar, indicators: layer.valuesAt(bar.time) } : null);
    };
    chart.subscribeCrosshairMove(onCrosshair);
    // Alt+click or right-click on the price pane: a price alert at that price.
    const priceAt = (y: number): number | null => (y >= 0 && y <= chart.paneSize(0).height ? candles.coordinateToPrice(y) : null);
    const onClick = (param: MouseEventParams<Time>) => {
      if (!param.sourceEvent?.altKey || !param.point || (param.paneIndex ?? 0) !== 0) return;
      const price = priceAt(param.point.y);
      if (price !== null && price > 0) openAlertAtRef.current(price);
    };
    chart.subscribeClick(onClick);
    const onContextMenu = (event: MouseEvent) => {
      const price = priceAt(event.clientY - container.getBoundingClientRect().top);
      if (price === null || price <= 0) return;
      event.preventDefault();
      openAlertAtRef.current(price);
    };
    container.addEventListener('contextmenu', onContextMenu);
    handlesRef.current = { chart, candles, volume };
    return () => {
      chart.unsubscribeCrosshairMove(onCrosshair);
      chart.unsubscribeClick(onClick);
      container.removeEventListener('contextmenu', onContextMenu);
      handlesRef.current = null;
      indicatorsRef.current = null;
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
      indicatorsRef.current?.setBars([]);
      publishIndicators();
    },
    history: (bars) => {
      const handles = handlesRef.current;
      if (!handles) return;
      barsRef.current = new Map(bars.map((b) => [b.time as number, b]));
      handles.candles.setData(bars);
      handles.volume.setData(bars.map(volumePoint));
      indicatorsRef.current?.setBars(bars);
      publishIndicators();
      handles.chart.timeScale().scrollToRealTime();
    },
    live: (bar, drawn) => {
      barsRef.current.set(bar.time, bar);
      const handles = handlesRef.current;
      if (handles) {
        handles.candles.update(bar);
        handles.volume.update(volumePoint(bar));
      }
      indicatorsRef.current?.live(bar);
      publishIndicators();
      setLiveLast({ stream: drawn, bar });
    },
    drawnAt: (time) => barsRef.current.get(time),
    settled: (settled) => {
      const drawn = barsRef.current;
      const inserted = settled.some((b) => !drawn.has(b.time));
      for (const b of settled) drawn.set(b.time, b);
      const handles = handlesRef.current;
      if (inserted) {
        // A bar the history read missed: everything is set again, in order (the view stays where it is).
        const bars = [...drawn.values()].sort((a, b) => a.time - b.time);
        handles?.candles.setData(bars);
        handles?.volume.setData(bars.map(volumePoint));
        indicatorsRef.current?.setBars(bars);
      } else {
        for (const b of settled) {
          handles?.candles.update(b, true);
          handles?.volume.update(volumePoint(b), true);
        }
        indicatorsRef.current?.replace(settled);
      }
      publishIndicators();
    },
  });

  // The enabled indicators: lines added or removed; their values follow every bar from then on.
  useEffect(() => {
    const layer = indicatorsRef.current;
    if (!layer) return;
    layer.setEnabled(new Set(enabledKey ? (enabledKey.split(',') as ChartIndicator[]) : []));
    setIndicators({ stream: drawnRef.current, snap: layer.snapshot() });
  }, [enabledKey]);

  // The charted symbol's active price alerts: a dashed line each, made, moved or removed as the list changes.
  const alertLinesRef = useRef(new Map<string, IPriceLine>());
  const alertItems = alerts.data?.items;
  const chartAlerts = useMemo(
    () => (alertItems ?? []).filter((a) => a.symbol === symbol && a.status === 'active').sort((a, b) => a.price.localeCompare(b.price)),
    [alertItems, symbol],
  );
  useEffect(() => {
    const candles = handlesRef.current?.candles;
    if (!candles) return;
    const lines = alertLinesRef.current;
    const wanted = new Map(chartAlerts.map((a) => [a.id, a]));
    for (const [id, line] of lines) {
      if (wanted.has(id)) continue;
      candles.removePriceLine(line);
      lines.delete(id);
    }
    for (const a of chartAlerts) {
      const options = {
        price: Number(a.price),
        color: ALERT_COLOR,
        lineWidth: 1 as const,
        lineStyle: LineStyle.Dashed,
        axisLabelVisible: true,
        title: `Alert ${a.condition === 'above' ? '≥' : '≤'}${a.note ? ` ${a.note.slice(0, 16)}` : ''}`,
      };
      const line = lines.get(a.id);
      if (line) line.applyOptions(options);
      else lines.set(a.id, candles.createPriceLine(options));
    }
  }, [chartAlerts]);
  const alertLinesAttr = chartAlerts.map((a) => `${a.condition}:${a.price}`).join('|');
  const activeAlerts = (alertItems ?? []).filter((a) => a.status === 'active').length;

  // A toolbar menu closes on Escape and on a press outside it.
  useEffect(() => {
    if (!menu) return undefined;
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!alertToolsRef.current?.contains(target) && !menuRef.current?.contains(target)) setMenu(null);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setMenu(null);
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [menu]);

  const historyLast = useMemo(() => {
    const data = history.data;
    const c = data && `${data.symbol}|${data.timeframe}` === stream ? data.candles.at(-1) : undefined;
    return c ? toBar(c) : null;
  }, [history.data, stream]);
  const streamLive = liveLast?.stream === stream ? liveLast.bar : null;
  const last = streamLive && (!historyLast || streamLive.time >= historyLast.time) ? streamLive : historyLast;
  const hovered = hover?.stream === stream ? hover.bar : null;
  const snap = indicators.stream === stream ? indicators.snap : EMPTY_SNAPSHOT;
  const shownIndicators = hover?.stream === stream ? hover.indicators : snap.last;
  const form = alertForm && alertForm.symbol === symbol ? alertForm : null;

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
      data-indicators={enabledKey}
      data-sma20-last={snap.last.sma20}
      data-ema20-last={snap.last.ema20}
      data-vwap-last={snap.last.vwap}
      data-rsi14-last={snap.last.rsi14}
      data-indicator-from={snap.from}
      data-indicator-bar={snap.bar}
      data-alert-lines={alertLinesAttr}
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
        <div className="chart-header-actions">
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
          <div className="chart-tools" data-testid="chart-toolbar" ref={alertToolsRef}>
            <button
              type="button"
              className="chart-tool"
              aria-haspopup="dialog"
              aria-expanded={menu === 'indicators'}
              // The name starts with the visible text, count included (WCAG 2.5.3).
              aria-label={prefs.enabled.length > 0 ? `Indicators ${prefs.enabled.length} on` : 'Indicators'}
              title="Indicators: SMA 20, EMA 20, VWAP, RSI 14"
              onClick={() => {
                setAlertForm(null);
                setMenu((m) => (m === 'indicators' ? null : 'indicators'));
              }}
              data-testid="chart-indicators-toggle"
              data-count={prefs.enabled.length}
            >
              <IndicatorsIcon />
              <span className="chart-tool-text">Indicators</span>
              {prefs.enabled.length > 0 && (
                <>
                  {' '}
                  <span className="chart-tool-count">{prefs.enabled.length}</span>
                </>
              )}
            </button>
            <button
              type="button"
              className="chart-tool"
              disabled={!symbol}
              aria-label="New price alert"
              title="New price alert at the LTP (or Alt+click / right-click a price on the chart)"
              onClick={() => {
                setMenu(null);
                if (symbol) setAlertForm({ symbol, draft: { condition: 'above', price: quote?.ltp ?? '' }, key: Date.now() });
              }}
              data-testid="chart-alert-add"
            >
              <BellIcon />
              <span className="chart-tool-text-wide">Alert</span>
            </button>
            <button
              type="button"
              className="chart-tool"
              aria-haspopup="dialog"
              aria-expanded={menu === 'alerts'}
              title="Your price alerts"
              onClick={() => {
                setAlertForm(null);
                setMenu((m) => (m === 'alerts' ? null : 'alerts'));
              }}
              data-testid="chart-alerts-toggle"
              data-count={activeAlerts}
            >
              Alerts
              {activeAlerts > 0 && (
                <>
                  {' '}
                  <span className="chart-tool-count">{activeAlerts}</span>
                </>
              )}
            </button>
            {menu === 'indicators' && (
              <Floating anchor={alertToolsRef}>
                <div
                  ref={menuRef}
                  className="chart-indicators-menu"
                  role="group"
                  aria-label="Indicators"
                  data-testid="chart-indicators-menu"
                >
                  {CHART_INDICATORS.map((kind) => (
                    <button
                      key={kind}
                      type="button"
                      className="chart-indicator-option"
                      aria-pressed={prefs.enabled.includes(kind)}
                      onClick={() => prefs.toggle(kind)}
                      data-testid={`chart-indicator-${kind}`}
                    >
                      <span className="chart-tool-swatch" style={{ background: INDICATOR_STYLE[kind].color }} aria-hidden="true" />
                      <span className="chart-indicator-name">{INDICATOR_STYLE[kind].label}</span>
                      <span className="muted">{INDICATOR_STYLE[kind].description}</span>
                      <span className="chart-indicator-check" aria-hidden="true">
                        {prefs.enabled.includes(kind) ? '✓' : ''}
                      </span>
                    </button>
                  ))}
                </div>
              </Floating>
            )}
            {menu === 'alerts' && (
              <Floating anchor={alertToolsRef}>
                <div ref={menuRef}>
                  <PriceAlertsPanel alerts={alertItems ?? []} symbol={symbol} loading={alerts.isPending} />
                </div>
              </Floating>
            )}
            {form && (
              <Floating anchor={alertToolsRef}>
                <PriceAlertForm
                  key={form.key}
                  symbol={form.symbol}
                  ltp={quote?.ltp ?? null}
                  initial={form.draft}
                  onDone={() => setAlertForm(null)}
                />
              </Floating>
            )}
          </div>
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
        {prefs.enabled.length > 0 && state === 'ready' && !noCandles && (
          <div className="chart-indicator-values mono" data-testid="chart-indicator-values" aria-live="off">
            {prefs.enabled.map((kind) => (
              <span key={kind} className="chart-legend-item" data-testid={`chart-legend-${kind}`}>
                <span style={{ color: INDICATOR_STYLE[kind].color }}>{INDICATOR_STYLE[kind].label}</span>
                <span>{indicatorDisplay(kind, shownIndicators[kind])}</span>
              </span>
            ))}
          </div>
        )}
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

/** An indicator's value as the overlay shows it: prices to the paisa with Indian grouping, RSI as it is. */
function indicatorDisplay(kind: ChartIndicator, text: string): string {
  if (kind === 'rsi14') return text || '—';
  const ticks = priceTicks(text);
  return ticks === null ? '—' : formatPrice(formatTicks((Math.round(ticks / 100) * 100) as PriceTicks));
}

/** The notification bell's outline, small: the price alert actions. */
function BellIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" className="chart-tool-icon">
      <path d="M6 16V11a6 6 0 1 1 12 0v5l1.5 2h-15L6 16z" />
      <path d="M10 20a2 2 0 0 0 4 0" />
    </svg>
  );
}

/** A line over bars: the indicators menu. */
function IndicatorsIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" className="chart-tool-icon">
      <path d="M3 17l5-6 4 3 8-9" />
      <path d="M3 21h18" />
    </svg>
  );
}
