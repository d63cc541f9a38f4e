import { DomainError } from '../errors';
import { mulDivRoundHalfUp, type Paise } from '../money';
import type { PriceTicks } from '../market';
import type { Quantity, Unit } from '../units';

/**
 * Quantity × price in ticks·units (1/10000 rupee per unit): exact, and a bigint because a
 * large order at a large price passes 2^53 (10⁷ units × ₹10⁵ = 10¹⁶ ticks). Positions and
 * P&L are kept in this unit so that splitting a fill never changes a result; money leaves
 * it only at the edge, through `valueToPaise`.
 */
export type TradeValue = Unit<bigint, 'TradeValue'>;

/** 100 ticks make one paisa. */
export const TICKS_PER_PAISA = 100n;

/** qty × price, exactly. Both must be safe integers (quantities are units, prices ticks). */
export function tradeValue(quantity: Quantity, price: PriceTicks): TradeValue {
  if (!Number.isSafeInteger(quantity) || !Number.isSafeInteger(price)) {
    throw new RangeError(`quantity and price must be safe integers, got ${quantity} × ${price}`);
  }
  return BigInt(quantity) * BigInt(price);
}

/** An amount of money as a trade value (exact: a paisa is 100 ticks·units). */
export const paiseToValue = (p: Paise): TradeValue => p * TICKS_PER_PAISA;

/** A value in paise, halves away from zero (docs/domain.md, "Money and units": round half-up to the paisa). */
export const valueToPaise = (v: TradeValue): Paise => mulDivRoundHalfUp(v, 1n, TICKS_PER_PAISA);

/**
 * A non-negative value in paise rounded up: reservations round this way so that a hold never
 * falls a fraction of a paisa short of what it covers.
 */
export function valueToPaiseCeil(v: TradeValue): Paise {
  if (v < 0n) throw new RangeError('valueToPaiseCeil takes a non-negative value');
  return (v + TICKS_PER_PAISA - 1n) / TICKS_PER_PAISA;
}

/**
 * A rate as an integer count of 10⁻⁸ (one millionth of a percent), so every rate in the fee
 * schedule (0.00297 %, 0.025 %, 18 %) is exact: `percent('0.00297')` is 2970n.
 */
export type Rate = Unit<bigint, 'Rate'>;
/** 100 %: the scale of a Rate. */
export const RATE_SCALE: Rate = 100_000_000n;

const PERCENT_PATTERN = /^(0|[1-9][0-9]{0,5})(?:\.([0-9]{1,6}))?$/;

/** Parses a percentage written as a plain decimal ("0.03", "18", "0.00297") into a Rate. */
export function percent(text: string): Rate {
  const m = PERCENT_PATTERN.exec(text);
  if (!m) throw new DomainError('VALIDATION_FAILED', `Invalid percentage "${text}": a plain decimal with at most 6 decimal places`);
  return BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0'));
}

/** rate × an amount of paise, rounded half-up to the paisa. */
export const applyRateToPaise = (amount: Paise, rate: Rate): Paise => mulDivRoundHalfUp(amount, rate, RATE_SCALE);

/** rate × a trade value, in paise rounded half-up: one rounding from the exact turnover. */
export const applyRateToValue = (v: TradeValue, rate: Rate): Paise => mulDivRoundHalfUp(v, rate, RATE_SCALE * TICKS_PER_PAISA);

/** rate × a non-negative trade value, in paise rounded up (reservations). */
export function applyRateToValueCeil(v: TradeValue, rate: Rate): Paise {
  if (v < 0n || rate < 0n) throw new RangeError('applyRateToValueCeil takes non-negative inputs');
  const d = RATE_SCALE * TICKS_PER_PAISA;
  return (v * rate + d - 1n) / d;
}

/**
 * A trade value per unit: round(value / quantity) half away from zero, a price in ticks (an
 * average fill price, a lot's average cost). The one way from a TradeValue back to a price.
 */
export function divideToPrice(value: TradeValue, quantity: Quantity): PriceTicks {
  return Number(mulDivRoundHalfUp(value, 1n, BigInt(quantity)));
}
