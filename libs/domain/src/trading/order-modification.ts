import { DomainError } from '../errors';
import type { Instrument, PriceTicks } from '../market';
import type { Paise } from '../money';
import { hasLimitPrice, type OrderState, type OrderTerms } from './order';
import { validateModification, type OrderModification } from './order-validation';
import { lotSizeRejection, riskError } from './risk';
import { DEFAULT_RESERVATION_CONFIG, reservationFor, type ReservationBasis, type ReservationConfig } from './reservation';

export interface ModificationPlan {
  /** The order's terms once the broker has applied the change. */
  readonly terms: OrderTerms;
  /** What its remainder is reserved at from then on. */
  readonly basis: ReservationBasis;
  /** The hold its unfilled remainder needs under the new terms. */
  readonly reservation: Paise;
}

/**
 * Checks a change to a working order (validateModification, and the order must be at the
 * broker) and works out what it will hold once the broker confirms it. Throws INVALID_STATE
 * (409), VALIDATION_FAILED (400, every field named) or RISK_REJECTED (422, rule LOT_SIZE).
 *
 * The reservation basis follows the change: a LIMIT / SL order is reserved at its new limit; a
 * MARKET / SL-M one keeps the reference fixed at placement. For a SELL, units added extend the
 * short part (a sell closes the long first) and units removed shrink it first; a product that
 * cannot be shorted refuses a change that would go short.
 */
export function planModification(
  order: OrderState,
  basis: ReservationBasis,
  change: OrderModification,
  instrument: Instrument,
  market: { readonly ltp: PriceTicks | null },
  config: ReservationConfig = DEFAULT_RESERVATION_CONFIG,
): ModificationPlan {
  // Only an order working at the broker can be changed there (a PENDING one is still on its way).
  if (order.status === 'PENDING')
    throw new DomainError('INVALID_STATE', 'The order is still being sent to the broker: modify it once it is open');
  const terms = validateModification(order, change, instrument, { ltp: market.ltp });
  const lots = lotSizeRejection(terms.quantity, instrument.lotSize);
  if (lots) throw riskError(lots);
  const next = basisAfterModification(order, basis, terms);
  if (next.shortQuantity > 0 && config.marginRates[order.product] === undefined) {
    throw new DomainError('VALIDATION_FAILED', 'Invalid modification', {
      fieldErrors: [
        {
          field: 'quantity',
          message: `${order.product} cannot sell short: at most ${terms.quantity - next.shortQuantity} units can be sold`,
        },
      ],
    });
  }
  return { terms, basis: next, reservation: reservationFor(next, terms.quantity - order.filledQuantity, order.filledValue, config) };
}

/**
 * The reservation basis once a modification has taken an order from `order`'s terms to `terms`
 * (see planModification): a LIMIT / SL order is reserved at its new limit, a MARKET / SL-M one
 * keeps its reference; for a SELL, units added extend the short part and units removed shrink
 * it first. Also how a replayed history (order-history.ts) follows a MODIFIED entry.
 */
export function basisAfterModification(
  order: Pick<OrderTerms, 'side' | 'type' | 'quantity'>,
  basis: ReservationBasis,
  terms: Pick<OrderTerms, 'quantity' | 'price'>,
): ReservationBasis {
  const shortQuantity = order.side === 'SELL' ? Math.max(0, basis.shortQuantity + (terms.quantity - order.quantity)) : 0;
  return Object.freeze({
    ...basis,
    referencePrice: hasLimitPrice(order.type) ? terms.price! : basis.referencePrice,
    shortQuantity,
  });
}
