import { mulDivRoundHalfUp, type Paise } from '../money';
import type { PriceTicks } from '../market';
import type { Quantity } from '../units';
import { sideSign, type OrderSide } from './order';
import { divideToPrice, tradeValue, valueToPaise, type TradeValue } from './units';

/**
 * A net position in one (symbol, product): the weighted-average method of docs/domain.md ("Fills and positions"), kept in exact
 * integers (ticks·units).
 *
 * The open quantity forms one "lot" whose average price is lotCost / lotQuantity, fixed when the
 * position last opened or grew. Reducing it does not change that average; it records how much
 * of the lot has been closed and for how much cash. The cost taken out of the lot is computed
 * from the *cumulative* closed quantity — round(lotCost × closed / lotQuantity) — never per fill,
 * so one fill and the same fill split in pieces give identical positions, and closing the whole
 * lot takes out exactly its cost: the only rounding (below a ten-thousandth of a rupee) cannot
 * accumulate.
 */
export interface Position {
  /** Positive long, negative short, in units. */
  readonly netQuantity: Quantity;
  /** Signed cost of the lot when it last opened or grew: Σ quantity × price, negative for a short. */
  readonly lotCost: TradeValue;
  /** |netQuantity| when the lot last opened or grew. */
  readonly lotQuantity: Quantity;
  /** Units of the lot closed since, and the signed cash those closing trades moved (+ received). */
  readonly lotClosedQuantity: Quantity;
  readonly lotClosedCashFlow: TradeValue;
  /** Realized P&L of everything before the current lot. */
  readonly realizedBeforeLot: TradeValue;
}

export const FLAT_POSITION: Position = Object.freeze({
  netQuantity: 0,
  lotCost: 0n,
  lotQuantity: 0,
  lotClosedQuantity: 0,
  lotClosedCashFlow: 0n,
  realizedBeforeLot: 0n,
});

/** The cost already taken out of the lot by the closed quantity. */
const removedCost = (p: Position): TradeValue =>
  p.lotQuantity === 0 ? 0n : mulDivRoundHalfUp(p.lotCost, BigInt(p.lotClosedQuantity), BigInt(p.lotQuantity));

/** Cost of the open quantity at its average price: + paid for a long, − received for a short. */
export const openCost = (p: Position): TradeValue => p.lotCost - removedCost(p);

/**
 * Realized P&L: docs/domain.md's ("Fills and positions") realized += (exitPrice − avgPrice) × closedQty × sign(position
 * before), summed over every reduction, exactly.
 */
export const realizedPnl = (p: Position): TradeValue => p.realizedBeforeLot + p.lotClosedCashFlow - removedCost(p);

/** docs/domain.md, "Fills and positions": (ltp − avgPrice) × netQuantity, i.e. the open quantity at the mark less its cost. */
export const unrealizedPnl = (p: Position, mark: PriceTicks): TradeValue => tradeValue(p.netQuantity, mark) - openCost(p);

/** Realized + unrealized: equals every trade's cash flow plus the open quantity at the mark. */
export const markToMarketPnl = (p: Position, mark: PriceTicks): TradeValue => realizedPnl(p) + unrealizedPnl(p, mark);

/** Weighted average price of the open quantity, rounded half-up to a tick; null when flat. */
export const positionAveragePrice = (p: Position): PriceTicks | null =>
  p.netQuantity === 0 ? null : Math.abs(divideToPrice(p.lotCost, p.lotQuantity));

/** |netQuantity| × price: the position's gross value at that price. */
export const positionValue = (p: Pick<Position, 'netQuantity'>, price: PriceTicks): TradeValue =>
  tradeValue(Math.abs(p.netQuantity), price);

/** The position after one fill: it grows, shrinks, closes, or flips through zero. */
export function applyFillToPosition(p: Position, side: OrderSide, quantity: Quantity, price: PriceTicks): Position {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) throw new RangeError(`fill quantity must be a positive integer, got ${quantity}`);
  if (!Number.isSafeInteger(price) || price <= 0) throw new RangeError(`fill price must be a positive integer, got ${price}`);
  const sign = sideSign(side);
  if (p.netQuantity === 0 || Math.sign(p.netQuantity) === sign) return grow(p, sign, quantity, price);

  const closing: Quantity = Math.min(quantity, Math.abs(p.netQuantity));
  const reduced: Position = {
    ...p,
    netQuantity: p.netQuantity + sign * closing,
    lotClosedQuantity: p.lotClosedQuantity + closing,
    // A sell (sign −1) receives cash, a buy pays it.
    lotClosedCashFlow: p.lotClosedCashFlow - BigInt(sign) * tradeValue(closing, price),
  };
  const afterClose = reduced.netQuantity === 0 ? bank(reduced) : reduced;
  // Whatever is left after reaching zero opens a position on the other side at this price.
  return Object.freeze(quantity > closing ? grow(afterClose, sign, quantity - closing, price) : afterClose);
}

/** Opening or adding: the closed part of the current lot is banked and a new average formed. */
function grow(p: Position, sign: 1 | -1, quantity: Quantity, price: PriceTicks): Position {
  const banked = bank(p);
  return Object.freeze({
    ...banked,
    netQuantity: p.netQuantity + sign * quantity,
    lotCost: banked.lotCost + BigInt(sign) * tradeValue(quantity, price),
    lotQuantity: Math.abs(p.netQuantity) + quantity,
  });
}

/** Moves the lot's realized P&L into realizedBeforeLot, leaving a lot of the open quantity. */
function bank(p: Position): Position {
  const removed = removedCost(p);
  return {
    netQuantity: p.netQuantity,
    lotCost: p.lotCost - removed,
    lotQuantity: Math.abs(p.netQuantity),
    lotClosedQuantity: 0,
    lotClosedCashFlow: 0n,
    realizedBeforeLot: p.realizedBeforeLot + p.lotClosedCashFlow - removed,
  };
}

/** A position built from its fills, oldest first. */
export const positionFromFills = (fills: readonly { side: OrderSide; quantity: Quantity; price: PriceTicks }[]): Position =>
  fills.reduce((p, f) => applyFillToPosition(p, f.side, f.quantity, f.price), FLAT_POSITION);

/**
 * Today's P&L (docs/domain.md, "Risk": realized + unrealized today): the change in mark-to-market P&L
 * from the start of the day (position then, marked at the previous close) to now. In paise.
 */
export function dayPnl(start: { position: Position; mark: PriceTicks }, now: { position: Position; mark: PriceTicks }): Paise {
  return valueToPaise(markToMarketPnl(now.position, now.mark) - markToMarketPnl(start.position, start.mark));
}
