import {
  bandwidthPercentile,
  candlePattern,
  contextAgent,
  higherTimeframeTrend,
  mlAgent,
  orbAgent,
  patternAgent,
  riskAgent,
  squeezeAgent,
  squeezeOn,
  technicalAgent,
  voteOf,
  type AgentSettings,
} from './agents';
import type { MarketContext } from './market-context';
import { sessionTimeAt } from './market-context';
import { buy, candle, ctx, ind, ist, MONDAY, sell } from './engines.fixture';

const settings = (over: Partial<AgentSettings> = {}): AgentSettings => ({
  limits: { maxOpenPositions: 5, maxExposure: 10_000_000n },
  vetoThreshold: 80,
  trendLookback: 3,
  trendThresholdPct: 0.1,
  atrPctHigh: 2,
  lowBandwidthPercentile: 20,
  ...over,
});
const S = settings();
const at = (hhmm: string, over: Partial<MarketContext> = {}) =>
  ctx({ now: ist(MONDAY, hhmm), session: sessionTimeAt(ist(MONDAY, hhmm)), ...over });

describe('voteOf', () => {
  it.each([
    [100, 'ENTER', 100, 100],
    [51, 'ENTER', 51, 51],
    [50.5, 'ENTER', 51, 51],
    [50.49, 'SKIP', 50, 50],
    [50, 'SKIP', 50, 50],
    [0, 'SKIP', 100, 0],
    [-7, 'SKIP', 100, 0],
    [130, 'ENTER', 100, 100],
  ])('support %s → %s, confidence %s', (support, vote, confidence, rounded) => {
    expect(voteOf('ml', support, ['r'])).toEqual({ agent: 'ml', vote, confidence, support: rounded, reasons: ['r'] });
  });
});

describe('context agent', () => {
  const h = (closes: number[]) => closes.map((c, i) => candle(ist(MONDAY, '09:15') + i * 900_000, c, c, c, c));

  it('reads the higher-timeframe trend over trendLookback candles, the threshold inclusive', () => {
    expect(higherTimeframeTrend(ctx({ higherCandles: h([10_000, 1, 1, 10_010]) }), S)).toEqual({ trend: 'UP', changePct: 0.1 });
    expect(higherTimeframeTrend(ctx({ higherCandles: h([10_000, 1, 1, 10_009]) }), S)?.trend).toBe('FLAT');
    expect(higherTimeframeTrend(ctx({ higherCandles: h([10_000, 1, 1, 9_990]) }), S)?.trend).toBe('DOWN');
    expect(higherTimeframeTrend(ctx({ higherCandles: h([10_000, 1, 1, 9_991]) }), S)?.trend).toBe('FLAT');
    expect(higherTimeframeTrend(ctx({ higherCandles: h([1, 1, 9_990]) }), S)).toBeNull();
    // Only the last lookback + 1 candles matter.
    expect(higherTimeframeTrend(ctx({ higherCandles: h([1, 10_000, 1, 1, 10_010]) }), S)?.trend).toBe('UP');
  });

  it.each([
    ['11:00', 'UP', 'BUY', 80],
    ['11:00', 'UP', 'SELL', 20],
    ['11:00', 'DOWN', 'SELL', 80],
    ['11:00', 'DOWN', 'BUY', 20],
    ['11:00', 'FLAT', 'BUY', 50],
    ['09:30', 'UP', 'BUY', 70],
    ['15:10', 'UP', 'BUY', 60],
    ['15:10', 'DOWN', 'BUY', 0],
  ])('%s, trend %s, %s → support %s', (hhmm, trend, action, support) => {
    const closes = trend === 'UP' ? [10_000, 1, 1, 10_100] : trend === 'DOWN' ? [10_000, 1, 1, 9_900] : [10_000, 1, 1, 10_000];
    const v = contextAgent(action === 'BUY' ? buy() : sell(), at(hhmm, { higherCandles: h(closes) }), S);
    expect(v.support).toBe(support);
    expect(v.reasons.length).toBe(2);
  });

  it('is neutral without a trend, and support 0 when the market is closed', () => {
    expect(contextAgent(buy(), at('11:00'), S)).toMatchObject({ support: 50, vote: 'SKIP', confidence: 50 });
    expect(contextAgent(buy(), at('16:00', { higherCandles: h([10_000, 1, 1, 10_100]) }), S)).toEqual({
      agent: 'context',
      vote: 'SKIP',
      confidence: 100,
      support: 0,
      reasons: ['the market is closed'],
    });
  });
});

