import type { OrderSide, Paise, PriceTicks } from '@tradeloop/domain';
import type { BrokerFunds, BrokerHolding, BrokerOrder, BrokerPosition, BrokerQuote, BrokerTrade } from '../adapter/broker-adapter.port';
import { BrokerError } from '../adapter/broker.errors';
import { asBrokerOrderId, asBrokerTradeId, type InstrumentRef } from '../adapter/identifiers';
import type { InstrumentMapper } from '../adapter/instrument.mapper';
import { fromBrokerQuantity } from '../adapter/instrument.mapper';
import { OPENALGO_PRODUCTS, orderTypeFromBroker } from '../adapter/order-terms.mapper';
import { normaliseStatus, OPENALGO_STATUSES } from '../adapter/status.mapper';
import { kiteDecimalToScaled } from '../kite/kite-prices';
import { OPENALGO } from './openalgo-http';

/**
 * OpenAlgo's replies read into our shapes (docs/brokers.md 3.4, 3.6, 4.11). Numbers come as JSON
 * numbers or numeric strings (`"quantity": "-10"`), statuses lower-case and broker-dependent
 * (unknown → UNKNOWN), times as `28-Aug-2025 09:59:10`, the broker's `YYYY-MM-DD HH:MM:SS` or
 * (tradebook) `HH:MM:SS` alone, all IST. Decimals become ticks and paise by decimal-string
 * arithmetic, never floats.
 */

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function openAlgoInvalid(what: string): BrokerError {
  return new BrokerError('retryable', `${OPENALGO} read: unreadable reply (${what})`, {
    broker: OPENALGO,
    operation: 'read',
    code: 'INVALID_RESPONSE',
  });
}

/** A whole quantity from a number or numeric string (`"10"`, `"-10"`, `10.0`); null otherwise. */
export function openAlgoInteger(value: unknown): number | null {
  const scaled = kiteDecimalToScaled(value, 0);
  if (scaled === null) return null;
  const exact = kiteDecimalToScaled(value, 4);
  if (exact === null || exact !== scaled * 10_000n) return null;
  const n = Number(scaled);
  return Number.isSafeInteger(n) ? n : null;
}

