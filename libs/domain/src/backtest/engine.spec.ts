import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import type { Candle } from '../market/candle';
import { MlSignalStrategy } from '../strategies/ml-signal';
import { SmaCrossover } from '../strategies/sma-crossover';
import type { SignalInput, Strategy } from '../strategies/strategy';
import { DEFAULT_FEE_SCHEDULE } from '../trading/fees';
import type { RiskLimits } from '../trading/risk';
import { runBacktest } from './engine';
import { SIGNAL_CODES, type BacktestConfig, type BacktestOrderIntent, type BarSeries, type FillModel, type SignalColumns } from './types';

/** One row: [open, high, low, close, volume?]; ts = from + i × step. */
type Row = [number, number, number, number, number?];
const series = (symbol: string, rows: Row[], from = 0, step = 60_000, tsList?: number[]): BarSeries => ({
  symbol,
  ts: Float64Array.from(rows.map((_, i) => tsList?.[i] ?? from + i * step)),
  open: Float64Array.from(rows.map((r) => r[0])),
  high: Float64Array.from(rows.map((r) => r[1])),
  low: Float64Array.from(rows.map((r) => r[2])),
  close: Float64Array.from(rows.map((r) => r[3])),
  volume: Float64Array.from(rows.map((r) => r[4] ?? 1_000)),
});
/** Flat bars at one price each: open = high = low = close. */
const flat = (symbol: string, prices: number[], from = 0, step = 60_000): BarSeries =>
  series(
    symbol,
    prices.map((p) => [p, p, p, p]),
    from,
    step,
  );

type Plan = BacktestOrderIntent | ((position: number) => BacktestOrderIntent | null);
/** A strategy that places what the plan says at `symbol@ts`, and records what it saw. */
class Script implements Strategy {
  readonly kind = 'script';
  readonly seen: { symbol: string; ts: number; close: number; position: number }[] = [];
  constructor(private readonly plan: Record<string, Plan> = {}) {}
  warm(): void {}
  onBar(symbol: string, bar: Candle, position: number): BacktestOrderIntent | null {
    this.seen.push({ symbol, ts: bar.ts, close: bar.close, position });
    const p = this.plan[`${symbol}@${bar.ts}`];
    return p === undefined ? null : typeof p === 'function' ? p(position) : p;
  }
  onSignal(): null {
    return null;
  }
}
const buy = (symbol: string, quantity: number, extra: Partial<BacktestOrderIntent> = {}): BacktestOrderIntent => ({
  symbol,
  side: 'BUY',
  quantity,
  reason: 'test',
  ...extra,
});
const sell = (symbol: string, quantity: number, extra: Partial<BacktestOrderIntent> = {}): BacktestOrderIntent => ({
  ...buy(symbol, quantity, extra),
  side: 'SELL',
});

const NEXT_OPEN: FillModel = { at: 'next_open', slippageBps: 0, maxParticipation: null };
const CLOSE: FillModel = { at: 'close', slippageBps: 0, maxParticipation: null };
const M = 60_000;
const run = (over: Partial<BacktestConfig> & Pick<BacktestConfig, 'strategy' | 'series'>) =>
  runBacktest({ fillModel: NEXT_OPEN, fees: null, product: 'MIS', initialCapital: 0n, ...over });
const fills = (r: ReturnType<typeof runBacktest>) => r.trades.map((t) => [t.ts / M, t.side, t.quantity, t.price]);

