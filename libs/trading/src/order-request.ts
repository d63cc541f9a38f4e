import { parsePrice, validateOrder, type Instrument, type OrderTerms, type PriceTicks } from '@tradeloop/domain';
import type { PlaceOrderRequest } from '@tradeloop/contracts';

/** Parses an order request's prices and checks it against the instrument (400 with every field named). */
export function validateOrderRequest(
  body: Pick<PlaceOrderRequest, 'side' | 'type' | 'product' | 'validity' | 'quantity' | 'price' | 'triggerPrice'>,
  instrument: Instrument,
  ltp: PriceTicks | null,
): OrderTerms {
  return validateOrder(
    {
      side: body.side,
      type: body.type,
      product: body.product,
      validity: body.validity ?? 'DAY',
      quantity: body.quantity,
      price: body.price === undefined ? null : parsePrice(body.price, 'price'),
      triggerPrice: body.triggerPrice === undefined ? null : parsePrice(body.triggerPrice, 'triggerPrice'),
    },
    instrument,
    { ltp },
  );
}
