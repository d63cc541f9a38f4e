import { ORDER_TYPES, PRODUCTS, type Paise, type PriceTicks } from '@tradeloop/domain';
import type {
  BrokerAdapter,
  BrokerCapabilities,
  BrokerFunds,
  BrokerHolding,
  BrokerOrder,
  BrokerPosition,
  BrokerQuote,
  BrokerTrade,
  CorrelationProbe,
  CorrelationResult,
  OrderModification,
  OrderUpdateListener,
  PlaceOrderRequest,
  PlaceOrderResult,
  Unsubscribe,
} from '../adapter/broker-adapter.port';
import { BrokerError, isBrokerError, type BrokerOperation } from '../adapter/broker.errors';
import { correlationTag, UPSTOX_TAG_RULE, type BrokerOrderId, type InstrumentRef } from '../adapter/identifiers';
import { fromBrokerQuantity, type InstrumentMapper } from '../adapter/instrument.mapper';
import { UPSTOX_PRODUCTS, UPSTOX_VALIDITIES } from '../adapter/order-terms.mapper';
import { limitedCall } from '../adapter/limited-call';
import { AdapterRateLimiter, UPSTOX_RATE_LIMITS, type RateBucket, type RateLimiterClock, type RateLimits } from '../adapter/rate-limiter';
import { OrderUpdateHub } from '../adapter/order-update-hub';
import { kiteDecimalToScaled, kitePriceRounded } from '../kite/kite-prices';
import { kiteStyleHolding, parseKiteTimestamp } from '../kite/kite-responses';
import { UPSTOX, UpstoxHttpClient, upstoxInvalidResponse, type UpstoxEnvelope, type UpstoxFetch, type UpstoxMethod } from './upstox-http';
import {
  parseUpstoxOrder,
  parseUpstoxPlaceResult,
  parseUpstoxTrade,
  upstoxModifyBody,
  upstoxOrderNotFound,
  upstoxPlaceBody,
  upstoxSegment,
} from './upstox-orders';
import { UpstoxPortfolioStreamClient, type UpstoxStreamBackoff } from './upstox-portfolio-stream.client';

/** Instrument keys per quote request (docs/brokers.md 2.3, 4.10). */
export const UPSTOX_MAX_QUOTE_BATCH = 500;

/** What an Upstox placement may add to our terms: v3 `slice` (split by freeze quantity) and after-market. */
export interface UpstoxPlaceOrderRequest extends PlaceOrderRequest {
  readonly slice?: boolean;
  readonly isAmo?: boolean;
}