describe('technical agent', () => {
  const withInd = (values: Parameters<typeof ind>[0]) => ctx({ indicators: [ind(values)] });
  const bullish = { emaFast: 101, emaSlow: 100, macdHistogram: 0.5, rsi: 60 };

  it('all three with a BUY is 100; the same against a SELL is 0', () => {
    expect(technicalAgent(buy(), withInd(bullish), S)).toMatchObject({ support: 100, vote: 'ENTER', confidence: 100 });
    expect(technicalAgent(sell(), withInd(bullish), S)).toMatchObject({ support: 0, vote: 'SKIP', confidence: 100 });
    expect(technicalAgent(sell(), withInd({ emaFast: 99, emaSlow: 100, macdHistogram: -0.5, rsi: 40 }), S).support).toBe(100);
  });

  it.each([
    [3, 100],
    [2, 83],
    [1, 67],
    [0, 50],
    [-1, 33],
    [-2, 17],
    [-3, 0],
  ])('points %i → support %i', (points, support) => {
    // EMA and MACD give ±1 each; RSI 60 gives +1, 40 −1, 50 0.
    const parts = [0, 0, 0];
    for (let i = 0; i < Math.abs(points); i += 1) parts[i] = Math.sign(points);
    const v = technicalAgent(
      buy(),
      withInd({ emaFast: 100 + parts[0]!, emaSlow: 100, macdHistogram: parts[1]!, rsi: 50 + 10 * parts[2]! }),
      S,
    );
    expect(v.support).toBe(support);
  });

  it.each([
    ['BUY', 69.9, 1],
    ['BUY', 70, -1],
    ['BUY', 50.1, 1],
    ['BUY', 50, 0],
    ['BUY', 49.9, -1],
    ['SELL', 30.1, 1],
    ['SELL', 30, -1],
    ['SELL', 49.9, 1],
    ['SELL', 50, 0],
    ['SELL', 50.1, -1],
  ])('RSI for a %s at %s is %i', (action, rsi, point) => {
    const v = technicalAgent(action === 'BUY' ? buy() : sell(), withInd({ rsi }), S);
    expect(v.support).toBe(Math.floor(50 + (50 * point) / 3 + 0.5));
  });

  it('names overbought and oversold', () => {
    expect(technicalAgent(buy(), withInd({ rsi: 75 }), S).reasons.join()).toContain('overbought');
    expect(technicalAgent(sell(), withInd({ rsi: 25 }), S).reasons.join()).toContain('oversold');
  });

  it('is neutral with undefined indicators or no candles', () => {
    expect(technicalAgent(buy(), withInd({}), S).support).toBe(50);
    expect(technicalAgent(buy(), ctx(), S)).toMatchObject({ support: 50, reasons: ['no closed candles'] });
  });
});

