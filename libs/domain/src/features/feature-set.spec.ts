import { canonicalJson, defineFeatureSet, FEATURE_PARAMS_V1, FEATURE_SET_V1, minimumWarmupBars, type FeatureParams } from './feature-set';

describe('feature set v1', () => {
  it('has the stable, ordered feature names the Python side reads from dataset metadata', () => {
    expect(FEATURE_SET_V1.name).toBe('v1');
    expect(FEATURE_SET_V1.features).toEqual([
      'ret_1',
      'ret_5',
      'ret_15',
      'vol_20',
      'rsi_14',
      'macd_hist_rel',
      'bb_pctb',
      'atr_14_rel',
      'volume_z_20',
      'ema_8_21_ratio',
      'tod_sin',
      'tod_cos',
      'dow',
    ]);
    expect(new Set(FEATURE_SET_V1.features).size).toBe(FEATURE_SET_V1.features.length);
  });

  it('pins its version: a failure here means the definitions changed, i.e. a new feature set', () => {
    // Models carry this in their card and are refused when it differs. Changing a definition is
    // allowed, but it is a new version: update this pin on purpose, never to make CI pass.
    expect(FEATURE_SET_V1.version).toMatch(/^[0-9a-f]{16}$/);
    expect(FEATURE_SET_V1.version).toBe('b47d510aa2e5c7b4');
  });

  it('needs 34 bars to define every feature and waits 100', () => {
    expect(minimumWarmupBars(FEATURE_PARAMS_V1)).toBe(34);
    expect(FEATURE_SET_V1.params.warmupBars).toBe(100);
  });

  const variants: [string, FeatureParams][] = [
    ['a return lag', { ...FEATURE_PARAMS_V1, returnLags: [1, 5, 16] }],
    ['the volatility window', { ...FEATURE_PARAMS_V1, volatilityWindow: 21 }],
    ['the RSI period', { ...FEATURE_PARAMS_V1, rsiPeriod: 13 }],
    ['the MACD fast period', { ...FEATURE_PARAMS_V1, macd: { ...FEATURE_PARAMS_V1.macd, fast: 11 } }],
    ['the MACD slow period', { ...FEATURE_PARAMS_V1, macd: { ...FEATURE_PARAMS_V1.macd, slow: 27 } }],
    ['the MACD signal period', { ...FEATURE_PARAMS_V1, macd: { ...FEATURE_PARAMS_V1.macd, signal: 10 } }],
    ['the Bollinger period', { ...FEATURE_PARAMS_V1, bollinger: { period: 21, width: 2 } }],
    ['the Bollinger width', { ...FEATURE_PARAMS_V1, bollinger: { period: 20, width: 2.5 } }],
    ['the ATR period', { ...FEATURE_PARAMS_V1, atrPeriod: 15 }],
    ['the volume window', { ...FEATURE_PARAMS_V1, volumeWindow: 30 }],
    ['the fast EMA', { ...FEATURE_PARAMS_V1, emaRatio: { fast: 9, slow: 21 } }],
    ['the slow EMA', { ...FEATURE_PARAMS_V1, emaRatio: { fast: 8, slow: 22 } }],
    ['the warm-up', { ...FEATURE_PARAMS_V1, warmupBars: 101 }],
  ];

  it.each(variants)('gets a new version when %s changes', (_what, params) => {
    const v = defineFeatureSet('v1', params).version;
    expect(v).not.toBe(FEATURE_SET_V1.version);
    expect(v).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives every variant its own version, and the same parameters the same version', () => {
    const versions = variants.map(([, p]) => defineFeatureSet('v1', p).version);
    expect(new Set(versions).size).toBe(variants.length);
    expect(defineFeatureSet('v1', { ...FEATURE_PARAMS_V1, macd: { signal: 9, slow: 26, fast: 12 } }).version).toBe(FEATURE_SET_V1.version);
  });

  it('hashes a canonical description holding every definition, parameter and rule', () => {
    const c = JSON.parse(FEATURE_SET_V1.canonical) as {
      features: { name: string; formula: string; params: object }[];
      warmupBars: number;
      nonFinite: string;
    };
    expect(c.features.map((f) => f.name)).toEqual(FEATURE_SET_V1.features);
    expect(c.features.find((f) => f.name === 'macd_hist_rel')!.params).toEqual({ fast: 12, slow: 26, signal: 9 });
    expect(c.warmupBars).toBe(100);
    expect(c.nonFinite).toMatch(/no row/);
  });

  it('canonical JSON ignores key order and refuses non-finite numbers', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 'x' }] })).toBe(canonicalJson({ a: [{ c: 'x', d: 2 }], b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(RangeError);
  });

  it('refuses parameters it cannot compute', () => {
    expect(() => defineFeatureSet('x', { ...FEATURE_PARAMS_V1, warmupBars: 33 })).toThrow(/warmupBars must be an integer ≥ 34/);
    expect(() => defineFeatureSet('x', { ...FEATURE_PARAMS_V1, returnLags: [5, 1] })).toThrow(/ascending/);
    expect(() => defineFeatureSet('x', { ...FEATURE_PARAMS_V1, returnLags: [2, 5] })).toThrow(/include 1/);
    expect(() => defineFeatureSet('x', { ...FEATURE_PARAMS_V1, rsiPeriod: 0 })).toThrow(/rsiPeriod/);
    expect(() => defineFeatureSet('x', { ...FEATURE_PARAMS_V1, emaRatio: { fast: 21, slow: 8 } })).toThrow(/shorter/);
    expect(() => defineFeatureSet('x', { ...FEATURE_PARAMS_V1, bollinger: { period: 20, width: 0 } })).toThrow(/width/);
  });
});