describe('runBacktest: the fill model', () => {
  const prices = series('A', [
    [100, 101, 99, 100],
    [110, 112, 108, 111],
    [120, 121, 119, 120],
  ]);

  it("next_open: an order decided on bar t fills at bar t+1's open", () => {
    const r = run({ strategy: new Script({ [`A@0`]: buy('A', 2), [`A@${M}`]: sell('A', 2) }), series: [prices] });
    expect(fills(r)).toEqual([
      [1, 'BUY', 2, 110],
      [2, 'SELL', 2, 120],
    ]);
    expect(r.trades[1]!.realisedPnl).toBe(20n);
    expect(r.status).toBe('completed');
    expect(r.fillModel).toEqual(NEXT_OPEN);
  });

  it("close: at bar t's close", () => {
    const r = run({ strategy: new Script({ [`A@0`]: buy('A', 2), [`A@${M}`]: sell('A', 2) }), series: [prices], fillModel: CLOSE });
    expect(fills(r)).toEqual([
      [0, 'BUY', 2, 100],
      [1, 'SELL', 2, 111],
    ]);
    expect(r.trades[1]!.realisedPnl).toBe(22n);
    expect(r.fillModel).toEqual(CLOSE);
  });

  it('slippage moves each fill against it, rounded a whole tick against it (buy up, sell down)', () => {
    const s = series('A', [
      [10_001, 10_001, 10_001, 10_001],
      [10_001, 10_001, 10_001, 10_001],
      [10_001, 10_001, 10_001, 10_001],
    ]);
    const r = run({
      strategy: new Script({ [`A@0`]: buy('A', 1), [`A@${M}`]: sell('A', 1) }),
      series: [s],
      fillModel: { ...NEXT_OPEN, slippageBps: 1 },
    });
    // 1 bp of 10,001 is 1.0001 ticks: the buy pays 10,003, the sell receives 9,999.
    expect(fills(r)).toEqual([
      [1, 'BUY', 1, 10_003],
      [2, 'SELL', 1, 9_999],
    ]);
    expect(r.trades[1]!.realisedPnl).toBe(-4n);
  });

  it('a participation cap fills part per bar and carries the rest; the strategy sees the working units', () => {
    const s = series(
      'A',
      [0, 1, 2, 3, 4, 5].map((i): Row => [100 + i, 100 + i, 100 + i, 100 + i, i === 2 ? 0 : 10]),
    );
    const strategy = new Script({ [`A@0`]: buy('A', 8) });
    const r = run({ strategy, series: [s], fillModel: { ...NEXT_OPEN, maxParticipation: 0.3 } });
    // floor(0.3 × 10) = 3 per bar; bar 2 traded nothing, so nothing fills in it.
    expect(fills(r)).toEqual([
      [1, 'BUY', 3, 101],
      [3, 'BUY', 3, 103],
      [4, 'BUY', 2, 104],
    ]);
    expect(strategy.seen.map((x) => x.position)).toEqual([0, 8, 8, 8, 8, 8]);
    expect(r.positions[0]).toMatchObject({ symbol: 'A', netQuantity: 8, mark: 105 });
  });

  it('at close, a capped order fills part at the bar it was decided on and the rest at later closes', () => {
    const s = series('A', [
      [100, 100, 100, 100, 5],
      [110, 111, 110, 111, 5],
      [120, 121, 120, 121, 5],
    ]);
    const r = run({ strategy: new Script({ [`A@0`]: buy('A', 3) }), series: [s], fillModel: { ...CLOSE, maxParticipation: 0.4 } });
    expect(fills(r)).toEqual([
      [0, 'BUY', 2, 100],
      [1, 'BUY', 1, 111],
    ]);
  });

  it("a next_open order decided on the last bar stays unfilled and is reported; so is a capped order's rest", () => {
    const r = run({ strategy: new Script({ [`A@${2 * M}`]: sell('A', 4) }), series: [prices] });
    expect(r.trades).toEqual([]);
    expect(r.unfilled).toEqual([{ symbol: 'A', side: 'SELL', type: 'MARKET', ts: 2 * M, quantity: 4, remainingQuantity: 4 }]);
    const capped = run({
      strategy: new Script({ [`A@${M}`]: buy('A', 500) }),
      series: [prices],
      fillModel: { ...NEXT_OPEN, maxParticipation: 0.1 },
    });
    expect(fills(capped)).toEqual([[2, 'BUY', 100, 120]]);
    expect(capped.unfilled).toEqual([{ symbol: 'A', side: 'BUY', type: 'MARKET', ts: M, quantity: 500, remainingQuantity: 400 }]);
  });
});

