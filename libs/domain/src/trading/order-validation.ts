import { DomainError, type FieldError } from '../errors';
import { formatPrice, type Instrument, type InstrumentType, type PriceTicks } from '../market';
import {
  hasLimitPrice,
  hasTriggerPrice,
  ORDER_SIDES,
  ORDER_TYPES,
  PRODUCTS,
  VALIDITIES,
  type OrderSide,
  type OrderState,
  type OrderTerms,
  type OrderType,
  type Product,
  type Validity,
} from './order';
import { canApply } from './order-transitions';
import type { Quantity } from '../units';

/** An order as a client asks for it, with prices already parsed to ticks. */
export interface OrderRequest {
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly product: Product;
  /** DAY when absent. */
  readonly validity?: Validity | null;
  readonly quantity: Quantity;
  readonly price?: PriceTicks | null;
  readonly triggerPrice?: PriceTicks | null;
}

export interface ValidationMarket {
  /** Last traded price. When known, stop triggers must lie on the untriggered side of it. */
  readonly ltp?: PriceTicks | null;
}

/**
 * Products by instrument type: CNC is delivery of cash equities, NRML carries derivatives
 * overnight, MIS is intraday for both (docs/brokers.md 4.2: delivery ↔ cash, carry-forward ↔
 * derivatives). Indices are quote-only.
 */
export const PRODUCTS_BY_INSTRUMENT_TYPE: Readonly<Record<InstrumentType, readonly Product[]>> = {
  EQ: ['CNC', 'MIS'],
  FUT: ['NRML', 'MIS'],
  CE: ['NRML', 'MIS'],
  PE: ['NRML', 'MIS'],
  INDEX: [],
};

const isPositiveInt = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
const given = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * Checks an order against its instrument and returns its terms (validity defaulted to DAY,
 * absent prices as null), or throws VALIDATION_FAILED listing every problem by field.
 * Whole lots are not checked here: that is the risk rule LOT_SIZE (422, docs/domain.md, "Risk").
 */
export function validateOrder(req: OrderRequest, instrument: Instrument, market: ValidationMarket = {}): OrderTerms {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });

  if (!ORDER_SIDES.includes(req.side)) fail('side', `must be one of ${ORDER_SIDES.join(', ')}`);
  const typeOk = ORDER_TYPES.includes(req.type);
  if (!typeOk) fail('type', `must be one of ${ORDER_TYPES.join(', ')}`);
  const validity = req.validity ?? 'DAY';
  if (!VALIDITIES.includes(validity)) fail('validity', `must be one of ${VALIDITIES.join(', ')}`);

  const allowed = PRODUCTS_BY_INSTRUMENT_TYPE[instrument.instrumentType];
  if (allowed.length === 0) fail('symbol', `${instrument.symbol} is an index and cannot be traded; trade its futures or options`);
  else if (!PRODUCTS.includes(req.product)) fail('product', `must be one of ${PRODUCTS.join(', ')}`);
  else if (!allowed.includes(req.product))
    fail('product', `${req.product} is not available for ${describe(instrument.instrumentType)}; use ${allowed.join(' or ')}`);

  if (!isPositiveInt(req.quantity)) fail('quantity', 'must be a positive whole number of units');

  const tick = formatPrice(instrument.tickSize);
  const checkPrice = (field: 'price' | 'triggerPrice', v: unknown): v is PriceTicks => {
    if (!isPositiveInt(v)) fail(field, 'must be a positive price');
    else if (v % instrument.tickSize !== 0) fail(field, `must be a multiple of the tick size (${tick})`);
    else return true;
    return false;
  };

  let price: PriceTicks | null = null;
  let triggerPrice: PriceTicks | null = null;
  if (typeOk) {
    if (hasLimitPrice(req.type)) {
      if (!given(req.price)) fail('price', `is required for ${req.type} orders`);
      else if (checkPrice('price', req.price)) price = req.price;
    } else if (given(req.price)) fail('price', `must not be set for ${req.type} orders`);

    if (hasTriggerPrice(req.type)) {
      if (!given(req.triggerPrice)) fail('triggerPrice', `is required for ${req.type} orders`);
      else if (checkPrice('triggerPrice', req.triggerPrice)) triggerPrice = req.triggerPrice;
    } else if (given(req.triggerPrice)) fail('triggerPrice', `must not be set for ${req.type} orders`);

    // A stop-limit triggers at the trigger and then works at its limit, which must allow the
    // triggering price itself: a BUY's limit at or above the trigger, a SELL's at or below.
    if (req.type === 'SL' && price !== null && triggerPrice !== null) {
      if (req.side === 'BUY' && triggerPrice > price) fail('triggerPrice', 'must not be above the limit price for a BUY stop-loss');
      if (req.side === 'SELL' && triggerPrice < price) fail('triggerPrice', 'must not be below the limit price for a SELL stop-loss');
    }
    // A stop that the market has already crossed would trigger at once: a BUY stop waits for a
    // rise (trigger above LTP), a SELL stop for a fall (below LTP).
    const ltp = market.ltp;
    if (hasTriggerPrice(req.type) && triggerPrice !== null && ltp !== undefined && ltp !== null) {
      if (req.side === 'BUY' && triggerPrice <= ltp)
        fail('triggerPrice', `must be above the last traded price (${formatPrice(ltp)}) for a BUY stop-loss`);
      if (req.side === 'SELL' && triggerPrice >= ltp)
        fail('triggerPrice', `must be below the last traded price (${formatPrice(ltp)}) for a SELL stop-loss`);
    }
    // IOC means "now or never"; a stop rests until triggered, so the two contradict.
    if (validity === 'IOC' && hasTriggerPrice(req.type)) fail('validity', `IOC is not available for ${req.type} orders`);
  }

  if (errors.length > 0) throw new DomainError('VALIDATION_FAILED', 'Invalid order', { fieldErrors: errors });
  return Object.freeze({ side: req.side, type: req.type, product: req.product, validity, quantity: req.quantity, price, triggerPrice });
}

