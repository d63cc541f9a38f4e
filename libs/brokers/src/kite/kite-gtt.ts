import { ORDER_SIDES, PRODUCTS, type OrderSide, type PriceTicks, type Product } from '@tradeloop/domain';
import { BrokerError, type BrokerOperation } from '../adapter/broker.errors';
import { toBrokerQuantity, type BrokerInstrument } from '../adapter/instrument.mapper';
import { KITE_PRODUCTS } from '../adapter/order-terms.mapper';
import type { KiteHttpClient } from './kite-http';
import { KITE, KITE_EXCHANGES } from './kite-orders';
import { kitePriceToTicks, ticksToKitePrice } from './kite-prices';
import { kiteInvalidResponse } from './kite-responses';

/**
 * Kite's GTT ("good till triggered") triggers (docs/brokers.md 1.9): `POST/GET /gtt/triggers`,
 * `GET/PUT/DELETE /gtt/triggers/:id`. A trigger watches one instrument's last price and, when it
 * crosses a trigger value, places the order at the same index of its `orders` (always LIMIT).
 * `single`: one value, one order. `two-leg`: an OCO, two values below and above the last price and
 * two orders; when one fires the other is gone. The form carries `type` and the JSON strings
 * `condition` and `orders`, as the official clients send them (kiteconnectjs `placeGTT`,
 * pykiteconnect `place_gtt`); replies are `{status:"success",data:{trigger_id}}`, errors the usual
 * envelope (`parseKiteEnvelope`). Prices are our ticks here and decimal rupees on the wire.
 */

export const KITE_GTT_TYPES = ['single', 'two-leg'] as const;
export type KiteGttType = (typeof KITE_GTT_TYPES)[number];

/** The statuses the official clients name (`GTT_STATUS_*`); only `active` can still fire, be modified or deleted. */
export const KITE_GTT_STATUSES = ['active', 'triggered', 'disabled', 'expired', 'cancelled', 'rejected', 'deleted'] as const;
export type KiteGttStatus = (typeof KITE_GTT_STATUSES)[number];

/** One order of a trigger, in our units (quantity in units, prices in ticks). GTT orders are LIMIT orders. */
export interface KiteGttOrderSpec {
  readonly side: OrderSide;
  readonly quantity: number;
  readonly product: Product;
  /** The limit price the order is placed at when its trigger value is crossed. */
  readonly price: PriceTicks;
}

/** A trigger to place or to replace an active one with (`modify` sends the whole trigger again). */
export interface KiteGttSpec {
  readonly type: KiteGttType;
  readonly instrument: BrokerInstrument;
  /** The instrument's last price when placing: Kite checks the trigger values against it. */
  readonly lastPrice: PriceTicks;
  /** `single`: one value. `two-leg`: two, the lower first; `orders[i]` fires at `triggers[i]`. */
  readonly triggers: readonly PriceTicks[];
  readonly orders: readonly KiteGttOrderSpec[];
}

/** What Kite did when the trigger fired (`orders[].result`); null while it has not. */
export interface KiteGttOrderResult {
  /** `order_result.status`: `success`, or `failed` with a reason. */
  readonly status: string;
  /** The order Kite placed (`order_result.order_id`); null when none was placed. */
  readonly orderId: string | null;
  readonly rejectionReason: string | null;
  /** The last price that crossed the trigger (`triggered_at`). */
  readonly triggeredAt: PriceTicks | null;
  /** IST `YYYY-MM-DD HH:MM:SS`, as Kite wrote it. */
  readonly timestamp: string | null;
}

export interface KiteGttOrder {
  readonly exchange: string;
  readonly tradingsymbol: string;
  readonly side: OrderSide;
  /** In Kite's unit (units; lots on MCX). */
  readonly quantity: number;
  readonly orderType: string;
  readonly product: string;
  readonly price: PriceTicks | null;
  readonly result: KiteGttOrderResult | null;
}

