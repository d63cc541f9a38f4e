import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { assertPeriod } from './streaming';

/** Every parameter a feature set's values depend on; all of them feed its version. */
export interface FeatureParams {
  /** Lags (bars) of the log returns, ascending. */
  readonly returnLags: readonly number[];
  /** Bars of 1-bar log returns in the rolling volatility. */
  readonly volatilityWindow: number;
  readonly rsiPeriod: number;
  readonly macd: { readonly fast: number; readonly slow: number; readonly signal: number };
  readonly bollinger: { readonly period: number; readonly width: number };
  readonly atrPeriod: number;
  /** Bars of volume in the volume z-score. */
  readonly volumeWindow: number;
  readonly emaRatio: { readonly fast: number; readonly slow: number };
  /** Bars consumed before the first row is emitted (see {@link minimumWarmupBars}). */
  readonly warmupBars: number;
}

/** One feature: its column name, what it computes, and the parameters it uses. */
export interface FeatureDefinition {
  readonly name: string;
  readonly formula: string;
  readonly params: Readonly<Record<string, number | string>>;
}

/** A named, versioned, ordered list of features computed by one implementation (FeatureState). */
export interface FeatureSet {
  readonly name: string;
  /** First 16 hex digits of sha-256 over {@link FeatureSet.canonical}. */
  readonly version: string;
  /** Column names in output order. */
  readonly features: readonly string[];
  readonly params: FeatureParams;
  readonly definitions: readonly FeatureDefinition[];
  /** The canonical description the version hashes (stable key order, no whitespace). */
  readonly canonical: string;
}

/** Parameters of feature set v1. */
export const FEATURE_PARAMS_V1: FeatureParams = {
  returnLags: [1, 5, 15],
  volatilityWindow: 20,
  rsiPeriod: 14,
  macd: { fast: 12, slow: 26, signal: 9 },
  bollinger: { period: 20, width: 2 },
  atrPeriod: 14,
  volumeWindow: 20,
  emaRatio: { fast: 8, slow: 21 },
  // 34 bars define every feature; the other 66 let the exponential averages forget their seed
  // (remaining weight ≈ 0.3% for EMA 26, 0.2% for Wilder 14), so an engine primed from a
  // different first bar emits what the dataset holds for the same bar to that tolerance.
  warmupBars: 100,
};

/**
 * Bars needed before every feature of `p` has a value: the longest of the return lags + 1,
 * the volatility window + 1 (it averages returns), RSI/ATR period + 1 (they need a previous
 * close), MACD slow + signal − 1, the Bollinger and volume windows, and the slow EMA.
 */
export function minimumWarmupBars(p: FeatureParams): number {
  return Math.max(
    Math.max(...p.returnLags) + 1,
    p.volatilityWindow + 1,
    p.rsiPeriod + 1,
    p.macd.slow + p.macd.signal - 1,
    p.bollinger.period,
    p.atrPeriod + 1,
    p.volumeWindow,
    p.emaRatio.slow,
  );
}

const IST = 'Asia/Kolkata (UTC+05:30, no DST)';

