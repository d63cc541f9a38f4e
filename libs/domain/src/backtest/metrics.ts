import { formatMoney, mulDivRoundHalfUp, type Paise } from '../money';
import type { Timeframe } from '../market/timeframes';
import { NSE_CLOSE_MINUTE, NSE_OPEN_MINUTE } from '../market/simulation/nse-session';
import type { OrderSide } from '../trading/order';
import { paiseToValue, type TradeValue } from '../trading/units';

/**
 * A backtest's report figures (docs/backtests.md, "The engine"), computed from its result: pure,
 * no clock, no I/O. Money stays exact (tick-units and paise as bigint); only ratios are numbers.
 */

/** NSE normal market: 09:15–15:30 IST is 375 minutes a session. */
export const NSE_SESSION_MINUTES = NSE_CLOSE_MINUTE - NSE_OPEN_MINUTE;
/** Trading sessions a year used to annualise (the usual NSE convention; holidays vary by year). */
export const NSE_SESSIONS_PER_YEAR = 250;

const BARS_PER_SESSION: Record<Timeframe, number> = {
  '1m': NSE_SESSION_MINUTES, // 375
  '5m': NSE_SESSION_MINUTES / 5, // 75
  '15m': NSE_SESSION_MINUTES / 15, // 25 (09:15 and 15:30 fall on 15-minute boundaries)
  // Hourly candles start on the IST hour (docs/domain.md; market/timeframes.ts), so a 09:15–15:30
  // session makes seven of them: 09:00 (holding 09:15–10:00), 10:00, …, 14:00, 15:00 (15:00–15:30).
  '1h': 7,
  '1d': 1,
};

/**
 * Bars of `timeframe` in a year of NSE trading: 375 minutes a session × 250 sessions, i.e.
 * 1m 93,750 · 5m 18,750 · 15m 6,250 · 1h 1,750 (seven IST-hour candles a session) · 1d 250.
 * Sharpe and Sortino are annualised by its square root, CAGR by it.
 */
export function barsPerYear(timeframe: Timeframe): number {
  const perSession = BARS_PER_SESSION[timeframe];
  if (perSession === undefined) throw new RangeError(`unknown timeframe ${String(timeframe)}`);
  return perSession * NSE_SESSIONS_PER_YEAR;
}

/** One fill of the run, in the order the engine made them (the engine's BacktestTrade is one). */
export interface MetricsTrade {
  /** Epoch ms of the fill. */
  readonly ts: number;
  readonly symbol: string;
  readonly side: OrderSide;
  /** Units, a positive safe integer. */
  readonly quantity: number;
  /** Fill price in ticks, a positive safe integer. */
  readonly price: number;
  /** Fees of this fill in paise (≥ 0). */
  readonly fees: Paise;
  /** Realised P&L of this fill in tick-units, gross of fees (position.ts's math). */
  readonly realisedPnl: TradeValue;
}

export interface BacktestMetricsInput {
  /**
   * The equity curve, one point per bar of the replay: `value[i]` is the equity (integer
   * tick-units, cash + positions marked) after bar `i`, `ts[i]` that bar's start (epoch ms,
   * non-decreasing).
   */
  readonly equity: { readonly ts: Float64Array; readonly value: Float64Array };
  /** Equity before the first bar, tick-units, > 0. */
  readonly initialCapital: TradeValue;
  /** Every fill, in the order it happened. */
  readonly trades: readonly MetricsTrade[];
  /** See {@link barsPerYear}. */
  readonly barsPerYear: number;
  /** Bars during which some position was open. */
  readonly positionBars: number;
}

/**
 * A drawdown's length from its peak to its recovery (the first bar back at or above the peak), or
 * to the last bar when it never recovered. The peak may be the initial capital, which stands
 * before bar 0: a drawdown from it counts bar 0 in `bars`, and its `ms` start at `ts[0]`.
 */
export interface DrawdownDuration {
  readonly bars: number;
  readonly ms: number;
  readonly recovered: boolean;
}