/** A trigger as `GET /gtt/triggers[/:id]` reports it. */
export interface KiteGtt {
  /** Kite's numeric id, as a string (what the paths take). */
  readonly id: string;
  readonly type: KiteGttType;
  /** One of `KITE_GTT_STATUSES`, or what Kite sent when it is none of them (treat as not active). */
  readonly status: string;
  readonly exchange: string;
  readonly tradingsymbol: string;
  readonly triggerValues: readonly PriceTicks[];
  readonly lastPrice: PriceTicks | null;
  readonly orders: readonly KiteGttOrder[];
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  readonly expiresAt: string | null;
}

const refuse = (operation: BrokerOperation, code: string, message: string): BrokerError =>
  new BrokerError('final', `kite gtt ${operation}: ${message}`, { broker: KITE, operation, code });

const positiveTicks = (operation: BrokerOperation, field: string, ticks: PriceTicks): number => {
  if (!Number.isSafeInteger(ticks) || ticks <= 0)
    throw refuse(operation, 'INVALID_PRICE', `${field} must be a positive whole number of ticks, got ${ticks}`);
  // A JSON number whose shortest form is the exact decimal (docs/brokers.md 4.11).
  return Number(ticksToKitePrice(ticks));
};

/**
 * The form of `POST /gtt/triggers` and `PUT /gtt/triggers/:id`: `type`, `condition` and `orders`
 * (JSON strings). Refused before sending (a `final` BrokerError) where Kite would refuse: a count
 * of values or orders that does not fit the type, two-leg values not strictly below and above the
 * last price, an order on another instrument's terms, a quantity that is not a whole number of lots.
 */
export function kiteGttForm(operation: 'place' | 'modify', spec: KiteGttSpec): URLSearchParams {
  const { instrument } = spec;
  if (!(KITE_GTT_TYPES as readonly string[]).includes(spec.type))
    throw refuse(operation, 'INVALID_GTT_TYPE', `unknown GTT type ${spec.type}`);
  if (!KITE_EXCHANGES.includes(instrument.exchange))
    throw refuse(operation, 'EXCHANGE_NOT_SUPPORTED', `exchange ${JSON.stringify(instrument.exchange)} is not a Kite exchange`);
  if (instrument.symbol.trim() === '') throw refuse(operation, 'INSTRUMENT_NOT_MAPPED', 'trading symbol must not be empty');
  const legs = spec.type === 'two-leg' ? 2 : 1;
  if (spec.triggers.length !== legs || spec.orders.length !== legs)
    throw refuse(operation, 'INVALID_GTT', `a ${spec.type} GTT takes ${legs} trigger value(s) and ${legs} order(s)`);
  const last = positiveTicks(operation, 'last price', spec.lastPrice);
  const values = spec.triggers.map((t, i) => positiveTicks(operation, `trigger value ${i + 1}`, t));
  if (spec.type === 'two-leg' && !(spec.triggers[0]! < spec.lastPrice && spec.lastPrice < spec.triggers[1]!))
    throw refuse(operation, 'INVALID_GTT', 'a two-leg GTT needs its first trigger value below the last price and its second above');
  if (spec.type === 'single' && spec.triggers[0] === spec.lastPrice)
    throw refuse(operation, 'INVALID_GTT', 'the trigger value must differ from the last price');
  const orders = spec.orders.map((o, i) => {
    if (!ORDER_SIDES.includes(o.side)) throw refuse(operation, 'INVALID_SIDE', `order ${i + 1}: unknown side ${o.side}`);
    if (!PRODUCTS.includes(o.product)) throw refuse(operation, 'INVALID_PRODUCT', `order ${i + 1}: unknown product ${o.product}`);
    if (!Number.isSafeInteger(o.quantity) || o.quantity <= 0)
      throw refuse(operation, 'INVALID_QUANTITY', `order ${i + 1}: quantity must be a positive whole number, got ${o.quantity}`);
    return {
      exchange: instrument.exchange,
      tradingsymbol: instrument.symbol,
      transaction_type: o.side,
      quantity: toBrokerQuantity(o.quantity, instrument, KITE),
      order_type: 'LIMIT',
      product: KITE_PRODUCTS.toBroker(o.product),
      price: positiveTicks(operation, `order ${i + 1} price`, o.price),
    };
  });
  const condition = { exchange: instrument.exchange, tradingsymbol: instrument.symbol, trigger_values: values, last_price: last };
  const form = new URLSearchParams();
  form.set('type', spec.type);
  form.set('condition', JSON.stringify(condition));
  form.set('orders', JSON.stringify(orders));
  return form;
}