describe('runBacktest: limit and stop orders', () => {
  it('a buy limit waits until the range crosses it and fills at the limit; a sell limit opened through fills at the open', () => {
    const s = series('A', [
      [110, 111, 109, 110],
      [110, 112, 101, 105],
      [108, 109, 99, 105],
      [125, 130, 124, 126],
    ]);
    const r = run({
      strategy: new Script({
        [`A@0`]: buy('A', 1, { type: 'LIMIT', price: 100 }),
        [`A@${2 * M}`]: sell('A', 1, { type: 'LIMIT', price: 120 }),
      }),
      series: [s],
      fillModel: { ...CLOSE, slippageBps: 50 },
    });
    // Limit fills never slip.
    expect(fills(r)).toEqual([
      [2, 'BUY', 1, 100],
      [3, 'SELL', 1, 125],
    ]);
  });

  it('a limit decided at the close does not fill in the bar it was decided on', () => {
    const s = series('A', [
      [100, 110, 90, 100],
      [100, 101, 99, 100],
    ]);
    const r = run({ strategy: new Script({ [`A@0`]: buy('A', 1, { type: 'LIMIT', price: 95 }) }), series: [s], fillModel: CLOSE });
    expect(r.trades).toEqual([]);
    expect(r.unfilled).toEqual([{ symbol: 'A', side: 'BUY', type: 'LIMIT', ts: 0, quantity: 1, remainingQuantity: 1 }]);
  });

  it('an SL-M sell fills at its trigger, or at the open on a gap down, and slips like a market order', () => {
    const s = series('A', [
      [100, 100, 100, 100],
      [100, 101, 97, 99],
      [99, 99, 96, 98],
      [90, 92, 88, 91],
    ]);
    const r = run({
      strategy: new Script({
        [`A@0`]: buy('A', 2),
        [`A@${M}`]: sell('A', 1, { type: 'SL-M', triggerPrice: 96 }),
        [`A@${2 * M}`]: sell('A', 1, { type: 'SL-M', triggerPrice: 95 }),
      }),
      series: [s],
      fillModel: CLOSE,
    });
    // The first triggers inside bar 2 at 96; the second gaps: bar 3 opens at 90.
    expect(fills(r)).toEqual([
      [0, 'BUY', 2, 100],
      [2, 'SELL', 1, 96],
      [3, 'SELL', 1, 90],
    ]);
    const slipped = run({
      strategy: new Script({ [`A@0`]: sell('A', 1, { type: 'SL-M', triggerPrice: 10_001 }) }),
      series: [
        series('A', [
          [20_000, 20_000, 20_000, 20_000],
          [20_000, 20_000, 10_001, 10_001],
        ]),
      ],
      fillModel: { ...CLOSE, slippageBps: 1 },
    });
    expect(fills(slipped)).toEqual([[1, 'SELL', 1, 9_999]]);
  });

  it('an SL buy that gaps past its limit triggers, rests as a limit, and fills later at the limit', () => {
    const s = series('A', [
      [95, 96, 94, 95],
      [105, 106, 104, 105],
      [103, 104, 101, 103],
    ]);
    const r = run({
      strategy: new Script({ [`A@0`]: buy('A', 1, { type: 'SL', triggerPrice: 100, price: 102 }) }),
      series: [s],
    });
    expect(fills(r)).toEqual([[2, 'BUY', 1, 102]]);
  });

  it('a triggered SL-M whose fill is capped finishes as a market order at the next bars', () => {
    const s = series('A', [
      [100, 100, 100, 100, 10],
      [100, 100, 95, 96, 10],
      [97, 98, 96, 97, 10],
    ]);
    const r = run({
      strategy: new Script({ [`A@0`]: sell('A', 8, { type: 'SL-M', triggerPrice: 98 }) }),
      series: [s],
      fillModel: { ...NEXT_OPEN, maxParticipation: 0.5 },
    });
    expect(fills(r)).toEqual([
      [1, 'SELL', 5, 98],
      [2, 'SELL', 3, 97],
    ]);
  });
});

describe('runBacktest: several symbols', () => {
  it('merges bars by ts, ties in the order the series were given, one equity point per ts', () => {
    const b = series(
      'B',
      [
        [50, 50, 50, 50],
        [55, 55, 55, 55],
        [60, 60, 60, 60],
      ],
      0,
      60,
    );
    const a = series(
      'A',
      [
        [100, 100, 100, 100],
        [110, 110, 110, 110],
        [100, 100, 100, 100],
        [120, 120, 120, 120],
      ],
      0,
      0,
      [60, 90, 120, 180],
    );
    const strategy = new Script({ 'B@0': buy('B', 1), 'A@60': buy('A', 2) });
    const r = run({ strategy, series: [b, a], fillModel: CLOSE });
    expect(strategy.seen.map((x) => `${x.symbol}@${x.ts}`)).toEqual(['B@0', 'B@60', 'A@60', 'A@90', 'B@120', 'A@120', 'A@180']);
    expect([...r.equity.ts]).toEqual([0, 60, 90, 120, 180]);
    // Cash −50 then −250; marks: B 50→55→60, A 100→110→100→120.
    expect([...r.equity.value]).toEqual([0, 5, 25, 10, 50]);
    expect(r.barsProcessed).toBe(7);
    expect(r.barsTotal).toBe(7);
  });

  it("an intent for another symbol of the run waits for that symbol's next bar; an unknown symbol is refused", () => {
    const strategy = new Script({ 'B@0': buy('A', 1), 'B@60': buy('ZZZ', 1) });
    const r = run({
      strategy,
      series: [flat('B', [50, 51], 0, 60), flat('A', [100, 101], 30, 60)],
    });
    expect(r.trades.map((t) => [t.ts, t.symbol, t.price])).toEqual([[30, 'A', 100]]);
    expect(r.refusals).toEqual([{ ts: 60, symbol: 'ZZZ', rule: 'UNKNOWN_SYMBOL', reason: "ZZZ is not among the run's symbols" }]);
  });
});