export interface BacktestMetrics {
  /** Points in the equity curve. */
  readonly bars: number;
  /** Equity after the last bar (the initial capital when there are no bars), tick-units. */
  readonly finalEquity: TradeValue;
  /** final / initial − 1. */
  readonly totalReturn: number;
  /**
   * (final / initial)^(barsPerYear / bars) − 1; null with no bars, when the equity ended below
   * zero, or when the figure overflows (a very short run). −1 when it ended at exactly zero.
   */
  readonly cagr: number | null;
  /**
   * Per-bar simple returns r_i = e_i / e_{i−1} − 1 with e_{−1} the initial capital (so n bars
   * give n returns), risk-free 0, annualised by √barsPerYear. Sharpe = mean / sample standard
   * deviation (n − 1); null with fewer than 2 bars, when every return is the same (zero
   * variance), or when the equity before some bar was ≤ 0 (a return is undefined).
   */
  readonly sharpe: number | null;
  /**
   * mean / downside deviation, the latter √(Σ min(r_i, 0)² / n) (target 0, over all n returns);
   * null like Sharpe, and when no return is negative.
   */
  readonly sortino: number | null;
  /** Largest fall from a running peak (the initial capital included), as a fraction of that peak. */
  readonly maxDrawdown: number;
  /** The duration of the drawdown that reached {@link maxDrawdown} (its first occurrence); zeros without one. */
  readonly maxDrawdownDuration: DrawdownDuration;
  /** The longest drawdown by bars (the first of equals), whatever its depth; zeros without one. */
  readonly longestDrawdownDuration: DrawdownDuration;
  /**
   * Per round trip: a symbol's position from flat back to flat. A fill that flips a position
   * through zero closes one trip and opens the next, its fees split between them by quantity
   * (the closing part's share rounded half-up). A trip's P&L is its fills' realised P&L less its
   * fees. A position still open at the end is not a round trip.
   */
  readonly roundTrips: number;
  /** Round trips with a P&L above zero / below zero (a trip at exactly zero is neither). */
  readonly winningRoundTrips: number;
  readonly losingRoundTrips: number;
  /** Σ P&L of winning trips and Σ |P&L| of losing trips, tick-units. */
  readonly grossProfit: TradeValue;
  readonly grossLoss: TradeValue;
  /** Winning trips / round trips; null without round trips. */
  readonly winRate: number | null;
  /** Gross profit of winning trips / gross loss of losing trips; null without a losing trip. */
  readonly profitFactor: number | null;
  /** Fills. */
  readonly trades: number;
  /** Fees of every fill (open trips included), paise. */
  readonly fees: Paise;
  /** The same in the API's money form ("1234.50"). */
  readonly feesText: string;
  /** positionBars / bars; null with no bars. */
  readonly exposure: number | null;
  /** Σ |quantity × price| of every fill / the mean of the equity curve; null with no bars or a mean ≤ 0. */
  readonly turnover: number | null;
}

const NO_DRAWDOWN: DrawdownDuration = Object.freeze({ bars: 0, ms: 0, recovered: true });