describe('risk agent', () => {
  // LTP ₹2,500 × 10 = 2,500,000 paise; maxExposure 10,000,000 → exposure use 25 from an empty book; positions (0+1)/5 = 20.
  const withAtr = (atr: number, over: Partial<MarketContext> = {}) =>
    ctx({ candles: [candle(0, 25_000_000, 25_000_000, 25_000_000, 25_000_000)], indicators: [ind({ atr })], ...over });
  const book = (openCount: number, exposure: bigint) => ({ positions: { openCount, exposure, symbolOpen: false } });

  it('scores 0.5 volatility + 0.3 exposure + 0.2 positions', () => {
    // ATR 1 % of the close with atrPctHigh 2 → volatility 50: (250 + 75 + 40) / 10 = 36.5 → 37.
    expect(riskAgent(buy(), withAtr(250_000), S)).toMatchObject({ riskScore: 37, veto: false, support: 63, vote: 'ENTER', confidence: 63 });
    // ATR 2 % → volatility 100: (500 + 75 + 40) / 10 = 61.5 → 62.
    expect(riskAgent(buy(), withAtr(500_000), S)).toMatchObject({ riskScore: 62, support: 38, vote: 'SKIP', confidence: 62 });
    // Volatility caps at 100.
    expect(riskAgent(buy(), withAtr(5_000_000), S).riskScore).toBe(62);
    // Undefined ATR scores volatility 50.
    expect(riskAgent(buy(), ctx(), S).riskScore).toBe(37);
  });

  it('vetoes above the threshold, not at it', () => {
    // volatility 100; positions (4 + 1) / 10 = 50; exposure (4,000,000 + 2,500,000) / 10^7 = 65 → (500 + 195 + 100 + 5) / 10 = 80.
    const s = settings({ limits: { maxOpenPositions: 10, maxExposure: 10_000_000n } });
    expect(riskAgent(buy(), withAtr(500_000, book(4, 4_000_000n)), s)).toMatchObject({ riskScore: 80, veto: false, support: 20 });
    // exposure 69 → (500 + 207 + 100 + 5) / 10 = 81.2 → 81.
    const v = riskAgent(buy(), withAtr(500_000, book(4, 4_400_000n)), s);
    expect(v).toMatchObject({ riskScore: 81, veto: true, support: 0, vote: 'SKIP', confidence: 100 });
    expect(v.reasons).toContain('veto: risk score 81 is above the veto threshold 80');
    expect(riskAgent(buy(), withAtr(500_000, book(4, 4_400_000n)), { ...s, vetoThreshold: 81 }).veto).toBe(false);
  });

  it('vetoes when a limit would be exceeded, whatever the score', () => {
    const s = settings({ vetoThreshold: 100 });
    const full = riskAgent(buy(), ctx(book(5, 0n)), s);
    expect(full).toMatchObject({ veto: true, support: 0 });
    expect(full.reasons).toContain('veto: 5 open positions; one more would exceed the limit of 5');
    expect(riskAgent(buy(), ctx(book(4, 0n)), s).veto).toBe(false);
    // Exposure exactly at the limit is allowed (use 100); a paisa over vetoes.
    expect(riskAgent(buy(), ctx(book(0, 7_500_000n)), s)).toMatchObject({ veto: false, riskScore: 59 }); // (250 + 300 + 40 + 5) / 10;
    expect(riskAgent(buy(), ctx(book(0, 7_500_001n)), s).veto).toBe(true);
  });

  it('is the same for a SELL (risk has no direction)', () => {
    expect(riskAgent(sell(), withAtr(250_000), S)).toEqual({ ...riskAgent(buy(), withAtr(250_000), S) });
  });
});

describe('opening-range breakout agent', () => {
  const range = { high: 25_050_000, low: 24_950_000, from: 0, to: 1, complete: true };
  const withLtp = (ltp: number, complete = true) => ctx({ ltp, openingRange: { ...range, complete } });

  it.each([
    [25_050_001, 'BUY', 80],
    [25_050_000, 'BUY', 40],
    [25_000_000, 'BUY', 40],
    [24_950_000, 'BUY', 40],
    [24_949_999, 'BUY', 20],
    [24_949_999, 'SELL', 80],
    [24_950_000, 'SELL', 40],
    [25_050_001, 'SELL', 20],
  ])('LTP %i, %s → %i', (ltp, action, support) => {
    expect(orbAgent(action === 'BUY' ? buy() : sell(), withLtp(ltp), S).support).toBe(support);
  });

  it('is neutral with no range or an incomplete one', () => {
    expect(orbAgent(buy(), withLtp(30_000_000, false), S).support).toBe(50);
    expect(orbAgent(buy(), ctx({ ltp: 30_000_000 }), S).support).toBe(50);
  });
});