describe('runBacktest: equity, fees and positions', () => {
  // Hand-computed: SMA 2/3 crosses up on bar 4 (fast 10 > slow 9.33), down on bar 6 (10.5 < 10.67),
  // up again on bar 9 (8.5 > 8.33). Quantity 10, capital ₹10 = 100,000 tick-units.
  const closes = [10, 9, 8, 9, 11, 12, 9, 8, 7, 10];
  const opens = [10, 10, 9, 8, 9, 12, 12, 9, 8, 7];
  const s = series(
    'A',
    closes.map((c, i): Row => [opens[i]!, Math.max(opens[i]!, c), Math.min(opens[i]!, c), c]),
  );
  const sma = () => new SmaCrossover({ fast: 2, slow: 3, quantity: 10, allowShort: false });

  it('next_open: buys 10 at 12 on bar 5, sells at 9 on bar 7; the last cross stays unfilled', () => {
    const r = run({ strategy: sma(), series: [s], initialCapital: 1_000n });
    expect(fills(r)).toEqual([
      [5, 'BUY', 10, 12],
      [7, 'SELL', 10, 9],
    ]);
    expect(r.trades.map((t) => t.realisedPnl)).toEqual([0n, -30n]);
    expect(r.initialEquity).toBe(100_000);
    expect([...r.equity.value]).toEqual([100_000, 100_000, 100_000, 100_000, 100_000, 100_000, 99_970, 99_970, 99_970, 99_970]);
    expect([...r.equity.ts]).toEqual(closes.map((_, i) => i * M));
    expect(r.unfilled).toEqual([{ symbol: 'A', side: 'BUY', type: 'MARKET', ts: 9 * M, quantity: 10, remainingQuantity: 10 }]);
    expect(r.positions).toEqual([expect.objectContaining({ symbol: 'A', netQuantity: 0, realisedPnl: -30n, mark: 10 })]);
    expect(r.feesPaid).toBe(0n);
  });

  it('close: buys at 11 on bar 4, sells at 9 on bar 6, buys at 10 on bar 9', () => {
    const r = run({ strategy: sma(), series: [s], initialCapital: 1_000n, fillModel: CLOSE });
    expect(fills(r)).toEqual([
      [4, 'BUY', 10, 11],
      [6, 'SELL', 10, 9],
      [9, 'BUY', 10, 10],
    ]);
    expect([...r.equity.value]).toEqual([100_000, 100_000, 100_000, 100_000, 100_000, 100_010, 99_980, 99_980, 99_980, 99_980]);
    expect(r.unfilled).toEqual([]);
    expect(r.positions[0]).toMatchObject({ netQuantity: 10, realisedPnl: -20n });
  });

  it('fees per fill through the schedule (MIS at ₹100: buy 4 paise, sell 7), taken from equity; none without a schedule', () => {
    const P = 1_000_000; // ₹100
    const strategy = () => new Script({ 'A@0': buy('A', 1), [`A@${M}`]: sell('A', 1) });
    const withFees = run({ strategy: strategy(), series: [flat('A', [P, P])], fillModel: CLOSE, fees: DEFAULT_FEE_SCHEDULE });
    // Buy: brokerage 3 + GST 0.54 → 1; sell: brokerage 3 + STT 2.5 → 3 + GST 1.
    expect(withFees.trades.map((t) => t.fees)).toEqual([4n, 7n]);
    expect(withFees.feesPaid).toBe(11n);
    expect([...withFees.equity.value]).toEqual([-400, -1_100]);
    const without = run({ strategy: strategy(), series: [flat('A', [P, P])], fillModel: CLOSE });
    expect(without.trades.map((t) => t.fees)).toEqual([0n, 0n]);
    expect([...without.equity.value]).toEqual([0, 0]);
  });

  it('partial fills of one order share its brokerage cap (₹20 per order)', () => {
    const P = 100_000_000; // ₹10,000
    const s4 = series(
      'A',
      [0, 1, 2, 3, 4].map((): Row => [P, P, P, P, 10]),
    );
    const r = run({
      strategy: new Script({ 'A@0': buy('A', 10) }),
      series: [s4],
      fees: DEFAULT_FEE_SCHEDULE,
      fillModel: { ...NEXT_OPEN, maxParticipation: 0.3 },
    });
    expect(r.trades.map((t) => t.quantity)).toEqual([3, 3, 3, 1]);
    // Brokerage 900, 900, then 200 up to the ₹20 cap, then 0; plus exchange charges and GST.
    expect(r.trades.map((t) => t.fees)).toEqual([1_167n, 1_167n, 341n, 35n]);
  });

  it('refuses a run whose cash and positions would pass 2^53 tick-units', () => {
    const huge = 2 ** 50;
    const attempt = () => run({ strategy: new Script({ 'A@0': buy('A', 10) }), series: [flat('A', [huge, huge])], fillModel: CLOSE });
    expect(attempt).toThrow(DomainError);
    expect(attempt).toThrow(/2\^53/);
    expect(() => run({ strategy: new Script({ 'A@0': buy('A', 1) }), series: [flat('A', [huge, huge])], fillModel: CLOSE })).not.toThrow();
    // 3 × 2^50 paid and held: past the fast check (2^52), checked exactly, still below 2^53.
    const near = run({ strategy: new Script({ 'A@0': buy('A', 3) }), series: [flat('A', [huge, huge])], fillModel: CLOSE });
    expect([...near.equity.value]).toEqual([0, 0]);
    expect(near.trades[0]!.price).toBe(huge);
  });
});