function validate(input: BacktestMetricsInput): void {
  const { equity, initialCapital, barsPerYear: perYear, positionBars, trades } = input;
  const n = equity.value.length;
  if (equity.ts.length !== n) throw new RangeError(`equity ts and value lengths differ (${equity.ts.length} ≠ ${n})`);
  if (typeof initialCapital !== 'bigint' || initialCapital <= 0n || initialCapital > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError('initialCapital must be a positive bigint below 2^53 tick-units');
  }
  if (!Number.isFinite(perYear) || perYear <= 0) throw new RangeError(`barsPerYear must be positive, got ${perYear}`);
  if (!Number.isSafeInteger(positionBars) || positionBars < 0 || positionBars > n) {
    throw new RangeError(`positionBars must be an integer in [0, ${n}], got ${positionBars}`);
  }
  for (let i = 0; i < n; i += 1) {
    if (!Number.isSafeInteger(equity.value[i]!)) throw new RangeError(`equity value ${i} is not a safe integer`);
    if (!Number.isFinite(equity.ts[i]!) || (i > 0 && equity.ts[i]! < equity.ts[i - 1]!)) {
      throw new RangeError(`equity ts must be finite and non-decreasing (at ${i})`);
    }
  }
  for (const [i, t] of trades.entries()) {
    if (typeof t.symbol !== 'string' || t.symbol === '') throw new RangeError(`trade ${i}: symbol must be a non-empty string`);
    if (t.side !== 'BUY' && t.side !== 'SELL') throw new RangeError(`trade ${i}: side must be BUY or SELL`);
    if (!Number.isSafeInteger(t.quantity) || t.quantity <= 0) throw new RangeError(`trade ${i}: quantity must be a positive integer`);
    if (!Number.isSafeInteger(t.price) || t.price <= 0) throw new RangeError(`trade ${i}: price must be a positive integer`);
    if (typeof t.fees !== 'bigint' || t.fees < 0n) throw new RangeError(`trade ${i}: fees must be a non-negative bigint`);
    if (typeof t.realisedPnl !== 'bigint') throw new RangeError(`trade ${i}: realisedPnl must be a bigint`);
  }
}

interface Drawdowns {
  readonly maxDrawdown: number;
  readonly maxDrawdownDuration: DrawdownDuration;
  readonly longestDrawdownDuration: DrawdownDuration;
}

function drawdowns(ts: Float64Array, value: Float64Array, initial: number): Drawdowns {
  const n = value.length;
  const timeOf = (i: number): number => (i < 0 ? ts[0]! : ts[i]!);
  let peak = initial;
  let peakIndex = -1;
  let episode = 0; // the current drawdown's number (0: none yet)
  let underwater = false;
  let maxDrawdown = 0;
  let maxEpisode = 0;
  let maxDuration = NO_DRAWDOWN;
  let longest = NO_DRAWDOWN;
  const close = (end: number, recovered: boolean): void => {
    const d: DrawdownDuration = { bars: end - peakIndex, ms: timeOf(end) - timeOf(peakIndex), recovered };
    if (episode === maxEpisode) maxDuration = d;
    if (d.bars > longest.bars) longest = d;
  };
  for (let i = 0; i < n; i += 1) {
    const v = value[i]!;
    if (v >= peak) {
      if (underwater) close(i, true);
      underwater = false;
      peak = v;
      peakIndex = i;
      continue;
    }
    if (!underwater) {
      underwater = true;
      episode += 1;
    }
    const dd = (peak - v) / peak;
    if (dd > maxDrawdown) {
      maxDrawdown = dd;
      maxEpisode = episode;
    }
  }
  if (underwater) close(n - 1, false);
  return { maxDrawdown, maxDrawdownDuration: maxDuration, longestDrawdownDuration: longest };
}

function riskRatios(value: Float64Array, initial: number, perYear: number): { sharpe: number | null; sortino: number | null } {
  const n = value.length;
  if (n < 2) return { sharpe: null, sortino: null };
  const returns = new Float64Array(n);
  let prev = initial;
  let sum = 0;
  let allEqual = true;
  for (let i = 0; i < n; i += 1) {
    if (prev <= 0) return { sharpe: null, sortino: null };
    const r = value[i]! / prev - 1;
    returns[i] = r;
    sum += r;
    if (r !== returns[0]) allEqual = false;
    prev = value[i]!;
  }
  const mean = sum / n;
  let squares = 0;
  let downside = 0;
  for (let i = 0; i < n; i += 1) {
    const r = returns[i]!;
    squares += (r - mean) * (r - mean);
    if (r < 0) downside += r * r;
  }
  const annual = Math.sqrt(perYear);
  const sd = Math.sqrt(squares / (n - 1));
  const dd = Math.sqrt(downside / n);
  return {
    // Identical returns are zero variance exactly; their float deviations from the float mean are rounding noise.
    sharpe: allEqual || sd === 0 ? null : (mean / sd) * annual,
    sortino: dd === 0 ? null : (mean / dd) * annual,
  };
}