describe('pattern agent', () => {
  const c = (open: number, high: number, low: number, close: number) => candle(0, open, high, low, close);

  it.each([
    ['bullish engulfing, edges equal', [c(110, 112, 98, 100), c(100, 115, 95, 110)], 'BULLISH_ENGULFING'],
    ['bullish engulfing, wider', [c(110, 112, 98, 100), c(99, 115, 95, 111)], 'BULLISH_ENGULFING'],
    ['bearish engulfing, edges equal', [c(100, 112, 98, 110), c(110, 115, 95, 100)], 'BEARISH_ENGULFING'],
    ['not engulfing: opens above the previous close', [c(110, 112, 98, 100), c(101, 111, 99, 110)], 'INSIDE_BAR'],
    ['not engulfing: closes below the previous open', [c(110, 115, 95, 100), c(100, 116, 94, 109)], 'BULLISH'],
    ['previous not bearish', [c(100, 112, 98, 110), c(99, 113, 99, 111)], 'BULLISH'],
    ['inside bar', [c(100, 120, 90, 110), c(105, 119, 91, 104)], 'INSIDE_BAR'],
    ['equal high is not inside', [c(100, 120, 90, 110), c(105, 120, 91, 104)], 'BEARISH'],
    ['doji', [c(100, 120, 90, 110), c(105, 125, 91, 105)], 'DOJI'],
    ['one candle', [c(100, 120, 90, 110)], 'BULLISH'],
  ])('%s', (_name, candles, pattern) => expect(candlePattern(candles)).toBe(pattern));

  it('is null with no candles', () => expect(candlePattern([])).toBeNull());

  it.each([
    ['BULLISH_ENGULFING', [c(110, 112, 98, 100), c(100, 115, 95, 110)], 80],
    ['BEARISH_ENGULFING', [c(100, 112, 98, 110), c(110, 115, 95, 100)], 20],
    ['INSIDE_BAR', [c(100, 120, 90, 110), c(105, 119, 91, 104)], 50],
    ['BULLISH', [c(100, 120, 90, 110)], 60],
    ['BEARISH', [c(110, 120, 90, 100)], 40],
    ['DOJI', [c(100, 120, 90, 100)], 50],
  ])('%s supports a BUY %i and a SELL 100 − it', (_p, candles, support) => {
    expect(patternAgent(buy(), ctx({ candles }), S).support).toBe(support);
    expect(patternAgent(sell(), ctx({ candles }), S).support).toBe(100 - support);
  });

  it('is neutral with no candles', () => expect(patternAgent(buy(), ctx(), S).support).toBe(50));
});