describe('runBacktest: risk', () => {
  const P = 1_000_000; // ₹100
  const NO_LIMITS: RiskLimits = {
    maxOrderValue: null,
    maxPositionValue: null,
    maxOpenOrders: null,
    maxDailyLoss: null,
    maxOrdersPerMinute: null,
  };

  it('an order the pre-trade check refuses is recorded with its rule and never placed; a reducing one passes', () => {
    const r = run({
      strategy: new Script({ 'A@0': buy('A', 1), [`A@${M}`]: buy('A', 1), [`A@${2 * M}`]: sell('A', 1) }),
      series: [flat('A', [P, P, P, P])],
      fillModel: CLOSE,
      riskLimits: { ...NO_LIMITS, maxPositionValue: 15_000n },
    });
    expect(fills(r)).toEqual([
      [0, 'BUY', 1, P],
      [2, 'SELL', 1, P],
    ]);
    expect(r.refusals).toEqual([
      { ts: M, symbol: 'A', rule: 'MAX_POSITION_VALUE', reason: 'Position in A would be worth ₹200.00, above the limit of ₹150.00' },
    ]);
  });

  it('lot sizes, the order rate and the daily loss (per IST day) are checked as live', () => {
    const lots = run({
      strategy: new Script({ 'A@0': buy('A', 3) }),
      series: [flat('A', [P])],
      riskLimits: NO_LIMITS,
      lotSizes: { A: 5 },
    });
    expect(lots.refusals.map((x) => x.rule)).toEqual(['LOT_SIZE']);

    const S = 10_000;
    const rate = run({
      strategy: new Script({ 'A@0': buy('A', 1), [`A@${S}`]: sell('A', 1), [`A@${2 * S}`]: buy('A', 1), [`A@${6 * S}`]: buy('A', 1) }),
      series: [flat('A', [P, P, P, P, P, P, P], 0, S)],
      fillModel: CLOSE,
      riskLimits: { ...NO_LIMITS, maxOrdersPerMinute: 2 },
    });
    expect(rate.refusals.map((x) => [x.ts / S, x.rule])).toEqual([[2, 'MAX_ORDERS_PER_MINUTE']]);
    expect(rate.trades.map((t) => t.ts / S)).toEqual([0, 1, 6]);

    const DAY = 86_400_000;
    const loss = run({
      strategy: new Script({ [`A@${M}`]: buy('A', 1), [`A@${DAY}`]: buy('A', 1), 'A@0': buy('A', 1) }),
      series: [
        series(
          'A',
          [
            [P, P, P, P],
            [P, P, 900_000, 900_000],
            [900_000, 900_000, 900_000, 900_000],
          ],
          0,
          0,
          [0, M, DAY],
        ),
      ],
      fillModel: CLOSE,
      riskLimits: { ...NO_LIMITS, maxDailyLoss: 500n },
    });
    // −₹10 on day 0 refuses the second buy; the next IST day starts from zero.
    expect(loss.refusals.map((x) => [x.ts, x.rule])).toEqual([[M, 'MAX_DAILY_LOSS']]);
    expect(loss.trades.map((t) => t.ts)).toEqual([0, DAY]);
  });

  it('working orders count toward the open-order limit', () => {
    const r = run({
      strategy: new Script({ 'A@0': buy('A', 1, { type: 'LIMIT', price: P - 10 }), [`A@${M}`]: buy('A', 1) }),
      series: [flat('A', [P, P, P])],
      riskLimits: { ...NO_LIMITS, maxOpenOrders: 1 },
    });
    expect(r.refusals.map((x) => [x.ts, x.rule])).toEqual([[M, 'MAX_OPEN_ORDERS']]);
    expect(r.unfilled).toHaveLength(1);
  });

  it('an order for a symbol without a bar yet is priced by its limit, or refused without one', () => {
    const r = run({
      strategy: new Script({ 'B@0': buy('A', 1), 'B@10': buy('A', 1, { type: 'LIMIT', price: 100 }) }),
      series: [flat('B', [50, 50], 0, 10), flat('A', [100, 100], 20, 10)],
      riskLimits: NO_LIMITS,
    });
    expect(r.refusals.map((x) => [x.ts, x.symbol, x.rule])).toEqual([[0, 'A', 'NO_PRICE']]);
    expect(r.trades.map((t) => [t.ts, t.symbol, t.price])).toEqual([[20, 'A', 100]]);
  });

  it('an invalid order from a strategy is refused, not thrown', () => {
    const r = run({
      strategy: new Script({ 'A@0': buy('A', 1, { type: 'LIMIT', price: null }), [`A@${M}`]: buy('A', 0) }),
      series: [flat('A', [P, P])],
    });
    expect(r.refusals.map((x) => x.rule)).toEqual(['INVALID_ORDER', 'INVALID_ORDER']);
    expect(r.trades).toEqual([]);
  });
});