/** The definitions of `p`, in column order (the order FeatureState writes values in). */
export function featureDefinitions(p: FeatureParams): FeatureDefinition[] {
  const { macd, bollinger: bb, emaRatio: er } = p;
  return [
    ...p.returnLags.map((lag) => ({ name: `ret_${lag}`, formula: 'ln(close[t] / close[t-lag])', params: { lag } })),
    {
      name: `vol_${p.volatilityWindow}`,
      formula: 'population std of ret_1 over the last window bars (this one included)',
      params: { window: p.volatilityWindow },
    },
    {
      name: `rsi_${p.rsiPeriod}`,
      formula: 'Wilder RSI of close in [0,100]; averages seeded with the mean of the first period changes; no losses → 100; flat → 50',
      params: { period: p.rsiPeriod },
    },
    {
      name: 'macd_hist_rel',
      formula:
        '(line − EMA_signal(line)) / close, line = EMA_fast(close) − EMA_slow(close); each EMA alpha 2/(n+1) seeded with its first n inputs’ mean',
      params: { fast: macd.fast, slow: macd.slow, signal: macd.signal },
    },
    {
      name: 'bb_pctb',
      formula: '(close − (SMA − width·σ)) / (2·width·σ) over period closes, σ population; flat window → not finite',
      params: { period: bb.period, width: bb.width },
    },
    {
      name: `atr_${p.atrPeriod}_rel`,
      formula: 'Wilder ATR of true range (first bar has none), seeded with the mean of the first period ranges, / close',
      params: { period: p.atrPeriod },
    },
    {
      name: `volume_z_${p.volumeWindow}`,
      formula: '(volume − mean) / σ over the last window volumes (this one included), σ population; flat → not finite',
      params: { window: p.volumeWindow },
    },
    {
      name: `ema_${er.fast}_${er.slow}_ratio`,
      formula: 'EMA_fast(close) / EMA_slow(close), alpha 2/(n+1), SMA-seeded',
      params: { fast: er.fast, slow: er.slow },
    },
    { name: 'tod_sin', formula: 'sin(2π · elapsed fraction of the day at the bar start ts)', params: { timezone: IST } },
    { name: 'tod_cos', formula: 'cos(2π · elapsed fraction of the day at the bar start ts)', params: { timezone: IST } },
    { name: 'dow', formula: 'day of week of the bar start ts, Monday = 0 … Sunday = 6', params: { timezone: IST } },
  ];
}

/** JSON with object keys sorted at every level: equal values always give equal text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) throw new RangeError(`cannot describe ${v} canonically`);
  return JSON.stringify(v);
}

function validate(p: FeatureParams): void {
  p.returnLags.forEach((l) => assertPeriod(l, 'return lag'));
  if (p.returnLags.length === 0 || p.returnLags.some((l, i) => i > 0 && l <= p.returnLags[i - 1]!)) {
    throw new RangeError('return lags must be a non-empty ascending list');
  }
  if (!p.returnLags.includes(1)) throw new RangeError('return lags must include 1 (the volatility is computed from ret_1)');
  for (const [what, n] of Object.entries({
    volatilityWindow: p.volatilityWindow,
    rsiPeriod: p.rsiPeriod,
    'macd.fast': p.macd.fast,
    'macd.slow': p.macd.slow,
    'macd.signal': p.macd.signal,
    'bollinger.period': p.bollinger.period,
    atrPeriod: p.atrPeriod,
    volumeWindow: p.volumeWindow,
    'emaRatio.fast': p.emaRatio.fast,
    'emaRatio.slow': p.emaRatio.slow,
  })) {
    assertPeriod(n, what);
  }
  if (!(p.bollinger.width > 0)) throw new RangeError('bollinger.width must be positive');
  if (p.macd.fast >= p.macd.slow || p.emaRatio.fast >= p.emaRatio.slow) throw new RangeError('fast periods must be shorter than slow ones');
  const min = minimumWarmupBars(p);
  if (!Number.isSafeInteger(p.warmupBars) || p.warmupBars < min)
    throw new RangeError(`warmupBars must be an integer ≥ ${min} for these parameters`);
}

/**
 * Builds a feature set from its parameters. The version is a hash of the canonical description
 * of every definition, its parameters, the warm-up and the non-finite rule, so changing any of
 * them — or a formula's text when its code changes — gives a new version.
 */
export function defineFeatureSet(name: string, params: FeatureParams): FeatureSet {
  validate(params);
  const definitions = featureDefinitions(params);
  const canonical = canonicalJson({
    name,
    input: 'closed OHLCV bars in time order; ts = bar start, epoch ms UTC; prices > 0 in any one unit',
    warmupBars: params.warmupBars,
    nonFinite: 'a bar with any non-finite feature emits no row',
    features: definitions,
  });
  const version = bytesToHex(sha256(utf8ToBytes(canonical))).slice(0, 16);
  return Object.freeze({
    name,
    version,
    features: Object.freeze(definitions.map((d) => d.name)),
    params,
    definitions: Object.freeze(definitions),
    canonical,
  });
}

/** Feature set v1: what datasets are built with and what model cards are checked against. */
export const FEATURE_SET_V1: FeatureSet = defineFeatureSet('v1', FEATURE_PARAMS_V1);