interface Trips {
  readonly roundTrips: number;
  readonly wins: number;
  readonly losses: number;
  readonly grossProfit: TradeValue;
  readonly grossLoss: TradeValue;
}

function roundTrips(trades: readonly MetricsTrade[]): Trips {
  /** Per symbol: the signed open quantity and the open trip's P&L so far (net of its fees). */
  const open = new Map<string, { quantity: number; pnl: TradeValue }>();
  let count = 0;
  let wins = 0;
  let losses = 0;
  let grossProfit: TradeValue = 0n;
  let grossLoss: TradeValue = 0n;
  const finish = (pnl: TradeValue): void => {
    count += 1;
    if (pnl > 0n) {
      wins += 1;
      grossProfit += pnl;
    } else if (pnl < 0n) {
      losses += 1;
      grossLoss -= pnl;
    }
  };
  for (const t of trades) {
    const signed = t.side === 'BUY' ? t.quantity : -t.quantity;
    const s = open.get(t.symbol) ?? { quantity: 0, pnl: 0n };
    const before = s.quantity;
    const after = before + signed;
    if (!Number.isSafeInteger(after)) throw new RangeError(`position in ${t.symbol} passes 2^53 units`);
    const closes = before !== 0 && Math.sign(after) !== Math.sign(before); // back to flat, or through it
    if (!closes) {
      open.set(t.symbol, { quantity: after, pnl: s.pnl + t.realisedPnl - paiseToValue(t.fees) });
      continue;
    }
    const closing = Math.abs(before);
    const closingFees: Paise = closing === t.quantity ? t.fees : mulDivRoundHalfUp(t.fees, BigInt(closing), BigInt(t.quantity));
    finish(s.pnl + t.realisedPnl - paiseToValue(closingFees));
    if (after === 0) open.delete(t.symbol);
    else open.set(t.symbol, { quantity: after, pnl: -paiseToValue(t.fees - closingFees) });
  }
  return { roundTrips: count, wins, losses, grossProfit, grossLoss };
}

/** The report figures of docs/backtests.md from a run's equity curve and fills. */
export function backtestMetrics(input: BacktestMetricsInput): BacktestMetrics {
  validate(input);
  const { equity, trades, positionBars } = input;
  const n = equity.value.length;
  const initial = Number(input.initialCapital);
  const final = n === 0 ? initial : equity.value[n - 1]!;

  const ratio = final / initial;
  let cagr: number | null = null;
  if (n > 0 && ratio >= 0) {
    const c = ratio ** (input.barsPerYear / n) - 1;
    cagr = Number.isFinite(c) ? c : null;
  }

  let fees: Paise = 0n;
  let notional = 0n;
  for (const t of trades) {
    fees += t.fees;
    notional += BigInt(t.quantity) * BigInt(t.price);
  }
  let equitySum = 0;
  for (let i = 0; i < n; i += 1) equitySum += equity.value[i]!;
  const meanEquity = n === 0 ? 0 : equitySum / n;

  const trips = roundTrips(trades);
  return {
    bars: n,
    finalEquity: BigInt(final),
    totalReturn: (final - initial) / initial,
    cagr,
    ...riskRatios(equity.value, initial, input.barsPerYear),
    ...drawdowns(equity.ts, equity.value, initial),
    roundTrips: trips.roundTrips,
    winningRoundTrips: trips.wins,
    losingRoundTrips: trips.losses,
    grossProfit: trips.grossProfit,
    grossLoss: trips.grossLoss,
    winRate: trips.roundTrips === 0 ? null : trips.wins / trips.roundTrips,
    profitFactor: trips.losses === 0 ? null : Number(trips.grossProfit) / Number(trips.grossLoss),
    trades: trades.length,
    fees,
    feesText: formatMoney(fees),
    exposure: n === 0 ? null : positionBars / n,
    turnover: meanEquity > 0 ? Number(notional) / meanEquity : null,
  };
}