describe('runBacktest: progress and cancel', () => {
  const ten = flat(
    'A',
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((x) => x * 100),
  );

  it('reports progress every N bars and at the end', () => {
    const calls: [number, number][] = [];
    const r = run({ strategy: new Script(), series: [ten], progressEvery: 3, onProgress: (d, t) => calls.push([d, t]) });
    expect(calls).toEqual([
      [3, 10],
      [6, 10],
      [9, 10],
      [10, 10],
    ]);
    expect(r.status).toBe('completed');
  });

  it('stops when shouldStop says so: cancelled, with what was processed', () => {
    const calls: [number, number][] = [];
    let asked = 0;
    const strategy = new Script({ 'A@0': buy('A', 1) });
    const r = run({
      strategy,
      series: [ten],
      progressEvery: 3,
      onProgress: (d, t) => calls.push([d, t]),
      shouldStop: () => ++asked === 2,
    });
    expect(r.status).toBe('cancelled');
    expect(r.barsProcessed).toBe(6);
    expect(r.barsTotal).toBe(10);
    expect(calls).toEqual([
      [3, 10],
      [6, 10],
    ]);
    expect(strategy.seen).toHaveLength(6);
    expect([...r.equity.ts]).toEqual([0, 1, 2, 3, 4, 5].map((i) => i * M));
    expect([...r.equity.value]).toEqual([0, 0, 100, 200, 300, 400]);
  });
});