describe('squeeze agent', () => {
  const on = { bbUpper: 105, bbLower: 95, kcUpper: 106, kcLower: 94, kcMiddle: 100, bbBandwidth: 0.1 };
  const off = { bbUpper: 107, bbLower: 93, kcUpper: 106, kcLower: 94, kcMiddle: 100, bbBandwidth: 0.14 };
  const withClose = (close: number, indicators: ReturnType<typeof ind>[]) =>
    ctx({ candles: indicators.map((_, i) => candle(i, close, close, close, close)), indicators });

  it('is on only when both Bollinger bands are strictly inside Keltner', () => {
    expect(squeezeOn(ind(on))).toBe(true);
    expect(squeezeOn(ind({ ...on, bbUpper: 106 }))).toBe(false);
    expect(squeezeOn(ind({ ...on, bbLower: 94 }))).toBe(false);
    expect(squeezeOn(ind(off))).toBe(false);
    expect(squeezeOn(ind())).toBe(false);
  });

  it('ranks the bandwidth among the finite ones', () => {
    const bw = (xs: number[]) => xs.map((b) => ind({ bbBandwidth: b }));
    expect(bandwidthPercentile(bw([0.3, 0.2, 0.1]))).toBe(0);
    expect(bandwidthPercentile(bw([0.1, 0.2, 0.3, 0.4, 0.5]))).toBe(80);
    expect(bandwidthPercentile(bw([NaN, 0.1, 0.2, 0.3, 0.4, 0.15]))).toBe(20);
    expect(bandwidthPercentile(bw([0.2, 0.2]))).toBe(0);
    expect(bandwidthPercentile(bw([0.2, NaN]))).toBeNaN();
    expect(bandwidthPercentile([])).toBeNaN();
  });

  it('a fired squeeze with momentum: 80 with the alert, 20 against, 50 flat', () => {
    expect(squeezeAgent(buy(), withClose(101, [ind(on), ind(off)]), S).support).toBe(80);
    expect(squeezeAgent(sell(), withClose(101, [ind(on), ind(off)]), S).support).toBe(20);
    expect(squeezeAgent(sell(), withClose(99, [ind(on), ind(off)]), S).support).toBe(80);
    expect(squeezeAgent(buy(), withClose(100, [ind(on), ind(off)]), S).support).toBe(50);
  });

  it('a squeeze still on is neutral', () => {
    expect(squeezeAgent(buy(), withClose(101, [ind(off), ind(on)]), S)).toMatchObject({
      support: 50,
      reasons: ['squeeze on: waiting for the release'],
    });
  });

  it('no squeeze: low bandwidth (percentile ≤ the setting) 50 ± 15, otherwise 50 ± 5', () => {
    const rows = (current: number) =>
      [0.2, 0.3, 0.4, 0.5].map((b) => ind({ ...off, bbBandwidth: b })).concat(ind({ ...off, bbBandwidth: current }));
    expect(squeezeAgent(buy(), withClose(101, rows(0.25)), S).support).toBe(65); // percentile 20: low
    expect(squeezeAgent(sell(), withClose(101, rows(0.25)), S).support).toBe(35);
    expect(squeezeAgent(buy(), withClose(101, rows(0.35)), S).support).toBe(55); // percentile 40
    expect(squeezeAgent(sell(), withClose(101, rows(0.35)), S).support).toBe(45);
    expect(squeezeAgent(buy(), withClose(101, rows(0.35)), settings({ lowBandwidthPercentile: 40 })).support).toBe(65);
  });

  it('is neutral while the bands are undefined', () => {
    expect(squeezeAgent(buy(), withClose(101, [ind({ ...off, kcUpper: NaN })]), S).support).toBe(50);
    expect(squeezeAgent(buy(), ctx(), S).support).toBe(50);
  });
});

describe('ML agent', () => {
  const model = (score: number) => ({ model: { score, thresholds: { buy: 0.6, sell: 0.4 } } });

  it.each([
    [0.7, 'BUY', 80],
    [0.6, 'BUY', 80],
    [0.59, 'BUY', 50],
    [0.5, 'BUY', 50],
    [0.41, 'BUY', 50],
    [0.4, 'BUY', 20],
    [0.4, 'SELL', 80],
    [0.7, 'SELL', 20],
    [0.5, 'SELL', 50],
  ])('score %s, %s → %i (signalOf against the card)', (score, action, support) => {
    expect(mlAgent(action === 'BUY' ? buy() : sell(), ctx(model(score)), S).support).toBe(support);
  });

  it('is neutral without a model or with a score outside [0, 1]', () => {
    expect(mlAgent(buy(), ctx(), S)).toEqual({
      agent: 'ml',
      vote: 'SKIP',
      confidence: 50,
      support: 50,
      reasons: ['no production model: neutral'],
    });
    expect(mlAgent(buy(), ctx(model(1.2)), S).support).toBe(50);
    expect(mlAgent(buy(), ctx(model(NaN)), S).support).toBe(50);
  });
});