export interface UpstoxAdapterOptions {
  /** From the daily login (libs/accounts); this adapter only uses it. */
  readonly accessToken: string;
  /** `UPSTOX_API_ROOT`, default `https://api.upstox.com`. */
  readonly apiRoot?: string;
  /** `UPSTOX_ORDER_ROOT`, default `https://api-hft.upstox.com` (place, modify, cancel). */
  readonly orderRoot?: string;
  /** Our (exchange, symbol) ↔ Upstox `instrument_key` (`symbol`) and its segment (`exchange`). */
  readonly instruments: InstrumentMapper;
  /** Default `UPSTOX_RATE_LIMITS` (orders 10/s, 500/min, 2,000/30 min). */
  readonly rateLimits?: RateLimits;
  /** Per REST request. Default 7 s. A placement that times out is ambiguous. */
  readonly timeoutMs?: number;
  readonly clock?: RateLimiterClock;
  readonly fetch?: UpstoxFetch;
  readonly maxRateWaitMs?: number;
  /** How often an idempotent read is retried after a 429 (each after the back-off). Default 3. */
  readonly readRetriesOn429?: number;
  /** v3 `slice` when the request does not say. Default false. */
  readonly slice?: boolean;
  /** After-market placement at `nowMs` when the request does not say (outside market hours). */
  readonly amoAt?: (nowMs: number) => boolean;
  /** The session is gone (401 / UDAPI100050, or the stream's authorise refused): called once; later calls fail `auth` unsent. */
  readonly onAuthLost?: (error: BrokerError) => void;
  /** The portfolio stream (re)connected: reconcile. Also called on the first connect. */
  readonly onReconnect?: (info: { readonly attempt: number; readonly reconnect: boolean }) => void;
  readonly onError?: (error: unknown) => void;
  readonly stream?: {
    readonly enabled?: boolean;
    readonly stallMs?: number;
    readonly backoff?: UpstoxStreamBackoff;
    readonly random?: () => number;
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Upstox (API v2, v3 orders) behind `BrokerAdapter` (docs/brokers.md 2 and 4). One instance per
 * account: its own rate limiter, REST session and portfolio-stream socket.
 *
 * - Writes are sent once. A timeout, reset, 5xx or unreadable 200 after a write is `ambiguous`:
 *   the caller runs `findOrdersByTag` before any resend (Upstox has no idempotency key,
 *   docs/brokers.md 2.5). A 429 (`UDAPI10005`) holds the bucket; only reads are retried after it.
 * - Updates: portfolio-stream order messages and `reconcile()` go through `feedUpdate`, which
 *   drops duplicates and anything behind what a listener already saw of that order.
 * - Slicing: v3 `slice: true` returns several order ids, all carrying our tag; the owner combines
 *   their reports with `combineSliceReports`.
 */
export class UpstoxAdapter implements BrokerAdapter {
  readonly broker = UPSTOX;
  readonly capabilities: BrokerCapabilities;

  private readonly http: UpstoxHttpClient;
  private readonly limiter: AdapterRateLimiter;
  private readonly clock: RateLimiterClock | null;
  private readonly updates = new OrderUpdateHub({ onError: (e) => this.report(e) });
  private stream: UpstoxPortfolioStreamClient | null = null;
  private authError: BrokerError | null = null;
  private closed = false;

  constructor(private readonly options: UpstoxAdapterOptions) {
    const rateLimits = options.rateLimits ?? UPSTOX_RATE_LIMITS;
    this.clock = options.clock ?? null;
    this.http = new UpstoxHttpClient({
      accessToken: options.accessToken,
      ...(options.apiRoot === undefined ? {} : { apiRoot: options.apiRoot }),
      ...(options.orderRoot === undefined ? {} : { orderRoot: options.orderRoot }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      now: () => this.now(),
    });
    this.limiter = new AdapterRateLimiter(UPSTOX, rateLimits, {
      ...(options.clock ? { clock: options.clock } : {}),
      maxWaitMs: options.maxRateWaitMs ?? 5_000,
    });
    this.capabilities = Object.freeze({
      updates: 'push',
      tag: UPSTOX_TAG_RULE,
      validities: UPSTOX_VALIDITIES,
      orderTypes: ORDER_TYPES,
      products: PRODUCTS,
      slicing: true,
      maxQuoteBatch: UPSTOX_MAX_QUOTE_BATCH,
      rateLimits,
    });
  }

  get httpClient(): UpstoxHttpClient {
    return this.http;
  }

  get sessionLost(): BrokerError | null {
    return this.authError;
  }

  correlationTag(clientOrderId: string): string {
    return correlationTag(clientOrderId, UPSTOX_TAG_RULE);
  }

  // ---------------------------------------------------------------- writes

  async placeOrder(request: UpstoxPlaceOrderRequest): Promise<PlaceOrderResult> {
    const instrument = this.options.instruments.toBroker(request.instrument);
    const body = upstoxPlaceBody({
      terms: request,
      instrument,
      tag: this.correlationTag(request.clientOrderId),
      slice: request.slice ?? this.options.slice ?? false,
      isAmo: request.isAmo ?? this.options.amoAt?.(this.now()) ?? false,
    });
    const envelope = await this.call('orders', 'place', 'POST', '/v3/order/place', { host: 'order', json: body });
    return parseUpstoxPlaceResult(envelope);
  }

  async modifyOrder(brokerOrderId: BrokerOrderId, changes: OrderModification): Promise<void> {
    const order = await this.readOrder(brokerOrderId, 'modify');
    const body = upstoxModifyBody(order, this.options.instruments.toBroker(order.instrument), changes);
    await this.call('orders', 'modify', 'PUT', '/v3/order/modify', { host: 'order', json: body });
  }

  async cancelOrder(brokerOrderId: BrokerOrderId): Promise<void> {
    if (brokerOrderId === '') throw upstoxOrderNotFound(brokerOrderId, 'cancel');
    await this.call('orders', 'cancel', 'DELETE', '/v3/order/cancel', {
      host: 'order',
      query: new URLSearchParams({ order_id: brokerOrderId }),
    });
  }

  // ---------------------------------------------------------------- reads

  getOrder(brokerOrderId: BrokerOrderId): Promise<BrokerOrder> {
    return this.readOrder(brokerOrderId, 'read');
  }

  async findOrdersByTag(probe: CorrelationProbe): Promise<CorrelationResult> {
    const tag = this.correlationTag(probe.clientOrderId);
    const orders = (await this.listOrders()).filter((o) => o.tag === tag);
    return { method: 'tag', orders };
  }

  async listOrders(): Promise<BrokerOrder[]> {
    const { data } = await this.call('other', 'read', 'GET', '/v2/order/retrieve-all');
    if (data === null) return [];
    if (!Array.isArray(data)) throw upstoxInvalidResponse('read', 'order book is not a list');
    const out: BrokerOrder[] = [];
    for (const raw of data as unknown[]) {
      try {
        out.push(parseUpstoxOrder(raw, { instruments: this.options.instruments }));
      } catch (e) {
        // An order in an instrument or product we do not trade is left out; anything unreadable is not.
        if (isBrokerError(e) && e.kind === 'final') continue;
        throw e;
      }
    }
    return out.sort((a, b) => a.placedAt - b.placedAt);
  }

  async listTrades(): Promise<BrokerTrade[]> {
    const { data } = await this.call('other', 'read', 'GET', '/v2/order/trades/get-trades-for-day');
    if (data === null) return [];
    if (!Array.isArray(data)) throw upstoxInvalidResponse('read', 'trade list is not a list');
    const trades: BrokerTrade[] = [];
    for (const raw of data as unknown[]) {
      const t = parseUpstoxTrade(raw, { instruments: this.options.instruments });
      if (t) trades.push(t);
    }
    return trades.sort((a, b) => a.ts - b.ts);
  }

  async listPositions(): Promise<BrokerPosition[]> {
    const { data } = await this.call('other', 'read', 'GET', '/v2/portfolio/short-term-positions');
    if (data === null) return [];
    if (!Array.isArray(data)) throw upstoxInvalidResponse('read', 'positions are not a list');
    const out: BrokerPosition[] = [];
    for (const raw of data as unknown[]) {
      const key = isObject(raw) ? (raw.instrument_token ?? raw.instrument_key) : null;
      if (!isObject(raw) || typeof key !== 'string') throw upstoxInvalidResponse('read', 'a position without instrument_token');
      const segment = upstoxSegment(key);
      const ref = this.options.instruments.fromBroker(segment, key);
      const product =
        typeof raw.product === 'string' ? UPSTOX_PRODUCTS.fromBroker(raw.product, segment.endsWith('_EQ') ? 'EQ' : 'FUT') : null;
      if (ref === null || product === null) continue;
      const instrument = this.options.instruments.toBroker(ref);
      const q = raw.quantity;
      if (typeof q !== 'number' || !Number.isSafeInteger(q)) throw upstoxInvalidResponse('read', `position quantity ${String(q)}`);
      const netQuantity = q < 0 ? -fromBrokerQuantity(-q, instrument) : fromBrokerQuantity(q, instrument);
      const realised = kiteDecimalToScaled(raw.realised ?? 0, 2);
      if (realised === null) throw upstoxInvalidResponse('read', `position realised ${String(raw.realised)}`);
      out.push({
        instrument: ref,
        product,
        netQuantity,
        averagePrice: netQuantity === 0 ? null : kitePriceRounded(raw.average_price),
        lastPrice: kitePriceRounded(raw.last_price),
        realisedPnl: realised as Paise,
      });
    }
    return out;
  }

  /**
   * `GET /v2/portfolio/long-term-holdings` (docs/brokers.md 2.3, 4.12): Kite's fields, keyed by
   * `instrument_token` (the instrument key), `cnc_used_quantity` for what was sold today. No data
   * is no holdings; a row of an instrument we do not trade is left out.
   */
  async listHoldings(): Promise<BrokerHolding[]> {
    const { data } = await this.call('other', 'read', 'GET', '/v2/portfolio/long-term-holdings');
    if (data === null) return [];
    if (!Array.isArray(data)) throw upstoxInvalidResponse('read', 'holdings are not a list');
    const out: BrokerHolding[] = [];
    for (const raw of data as unknown[]) {
      const key = isObject(raw) ? (raw.instrument_token ?? raw.instrument_key) : null;
      if (!isObject(raw) || typeof key !== 'string') throw upstoxInvalidResponse('read', 'a holding without instrument_token');
      const ref = this.options.instruments.fromBroker(upstoxSegment(key), key);
      if (ref === null) continue;
      const instrument = this.options.instruments.toBroker(ref);
      out.push(kiteStyleHolding(raw, ref, instrument, 'cnc_used_quantity', (d) => upstoxInvalidResponse('read', d)));
    }
    return out;
  }

  /** `GET /v2/user/get-funds-and-margin?segment=SEC`: equity `available_margin` and `used_margin`. */
  async funds(): Promise<BrokerFunds> {
    const { data } = await this.call('other', 'read', 'GET', '/v2/user/get-funds-and-margin', {
      query: new URLSearchParams({ segment: 'SEC' }),
    });
    const equity = isObject(data) ? data.equity : null;
    if (!isObject(equity)) throw upstoxInvalidResponse('read', 'funds without an equity segment');
    const available = kiteDecimalToScaled(equity.available_margin, 2);
    const used = kiteDecimalToScaled(equity.used_margin, 2);
    if (available === null || used === null) throw upstoxInvalidResponse('read', 'funds without available_margin or used_margin');
    return { availableCash: available as Paise, usedMargin: used as Paise };
  }

  /**
   * `GET /v2/market-quote/quotes?instrument_key=a,b,…` (full quotes: best bid and ask from the
   * depth) in batches of ≤ 500. The reply is keyed `SEGMENT:TRADINGSYMBOL`, so entries are mapped
   * back by their own `instrument_token` (docs/brokers.md 2.3).
   */
  async quotes(instruments: readonly InstrumentRef[]): Promise<BrokerQuote[]> {
    const byKey = new Map<string, InstrumentRef>();
    for (const ref of instruments) byKey.set(this.options.instruments.toBroker(ref).symbol, { exchange: ref.exchange, symbol: ref.symbol });
    const keys = [...byKey.keys()];
    const out: BrokerQuote[] = [];
    for (let i = 0; i < keys.length; i += UPSTOX_MAX_QUOTE_BATCH) {
      const batch = keys.slice(i, i + UPSTOX_MAX_QUOTE_BATCH);
      const { data } = await this.call('quotes', 'read', 'GET', '/v2/market-quote/quotes', {
        query: new URLSearchParams({ instrument_key: batch.join(',') }),
      });
      if (!isObject(data)) throw upstoxInvalidResponse('read', 'quote reply is not an object');
      for (const q of Object.values(data)) {
        if (!isObject(q)) continue;
        const token = q.instrument_token ?? q.instrument_key;
        const ref = typeof token === 'string' ? byKey.get(token) : undefined;
        if (!ref) continue;
        const ltp = kitePriceRounded(q.last_price);
        if (ltp === null) continue;
        const depth = isObject(q.depth) ? q.depth : null;
        const best = (side: unknown): PriceTicks | null =>
          Array.isArray(side) && isObject(side[0]) ? kitePriceRounded(side[0].price) : null;
        out.push({
          instrument: ref,
          ltp,
          bid: depth ? best(depth.buy) : null,
          ask: depth ? best(depth.sell) : null,
          ts: parseKiteTimestamp(q.timestamp) ?? this.now(),
        });
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- updates

  subscribe(listener: OrderUpdateListener): Unsubscribe {
    const unsubscribe = this.updates.add(listener);
    this.startStream();
    return unsubscribe;
  }

  /** The portfolio stream, created on first use. Null when disabled, closed or the session is lost. */
  startStream(): UpstoxPortfolioStreamClient | null {
    if (this.stream || this.closed || this.options.stream?.enabled === false || this.authError) return this.stream;
    const s = this.options.stream;
    const stream = new UpstoxPortfolioStreamClient({
      authorize: () => this.authorizeStream(),
      instruments: this.options.instruments,
      ...(s?.stallMs === undefined ? {} : { stallMs: s.stallMs }),
      ...(s?.backoff === undefined ? {} : { backoff: s.backoff }),
      ...(s?.random === undefined ? {} : { random: s.random }),
    });
    stream.on('order', (o) => this.feedUpdate(o));
    stream.on('problem', (e) => this.report(e));
    stream.on('connect', (info) => {
      try {
        this.options.onReconnect?.(info);
      } catch (e) {
        this.report(e);
      }
    });
    stream.on('authLost', (e) => this.lose(e));
    this.stream = stream;
    stream.connect();
    return stream;
  }

  /** `GET /v2/feed/portfolio-stream-feed/authorize?update_types=order`: the one-time wss URL. */
  private async authorizeStream(): Promise<string> {
    const { data } = await this.call('other', 'read', 'GET', '/v2/feed/portfolio-stream-feed/authorize', {
      query: new URLSearchParams({ update_types: 'order' }),
    });
    const uri = isObject(data) ? (data.authorized_redirect_uri ?? data.authorizedRedirectUri) : null;
    if (typeof uri !== 'string' || !/^wss?:\/\//.test(uri)) throw upstoxInvalidResponse('read', 'stream authorisation without a wss URL');
    return uri;
  }

  /** One update from any channel: delivered unless a duplicate or behind what listeners already saw. */
  feedUpdate(order: BrokerOrder): boolean {
    return this.updates.feed(order);
  }

  /** Reads the order book and feeds every order through `feedUpdate` (after a reconnect). */
  async reconcile(): Promise<BrokerOrder[]> {
    const orders = await this.listOrders();
    for (const o of orders) this.feedUpdate(o);
    return orders;
  }

  close(): void {
    this.closed = true;
    this.stream?.close();
    this.stream = null;
    this.updates.clear();
  }

  // ---------------------------------------------------------------- plumbing

  private now(): number {
    return this.clock ? this.clock.now() : Date.now();
  }

  private report(e: unknown): void {
    try {
      this.options.onError?.(e);
    } catch {
      // the reporter must not break the adapter
    }
  }

  private lose(error: BrokerError): void {
    if (this.authError) return;
    this.authError = error;
    this.stream?.close();
    try {
      this.options.onAuthLost?.(error);
    } catch (e) {
      this.report(e);
    }
  }

  /** `GET /v2/order/details?order_id=`: the order's latest state; unknown → `ORDER_NOT_FOUND`. */
  private async readOrder(brokerOrderId: BrokerOrderId, purpose: 'read' | 'modify' | 'cancel'): Promise<BrokerOrder> {
    if (brokerOrderId === '') throw upstoxOrderNotFound(brokerOrderId, purpose);
    let envelope: UpstoxEnvelope;
    try {
      envelope = await this.call('other', 'read', 'GET', '/v2/order/details', { query: new URLSearchParams({ order_id: brokerOrderId }) });
    } catch (e) {
      if (isBrokerError(e) && e.kind === 'final') throw upstoxOrderNotFound(brokerOrderId, purpose, e);
      throw e;
    }
    if (envelope.data === null) throw upstoxOrderNotFound(brokerOrderId, purpose);
    return parseUpstoxOrder(envelope.data, { instruments: this.options.instruments });
  }

  private async call(
    bucket: RateBucket,
    operation: BrokerOperation,
    method: UpstoxMethod,
    path: string,
    extra: { host?: 'api' | 'order'; json?: unknown; query?: URLSearchParams } = {},
  ): Promise<UpstoxEnvelope> {
    const retries = operation === 'read' ? (this.options.readRetriesOn429 ?? 3) : 0;
    return limitedCall(this.limiter, {
      bucket,
      retries,
      refused: () => (this.authError ? this.authFailFast(operation) : null),
      onAuthLost: (e) => this.lose(e),
      send: () => this.http.request({ method, path, operation, ...extra }),
    });
  }

  private authFailFast(operation: BrokerOperation): BrokerError {
    const lost = this.authError!;
    return new BrokerError(
      'auth',
      `upstox ${operation}: the session is gone; log in again (not sent)`,
      { broker: UPSTOX, operation, code: lost.code, brokerMessage: lost.brokerMessage, httpStatus: lost.httpStatus },
      { cause: lost },
    );
  }
}