describe('runBacktest: ml-signal over history', () => {
  it('hands each signal to onSignal at the first bar at or after it, and its intent fills like any other', () => {
    const sig = (ts: number, signal: SignalInput['signal']): SignalInput => ({ id: `s${ts}`, symbol: 'A', ts, signal, score: 0.9 });
    const r = run({
      strategy: new MlSignalStrategy({ quantity: 2, allowShort: false }),
      series: [flat('A', [100, 101, 102, 103, 104])],
      signals: { A: [sig(150_000, 'SELL'), sig(M, 'BUY'), sig(10 * M, 'BUY')] },
      fillModel: CLOSE,
    });
    expect(fills(r)).toEqual([
      [1, 'BUY', 2, 101],
      [3, 'SELL', 2, 103],
    ]);
    const asMap = run({
      strategy: new MlSignalStrategy({ quantity: 2, allowShort: false }),
      series: [flat('A', [100, 101, 102, 103, 104])],
      signals: new Map([['A', [sig(M, 'BUY')]]]),
      fillModel: CLOSE,
    });
    expect(fills(asMap)).toEqual([[1, 'BUY', 2, 101]]);
    expect(() =>
      run({ strategy: new MlSignalStrategy({ quantity: 1, allowShort: false }), series: [flat('A', [1])], signals: { B: [] } }),
    ).toThrow(/Signals for B/);
    expect(() =>
      run({
        strategy: new MlSignalStrategy({ quantity: 1, allowShort: false }),
        series: [flat('A', [1])],
        signals: { A: [{ ...sig(0, 'BUY'), symbol: 'B' }] },
      }),
    ).toThrow(/listed under A is for B/);
  });

  /** The same signals as columns (ascending ts). */
  const columns = (list: readonly SignalInput[]): SignalColumns => ({
    ts: Float64Array.from(list, (x) => x.ts),
    verdict: Uint8Array.from(list, (x) => SIGNAL_CODES[x.signal]),
    score: Float32Array.from(list, (x) => x.score),
  });

  it('signal columns replay exactly as the same signals listed: the same fills, and the strategy sees each signal with its fields and id <symbol>@<ts>', () => {
    // A random walk with a signal on most bars (BUY, SELL and HOLD), long and short.
    const bars = flat(
      'A',
      Array.from({ length: 400 }, (_, i) => 1_000 + ((i * 7919) % 37) - 18),
    );
    let x = 7;
    const list: SignalInput[] = [];
    for (let i = 0; i < 400; i += 1) {
      x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
      if (x % 5 === 0) continue;
      const signal = (['BUY', 'SELL', 'HOLD'] as const)[x % 3]!;
      const ts = i * M + (x % 2) * 1_000; // at a bar's start, or inside it
      list.push({ id: `A@${ts}`, symbol: 'A', ts, signal, score: Math.fround((x % 1_000) / 1_000) });
    }
    const seen: SignalInput[][] = [[], []];
    const spy = (k: number) => {
      const inner = new MlSignalStrategy({ quantity: 3, allowShort: true });
      return Object.assign(Object.create(inner) as MlSignalStrategy, {
        onSignal: (sg: SignalInput, position: number) => {
          seen[k]!.push({ id: sg.id, symbol: sg.symbol, ts: sg.ts, signal: sg.signal, score: sg.score });
          return inner.onSignal(sg, position);
        },
      });
    };
    const asList = run({ strategy: spy(0), series: [bars], signals: { A: list }, fees: DEFAULT_FEE_SCHEDULE });
    const asColumns = run({ strategy: spy(1), series: [bars], signals: { A: columns(list) }, fees: DEFAULT_FEE_SCHEDULE });
    expect(asList.trades.length).toBeGreaterThan(20);
    expect(asColumns.trades).toEqual(asList.trades);
    expect([...asColumns.equity.value]).toEqual([...asList.equity.value]);
    expect(asColumns.feesPaid).toBe(asList.feesPaid);
    expect(seen[1]).toEqual(seen[0]);
    // Every signal at or before the last bar's start reaches the strategy.
    expect(seen[1]).toHaveLength(list.filter((sg) => sg.ts <= 399 * M).length);
  });

  it('refuses signal columns that cannot be replayed, naming the symbol', () => {
    const ok = columns([
      { id: 'a', symbol: 'A', ts: 0, signal: 'BUY', score: 0.9 },
      { id: 'b', symbol: 'A', ts: M, signal: 'SELL', score: 0.1 },
    ]);
    const attempt = (c: SignalColumns) => () =>
      run({ strategy: new MlSignalStrategy({ quantity: 1, allowShort: false }), series: [flat('A', [1, 2])], signals: { A: c } });
    expect(attempt(ok)).not.toThrow();
    expect(attempt({ ...ok, score: new Float32Array(1) })).toThrow(/Signal columns for A differ in length/);
    expect(attempt({ ...ok, ts: Float64Array.of(M, 0) })).toThrow(/Signal columns for A must have finite ts, ascending/);
    expect(attempt({ ...ok, ts: Float64Array.of(0, Number.NaN) })).toThrow(/finite ts, ascending/);
    expect(attempt({ ...ok, verdict: Uint8Array.of(1, 0) })).toThrow(/unknown verdict code 0/);
    expect(attempt({ ...ok, verdict: Uint8Array.of(1, 9) })).toThrow(/unknown verdict code 9/);
    expect(attempt({ ...ok, score: Float32Array.of(0.5, 1.5) })).toThrow(/score outside \[0, 1\]/);
    expect(attempt({ ...ok, score: Float32Array.of(0.5, Number.NaN) })).toThrow(/score outside/);
    expect(attempt({ ...ok, ts: [0, M] as unknown as Float64Array })).toThrow(/must be ts Float64Array/);
    expect(attempt(ok)).not.toThrow(DomainError);
  });
});

