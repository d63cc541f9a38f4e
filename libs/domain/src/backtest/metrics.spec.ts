import { describe, expect, it } from 'vitest';
import { backtestMetrics, barsPerYear, type BacktestMetricsInput, type MetricsTrade } from './metrics';

const T = 10_000; // ticks per rupee
const MINUTE = 60_000;

/** An equity curve of one point per minute from 0, or at the given times. */
function curve(values: number[], ts?: number[]): BacktestMetricsInput['equity'] {
  return { ts: Float64Array.from(ts ?? values.map((_, i) => i * MINUTE)), value: Float64Array.from(values) };
}

function input(over: Partial<BacktestMetricsInput> & { equity: BacktestMetricsInput['equity'] }): BacktestMetricsInput {
  return { initialCapital: 1000n, trades: [], barsPerYear: 250, positionBars: 0, ...over };
}

let clock = 0;
function fill(symbol: string, side: 'BUY' | 'SELL', quantity: number, rupees: number, fees: bigint, realisedPnl: bigint): MetricsTrade {
  clock += MINUTE;
  return { ts: clock, symbol, side, quantity, price: Math.round(rupees * T), fees, realisedPnl };
}

/** Metrics of fills alone, over a flat curve (round-trip figures do not read the curve). */
const tripsOf = (trades: MetricsTrade[]) => backtestMetrics(input({ equity: curve([1000, 1000]), trades }));

describe('barsPerYear (375 minutes a session × 250 sessions)', () => {
  it('counts the bars of each timeframe in an NSE year', () => {
    expect(barsPerYear('1m')).toBe(93_750);
    expect(barsPerYear('5m')).toBe(18_750);
    expect(barsPerYear('15m')).toBe(6_250);
    expect(barsPerYear('1h')).toBe(1_750); // seven IST-hour candles a 09:15–15:30 session
    expect(barsPerYear('1d')).toBe(250);
  });

  it('refuses an unknown timeframe', () => {
    expect(() => barsPerYear('2h' as never)).toThrow(RangeError);
  });
});

