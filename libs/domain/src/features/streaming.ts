/**
 * Streaming building blocks for indicators: each update is O(1) in time and memory, with no
 * allocation, so the live loop and the dataset builder can run the very same objects.
 */

/** Throws unless `period` is a positive safe integer (a window length or smoothing period). */
export function assertPeriod(period: number, what = 'period'): void {
  if (!Number.isSafeInteger(period) || period < 1) throw new RangeError(`${what} must be a positive integer, got ${period}`);
}

/**
 * Exponential moving average seeded with the simple mean of its first `period` inputs — the
 * convention of TA-Lib, `technicalindicators` and most charting packages, so values agree from
 * the first one. `alpha` defaults to 2 / (period + 1); Wilder's smoothing is `alpha = 1 / period`
 * (see {@link wilderAverage}).
 */
export class Ema {
  /** The current average; NaN until `period` inputs have been seen. */
  value = Number.NaN;
  readonly alpha: number;
  private seen = 0;
  private sum = 0;

  constructor(
    readonly period: number,
    alpha?: number,
  ) {
    assertPeriod(period);
    this.alpha = alpha ?? 2 / (period + 1);
  }

  /** Whether `value` is defined (at least `period` inputs). */
  get ready(): boolean {
    return this.seen >= this.period;
  }

  /** Feeds one input; returns the new average (NaN while seeding). */
  update(x: number): number {
    if (this.seen < this.period) {
      this.sum += x;
      this.seen += 1;
      if (this.seen === this.period) this.value = this.sum / this.period;
      return this.value;
    }
    // Same operation order as technicalindicators' EMA/WEMA, so cross-checks agree to the bit.
    this.value = (x - this.value) * this.alpha + this.value;
    return this.value;
  }
}

/** Wilder's smoothing (RSI, ATR): an EMA with alpha = 1 / period, seeded with the simple mean. */
export const wilderAverage = (period: number): Ema => new Ema(period, 1 / period);

/** An exact recompute every this many updates bounds the drift of the sliding sums. */
const REFRESH_EVERY = 1024;

/**
 * Mean and population standard deviation (divisor n, as Bollinger bands and technicalindicators'
 * SD use) of the last `size` inputs: a ring buffer with sliding Welford updates, O(1) each.
 * Rounding drift is removed by an exact two-pass recompute every 1,024 updates (amortised
 * O(size / 1024)). A window of identical inputs is recognised exactly (by the run of equal
 * inputs) and reads variance 0 and mean = that input: sliding sums would leave rounding noise
 * from earlier, larger inputs there, and a z-score of noise over noise looks like a real value.
 */
export class RollingStats {
  private readonly buf: Float64Array;
  private next = 0;
  private count = 0;
  private m = 0;
  private m2 = 0;
  private sinceExact = 0;
  private last = Number.NaN;
  /** How many of the latest inputs are equal to `last`. */
  private run = 0;

  constructor(readonly size: number) {
    assertPeriod(size, 'window');
    this.buf = new Float64Array(size);
  }

  /** Whether the window holds `size` inputs. */
  get full(): boolean {
    return this.count === this.size;
  }

  /** Mean of the inputs in the window (0 when empty). */
  get mean(): number {
    return this.m;
  }

  /** Population variance of the window (exactly 0 when it holds one input or identical ones). */
  get variance(): number {
    return this.count === 0 || this.m2 <= 0 ? 0 : this.m2 / this.count;
  }

  /** Population standard deviation of the window. */
  get std(): number {
    return Math.sqrt(this.variance);
  }

  /** Adds `x`, dropping the oldest input once the window is full. */
  update(x: number): void {
    if (this.count < this.size) {
      this.count += 1;
      const d = x - this.m;
      this.m += d / this.count;
      this.m2 += d * (x - this.m);
    } else {
      const old = this.buf[this.next]!;
      const d = x - old;
      const mean = this.m + d / this.size;
      this.m2 += d * (x - mean + old - this.m);
      this.m = mean;
    }
    this.buf[this.next] = x;
    this.next = this.next + 1 === this.size ? 0 : this.next + 1;
    this.run = x === this.last ? this.run + 1 : 1;
    this.last = x;
    this.sinceExact += 1;
    if (this.run >= this.count) {
      this.m = x;
      this.m2 = 0;
    } else if (this.sinceExact >= REFRESH_EVERY) {
      this.recompute();
    }
  }

  private recompute(): void {
    const n = this.count;
    let sum = 0;
    for (let i = 0; i < n; i += 1) sum += this.buf[i]!;
    const mean = sum / n;
    let m2 = 0;
    for (let i = 0; i < n; i += 1) m2 += (this.buf[i]! - mean) ** 2;
    this.m = mean;
    this.m2 = m2;
    this.sinceExact = 0;
  }
}

/** The last `capacity` inputs, read back by age: `ago(0)` is the newest. */
export class LagBuffer {
  private readonly buf: Float64Array;
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    assertPeriod(capacity, 'capacity');
    this.buf = new Float64Array(capacity);
  }

  /** Inputs held (at most `capacity`). */
  get length(): number {
    return this.count;
  }

  /** Stores `x` as the newest input. */
  push(x: number): void {
    this.buf[this.next] = x;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.count < this.capacity) this.count += 1;
  }

  /** The input pushed `k` pushes ago (0 = newest); NaN if not held. */
  ago(k: number): number {
    if (k < 0 || k >= this.count) return Number.NaN;
    let i = this.next - 1 - k;
    if (i < 0) i += this.capacity;
    return this.buf[i]!;
  }
}