/** What a standing exit of a position needs: the leg closing it at a stop and at a target. */
export interface KiteExitOcoInput {
  readonly instrument: BrokerInstrument;
  /** The position's side: a long is closed by SELL orders, a short by BUY orders. */
  readonly position: 'long' | 'short';
  /** Units to close (the account's whole net). */
  readonly quantity: number;
  readonly product: Product;
  readonly lastPrice: PriceTicks;
  /** Where the stop fires and the limit its order goes out at (below the trigger for a SELL, above for a BUY). */
  readonly stopLoss: { readonly trigger: PriceTicks; readonly price: PriceTicks };
  readonly target: { readonly trigger: PriceTicks; readonly price: PriceTicks };
}

/**
 * The two-leg GTT that closes a position at its stop or its target, whichever comes first: for a
 * long the stop is the lower value, for a short the upper (Kite orders the legs by value).
 */
export function kiteExitOco(input: KiteExitOcoInput): KiteGttSpec {
  const side: OrderSide = input.position === 'long' ? 'SELL' : 'BUY';
  const leg = (p: { readonly price: PriceTicks }): KiteGttOrderSpec => ({
    side,
    quantity: input.quantity,
    product: input.product,
    price: p.price,
  });
  const [lower, upper] = input.position === 'long' ? [input.stopLoss, input.target] : [input.target, input.stopLoss];
  return {
    type: 'two-leg',
    instrument: input.instrument,
    lastPrice: input.lastPrice,
    triggers: [lower.trigger, upper.trigger],
    orders: [leg(lower), leg(upper)],
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** `trigger_id` of a place / modify / delete reply (a JSON number; a string is taken too). */
export function parseKiteTriggerId(operation: BrokerOperation, data: unknown): string {
  const raw = isObject(data) ? data.trigger_id : undefined;
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0) return String(raw);
  if (typeof raw === 'string' && /^[1-9][0-9]{0,18}$/.test(raw)) return raw;
  throw kiteInvalidResponse(operation, 'no trigger_id in the GTT reply');
}

function parseResult(raw: unknown): KiteGttOrderResult | null {
  if (!isObject(raw)) return null;
  const orderResult = isObject(raw.order_result) ? raw.order_result : {};
  return {
    status: text(orderResult.status) ?? 'unknown',
    orderId: text(orderResult.order_id),
    rejectionReason: text(orderResult.rejection_reason),
    triggeredAt: kitePriceToTicks(raw.triggered_at),
    timestamp: text(raw.timestamp),
  };
}

/** One trigger of `GET /gtt/triggers` or `GET /gtt/triggers/:id`; an unreadable one is an `INVALID_RESPONSE` (retryable). */
export function parseKiteGtt(raw: unknown): KiteGtt {
  const bad = (detail: string): BrokerError => kiteInvalidResponse('read', `GTT: ${detail}`);
  if (!isObject(raw)) throw bad('not an object');
  const id = typeof raw.id === 'number' && Number.isSafeInteger(raw.id) ? String(raw.id) : text(raw.id);
  if (id === null) throw bad('no id');
  if (!(KITE_GTT_TYPES as readonly unknown[]).includes(raw.type)) throw bad(`trigger ${id}: unknown type ${String(raw.type)}`);
  const status = text(raw.status);
  if (status === null) throw bad(`trigger ${id}: no status`);
  const condition = isObject(raw.condition) ? raw.condition : null;
  if (condition === null || !Array.isArray(condition.trigger_values)) throw bad(`trigger ${id}: no condition`);
  const triggerValues = condition.trigger_values.map((v) => {
    const t = kitePriceToTicks(v);
    if (t === null || t <= 0) throw bad(`trigger ${id}: trigger value ${String(v)}`);
    return t;
  });
  if (!Array.isArray(raw.orders)) throw bad(`trigger ${id}: no orders`);
  const orders = raw.orders.map((o, i): KiteGttOrder => {
    if (!isObject(o)) throw bad(`trigger ${id}: order ${i + 1} is not an object`);
    const side = o.transaction_type;
    if (side !== 'BUY' && side !== 'SELL') throw bad(`trigger ${id}: order ${i + 1} side ${String(side)}`);
    if (typeof o.quantity !== 'number' || !Number.isSafeInteger(o.quantity)) throw bad(`trigger ${id}: order ${i + 1} quantity`);
    return {
      exchange: text(o.exchange) ?? text(condition.exchange) ?? '',
      tradingsymbol: text(o.tradingsymbol) ?? text(condition.tradingsymbol) ?? '',
      side,
      quantity: o.quantity,
      orderType: text(o.order_type) ?? 'LIMIT',
      product: text(o.product) ?? '',
      price: kitePriceToTicks(o.price),
      result: parseResult(o.result),
    };
  });
  return {
    id,
    type: raw.type as KiteGttType,
    status,
    exchange: text(condition.exchange) ?? '',
    tradingsymbol: text(condition.tradingsymbol) ?? '',
    triggerValues,
    lastPrice: kitePriceToTicks(condition.last_price),
    orders,
    createdAt: text(raw.created_at),
    updatedAt: text(raw.updated_at),
    expiresAt: text(raw.expires_at),
  };
}

/** The order a fired trigger placed (the first `orders[].result` with an order id), or null. */
export function kiteGttPlacedOrder(gtt: KiteGtt): { readonly index: number; readonly orderId: string } | null {
  for (const [index, o] of gtt.orders.entries()) if (o.result?.orderId) return { index, orderId: o.result.orderId };
  return null;
}

const gttPath = (operation: BrokerOperation, id: string): string => {
  if (!/^[1-9][0-9]{0,18}$/.test(id))
    throw refuse(operation, 'INVALID_TRIGGER_ID', `trigger id must be Kite's number, got ${JSON.stringify(id)}`);
  return `/gtt/triggers/${id}`;
};

/**
 * Kite's GTT endpoints over one session's `KiteHttpClient`. Each call is sent once; errors are the
 * client's BrokerErrors (a place that timed out is `ambiguous`: list the triggers before placing
 * again; a modify or delete that timed out: read the trigger back). A delete is a `cancel`.
 */
export class KiteGttClient {
  constructor(private readonly http: KiteHttpClient) {}

  /** Places a trigger; its id. */
  async place(spec: KiteGttSpec): Promise<string> {
    const form = kiteGttForm('place', spec);
    return parseKiteTriggerId('place', await this.http.request({ method: 'POST', path: '/gtt/triggers', operation: 'place', form }));
  }

  /** Replaces an active trigger's condition and orders (Kite's modify sends the whole trigger). */
  async modify(id: string, spec: KiteGttSpec): Promise<string> {
    const path = gttPath('modify', id);
    const form = kiteGttForm('modify', spec);
    return parseKiteTriggerId('modify', await this.http.request({ method: 'PUT', path, operation: 'modify', form }));
  }

  /** Deletes an active trigger. */
  async delete(id: string): Promise<string> {
    const path = gttPath('cancel', id);
    return parseKiteTriggerId('cancel', await this.http.request({ method: 'DELETE', path, operation: 'cancel' }));
  }

  async get(id: string): Promise<KiteGtt> {
    const path = gttPath('read', id);
    return parseKiteGtt(await this.http.request({ method: 'GET', path, operation: 'read' }));
  }

  /** Every trigger in the GTT book (active and recent others). */
  async list(): Promise<KiteGtt[]> {
    const data = await this.http.request({ method: 'GET', path: '/gtt/triggers', operation: 'read' });
    if (!Array.isArray(data)) throw kiteInvalidResponse('read', 'the GTT book is not a list');
    return data.map(parseKiteGtt);
  }
}