describe('runBacktest: determinism and input', () => {
  /** A deterministic random walk (LCG), integer ticks. */
  function walk(n: number, seed: number): BarSeries {
    let x = seed >>> 0;
    const rnd = () => (x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
    const rows: Row[] = [];
    let price = 1_000_000;
    for (let i = 0; i < n; i++) {
      const open = price;
      const close = Math.max(1_000, open + Math.round((rnd() - 0.5) * 4_000));
      const high = Math.max(open, close) + Math.round(rnd() * 500);
      const low = Math.max(1, Math.min(open, close) - Math.round(rnd() * 500));
      rows.push([open, high, low, close, 1 + Math.floor(rnd() * 10)]);
      price = close;
    }
    return series('A', rows);
  }

  it('the same inputs give the same result, bit for bit', () => {
    const once = () =>
      run({
        strategy: new SmaCrossover({ fast: 5, slow: 20, quantity: 7, allowShort: true }),
        series: [walk(5_000, 42)],
        fees: DEFAULT_FEE_SCHEDULE,
        initialCapital: 10_000_000n,
        fillModel: { at: 'next_open', slippageBps: 2.5, maxParticipation: 0.5 },
      });
    const a = once();
    const b = once();
    expect(a.trades.length).toBeGreaterThan(100);
    expect(a.trades.some((t) => t.quantity < 7)).toBe(true);
    expect(b).toEqual(a);
    expect(Buffer.from(b.equity.value.buffer).equals(Buffer.from(a.equity.value.buffer))).toBe(true);
  });

  it('no bars: a completed, empty run', () => {
    const r = run({ strategy: new Script(), series: [flat('A', [])], initialCapital: 5n });
    expect(r).toMatchObject({ status: 'completed', trades: [], barsProcessed: 0, initialEquity: 500 });
    expect(r.equity.ts).toHaveLength(0);
    expect(r.positions[0]!.mark).toBeNull();
  });

  it('refuses input it cannot replay exactly', () => {
    const ok = flat('A', [100, 101]);
    const bad: [string, RegExp, Partial<BacktestConfig>][] = [
      ['two series of one symbol', /given twice/, { series: [ok, ok] }],
      ['ts not ascending', /ts that is not an integer after/, { series: [{ ...ok, ts: Float64Array.from([60, 60]) }] }],
      ['a low above the open', /low above or a high below/, { series: [{ ...ok, low: Float64Array.from([101, 101]) }] }],
      ['a fractional price', /positive integer number of ticks/, { series: [{ ...ok, close: Float64Array.from([100.5, 101]) }] }],
      ['a negative volume', /volume that is not/, { series: [{ ...ok, volume: Float64Array.from([-1, 1]) }] }],
      ['columns of different lengths', /different lengths/, { series: [{ ...ok, volume: Float64Array.from([1]) }] }],
      ['a fill time', /fillModel.at/, { fillModel: { ...NEXT_OPEN, at: 'noon' as 'close' } }],
      ['slippage', /slippageBps/, { fillModel: { ...NEXT_OPEN, slippageBps: -1 } }],
      ['participation', /maxParticipation/, { fillModel: { ...NEXT_OPEN, maxParticipation: 1.5 } }],
      ['product', /Unknown product/, { product: 'XYZ' as 'MIS' }],
      ['capital', /initialCapital/, { initialCapital: -1n }],
      ['progressEvery', /progressEvery/, { progressEvery: 0 }],
      ['lot size', /Lot size/, { lotSizes: { A: 0 } }],
      ['strategy', /needs a strategy/, { strategy: {} as Strategy }],
    ];
    for (const [what, message, over] of bad) {
      let caught: unknown;
      try {
        run({ strategy: new Script(), series: [ok], ...over });
      } catch (e) {
        caught = e;
      }
      expect(caught, what).toBeInstanceOf(DomainError);
      expect((caught as DomainError).code, what).toBe('VALIDATION_FAILED');
      expect((caught as DomainError).message, what).toMatch(message);
    }
  });
});