describe('backtestMetrics: returns and risk', () => {
  it('flat equity: no return, no drawdown, Sharpe and Sortino undefined', () => {
    const m = backtestMetrics(input({ equity: curve([1000, 1000, 1000, 1000]) }));
    expect(m).toMatchObject({
      bars: 4,
      finalEquity: 1000n,
      totalReturn: 0,
      cagr: 0,
      sharpe: null,
      sortino: null,
      maxDrawdown: 0,
      maxDrawdownDuration: { bars: 0, ms: 0, recovered: true },
      longestDrawdownDuration: { bars: 0, ms: 0, recovered: true },
      roundTrips: 0,
      winRate: null,
      profitFactor: null,
      trades: 0,
      fees: 0n,
      feesText: '0.00',
      exposure: 0,
      turnover: 0,
    });
  });

  it('monotone up: returns 0.1, 0.2, 0.1 give Sharpe 4/√3 per bar, × √barsPerYear; no Sortino without a loss', () => {
    // e = 1000 → 1100 → 1320 → 1452: mean 2/15, sample variance (1/900 + 4/900 + 1/900)/2 = 1/300.
    const m = backtestMetrics(input({ equity: curve([1100, 1320, 1452]), barsPerYear: 4 }));
    expect(m.totalReturn).toBeCloseTo(0.452, 12);
    expect(m.cagr).toBeCloseTo(1.452 ** (4 / 3) - 1, 12);
    expect(m.sharpe).toBeCloseTo((4 / Math.sqrt(3)) * 2, 10);
    expect(m.sortino).toBeNull();
    expect(m.maxDrawdown).toBe(0);
    expect(m.maxDrawdownDuration).toEqual({ bars: 0, ms: 0, recovered: true });
  });

  it('zero variance: a constant 10 % a bar has no Sharpe (not a huge one from rounding noise)', () => {
    // 1000 → 1100 → 1210 → 1331: every ratio is exactly 1.1.
    const c = backtestMetrics(input({ equity: curve([1100, 1210, 1331]), barsPerYear: 3 }));
    expect(c.sharpe).toBeNull();
    expect(c.sortino).toBeNull();
    expect(c.totalReturn).toBeCloseTo(0.331, 12);
    expect(c.cagr).toBeCloseTo(0.331, 12); // three bars of a 3-bar year: one year
    // one tick more at the end and the variance is real
    expect(backtestMetrics(input({ equity: curve([1100, 1210, 1332]), barsPerYear: 3 })).sharpe).not.toBeNull();
  });

  it('Sharpe and Sortino with a losing bar, annualised by √250', () => {
    // 1000 → 1100 → 990 → 1089: returns 0.1, −0.1, 0.1; mean 1/30; sample sd 1/√75; downside √(0.01/3).
    const m = backtestMetrics(input({ equity: curve([1100, 990, 1089]) }));
    expect(m.sharpe).toBeCloseTo((Math.sqrt(75) / 30) * Math.sqrt(250), 10);
    expect(m.sortino).toBeCloseTo((1 / 30 / Math.sqrt(0.01 / 3)) * Math.sqrt(250), 10);
    expect(m.sortino).toBeCloseTo(Math.sqrt(250 / 3), 10);
    expect(m.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(m.maxDrawdownDuration).toEqual({ bars: 2, ms: 2 * MINUTE, recovered: false });
  });

  it('Sharpe and Sortino need two bars and positive equity before each bar', () => {
    expect(backtestMetrics(input({ equity: curve([1100]) }))).toMatchObject({ sharpe: null, sortino: null, totalReturn: 0.1 });
    const wiped = backtestMetrics(input({ equity: curve([0, 100, 200]) }));
    expect(wiped).toMatchObject({ sharpe: null, sortino: null, maxDrawdown: 1 });
    expect(wiped.maxDrawdownDuration).toEqual({ bars: 3, ms: 2 * MINUTE, recovered: false });
  });

  it('a drawdown that recovers: the deepest and the longest are told apart', () => {
    // index:      0     1     2    3     4     5     6     7     8     9
    const values = [1000, 1200, 900, 1000, 1200, 1300, 1250, 1280, 1290, 1300];
    const m = backtestMetrics(input({ equity: curve(values) }));
    expect(m.totalReturn).toBeCloseTo(0.3, 12);
    expect(m.maxDrawdown).toBeCloseTo(0.25, 12); // 1200 → 900
    // peak at bar 1, back to 1200 at bar 4
    expect(m.maxDrawdownDuration).toEqual({ bars: 3, ms: 3 * MINUTE, recovered: true });
    // 1300 at bar 5 → 1250 … back to 1300 at bar 9: shallower (3.8 %) but longer
    expect(m.longestDrawdownDuration).toEqual({ bars: 4, ms: 4 * MINUTE, recovered: true });
  });

  it('a drawdown that does not recover lasts to the last bar, in bars and in (uneven) time', () => {
    const ts = [0, MINUTE, 2 * MINUTE, 86_400_000];
    const m = backtestMetrics(input({ equity: curve([1100, 1000, 880, 950], ts) }));
    expect(m.maxDrawdown).toBeCloseTo(0.2, 12); // 1100 → 880
    expect(m.maxDrawdownDuration).toEqual({ bars: 3, ms: 86_400_000, recovered: false });
    expect(m.longestDrawdownDuration).toEqual({ bars: 3, ms: 86_400_000, recovered: false });
    expect(m.totalReturn).toBeCloseTo(-0.05, 12);
  });

  it('a drawdown from the initial capital counts bar 0 and runs from ts[0]', () => {
    const m = backtestMetrics(input({ equity: curve([900, 950, 1000, 990], [5_000, 65_000, 125_000, 185_000]) }));
    expect(m.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(m.maxDrawdownDuration).toEqual({ bars: 3, ms: 120_000, recovered: true });
    expect(m.longestDrawdownDuration).toEqual({ bars: 3, ms: 120_000, recovered: true });
  });

  it('the first of two equally deep drawdowns is the max one', () => {
    const m = backtestMetrics(input({ equity: curve([1000, 900, 1000, 1000, 900, 950, 990]) }));
    expect(m.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(m.maxDrawdownDuration).toEqual({ bars: 2, ms: 2 * MINUTE, recovered: true });
    expect(m.longestDrawdownDuration).toEqual({ bars: 3, ms: 3 * MINUTE, recovered: false });
  });

  it('CAGR compounds over bars / barsPerYear years', () => {
    const twoYears = [...Array.from({ length: 499 }, () => 1000), 1210];
    expect(backtestMetrics(input({ equity: curve(twoYears) })).cagr).toBeCloseTo(0.1, 12);
    const halfYear = [...Array.from({ length: 124 }, () => 1000), 1100];
    expect(backtestMetrics(input({ equity: curve(halfYear) })).cagr).toBeCloseTo(0.21, 12);
  });

  it('CAGR is −1 when the equity ends at zero, null below zero, with no bars, or when it overflows', () => {
    expect(backtestMetrics(input({ equity: curve([500, 0]) })).cagr).toBe(-1);
    const negative = backtestMetrics(input({ equity: curve([500, -200]) }));
    expect(negative.cagr).toBeNull();
    expect(negative.totalReturn).toBeCloseTo(-1.2, 12);
    expect(negative.maxDrawdown).toBeCloseTo(1.2, 12);
    const none = backtestMetrics(input({ equity: curve([]) }));
    expect(none).toMatchObject({ bars: 0, finalEquity: 1000n, totalReturn: 0, cagr: null, sharpe: null, exposure: null, turnover: null });
    expect(backtestMetrics(input({ equity: curve([2000]), barsPerYear: barsPerYear('1m') })).cagr).toBeNull(); // 2^93750
  });
});

describe('backtestMetrics: round trips', () => {
  it('all wins: win rate 1, no profit factor (no losing trip), fees of every fill', () => {
    const m = tripsOf([
      fill('A', 'BUY', 10, 100, 20n, 0n),
      fill('A', 'SELL', 10, 110, 25n, 1_000_000n), // +₹100 gross, −₹0.45 fees
      fill('A', 'BUY', 5, 100, 10n, 0n),
      fill('A', 'SELL', 5, 101, 10n, 50_000n), // +₹5 gross, −₹0.20 fees
    ]);
    expect(m).toMatchObject({
      trades: 4,
      roundTrips: 2,
      winningRoundTrips: 2,
      losingRoundTrips: 0,
      winRate: 1,
      profitFactor: null,
      grossProfit: 995_500n + 48_000n,
      grossLoss: 0n,
      fees: 65n,
      feesText: '0.65',
    });
  });

  it('mixed: wins, a loss and a break-even trip (neither)', () => {
    const m = tripsOf([
      fill('A', 'BUY', 1, 100, 0n, 0n),
      fill('A', 'SELL', 1, 200, 0n, 1_000_000n),
      fill('A', 'BUY', 1, 100, 0n, 0n),
      fill('A', 'SELL', 1, 60, 0n, -400_000n),
      fill('A', 'BUY', 1, 100, 0n, 0n),
      fill('A', 'SELL', 1, 120, 0n, 200_000n),
      fill('A', 'BUY', 1, 100, 0n, 0n),
      fill('A', 'SELL', 1, 100, 0n, 0n),
    ]);
    expect(m).toMatchObject({ roundTrips: 4, winningRoundTrips: 2, losingRoundTrips: 1, winRate: 0.5, profitFactor: 3 });
    expect(m.grossProfit).toBe(1_200_000n);
    expect(m.grossLoss).toBe(400_000n);
  });

  it('fees turn a winning trip into a losing one', () => {
    // +₹0.01 gross (100 tick-units), ₹0.40 fees (4,000 tick-units): −3,900.
    const m = tripsOf([fill('A', 'BUY', 1, 100, 20n, 0n), fill('A', 'SELL', 1, 100.01, 20n, 100n)]);
    expect(m).toMatchObject({ roundTrips: 1, winningRoundTrips: 0, losingRoundTrips: 1, winRate: 0, profitFactor: 0, grossLoss: 3_900n });
  });

  it('short round trips: sell first, buy back', () => {
    const m = tripsOf([
      fill('A', 'SELL', 4, 200, 30n, 0n),
      fill('A', 'BUY', 4, 190, 30n, 400_000n), // +₹40 − ₹0.60
      fill('A', 'SELL', 2, 100, 0n, 0n),
      fill('A', 'BUY', 2, 105, 0n, -100_000n), // −₹10
    ]);
    expect(m).toMatchObject({ roundTrips: 2, winRate: 0.5, grossProfit: 394_000n, grossLoss: 100_000n });
    expect(m.profitFactor).toBeCloseTo(3.94, 12);
  });

  it('two symbols interleaved: each trip is flat to flat in its own symbol; an open one is not a trip', () => {
    const m = tripsOf([
      fill('A', 'BUY', 10, 100, 10n, 0n),
      fill('B', 'SELL', 5, 50, 5n, 0n),
      fill('A', 'SELL', 4, 103, 10n, 120_000n), // A still long 6
      fill('B', 'BUY', 5, 52, 5n, -100_000n), // B flat: −₹10 − ₹0.10
      fill('A', 'BUY', 2, 101, 10n, 0n), // A grows to 8 at an average of 100.25
      fill('A', 'SELL', 8, 99, 10n, -100_000n), // A flat: +₹12 − ₹10 − ₹0.40 fees
      fill('B', 'BUY', 3, 50, 7n, 0n), // B open at the end
    ]);
    expect(m).toMatchObject({
      trades: 7,
      roundTrips: 2,
      winningRoundTrips: 1,
      losingRoundTrips: 1,
      winRate: 0.5,
      grossProfit: 16_000n,
      grossLoss: 101_000n,
      fees: 57n,
    });
    expect(m.profitFactor).toBeCloseTo(16_000 / 101_000, 12);
  });

  it('a fill through zero closes one trip and opens the next, its fees split by quantity (half-up)', () => {
    const m = tripsOf([
      fill('A', 'BUY', 5, 100, 0n, 0n),
      fill('A', 'SELL', 8, 110, 7n, 500_000n), // closes 5 (fees 7 × 5/8 = 4.375 → 4), opens short 3 (fees 3)
      fill('A', 'BUY', 3, 111, 0n, -30_000n),
    ]);
    expect(m).toMatchObject({ roundTrips: 2, grossProfit: 500_000n - 400n, grossLoss: 30_000n + 300n });
    const half = tripsOf([
      fill('A', 'BUY', 5, 100, 0n, 0n),
      fill('A', 'SELL', 8, 110, 4n, 500_000n), // 4 × 5/8 = 2.5 → 3 to the closing trip, 1 to the next
      fill('A', 'BUY', 3, 111, 0n, -30_000n),
    ]);
    expect(half).toMatchObject({ grossProfit: 500_000n - 300n, grossLoss: 30_000n + 100n, fees: 4n });
  });
});

describe('backtestMetrics: exposure, turnover, fees', () => {
  it('exposure is position bars / bars; turnover is traded notional / mean equity', () => {
    const m = backtestMetrics(
      input({
        equity: curve([10_000_000, 20_000_000, 30_000_000, 40_000_000]),
        initialCapital: 10_000_000n,
        positionBars: 3,
        trades: [fill('A', 'BUY', 10, 100, 150n, 0n), fill('A', 'SELL', 10, 110, 12_345n, 1_000_000n)],
      }),
    );
    expect(m.exposure).toBe(0.75);
    expect(m.turnover).toBeCloseTo(21_000_000 / 25_000_000, 12); // (10 × ₹100 + 10 × ₹110) in ticks / mean
    expect(m.fees).toBe(12_495n);
    expect(m.feesText).toBe('124.95');
  });

  it('turnover is null when the mean equity is not positive', () => {
    expect(backtestMetrics(input({ equity: curve([0, 0]) })).turnover).toBeNull();
  });
});

describe('backtestMetrics: bad input', () => {
  const ok = input({ equity: curve([1000, 1000]) });
  it.each<[string, Partial<BacktestMetricsInput>]>([
    ['lengths differ', { equity: { ts: Float64Array.from([0]), value: Float64Array.from([1, 2]) } }],
    ['zero initial capital', { initialCapital: 0n }],
    ['initial capital past 2^53', { initialCapital: 2n ** 53n }],
    ['barsPerYear 0', { barsPerYear: 0 }],
    ['positionBars past the bars', { positionBars: 3 }],
    ['positionBars fractional', { positionBars: 0.5 }],
    ['fractional equity', { equity: curve([1000.5, 1000]) }],
    ['ts going back', { equity: curve([1000, 1000], [MINUTE, 0]) }],
    ['quantity 0', { trades: [{ ...fill('A', 'BUY', 1, 100, 0n, 0n), quantity: 0 }] }],
    ['price fractional', { trades: [{ ...fill('A', 'BUY', 1, 100, 0n, 0n), price: 1.5 }] }],
    ['negative fees', { trades: [fill('A', 'BUY', 1, 100, -1n, 0n)] }],
    ['bad side', { trades: [{ ...fill('A', 'BUY', 1, 100, 0n, 0n), side: 'HOLD' as never }] }],
    ['empty symbol', { trades: [fill('', 'BUY', 1, 100, 0n, 0n)] }],
  ])('refuses %s', (_name, over) => {
    expect(() => backtestMetrics({ ...ok, ...over })).toThrow(RangeError);
  });
});
