import type { PriceTicks } from '../market';
import type { OrderSide } from '../trading/order';
import type { Quantity } from '../units';

/**
 * The fill rules of the backtest engine (docs/backtests.md, "Fill model"), pure and per order.
 * Prices are integer ticks in JS numbers.
 */

/** The part of a bar a resting order is matched against. */
export interface BarRange {
  readonly open: PriceTicks;
  readonly high: PriceTicks;
  readonly low: PriceTicks;
}

/**
 * A limit order against a bar: a buy fills when the low reaches the limit, a sell when the high
 * does, at the limit — or at the open when the bar opens through it (better for the order).
 * null: the bar does not cross it.
 */
export function limitFillPrice(side: OrderSide, limit: PriceTicks, bar: BarRange): PriceTicks | null {
  if (side === 'BUY') {
    if (bar.low > limit) return null;
    return bar.open <= limit ? bar.open : limit;
  }
  if (bar.high < limit) return null;
  return bar.open >= limit ? bar.open : limit;
}

/**
 * A stop's trigger against a bar: a buy stop triggers when the high reaches the trigger, a sell
 * stop when the low does, at the trigger — or at the open when the bar gaps through it (worse
 * for the order, as a real stop fills). null: not triggered in this bar.
 */
export function stopTriggerPrice(side: OrderSide, trigger: PriceTicks, bar: BarRange): PriceTicks | null {
  if (side === 'BUY') {
    if (bar.high < trigger) return null;
    return bar.open >= trigger ? bar.open : trigger;
  }
  if (bar.low > trigger) return null;
  return bar.open <= trigger ? bar.open : trigger;
}

export interface RestingOrderTerms {
  readonly side: OrderSide;
  readonly type: 'LIMIT' | 'SL' | 'SL-M';
  /** Limit price (LIMIT, SL). */
  readonly price: PriceTicks | null;
  /** Trigger (SL, SL-M). */
  readonly triggerPrice: PriceTicks | null;
}

export interface RestingFill {
  /** The price it fills at in this bar (before slippage), or null: no fill in this bar. */
  readonly price: PriceTicks | null;
  /**
   * What the order becomes once its stop triggered: SL-M a market order, SL a limit order at
   * its price (for what does not fill in this bar); null when it stays as it was.
   */
  readonly becomes: 'MARKET' | 'LIMIT' | null;
  /** Whether slippage applies to this fill: market fills (SL-M) move, limit fills never pass their price. */
  readonly slips: boolean;
}

const NO_FILL: RestingFill = Object.freeze({ price: null, becomes: null, slips: false });

/**
 * A resting order in one bar. LIMIT: limitFillPrice. SL-M: when its stop triggers it fills at the
 * trigger price (the open on a gap), slipping like a market order. SL: when its stop triggers it
 * becomes a limit order; it fills in this bar at the trigger price if that price is within the
 * limit, otherwise (a gap past the limit) it rests as a limit order from the next bar — the path
 * inside a bar is unknown, so it is not assumed to come back.
 */
export function restingOrderFill(order: RestingOrderTerms, bar: BarRange): RestingFill {
  if (order.type === 'LIMIT') {
    const price = limitFillPrice(order.side, order.price!, bar);
    return price === null ? NO_FILL : { price, becomes: null, slips: false };
  }
  const triggered = stopTriggerPrice(order.side, order.triggerPrice!, bar);
  if (triggered === null) return NO_FILL;
  if (order.type === 'SL-M') return { price: triggered, becomes: 'MARKET', slips: true };
  const limit = order.price!;
  const within = order.side === 'BUY' ? triggered <= limit : triggered >= limit;
  return { price: within ? triggered : null, becomes: 'LIMIT', slips: false };
}

/** Slippage in hundredths of a basis point: 10⁶ is 100 %. */
const SLIPPAGE_SCALE = 1_000_000n;

/**
 * Slippage as an exact integer count of hundredths of a basis point. At most two decimals and at
 * most 10,000 bps; anything else is refused (RangeError).
 */
export function slippageUnits(slippageBps: number): number {
  const units = Math.round(slippageBps * 100);
  if (!Number.isFinite(slippageBps) || slippageBps < 0 || slippageBps > 10_000 || Math.abs(slippageBps * 100 - units) > 1e-6)
    throw new RangeError(`slippageBps must be between 0 and 10000 with at most two decimals, got ${slippageBps}`);
  return units;
}

/**
 * The price moved against the order by `units` hundredths of a bp, rounded to a whole tick away
 * from the order's favour: a buy pays ceil(price × (1 + s)), a sell receives floor(price × (1 − s)),
 * never below one tick. Exact: integer arithmetic in numbers while price × 10⁶ stays below 2^53,
 * bigint beyond.
 */
export function slippedPrice(price: PriceTicks, side: OrderSide, units: number): PriceTicks {
  if (units === 0) return price;
  const scale = Number(SLIPPAGE_SCALE);
  const n = price * (side === 'BUY' ? scale + units : scale - units);
  let moved: number;
  if (n <= Number.MAX_SAFE_INTEGER) {
    const q = floorDiv(n, scale);
    moved = side === 'BUY' && n - q * scale !== 0 ? q + 1 : q;
  } else {
    const p = BigInt(price);
    const u = BigInt(units);
    moved =
      side === 'BUY'
        ? Number((p * (SLIPPAGE_SCALE + u) + SLIPPAGE_SCALE - 1n) / SLIPPAGE_SCALE)
        : Number((p * (SLIPPAGE_SCALE - u)) / SLIPPAGE_SCALE);
  }
  return moved < 1 ? 1 : moved;
}

/** floor(n / d) of non-negative safe integers, exactly (the float quotient corrected by its remainder). */
function floorDiv(n: number, d: number): number {
  let q = Math.floor(n / d);
  const r = n - q * d;
  if (r < 0) q -= 1;
  else if (r >= d) q += 1;
  return q;
}

/**
 * floor(p × volume): the most units that may fill in a bar under a participation cap. A product
 * that is a whole number but lands a rounding error below it (0.57 × 100 = 56.99999999999999)
 * counts as that whole number.
 */
export function participationCap(maxParticipation: number, volume: number): Quantity {
  const x = maxParticipation * volume;
  const r = Math.round(x);
  return Math.abs(x - r) <= 1e-9 * Math.max(1, x) ? r : Math.floor(x);
}