const describe = (t: InstrumentType): string => (t === 'EQ' ? 'equities' : t === 'FUT' ? 'futures' : 'options');

/** docs/api.md `PATCH /api/v1/orders/{id}` body: any of quantity, price, triggerPrice. */
export interface OrderModification {
  readonly quantity?: Quantity;
  readonly price?: PriceTicks;
  readonly triggerPrice?: PriceTicks;
}

/**
 * Checks a modification of a live order and returns the terms it would have: INVALID_STATE when
 * the order can no longer be modified (docs/api.md: 409), VALIDATION_FAILED when the merged order is
 * invalid or its quantity would not exceed what has already filled.
 */
export function validateModification(
  order: OrderState,
  patch: OrderModification,
  instrument: Instrument,
  market: ValidationMarket = {},
): OrderTerms {
  if (!canApply(order.status, 'MODIFIED')) {
    throw new DomainError('INVALID_STATE', `Order is ${order.status} and can no longer be modified`, {
      context: { reason: 'ILLEGAL_TRANSITION', status: order.status },
    });
  }
  if (patch.quantity === undefined && patch.price === undefined && patch.triggerPrice === undefined) {
    throw new DomainError('VALIDATION_FAILED', 'Nothing to modify', {
      fieldErrors: [{ field: 'quantity', message: 'give at least one of quantity, price, triggerPrice' }],
    });
  }
  const fieldErrors: FieldError[] = [];
  if (patch.price !== undefined && !hasLimitPrice(order.type))
    fieldErrors.push({ field: 'price', message: `a ${order.type} order has no limit price` });
  if (patch.triggerPrice !== undefined && !hasTriggerPrice(order.type))
    fieldErrors.push({ field: 'triggerPrice', message: `a ${order.type} order has no trigger price` });
  if (patch.quantity !== undefined && isPositiveInt(patch.quantity) && patch.quantity <= order.filledQuantity) {
    fieldErrors.push({ field: 'quantity', message: `must exceed the ${order.filledQuantity} units already filled` });
  }
  if (fieldErrors.length > 0) throw new DomainError('VALIDATION_FAILED', 'Invalid modification', { fieldErrors });
  return validateOrder(
    {
      side: order.side,
      type: order.type,
      product: order.product,
      validity: order.validity,
      quantity: patch.quantity ?? order.quantity,
      price: patch.price ?? order.price,
      triggerPrice: patch.triggerPrice ?? order.triggerPrice,
    },
    instrument,
    market,
  );
}
