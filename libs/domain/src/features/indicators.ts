import { assertPeriod, Ema, RollingStats, wilderAverage } from './streaming';

/**
 * Wilder's RSI: average gain and loss of close-to-close changes, each seeded with the simple mean
 * of the first `period` changes, then Wilder-smoothed. Defined from the (period + 1)-th close.
 * Edge cases: no losses → 100; no gains and no losses (a flat series) → 50, where
 * technicalindicators returns 100 — a flat market is neutral, not overbought.
 */
export class Rsi {
  /** The current RSI in [0, 100]; NaN until defined. */
  value = Number.NaN;
  private readonly gain: Ema;
  private readonly loss: Ema;
  private prev = Number.NaN;

  constructor(readonly period: number) {
    this.gain = wilderAverage(period);
    this.loss = wilderAverage(period);
  }

  /** Feeds one close; returns the RSI (NaN until defined). */
  update(close: number): number {
    const prev = this.prev;
    this.prev = close;
    if (Number.isNaN(prev)) return this.value;
    const change = close - prev;
    const g = this.gain.update(change > 0 ? change : 0);
    const l = this.loss.update(change < 0 ? -change : 0);
    if (!this.gain.ready) return this.value;
    if (l === 0) this.value = g === 0 ? 50 : 100;
    else this.value = 100 - 100 / (1 + g / l);
    return this.value;
  }
}

/**
 * Wilder's average true range. The true range needs the previous close, so the first bar gives
 * none; the average is seeded with the mean of the first `period` true ranges and defined from the
 * (period + 1)-th bar, as in technicalindicators' ATR.
 */
export class Atr {
  /** The current ATR in price units; NaN until defined. */
  value = Number.NaN;
  private readonly avg: Ema;
  private prevClose = Number.NaN;

  constructor(readonly period: number) {
    this.avg = wilderAverage(period);
  }

  /** Feeds one bar; returns the ATR (NaN until defined). */
  update(high: number, low: number, close: number): number {
    const pc = this.prevClose;
    this.prevClose = close;
    if (Number.isNaN(pc)) return this.value;
    const tr = Math.max(high - low, Math.abs(high - pc), Math.abs(low - pc));
    this.value = this.avg.update(tr);
    return this.value;
  }
}

/**
 * MACD(fast, slow, signal) with exponential averages throughout: line = EMA(fast) − EMA(slow)
 * from the slow-th close, signal = EMA(signal) of the line, histogram = line − signal, defined
 * from close number slow + signal − 1 (34 for 12/26/9).
 */
export class Macd {
  /** MACD line; NaN until the slow average is defined. */
  line = Number.NaN;
  /** Signal line; NaN until defined. */
  signal = Number.NaN;
  /** line − signal; NaN until defined. */
  histogram = Number.NaN;
  private readonly fastEma: Ema;
  private readonly slowEma: Ema;
  private readonly signalEma: Ema;

  constructor(
    readonly fast: number,
    readonly slow: number,
    readonly signalPeriod: number,
  ) {
    if (!(fast < slow)) throw new RangeError(`MACD fast period (${fast}) must be shorter than the slow one (${slow})`);
    this.fastEma = new Ema(fast);
    this.slowEma = new Ema(slow);
    this.signalEma = new Ema(signalPeriod);
  }

  /** Feeds one close; returns the histogram (NaN until defined). */
  update(close: number): number {
    const f = this.fastEma.update(close);
    const s = this.slowEma.update(close);
    if (!this.slowEma.ready) return this.histogram;
    this.line = f - s;
    this.signal = this.signalEma.update(this.line);
    this.histogram = this.line - this.signal;
    return this.histogram;
  }
}

/**
 * Bollinger bands over `period` closes, `width` population standard deviations either side of
 * the simple mean, and %B = (close − lower) / (upper − lower). A flat window has no band: %B is
 * then NaN (0 / 0) and callers must not emit it.
 */
export class Bollinger {
  /** %B of the latest close; NaN until `period` closes or when the window is flat. */
  pctB = Number.NaN;
  private readonly stats: RollingStats;

  constructor(
    readonly period: number,
    readonly width: number,
  ) {
    assertPeriod(period);
    if (!(width > 0)) throw new RangeError(`Bollinger width must be positive, got ${width}`);
    this.stats = new RollingStats(period);
  }

  /** Middle band (simple mean of the window). */
  get middle(): number {
    return this.stats.mean;
  }

  /** Half the band's width: `width` standard deviations. */
  get halfWidth(): number {
    return this.width * this.stats.std;
  }

  /** Feeds one close; returns %B (NaN until defined). */
  update(close: number): number {
    this.stats.update(close);
    if (!this.stats.full) return this.pctB;
    const half = this.halfWidth;
    const lower = this.stats.mean - half;
    this.pctB = (close - lower) / (this.stats.mean + half - lower);
    return this.pctB;
  }
}