/** A rupee price in ticks (rounded to the nearest tick); null when absent, zero, negative or unreadable. */
export function openAlgoPrice(value: unknown): PriceTicks | null {
  const scaled = kiteDecimalToScaled(value, 4);
  if (scaled === null || scaled <= 0n || scaled > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(scaled);
}

/** Rupees in paise (rounded half away from zero); null when unreadable. */
export function openAlgoPaise(value: unknown): Paise | null {
  return kiteDecimalToScaled(value, 2) as Paise | null;
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const IST_OFFSET_MS = 330 * 60_000;

const istEpoch = (y: number, mo: number, d: number, h: number, mi: number, s: number): number =>
  Date.UTC(y, mo - 1, d, h, mi, s) - IST_OFFSET_MS;

/**
 * An OpenAlgo time (IST, no zone) in epoch ms; `HH:MM:SS` alone is taken on the IST day of
 * `nowMs`. Null for anything else.
 */
export function parseOpenAlgoTime(value: unknown, nowMs: number): number | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  let m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(v);
  if (m) {
    const mo = MONTHS[m[2]!.toLowerCase()];
    return mo === undefined ? null : istEpoch(Number(m[3]), mo, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(v);
  if (m) return istEpoch(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  m = /^(\d{2}):(\d{2}):(\d{2})$/.exec(v);
  if (m) {
    const day = new Date(nowMs + IST_OFFSET_MS);
    return istEpoch(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), Number(m[1]), Number(m[2]), Number(m[3]));
  }
  return null;
}

/** Our time as OpenAlgo writes it: `28-Aug-2025 09:59:10` (IST). For the fake. */
export function formatOpenAlgoTime(epochMs: number): string {
  const d = new Date(epochMs + IST_OFFSET_MS);
  const mon = Object.keys(MONTHS)[d.getUTCMonth()]!;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}-${mon[0]!.toUpperCase()}${mon.slice(1)}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

export interface OpenAlgoContext {
  readonly instruments: InstrumentMapper;
  readonly nowMs: number;
}

/** What the trade book says of one order's fills. */
export interface OpenAlgoFill {
  readonly quantity: number;
  /** Σ quantity × price in ticks, for the average. */
  readonly value: bigint;
  /** The latest fill's time, epoch ms. */
  readonly lastAt: number;
}

const side = (v: unknown): OrderSide | null => {
  const s = typeof v === 'string' ? v.trim().toUpperCase() : '';
  return s === 'BUY' || s === 'SELL' ? s : null;
};

/**
 * One order (an orderbook row, the `/orderstatus` data or an `order_update` message) normalised;
 * null for an instrument or product we do not trade. Fills: the message's `filled_quantity`
 * where it has one (the WebSocket), else the trade book's fills of that order, else the whole
 * quantity once `complete` (OpenAlgo's order book has no fill fields: docs/brokers.md 3.4).
 */
export function parseOpenAlgoOrder(raw: unknown, ctx: OpenAlgoContext, fills?: ReadonlyMap<string, OpenAlgoFill>): BrokerOrder | null {
  if (!isObject(raw)) throw openAlgoInvalid('order is not an object');
  const id = raw.orderid;
  if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') throw openAlgoInvalid('order without orderid');
  const orderId = String(id);
  if (typeof raw.exchange !== 'string' || typeof raw.symbol !== 'string') throw openAlgoInvalid(`order ${orderId} without instrument`);
  const ref = ctx.instruments.fromBroker(raw.exchange, raw.symbol);
  if (ref === null) return null;
  const instrument = ctx.instruments.toBroker(ref);
  const product = typeof raw.product === 'string' ? OPENALGO_PRODUCTS.fromBroker(raw.product, 'EQ') : null;
  if (product === null) return null;
  const s = side(raw.action);
  const type = typeof raw.pricetype === 'string' ? orderTypeFromBroker(raw.pricetype) : null;
  const q = openAlgoInteger(raw.quantity);
  if (s === null || type === null || q === null || q <= 0) throw openAlgoInvalid(`order ${orderId}: side, type or quantity`);
  const quantity = fromBrokerQuantity(q, instrument);
  const rawStatus = typeof raw.order_status === 'string' ? raw.order_status : '';
  const fromBook = fills?.get(orderId);
  const pushedFilled = raw.filled_quantity === undefined ? null : openAlgoInteger(raw.filled_quantity);
  let filledQuantity: number;
  let averagePrice: PriceTicks | null = null;
  if (pushedFilled !== null) {
    filledQuantity = fromBrokerQuantity(pushedFilled, instrument);
    averagePrice = filledQuantity > 0 ? openAlgoPrice(raw.average_price) : null;
  } else if (fromBook && fromBook.quantity > 0) {
    filledQuantity = fromBrokerQuantity(fromBook.quantity, instrument);
    const n = BigInt(fromBook.quantity);
    averagePrice = Number((2n * fromBook.value + n) / (2n * n));
  } else if (rawStatus.trim().toLowerCase() === 'complete') {
    filledQuantity = quantity;
    averagePrice = openAlgoPrice(raw.average_price);
  } else filledQuantity = 0;
  const status = normaliseStatus(rawStatus, OPENALGO_STATUSES, { filledQuantity, quantity });
  const placedAt = parseOpenAlgoTime(raw.timestamp, ctx.nowMs) ?? ctx.nowMs;
  // When this state was reached, as near as OpenAlgo says: a pushed message is now; a book read
  // is its latest fill (the trade book's time), else its placement.
  const updatedAt = pushedFilled !== null ? ctx.nowMs : Math.max(placedAt, fromBook?.lastAt ?? placedAt);
  const reason = typeof raw.rejection_reason === 'string' && raw.rejection_reason !== '' ? raw.rejection_reason : null;
  return {
    brokerOrderId: asBrokerOrderId(orderId),
    parentBrokerOrderId: null,
    tag: null,
    instrument: ref,
    side: s,
    type,
    product,
    validity: 'DAY',
    quantity,
    price: type === 'LIMIT' || type === 'SL' ? openAlgoPrice(raw.price) : null,
    triggerPrice: type === 'SL' || type === 'SL-M' ? openAlgoPrice(raw.trigger_price) : null,
    rawStatus,
    status,
    filledQuantity,
    averagePrice,
    rejectReason: status === 'REJECTED' ? (reason ?? (typeof raw.message === 'string' ? raw.message : null)) : null,
    placedAt,
    updatedAt,
  };
}

/**
 * The trade id of the `n`-th (1-based) row of an order in the trade book: OpenAlgo's trade book
 * has no trade id (docs/brokers.md 3.4), so a fill is named by its order and its place among
 * that order's rows, which the book keeps in order.
 */
export const openAlgoTradeId = (orderId: string, n: number): string => `${orderId}-${n}`;

/** `/tradebook` data: our trades (oldest first, as the book lists them) and fills per order. */
export function parseOpenAlgoTradeBook(
  data: unknown,
  ctx: OpenAlgoContext,
): { readonly trades: BrokerTrade[]; readonly fills: Map<string, OpenAlgoFill> } {
  if (!Array.isArray(data)) throw openAlgoInvalid('tradebook data is not a list');
  const trades: BrokerTrade[] = [];
  const fills = new Map<string, OpenAlgoFill>();
  const seq = new Map<string, number>();
  for (const raw of data as unknown[]) {
    if (!isObject(raw)) throw openAlgoInvalid('trade is not an object');
    const id = raw.orderid;
    if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') throw openAlgoInvalid('trade without orderid');
    const orderId = String(id);
    const n = (seq.get(orderId) ?? 0) + 1;
    seq.set(orderId, n);
    const q = openAlgoInteger(raw.quantity);
    const price = openAlgoPrice(raw.average_price);
    if (q === null || q <= 0 || price === null) throw openAlgoInvalid(`trade of ${orderId}: quantity or price`);
    const at = parseOpenAlgoTime(raw.timestamp, ctx.nowMs) ?? ctx.nowMs;
    const f = fills.get(orderId) ?? { quantity: 0, value: 0n, lastAt: 0 };
    fills.set(orderId, { quantity: f.quantity + q, value: f.value + BigInt(q) * BigInt(price), lastAt: Math.max(f.lastAt, at) });
    if (typeof raw.exchange !== 'string' || typeof raw.symbol !== 'string') continue;
    const ref = ctx.instruments.fromBroker(raw.exchange, raw.symbol);
    const product = typeof raw.product === 'string' ? OPENALGO_PRODUCTS.fromBroker(raw.product, 'EQ') : null;
    const s = side(raw.action);
    if (ref === null || product === null || s === null) continue;
    trades.push({
      tradeId: asBrokerTradeId(openAlgoTradeId(orderId, n)),
      brokerOrderId: asBrokerOrderId(orderId),
      instrument: ref,
      side: s,
      product,
      quantity: fromBrokerQuantity(q, ctx.instruments.toBroker(ref)),
      price,
      ts: at,
    });
  }
  return { trades, fills };
}

/** `/orderbook` data: `{orders:[…], statistics}` (some versions send the list alone). */
export function openAlgoOrderRows(data: unknown): unknown[] {
  if (Array.isArray(data)) return data;
  if (isObject(data) && Array.isArray(data.orders)) return data.orders;
  if (isObject(data) && data.orders === undefined) return [];
  throw openAlgoInvalid('orderbook without orders');
}

/**
 * `/positionbook` data. OpenAlgo gives one `pnl` per row, realised and unrealised together: it
 * is reported as realised only once the row is flat (then it is all realised), else 0.
 */
export function parseOpenAlgoPositions(data: unknown, ctx: OpenAlgoContext): BrokerPosition[] {
  if (!Array.isArray(data)) throw openAlgoInvalid('positionbook data is not a list');
  const out: BrokerPosition[] = [];
  for (const raw of data as unknown[]) {
    if (!isObject(raw) || typeof raw.exchange !== 'string' || typeof raw.symbol !== 'string')
      throw openAlgoInvalid('position without instrument');
    const ref = ctx.instruments.fromBroker(raw.exchange, raw.symbol);
    const product = typeof raw.product === 'string' ? OPENALGO_PRODUCTS.fromBroker(raw.product, 'EQ') : null;
    if (ref === null || product === null) continue;
    const q = openAlgoInteger(raw.quantity);
    if (q === null) throw openAlgoInvalid(`position quantity ${String(raw.quantity)}`);
    const instrument = ctx.instruments.toBroker(ref);
    const netQuantity = q < 0 ? -fromBrokerQuantity(-q, instrument) : fromBrokerQuantity(q, instrument);
    const pnl = openAlgoPaise(raw.pnl ?? 0) ?? (0n as Paise);
    out.push({
      instrument: ref,
      product,
      netQuantity,
      averagePrice: netQuantity === 0 ? null : openAlgoPrice(raw.average_price),
      lastPrice: openAlgoPrice(raw.ltp),
      realisedPnl: (netQuantity === 0 ? pnl : 0n) as Paise,
    });
  }
  return out;
}

/**
 * `/holdings` data (docs/brokers.md 3.4, 4.12): `{holdings:[{symbol, exchange, product, quantity,
 * pnl, pnlpercent}], statistics}`, numbers or numeric strings. OpenAlgo passes on one quantity, the
 * broker's own: no T1 or used quantity apart (`t1Quantity`/`usedQuantity` null). Newer installs add
 * `average_price` and `ltp`/`last_price`, read when present. No data is no holdings.
 */
export function parseOpenAlgoHoldings(data: unknown, ctx: OpenAlgoContext): BrokerHolding[] {
  if (data === null || data === undefined) return [];
  if (!isObject(data)) throw openAlgoInvalid('holdings data is not an object');
  if (data.holdings === undefined || data.holdings === null) return [];
  if (!Array.isArray(data.holdings)) throw openAlgoInvalid('holdings is not a list');
  const out: BrokerHolding[] = [];
  for (const raw of data.holdings as unknown[]) {
    if (!isObject(raw) || typeof raw.exchange !== 'string' || typeof raw.symbol !== 'string')
      throw openAlgoInvalid('holding without instrument');
    const ref = ctx.instruments.fromBroker(raw.exchange, raw.symbol);
    if (ref === null) continue;
    const q = openAlgoInteger(raw.quantity);
    if (q === null || q < 0) throw openAlgoInvalid(`holding quantity ${String(raw.quantity)}`);
    const pnl = openAlgoPaise(raw.pnl ?? 0);
    if (pnl === null) throw openAlgoInvalid(`holding pnl ${String(raw.pnl)}`);
    out.push({
      instrument: ref,
      quantity: fromBrokerQuantity(q, ctx.instruments.toBroker(ref)),
      t1Quantity: null,
      usedQuantity: null,
      averagePrice: openAlgoPrice(raw.average_price),
      lastPrice: openAlgoPrice(raw.ltp ?? raw.last_price),
      pnl,
    });
  }
  return out;
}

/** `/funds` data: `availablecash` is what orders can use, `utiliseddebits` what is blocked (strings, rupees). */
export function parseOpenAlgoFunds(data: unknown): BrokerFunds {
  if (!isObject(data)) throw openAlgoInvalid('funds data is not an object');
  const available = openAlgoPaise(data.availablecash);
  const used = openAlgoPaise(data.utiliseddebits ?? 0);
  if (available === null || used === null) throw openAlgoInvalid('funds without availablecash');
  return { availableCash: available, usedMargin: used };
}

/** `/quotes` data for one instrument; null when it has no last price. */
export function parseOpenAlgoQuote(data: unknown, instrument: InstrumentRef, nowMs: number): BrokerQuote | null {
  if (!isObject(data)) throw openAlgoInvalid('quote data is not an object');
  const ltp = openAlgoPrice(data.ltp);
  if (ltp === null) return null;
  return { instrument, ltp, bid: openAlgoPrice(data.bid), ask: openAlgoPrice(data.ask), ts: nowMs };
}

export interface OpenAlgoDepthLevel {
  readonly price: PriceTicks;
  readonly quantity: number;
}

export interface OpenAlgoDepth {
  readonly instrument: InstrumentRef;
  readonly ltp: PriceTicks | null;
  /** Best first. */
  readonly bids: readonly OpenAlgoDepthLevel[];
  readonly asks: readonly OpenAlgoDepthLevel[];
}

/** `/depth` data: five levels a side; empty levels (price 0) are left out. */
export function parseOpenAlgoDepth(data: unknown, instrument: InstrumentRef): OpenAlgoDepth {
  if (!isObject(data)) throw openAlgoInvalid('depth data is not an object');
  const levels = (v: unknown): OpenAlgoDepthLevel[] =>
    (Array.isArray(v) ? (v as unknown[]) : []).flatMap((l) => {
      if (!isObject(l)) return [];
      const price = openAlgoPrice(l.price);
      const quantity = openAlgoInteger(l.quantity);
      return price === null || quantity === null ? [] : [{ price, quantity }];
    });
  return { instrument, ltp: openAlgoPrice(data.ltp), bids: levels(data.bids), asks: levels(data.asks) };
}

/** `/analyzer` data: whether the instance runs in analyzer (sandbox) mode. */
export function parseOpenAlgoAnalyzer(data: unknown): boolean {
  if (!isObject(data)) throw openAlgoInvalid('analyzer data is not an object');
  if (typeof data.analyze_mode === 'boolean') return data.analyze_mode;
  if (data.mode === 'analyze' || data.mode === 'live') return data.mode === 'analyze';
  throw openAlgoInvalid('analyzer without analyze_mode');
}
