import { holdTx, releaseTx, saleSettleTx, settleTx, type Book, type JournalTransaction } from '../ledger';
import type { Paise } from '../money';
import type { PriceTicks } from '../market';
import type { Quantity } from '../units';
import { computeFees, type FeeBreakdown } from './fees';
import { remainingQuantity, type OrderState } from './order';
import { applyFillToPosition, type Position } from './position';
import { DEFAULT_RESERVATION_CONFIG, reservationFor, shortMargin, type ReservationBasis, type ReservationConfig } from './reservation';
import { tradeValue, valueToPaise } from './units';

export interface FillSettlementInput<B extends Book = Book> {
  /** The book the order's money is kept in: the owner's wallet, or their paper account's book. */
  readonly book: B;
  /** Ledger reference: the trade id. */
  readonly reference: string;
  /** The order before this fill, and the basis its reservation was placed on. */
  readonly order: OrderState;
  readonly basis: ReservationBasis;
  readonly fill: { readonly quantity: Quantity; readonly price: PriceTicks };
  /** The (symbol, product) position before this fill. */
  readonly position: Position;
}

export interface FillSettlement<B extends Book = Book> {
  /** Fill quantity × fill price in paise (half-up): paid to clearing (BUY) or received (SELL). */
  readonly value: Paise;
  readonly charges: FeeBreakdown;
  /** The part of the order's reservation this fill frees (its reservation before − after). */
  readonly reservationReleased: Paise;
  readonly marginBefore: Paise;
  readonly marginAfter: Paise;
  readonly position: Position;
  /** Post in this order, with the trade, the fill and the position, in one database transaction. */
  readonly transactions: readonly JournalTransaction<B>[];
}

/**
 * The money side of one fill (docs/domain.md, "Fills and positions": TRADE_BUY/TRADE_SELL + FEE + TAX, release the unused
 * hold, update the position). Afterwards the user's held balance is still the reservations of
 * their open orders plus the margin of their open shorts (ledger invariant 2):
 * - BUY: one SETTLE pays cost, fees and taxes from the freed reservation plus any short margin
 *   the buy frees by covering, then from cash for anything beyond; the rest returns to cash.
 * - SELL: proceeds to cash, charges from cash; then the freed reservation is released, or, if
 *   the short's margin grew by more than it (a fill above the reserved price), the difference
 *   is held from cash — after the proceeds have arrived.
 */
export function settleFill<B extends Book>(
  input: FillSettlementInput<B>,
  config: ReservationConfig = DEFAULT_RESERVATION_CONFIG,
): FillSettlement<B> {
  const { order, basis, fill, book, reference } = input;
  const product = order.product;
  const remainingBefore = remainingQuantity(order);
  if (fill.quantity > remainingBefore) throw new RangeError(`fill of ${fill.quantity} exceeds the ${remainingBefore} units open`);
  const fillValue = tradeValue(fill.quantity, fill.price);

  const charges = computeFees(
    { side: order.side, product, quantity: fill.quantity, price: fill.price, orderTurnoverBefore: order.filledValue },
    config.fees,
  );
  const reservedBefore = reservationFor(basis, remainingBefore, order.filledValue, config);
  const reservedAfter = reservationFor(basis, remainingBefore - fill.quantity, order.filledValue + fillValue, config);
  // Never negative for the rules above (the remainder's estimate only shrinks); clamped so a
  // custom schedule cannot make a fill take funds out of the reservation's accounting.
  const reservationReleased: Paise = reservedBefore > reservedAfter ? reservedBefore - reservedAfter : 0n;

  const position = applyFillToPosition(input.position, order.side, fill.quantity, fill.price);
  const marginBefore = shortMargin(input.position, product, config);
  const marginAfter = shortMargin(position, product, config);
  const value = valueToPaise(fillValue);

  const transactions: JournalTransaction<B>[] = [];
  if (order.side === 'BUY') {
    const marginFreed: Paise = marginBefore > marginAfter ? marginBefore - marginAfter : 0n;
    transactions.push(
      settleTx(book, { heldAmount: reservationReleased + marginFreed, cost: value, fees: charges.fees, taxes: charges.taxes }, reference),
    );
  } else {
    transactions.push(saleSettleTx(book, { proceeds: value, fees: charges.fees, taxes: charges.taxes }, reference));
    const marginAdded: Paise = marginAfter > marginBefore ? marginAfter - marginBefore : 0n;
    const net: Paise = reservationReleased - marginAdded;
    if (net > 0n) transactions.push(releaseTx(book, net, reference));
    else if (net < 0n) transactions.push(holdTx(book, -net, reference));
  }
  return { value, charges, reservationReleased, marginBefore, marginAfter, position, transactions };
}
