import { formatPrice, PRICE_SCALE, type PriceTicks } from '../market/price';
import { istDayStart } from '../market/simulation/nse-session';
import { Rsi } from './indicators';
import { Ema, RollingStats } from './streaming';

/*
 * The price chart's indicators (docs/domain.md "Chart indicators"): a series per indicator, one
 * value per bar, NaN until defined. SMA, EMA and RSI are the feature engine's own streaming
 * classes (RollingStats' mean, Ema, Rsi), so the chart, the features, the alert engines and the
 * strategies agree to the bit; the session VWAP is the one rule added here. Units are the
 * caller's (the web and its browser test feed prices in ticks, as parsePrice gives them).
 */

/** Simple moving average of the last `period` values (RollingStats' mean: what SMA crossover and Bollinger use). */
export function smaSeries(values: readonly number[], period: number): number[] {
  const s = new RollingStats(period);
  return values.map((x) => {
    s.update(x);
    return s.full ? s.mean : Number.NaN;
  });
}

/** Exponential moving average, alpha 2 / (period + 1), seeded with the SMA of the first `period` values (Ema). */
export function emaSeries(values: readonly number[], period: number): number[] {
  const e = new Ema(period);
  return values.map((x) => e.update(x));
}

/** Wilder's RSI of closes (Rsi): defined from the (period + 1)-th close; flat → 50, no losses → 100. */
export function rsiSeries(closes: readonly number[], period: number): number[] {
  const r = new Rsi(period);
  return closes.map((x) => r.update(x));
}

/**
 * VWAP anchored at each IST trading day: Σ typical × volume / Σ volume over the day's bars so
 * far, typical = (high + low + close) / 3. It starts again at the first bar of each IST calendar
 * day (NSE sessions never cross midnight IST). Undefined (NaN) while the day has no volume (an
 * index trades none). Computed as Σ (h + l + c) × v / (3 × Σ v): one division per bar, and exact
 * sums while they stay below 2^53 (integer ticks and units).
 */
export class SessionVwap {
  /** The current VWAP; NaN while the day has no volume. */
  value = Number.NaN;
  private day = Number.NaN;
  private pv = 0;
  private vol = 0;

  /** Feeds one bar (`ts` its start, epoch ms); returns the day's VWAP through it. */
  update(ts: number, high: number, low: number, close: number, volume: number): number {
    const day = istDayStart(ts);
    if (day !== this.day) {
      this.day = day;
      this.pv = 0;
      this.vol = 0;
    }
    if (volume > 0) {
      this.pv += (high + low + close) * volume;
      this.vol += volume;
    }
    this.value = this.vol > 0 ? this.pv / (3 * this.vol) : Number.NaN;
    return this.value;
  }
}

/** One bar as the chart indicators read it (ts: its start, epoch ms). */
export interface IndicatorBar {
  ts: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

const DECIMAL = /^(\d+)(?:\.(\d{1,4}))?$/;
/** A decimal price string in ticks ("2501.05" → 25010500), exactly; NaN when it is not one. */
const decimalTicks = (s: string): number => {
  const m = DECIMAL.exec(s);
  return m ? Number(m[1]) * PRICE_SCALE + Number((m[2] ?? '').padEnd(4, '0')) : Number.NaN;
};

/** A candle as the API and the realtime `candle` event carry it (ISO time, decimal strings) → an indicator bar in ticks. */
export function indicatorBarOf(c: { ts: string; high: string; low: string; close: string; volume: number }): IndicatorBar {
  return { ts: Date.parse(c.ts), high: decimalTicks(c.high), low: decimalTicks(c.low), close: decimalTicks(c.close), volume: c.volume };
}

export function vwapSeries(bars: readonly IndicatorBar[]): number[] {
  const v = new SessionVwap();
  return bars.map((b) => v.update(b.ts, b.high, b.low, b.close, b.volume));
}

/** The chart's indicators, with their periods: SMA 20, EMA 20 and VWAP over the price, RSI 14 in its own pane. */
export const CHART_INDICATORS = ['sma20', 'ema20', 'vwap', 'rsi14'] as const;
export type ChartIndicator = (typeof CHART_INDICATORS)[number];
export const CHART_SMA_PERIOD = 20;
export const CHART_EMA_PERIOD = 20;
export const CHART_RSI_PERIOD = 14;

/** Every chart indicator's series over `bars` (oldest first): one value per bar, NaN until defined. */
export function chartIndicatorSeries(bars: readonly IndicatorBar[]): Record<ChartIndicator, number[]> {
  const closes = bars.map((b) => b.close);
  return {
    sma20: smaSeries(closes, CHART_SMA_PERIOD),
    ema20: emaSeries(closes, CHART_EMA_PERIOD),
    vwap: vwapSeries(bars),
    rsi14: rsiSeries(closes, CHART_RSI_PERIOD),
  };
}

/**
 * An indicator value as the chart shows it and its test hooks carry it: a price-like one (SMA,
 * EMA, VWAP, in ticks) rounded half up to a whole tick and written as prices are ("2501.05",
 * "2501.0525"); RSI with two decimals ("61.27"). Empty while undefined.
 */
export function chartIndicatorText(indicator: ChartIndicator, value: number): string {
  if (!Number.isFinite(value)) return '';
  if (indicator === 'rsi14') return value.toFixed(2);
  return formatPrice(Math.floor(value + 0.5) as PriceTicks);
}
