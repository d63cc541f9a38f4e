import type { ModifyOrderRequest, Order } from '@tradeloop/contracts';

/** What the modify dialog's boxes hold, as typed, for one order: the quantity in lots, as the ticket counts. */
export interface ModifyDraft {
  orderId: string;
  lots: string;
  price: string;
  trigger: string;
}

type Modifiable = Pick<Order, 'id' | 'type' | 'quantity' | 'price' | 'triggerPrice'>;

/** The boxes prefilled with the order's current terms (its quantity in lots of `lotSize`). */
export function draftFor(order: Modifiable, lotSize: number): ModifyDraft {
  return { orderId: order.id, lots: String(order.quantity / lotSize), price: order.price ?? '', trigger: order.triggerPrice ?? '' };
}

/** A LIMIT or SL order has a price to change; an SL or SL-M order a trigger. */
export const hasPriceBox = (type: Order['type']) => type === 'LIMIT' || type === 'SL';
export const hasTriggerBox = (type: Order['type']) => type === 'SL' || type === 'SL-M';

/** A whole positive number of lots as typed, or NaN. */
const parseLots = (lots: string) => (/^\d+$/.test(lots.trim()) ? Number(lots.trim()) : NaN);

/**
 * What is wrong with the quantity before anything is sent, in a trader's words: not a whole
 * number of lots, or not more than what has already filled. Null when it is fine.
 */
export function modifyQuantityProblem(order: Pick<Order, 'filledQuantity'>, draft: ModifyDraft, lotSize: number): string | null {
  const lots = parseLots(draft.lots);
  if (!Number.isSafeInteger(lots) || lots < 1) return 'Enter a whole number of lots, at least 1';
  if (lots * lotSize <= order.filledQuantity) {
    const least = Math.floor(order.filledQuantity / lotSize) + 1;
    const filled = order.filledQuantity / lotSize;
    return `At least ${least} lot${least === 1 ? '' : 's'}: ${filled} ${filled === 1 ? 'is' : 'are'} already filled`;
  }
  return null;
}

/** Only what was edited is sent: the fields whose box differs from the order's current terms (quantity in units). */
export function modifyChange(order: Modifiable, draft: ModifyDraft, lotSize: number): ModifyOrderRequest {
  const lots = parseLots(draft.lots);
  const units = Number.isSafeInteger(lots) ? lots * lotSize : NaN;
  return {
    ...(units !== order.quantity ? { quantity: units } : {}),
    ...(hasPriceBox(order.type) && draft.price.trim() !== (order.price ?? '') ? { price: draft.price.trim() } : {}),
    ...(hasTriggerBox(order.type) && draft.trigger.trim() !== (order.triggerPrice ?? '') ? { triggerPrice: draft.trigger.trim() } : {}),
  };
}
