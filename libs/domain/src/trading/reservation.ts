import { DomainError } from '../errors';
import type { Paise } from '../money';
import type { PriceTicks } from '../market';
import type { Quantity } from '../units';
import { computeFees, DEFAULT_FEE_SCHEDULE, type FeeSchedule } from './fees';
import type { OrderSide, OrderTerms, Product } from './order';
import { openCost, type Position } from './position';
import { applyRateToValueCeil, percent, RATE_SCALE, tradeValue, valueToPaiseCeil, type Rate, type TradeValue } from './units';

/** What decides how much an order holds (docs/domain.md, "Holds and margin"). */
export interface ReservationConfig {
  readonly fees: FeeSchedule;
  /** Added to the reference price of MARKET and SL-M orders, whose fill price is unknown. */
  readonly marketBuffer: Rate;
  /**
   * Margin held against an open short, as a share of its notional, per product that may be
   * shorted. A product without a rate (CNC) cannot open a short.
   */
  readonly marginRates: Readonly<Partial<Record<Product, Rate>>>;
}

/**
 * Margin defaults (docs/domain.md, "Holds and margin"): MIS 20 %, NRML 100 %, no CNC shorts. The spec leaves the market
 * buffer to configuration; 5 % covers a liquid instrument's move between placing and filling,
 * and a fill beyond it is still settled (the excess comes from cash).
 */
export const DEFAULT_RESERVATION_CONFIG: ReservationConfig = Object.freeze({
  fees: DEFAULT_FEE_SCHEDULE,
  marketBuffer: percent('5'),
  marginRates: Object.freeze({ MIS: percent('20'), NRML: percent('100') }),
});

/**
 * What an order's reservation is computed from, fixed when it is placed and stored with it, so
 * the reservation of its remainder can be recomputed at every fill and at cancellation.
 */
export interface ReservationBasis {
  readonly side: OrderSide;
  readonly product: Product;
  /** The LIMIT / SL price, or the LTP (or a BUY stop's trigger, if higher) plus the buffer. */
  readonly referencePrice: PriceTicks;
  /**
   * SELL: the units that open or extend a short (beyond the long it can sell). They are the
   * last to fill, because a sell first closes the long. Always 0 for a BUY.
   */
  readonly shortQuantity: Quantity;
}

export interface ReservationMarket {
  /** Last traded price; needed for MARKET and SL-M orders. */
  readonly ltp: PriceTicks | null;
  /**
   * Units of this (symbol, product) the user can sell without going short: the long quantity
   * less what open SELL orders already intend to sell. 0 when flat or short.
   */
  readonly sellableQuantity: Quantity;
}

/**
 * The price an order is reserved at: its limit price if it has one (the worst a BUY can pay);
 * otherwise the LTP — or a BUY stop's trigger when above the LTP, since a buy stop fills at or
 * above its trigger — plus the market buffer, rounded up to a tick.
 */
export function referencePrice(
  terms: Pick<OrderTerms, 'side' | 'type' | 'price' | 'triggerPrice'>,
  ltp: PriceTicks | null,
  config: ReservationConfig = DEFAULT_RESERVATION_CONFIG,
): PriceTicks {
  if (terms.type === 'LIMIT' || terms.type === 'SL') {
    if (terms.price === null) throw new DomainError('VALIDATION_FAILED', `A ${terms.type} order needs a price`);
    return terms.price;
  }
  if (ltp === null || !Number.isSafeInteger(ltp) || ltp <= 0) {
    throw new DomainError('VALIDATION_FAILED', `No last traded price to reserve a ${terms.type} order against`);
  }
  const base: PriceTicks = terms.side === 'BUY' && terms.triggerPrice !== null && terms.triggerPrice > ltp ? terms.triggerPrice : ltp;
  const buffered = BigInt(base) * (RATE_SCALE + config.marketBuffer);
  return Number((buffered + RATE_SCALE - 1n) / RATE_SCALE);
}

/**
 * The basis of a new order's reservation. Refuses (VALIDATION_FAILED on `quantity`) a sell that
 * would open a short in a product that cannot be shorted (docs/domain.md, "Holds and margin": CNC shorts are rejected).
 */
export function reservationBasis(
  terms: OrderTerms,
  market: ReservationMarket,
  config: ReservationConfig = DEFAULT_RESERVATION_CONFIG,
): ReservationBasis {
  const sellable: Quantity = Math.max(0, market.sellableQuantity);
  const shortQuantity: Quantity = terms.side === 'SELL' ? Math.max(0, terms.quantity - sellable) : 0;
  if (shortQuantity > 0 && config.marginRates[terms.product] === undefined) {
    throw new DomainError('VALIDATION_FAILED', 'Invalid order', {
      fieldErrors: [{ field: 'quantity', message: `${terms.product} cannot sell short: at most ${sellable} units can be sold` }],
    });
  }
  return Object.freeze({
    side: terms.side,
    product: terms.product,
    referencePrice: referencePrice(terms, market.ltp, config),
    shortQuantity,
  });
}

/**
 * The amount an order holds for its unfilled remainder (docs/domain.md, "Holds and margin"):
 * - BUY (every product: no leverage on longs): remainder × reference price, rounded up, plus
 *   the estimated charges of buying it (with the brokerage cap counted against what has filled).
 * - SELL: nothing for the units that close a long; margin = notional × the product's rate for
 *   the units that go short.
 * At placement, remaining = quantity and filledValue = 0. The difference between two calls, one
 * before and one after a fill (or a cancellation), is what that event frees.
 */
export function reservationFor(
  basis: ReservationBasis,
  remainingQuantity: Quantity,
  filledValue: TradeValue,
  config: ReservationConfig = DEFAULT_RESERVATION_CONFIG,
): Paise {
  if (!Number.isSafeInteger(remainingQuantity) || remainingQuantity < 0)
    throw new RangeError(`remaining quantity must be a non-negative integer, got ${remainingQuantity}`);
  if (remainingQuantity === 0) return 0n;
  if (basis.side === 'BUY') {
    const notional = valueToPaiseCeil(tradeValue(remainingQuantity, basis.referencePrice));
    const fees = computeFees(
      { side: 'BUY', product: basis.product, quantity: remainingQuantity, price: basis.referencePrice, orderTurnoverBefore: filledValue },
      config.fees,
    );
    return notional + fees.total;
  }
  const shortRemaining: Quantity = Math.min(remainingQuantity, basis.shortQuantity);
  return applyRateToValueCeil(tradeValue(shortRemaining, basis.referencePrice), marginRate(basis.product, config));
}

/** A new order's basis and the amount to HOLD for it. */
export function orderReservation(
  terms: OrderTerms,
  market: ReservationMarket,
  config: ReservationConfig = DEFAULT_RESERVATION_CONFIG,
): { basis: ReservationBasis; amount: Paise } {
  const basis = reservationBasis(terms, market, config);
  return { basis, amount: reservationFor(basis, terms.quantity, 0n, config) };
}

/**
 * Margin held against an open short: its notional at the average sale price × the product's
 * rate, rounded up. Zero for a flat or long position. It is a function of the position alone,
 * so what a fill frees or adds is the difference before and after it, and `verify` can
 * recompute it. A product without a rate has no shorts; should one exist, all of it is held.
 */
export function shortMargin(position: Position, product: Product, config: ReservationConfig = DEFAULT_RESERVATION_CONFIG): Paise {
  if (position.netQuantity >= 0) return 0n;
  return applyRateToValueCeil(-openCost(position), marginRate(product, config));
}

const marginRate = (product: Product, config: ReservationConfig): Rate => config.marginRates[product] ?? RATE_SCALE;
