import type { ModifyOrderRequest, Order } from '@tradeloop/contracts';

/** What the modify dialog's boxes hold, as typed, for one order. */
export interface ModifyDraft {
  orderId: string;
  quantity: string;
  price: string;
  trigger: string;
}

type Modifiable = Pick<Order, 'id' | 'type' | 'quantity' | 'price' | 'triggerPrice'>;

/** The boxes prefilled with the order's current terms. */
export function draftFor(order: Modifiable): ModifyDraft {
  return { orderId: order.id, quantity: String(order.quantity), price: order.price ?? '', trigger: order.triggerPrice ?? '' };
}

/** A LIMIT or SL order has a price to change; an SL or SL-M order a trigger. */
export const hasPriceBox = (type: Order['type']) => type === 'LIMIT' || type === 'SL';
export const hasTriggerBox = (type: Order['type']) => type === 'SL' || type === 'SL-M';

/** Only what was edited is sent: the fields whose box differs from the order's current terms. */
export function modifyChange(order: Modifiable, draft: ModifyDraft): ModifyOrderRequest {
  return {
    ...(draft.quantity.trim() !== String(order.quantity) ? { quantity: Number(draft.quantity) } : {}),
    ...(hasPriceBox(order.type) && draft.price.trim() !== (order.price ?? '') ? { price: draft.price.trim() } : {}),
    ...(hasTriggerBox(order.type) && draft.trigger.trim() !== (order.triggerPrice ?? '') ? { triggerPrice: draft.trigger.trim() } : {}),
  };
}
