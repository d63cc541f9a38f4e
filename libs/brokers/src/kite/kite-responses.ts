import { VALIDITIES, type OrderSide, type Paise, type PriceTicks, type Validity } from '@tradeloop/domain';
import type { BrokerHolding, BrokerOrder, PlaceOrderResult } from '../adapter/broker-adapter.port';
import {
  BrokerError,
  classifyHttpStatus,
  DEFAULT_RATE_LIMIT_WAIT_MS,
  parseRetryAfter,
  type BrokerErrorKind,
  type BrokerOperation,
} from '../adapter/broker.errors';
import { asBrokerOrderId, type BrokerOrderId, type InstrumentRef } from '../adapter/identifiers';
import { fromBrokerQuantity, type BrokerInstrument, type InstrumentMapper } from '../adapter/instrument.mapper';
import { KITE_PRODUCTS, orderTypeFromBroker } from '../adapter/order-terms.mapper';
import { KITE_STATUSES, normaliseStatus } from '../adapter/status.mapper';
import { verifyKitePostback } from './kite-auth';
import { KITE } from './kite-orders';
import { kiteDecimalToScaled, kitePriceDecimals, kitePriceRounded, kitePriceToTicks } from './kite-prices';

/** One HTTP exchange with Kite as the transport saw it: status, raw body text, Retry-After. */
export interface KiteHttpResponse {
  readonly status: number;
  readonly body: string;
  readonly retryAfter?: string | null;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Kite error types whose meaning decides the kind whatever the HTTP status (docs/brokers.md 1.5). */
const SESSION_ERRORS = new Set(['TokenException']);
/** The OMS was not reached or its answer not understood: a write may or may not have happened. */
const TRANSIENT_ERRORS = new Set(['NetworkException', 'DataException']);
/** Kite understood and refused: validation, order state, funds, holdings, account, permission. */
const REFUSAL_ERRORS = new Set([
  'InputException',
  'OrderException',
  'MarginException',
  'HoldingException',
  'UserException',
  'PermissionException',
]);

const transientKind = (operation: BrokerOperation): BrokerErrorKind => (operation === 'read' ? 'retryable' : 'ambiguous');

/**
 * The kind of a Kite error. A 429 is the rate limit whatever the body says; TokenException is the
 * session (403); PermissionException is a 403 that is NOT the session (the app lacks the
 * permission: final); Network/DataException are transient (ambiguous after a write); the other
 * named refusals are final unless the status is a 5xx/408, which says the outcome is unknown.
 * Anything else goes by the HTTP status (`classifyHttpStatus`).
 */
export function kiteErrorKind(operation: BrokerOperation, httpStatus: number, errorType: string | null): BrokerErrorKind {
  if (httpStatus === 429) return 'rate_limited';
  if (errorType !== null && SESSION_ERRORS.has(errorType)) return 'auth';
  if (errorType !== null && TRANSIENT_ERRORS.has(errorType)) return transientKind(operation);
  const serverSide = httpStatus >= 500 || httpStatus === 408;
  if (errorType !== null && REFUSAL_ERRORS.has(errorType) && !serverSide) return 'final';
  return classifyHttpStatus(operation, httpStatus);
}

function kiteError(
  operation: BrokerOperation,
  response: KiteHttpResponse,
  errorType: string | null,
  message: string | null,
  nowMs: number,
): BrokerError {
  const kind = kiteErrorKind(operation, response.status, errorType);
  const waited = parseRetryAfter(response.retryAfter, nowMs);
  const retryAfterMs = kind === 'rate_limited' ? (waited ?? DEFAULT_RATE_LIMIT_WAIT_MS) : waited;
  return new BrokerError(kind, `kite ${operation}: ${message ?? errorType ?? `HTTP ${response.status}`}`, {
    broker: KITE,
    operation,
    code: errorType ?? `HTTP_${response.status}`,
    brokerMessage: message,
    httpStatus: response.status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/**
 * A response Kite sent but we cannot read (a 200 whose body is not JSON or not the envelope, an
 * order without its fields). After a write the outcome is unknown, so it is `ambiguous`; after a
 * read, `retryable` (reading again is harmless). Code `INVALID_RESPONSE`.
 */
export function kiteInvalidResponse(operation: BrokerOperation, detail: string, httpStatus: number | null = null): BrokerError {
  return new BrokerError(transientKind(operation), `kite ${operation}: invalid response: ${detail}`, {
    broker: KITE,
    operation,
    code: 'INVALID_RESPONSE',
    httpStatus,
  });
}

/**
 * The `data` of a Kite envelope (`{status:"success",data}`), or the BrokerError its failure
 * means (`{status:"error",error_type,message,data}` and the HTTP status, docs/brokers.md 1.5). An error
 * status with a body that is not the envelope (a proxy's HTML 502) goes by the status alone.
 */
export function parseKiteEnvelope(operation: BrokerOperation, response: KiteHttpResponse, nowMs: number = Date.now()): unknown {
  const ok = response.status >= 200 && response.status < 300;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    if (ok) throw kiteInvalidResponse(operation, 'body is not JSON', response.status);
    throw kiteError(operation, response, null, null, nowMs);
  }
  const envelope = isObject(body) ? body : null;
  if (envelope?.status === 'error') {
    const errorType = typeof envelope.error_type === 'string' && envelope.error_type !== '' ? envelope.error_type : null;
    const message = typeof envelope.message === 'string' && envelope.message !== '' ? envelope.message : null;
    throw kiteError(operation, response, errorType, message, nowMs);
  }
  if (!ok) throw kiteError(operation, response, null, null, nowMs);
  if (envelope?.status !== 'success' || !('data' in envelope)) throw kiteInvalidResponse(operation, 'not a Kite envelope', response.status);
  return envelope.data;
}

const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v !== '';

/**
 * The ids of a placement (`data` of `POST /orders/:variety`). With autoslice, `children` lists one
 * entry per slice: an `order_id`, or an `error` ({code, error_type, message, data}) for a slice
 * Kite refused while accepting others. The slices are the orders; the parent id is what GET
 * /orders reports as their `parent_order_id`. Every slice refused: the first refusal is thrown.
 */
export function parseKitePlaceResult(data: unknown): PlaceOrderResult & { readonly parentBrokerOrderId: BrokerOrderId | null } {
  if (!isObject(data) || !nonEmptyString(data.order_id)) throw kiteInvalidResponse('place', 'placement without an order_id');
  const orderId = asBrokerOrderId(data.order_id);
  if (data.children === undefined || data.children === null)
    return { brokerOrderIds: [orderId], failedSlices: [], parentBrokerOrderId: null };
  if (!Array.isArray(data.children)) throw kiteInvalidResponse('place', 'children is not a list');
  const ids: BrokerOrderId[] = [];
  const failed: BrokerError[] = [];
  for (const child of data.children as unknown[]) {
    if (isObject(child) && nonEmptyString(child.order_id)) {
      const id = asBrokerOrderId(child.order_id);
      if (!ids.includes(id)) ids.push(id);
    } else if (isObject(child) && isObject(child.error)) {
      const e = child.error;
      const errorType = nonEmptyString(e.error_type) ? e.error_type : null;
      const message = nonEmptyString(e.message) ? e.message : null;
      const status = typeof e.code === 'number' && Number.isSafeInteger(e.code) ? e.code : 400;
      failed.push(kiteError('place', { status, body: '' }, errorType, message, 0));
    } else throw kiteInvalidResponse('place', 'a child with neither order_id nor error');
  }
  if (ids.length === 0) {
    if (failed[0]) throw failed[0];
    return { brokerOrderIds: [orderId], failedSlices: [], parentBrokerOrderId: null };
  }
  return { brokerOrderIds: ids, failedSlices: failed, parentBrokerOrderId: orderId };
}

const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;
const KITE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/** `2022-03-03 09:24:25` (IST, no zone: docs/brokers.md 1.3) → epoch ms; null when it is not that form or no such time. */
export function parseKiteTimestamp(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = KITE_TIME.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  if (
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    back.getUTCHours() !== h ||
    back.getUTCMinutes() !== mi ||
    back.getUTCSeconds() !== s
  )
    return null;
  return utc - IST_OFFSET_MS;
}

/** Where an order object came from: GET /orders (a read), a postback, a ticker frame. */
export interface KiteOrderContext {
  readonly instruments: InstrumentMapper;
}

/** Kite gives an order's average price to the paisa (two decimals): a fill average is then only known to ±½ paisa. */
const PAISA_STEP: PriceTicks = 100;

/** The quantities and prices of an order object in Kite's shape (Upstox uses the same fields, decimal rupees). */
export interface KiteStyleOrderAmounts {
  readonly quantity: number;
  readonly filledQuantity: number;
  readonly price: PriceTicks | null;
  readonly triggerPrice: PriceTicks | null;
  readonly averagePrice: PriceTicks | null;
  readonly averagePriceStep: PriceTicks;
}

/**
 * `quantity`, `filled_quantity` (non-negative integers, in lots where the instrument trades in
 * lots), `price`, `trigger_price` and `average_price` (decimal rupees, exact to a tick; 0 is none)
 * of one order object. Anything else is `invalid(detail)`, thrown.
 */
export function parseKiteStyleOrderAmounts(
  raw: Record<string, unknown>,
  instrument: BrokerInstrument,
  invalid: (detail: string) => BrokerError,
): KiteStyleOrderAmounts {
  const count = (name: string): number => {
    const v = raw[name];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw invalid(`${name} ${String(v)}`);
    return fromBrokerQuantity(v, instrument);
  };
  const quantity = count('quantity');
  const filledQuantity = count('filled_quantity');
  if (quantity === 0 || filledQuantity > quantity) throw invalid(`filled ${filledQuantity} of ${quantity}`);

  const priceOrNull = (name: string): PriceTicks | null => {
    const v = raw[name];
    if (v === null || v === undefined || v === 0 || v === '0') return null;
    const ticks = kitePriceToTicks(v);
    if (ticks === null) throw invalid(`${name} ${String(v)} is not a price in ticks of 0.0001`);
    return ticks === 0 ? null : ticks;
  };
  const price = priceOrNull('price');
  const triggerPrice = priceOrNull('trigger_price');
  let averagePrice: PriceTicks | null = null;
  let averagePriceStep: PriceTicks = 1;
  if (filledQuantity > 0) {
    averagePrice = priceOrNull('average_price');
    if (averagePrice === null) throw invalid('filled without an average price');
    if (kitePriceDecimals(raw.average_price as number | string) <= 2) averagePriceStep = PAISA_STEP;
  }
  return { quantity, filledQuantity, price, triggerPrice, averagePrice, averagePriceStep };
}

/**
 * One Kite order object (GET /orders item, GET /orders/:id snapshot, postback body, ticker
 * `data`) as a BrokerOrder. Fills are cumulative (`filled_quantity`, `average_price`); prices are
 * decimal rupees converted exactly; a price finer than a tick, a missing field or an
 * impossible quantity is an invalid response. An unknown status is `UNKNOWN` (non-terminal:
 * reconcile again). An order we cannot represent — an instrument we do not map, a product,
 * type or validity we do not trade (MTF, TTL…) — is a `final` BrokerError
 * (`INSTRUMENT_NOT_MAPPED` / `UNSUPPORTED_ORDER`): the ticker and order book carry every order of
 * the account, placed anywhere, and the caller skips those.
 */
export function parseKiteOrder(raw: unknown, context: KiteOrderContext): BrokerOrder {
  const bad = (detail: string): BrokerError => kiteInvalidResponse('read', detail);
  if (!isObject(raw)) throw bad('order is not an object');
  const orderId = raw.order_id;
  if (!nonEmptyString(orderId)) throw bad('order without order_id');
  const field = (name: string): string => `order ${orderId}: ${name}`;
  const unsupported = (code: string, detail: string): BrokerError =>
    new BrokerError('final', `kite read: ${field(detail)}`, { broker: KITE, operation: 'read', code });

  if (!nonEmptyString(raw.status)) throw bad(field('no status'));
  if (!nonEmptyString(raw.exchange) || !nonEmptyString(raw.tradingsymbol)) throw bad(field('no exchange or tradingsymbol'));
  const ref = context.instruments.fromBroker(raw.exchange, raw.tradingsymbol);
  if (ref === null) throw unsupported('INSTRUMENT_NOT_MAPPED', `instrument ${raw.exchange}:${raw.tradingsymbol} is not mapped`);
  const instrument = context.instruments.toBroker(ref);

  const side = raw.transaction_type;
  if (side !== 'BUY' && side !== 'SELL') throw bad(field(`transaction_type ${String(side)}`));
  if (!nonEmptyString(raw.order_type)) throw bad(field('no order_type'));
  const type = orderTypeFromBroker(raw.order_type);
  if (type === null) throw unsupported('UNSUPPORTED_ORDER', `order type ${raw.order_type}`);
  if (!nonEmptyString(raw.product)) throw bad(field('no product'));
  // Kite's product codes do not depend on the instrument type.
  const product = KITE_PRODUCTS.fromBroker(raw.product, 'EQ');
  if (product === null) throw unsupported('UNSUPPORTED_ORDER', `product ${raw.product}`);
  if (!nonEmptyString(raw.validity)) throw bad(field('no validity'));
  if (!(VALIDITIES as readonly string[]).includes(raw.validity)) throw unsupported('UNSUPPORTED_ORDER', `validity ${raw.validity}`);
  const validity = raw.validity as Validity;

  const { quantity, filledQuantity, price, triggerPrice, averagePrice, averagePriceStep } = parseKiteStyleOrderAmounts(
    raw,
    instrument,
    (d) => bad(field(d)),
  );

  const placedAt = parseKiteTimestamp(raw.order_timestamp);
  if (placedAt === null) throw bad(field(`order_timestamp ${String(raw.order_timestamp)}`));
  const updatedAt = parseKiteTimestamp(raw.exchange_update_timestamp) ?? parseKiteTimestamp(raw.exchange_timestamp) ?? placedAt;

  const rawStatus = raw.status;
  const status = normaliseStatus(rawStatus, KITE_STATUSES, { filledQuantity, quantity });
  const message = nonEmptyString(raw.status_message) ? raw.status_message : null;
  return {
    brokerOrderId: asBrokerOrderId(orderId),
    parentBrokerOrderId: nonEmptyString(raw.parent_order_id) ? asBrokerOrderId(raw.parent_order_id) : null,
    tag: nonEmptyString(raw.tag) ? raw.tag : null,
    instrument: ref,
    side: side satisfies OrderSide,
    type,
    product,
    validity,
    quantity,
    price,
    triggerPrice,
    status,
    filledQuantity,
    averagePrice,
    averagePriceStep,
    rejectReason: status === 'REJECTED' ? (message ?? rawStatus) : null,
    rawStatus,
    placedAt,
    updatedAt,
  };
}

/**
 * GET /orders (the order book) or GET /orders/:id (one order's snapshots, oldest first). Orders
 * we cannot represent (see `parseKiteOrder`) are set aside in `skipped`, not failed on: the book
 * holds the account's orders from every platform. A malformed order fails the whole read.
 */
export function parseKiteOrderBook(data: unknown, context: KiteOrderContext): { orders: BrokerOrder[]; skipped: BrokerError[] } {
  if (!Array.isArray(data)) throw kiteInvalidResponse('read', 'order list is not a list');
  const orders: BrokerOrder[] = [];
  const skipped: BrokerError[] = [];
  for (const raw of data as unknown[]) {
    try {
      orders.push(parseKiteOrder(raw, context));
    } catch (e) {
      if (e instanceof BrokerError && e.kind === 'final') skipped.push(e);
      else throw e;
    }
  }
  return { orders, skipped };
}

/**
 * A ticker text frame. `{"type":"order","data":{…}}` is an order update (for every order of the
 * account); other text frames (`error`, `message`) are not, and give null. A frame that is not
 * JSON is an invalid response.
 */
export function parseKiteTickerText(text: string, context: KiteOrderContext): BrokerOrder | null {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    throw kiteInvalidResponse('read', 'ticker text frame is not JSON');
  }
  if (!isObject(frame)) throw kiteInvalidResponse('read', 'ticker text frame is not an object');
  if (frame.type !== 'order') return null;
  return parseKiteOrder(frame.data, context);
}

/**
 * A postback request body: checked against our api_secret first (docs/brokers.md 1.4), then read as
 * an order. A body that is not JSON or whose checksum does not match is refused with a `final`
 * BrokerError (`POSTBACK_INVALID` / `POSTBACK_CHECKSUM_MISMATCH`): it must not be applied.
 */
export function parseKitePostback(body: string, apiSecret: string, context: KiteOrderContext): BrokerOrder {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new BrokerError('final', 'kite postback: body is not JSON', { broker: KITE, operation: 'read', code: 'POSTBACK_INVALID' });
  }
  if (!verifyKitePostback(parsed, apiSecret))
    throw new BrokerError('final', 'kite postback: checksum does not match', {
      broker: KITE,
      operation: 'read',
      code: 'POSTBACK_CHECKSUM_MISMATCH',
    });
  return parseKiteOrder(parsed, context);
}

/**
 * One holding row in Kite's shape (Upstox's long-term holdings use the same fields, with
 * `cnc_used_quantity` for `used_quantity`): `quantity` settled, `t1_quantity` awaiting delivery
 * (absent → 0), the used quantity (absent → null), non-negative whole numbers (in lots where the
 * instrument trades in lots); prices in decimal rupees (null or 0 → none: Kite sends null for
 * stock it cannot price), `pnl` rupees (absent or null → 0). Anything else is `invalid(detail)`,
 * thrown (docs/brokers.md 4.12).
 */
export function kiteStyleHolding(
  raw: Readonly<Record<string, unknown>>,
  ref: InstrumentRef,
  instrument: BrokerInstrument,
  usedField: 'used_quantity' | 'cnc_used_quantity',
  invalid: (detail: string) => BrokerError,
): BrokerHolding {
  const count = (field: string): number | null => {
    const v = raw[field];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw invalid(`holding ${field} ${String(v)}`);
    return fromBrokerQuantity(v, instrument);
  };
  const quantity = count('quantity');
  if (quantity === null) throw invalid('a holding without quantity');
  const pnl = kiteDecimalToScaled(raw.pnl ?? 0, 2);
  if (pnl === null) throw invalid(`holding pnl ${String(raw.pnl)}`);
  return {
    instrument: { exchange: ref.exchange, symbol: ref.symbol },
    quantity,
    t1Quantity: count('t1_quantity') ?? 0,
    usedQuantity: count(usedField),
    averagePrice: kitePriceRounded(raw.average_price),
    lastPrice: kitePriceRounded(raw.last_price),
    pnl: pnl as Paise,
  };
}

/**
 * `GET /portfolio/holdings` data (docs/brokers.md 1.3, 4.12): a list of holding rows; a row of an
 * instrument we do not trade is left out; a list that is not one, or a row without its instrument
 * or quantity, is an `INVALID_RESPONSE` (retryable: a read).
 */
export function parseKiteHoldings(data: unknown, context: KiteOrderContext): BrokerHolding[] {
  if (!Array.isArray(data)) throw kiteInvalidResponse('read', 'holdings are not a list');
  const out: BrokerHolding[] = [];
  for (const raw of data as unknown[]) {
    if (!isObject(raw) || typeof raw.exchange !== 'string' || typeof raw.tradingsymbol !== 'string')
      throw kiteInvalidResponse('read', 'a holding without exchange or tradingsymbol');
    const ref = context.instruments.fromBroker(raw.exchange, raw.tradingsymbol);
    if (ref === null) continue; // not an instrument we trade
    out.push(kiteStyleHolding(raw, ref, context.instruments.toBroker(ref), 'used_quantity', (d) => kiteInvalidResponse('read', d)));
  }
  return out;
}
