import { DomainError } from '../errors';
import type { Candle } from '../market/candle';
import { istDayFraction, istDayOfWeek } from './calendar';
import { FEATURE_SET_V1, type FeatureSet } from './feature-set';
import { Atr, Bollinger, Macd, Rsi } from './indicators';
import { Ema, LagBuffer, RollingStats } from './streaming';

const TWO_PI = 2 * Math.PI;

/** Why bars produced no row so far. */
export interface FeatureStateStats {
  /** Bars consumed. */
  bars: number;
  /** Rows emitted. */
  rows: number;
  /** Bars still inside the warm-up (the first warmupBars − 1). */
  warmup: number;
  /** Bars after the warm-up whose row had a non-finite value. */
  nonFinite: number;
  /** Per feature (in `features` order), how many of those rows it made non-finite. */
  nonFiniteByFeature: Uint32Array;
}

/**
 * The features of one symbol, updated one closed bar at a time in O(1). The live engine and the
 * dataset builder both run this class, so training and serving compute identical values.
 *
 * Warm-up: the first `params.warmupBars − 1` bars (99 for v1) return null; every later bar returns
 * a row. A row with any non-finite value (a flat Bollinger window or flat volume window gives
 * 0/0) is never returned: the bar returns null and is counted in `stats.nonFinite`. The state
 * itself is not harmed — the next bar may emit again.
 */
export class FeatureState {
  private readonly logClose: LagBuffer;
  private readonly vol: RollingStats;
  private readonly rsi: Rsi;
  private readonly macd: Macd;
  private readonly bb: Bollinger;
  private readonly atr: Atr;
  private readonly volume: RollingStats;
  private readonly emaFast: Ema;
  private readonly emaSlow: Ema;
  private readonly lags: Int32Array;
  /** Number of features per row. */
  readonly width: number;
  private readonly warmup: number;
  private lastTs = Number.NEGATIVE_INFINITY;
  readonly stats: FeatureStateStats;

  constructor(readonly featureSet: FeatureSet = FEATURE_SET_V1) {
    const p = featureSet.params;
    this.lags = Int32Array.from(p.returnLags);
    this.logClose = new LagBuffer(this.lags[this.lags.length - 1]! + 1);
    this.vol = new RollingStats(p.volatilityWindow);
    this.rsi = new Rsi(p.rsiPeriod);
    this.macd = new Macd(p.macd.fast, p.macd.slow, p.macd.signal);
    this.bb = new Bollinger(p.bollinger.period, p.bollinger.width);
    this.atr = new Atr(p.atrPeriod);
    this.volume = new RollingStats(p.volumeWindow);
    this.emaFast = new Ema(p.emaRatio.fast);
    this.emaSlow = new Ema(p.emaRatio.slow);
    this.width = featureSet.features.length;
    // The writes in updateAt follow featureDefinitions(); a set built any other way cannot run here.
    if (this.width !== this.lags.length + 10)
      throw new RangeError(`feature set ${featureSet.name} does not have the layout FeatureState computes`);
    this.warmup = p.warmupBars;
    this.stats = { bars: 0, rows: 0, warmup: 0, nonFinite: 0, nonFiniteByFeature: new Uint32Array(this.width) };
  }

  /**
   * Consumes one closed bar; returns its feature row (in `featureSet.features` order), or null
   * during the warm-up or when a value is not finite. Writes into `out` when given (length ≥
   * the feature count), else into a new array.
   */
  update(bar: Candle, out?: Float64Array): Float64Array | null {
    const row = out ?? new Float64Array(this.width);
    return this.updateAt(bar.ts, bar.high, bar.low, bar.close, bar.volume, row, 0) ? row : null;
  }

  /**
   * The same update from primitives, writing the row at `out[offset …]`: the batch path feeds
   * columns through here without building a bar object per row. Returns whether a row was
   * written (false: warm-up or non-finite, as for `update`). Bars must arrive in strictly
   * increasing `ts` with positive finite prices and a finite volume ≥ 0; anything else throws,
   * since the state cannot take a bar back.
   */
  updateAt(ts: number, high: number, low: number, close: number, volume: number, out: Float64Array, offset: number): boolean {
    if (!(ts > this.lastTs) || !Number.isFinite(ts)) {
      throw new DomainError('VALIDATION_FAILED', `Bars must arrive in increasing time order (got ${ts} after ${this.lastTs})`, {
        context: { ts, lastTs: this.lastTs },
      });
    }
    if (!(close > 0 && high > 0 && low > 0 && volume >= 0) || !Number.isFinite(close + high + low + volume)) {
      throw new DomainError('VALIDATION_FAILED', 'A bar needs positive finite prices and a finite volume ≥ 0', {
        context: { ts, high, low, close, volume },
      });
    }
    this.lastTs = ts;
    const lnc = Math.log(close);
    const prevLn = this.logClose.ago(0);
    this.logClose.push(lnc);
    if (!Number.isNaN(prevLn)) this.vol.update(lnc - prevLn);
    this.rsi.update(close);
    this.macd.update(close);
    this.bb.update(close);
    this.atr.update(high, low, close);
    this.volume.update(volume);
    const fast = this.emaFast.update(close);
    const slow = this.emaSlow.update(close);
    this.stats.bars += 1;
    if (this.stats.bars < this.warmup) {
      this.stats.warmup += 1;
      return false;
    }
    let k = offset;
    for (let i = 0; i < this.lags.length; i += 1) out[k++] = lnc - this.logClose.ago(this.lags[i]!);
    out[k++] = this.vol.std;
    out[k++] = this.rsi.value;
    out[k++] = this.macd.histogram / close;
    out[k++] = this.bb.pctB;
    out[k++] = this.atr.value / close;
    const vs = this.volume.std;
    out[k++] = (volume - this.volume.mean) / vs;
    out[k++] = fast / slow;
    const angle = TWO_PI * istDayFraction(ts);
    out[k++] = Math.sin(angle);
    out[k++] = Math.cos(angle);
    out[k++] = istDayOfWeek(ts);
    // One pass to find trouble; the per-feature count is only built on the (rare) bad row.
    let sum = 0;
    for (let i = offset; i < k; i += 1) sum += out[i]! * 0;
    if (sum === 0) {
      this.stats.rows += 1;
      return true;
    }
    this.stats.nonFinite += 1;
    const byFeature = this.stats.nonFiniteByFeature;
    for (let i = offset; i < k; i += 1) if (!Number.isFinite(out[i]!)) byFeature[i - offset] = byFeature[i - offset]! + 1;
    return false;
  }
}
