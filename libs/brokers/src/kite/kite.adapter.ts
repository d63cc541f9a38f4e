import { ORDER_TYPES, PRODUCTS, type OrderType, type Paise, type PriceTicks } from '@tradeloop/domain';
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
import {
  asBrokerOrderId,
  asBrokerTradeId,
  correlationTag,
  KITE_TAG_RULE,
  type BrokerOrderId,
  type InstrumentRef,
} from '../adapter/identifiers';
import { fromBrokerQuantity, type BrokerInstrument, type InstrumentMapper } from '../adapter/instrument.mapper';
import { KITE_PRODUCTS, KITE_VALIDITIES } from '../adapter/order-terms.mapper';
import { limitedCall } from '../adapter/limited-call';
import { AdapterRateLimiter, type RateBucket, type RateLimiterClock, type RateLimits } from '../adapter/rate-limiter';
import { ORDER_UPDATE_DEDUP_CAPACITY, OrderUpdateHub } from '../adapter/order-update-hub';
import { KiteHttpClient, type KiteFetch, type KiteMethod } from './kite-http';
import { KITE, kiteModifyForm, kiteOrderPath, kitePlaceForm, kitePlacePath, type KiteVariety } from './kite-orders';
import { kiteDecimalToScaled, kitePriceRounded, kitePriceToTicks } from './kite-prices';
import {
  kiteInvalidResponse,
  parseKiteOrder,
  parseKiteHoldings,
  parseKiteOrderBook,
  parseKitePlaceResult,
  parseKitePostback,
  parseKiteTimestamp,
} from './kite-responses';
import { KiteTickerClient, type KiteTickerBackoff, type KiteTickerOptions } from './kite-ticker.client';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/**
 * Kite's limits as issue 14 states them (docs/brokers.md 1.6; third-party and conflicting): orders
 * 10/s, 400/min and 5,000/day per account; quotes 1/s; everything else 10/s. The adapter's
 * default; the stricter `KITE_RATE_LIMITS` (200/min) can be passed instead. Enforced per
 * adapter instance — one instance per account — before anything is sent.
 */
export const KITE_ACCOUNT_RATE_LIMITS: RateLimits = Object.freeze({
  orders: [
    { limit: 10, perMs: SECOND },
    { limit: 400, perMs: MINUTE },
    { limit: 5_000, perMs: 24 * 60 * MINUTE },
  ],
  quotes: [{ limit: 1, perMs: SECOND }],
  other: [{ limit: 10, perMs: SECOND }],
});

/** Full quotes per `GET /quote` (docs/brokers.md 1.3, 4.10). */
export const KITE_MAX_QUOTE_BATCH = 500;

/** What a Kite placement may add to our terms: the variety (AMO) and autoslice (docs/brokers.md 1.2). */
export interface KitePlaceOrderRequest extends PlaceOrderRequest {
  readonly variety?: KiteVariety;
  readonly autoslice?: boolean;
  readonly marketProtection?: number;
}

export interface KiteAdapterOptions {
  readonly apiKey: string;
  /** From the login flow (the session exchange is the accounts' owner's); this adapter only uses it. */
  readonly accessToken: string;
  /** Default `https://api.kite.trade` (`KITE_API_ROOT`). */
  readonly apiRoot?: string;
  /** Default `wss://ws.kite.trade`. */
  readonly wsRoot?: string;
  /** Our (exchange, symbol) ↔ Kite exchange + tradingsymbol (+ instrument_token), lots for MCX. */
  readonly instruments: InstrumentMapper;
  /** Default `KITE_ACCOUNT_RATE_LIMITS`. */
  readonly rateLimits?: RateLimits;
  /** Per REST request. Default 7 s. A placement that times out is ambiguous. */
  readonly timeoutMs?: number;
  /** The rate limiter's clock (and Retry-After dates). Default: wall time and real sleeps. */
  readonly clock?: RateLimiterClock;
  /** Default: the global fetch. */
  readonly fetch?: KiteFetch;
  /** Longest a call waits for the limiter before failing `rate_limited`. Default 5 s. */
  readonly maxRateWaitMs?: number;
  /** How often an idempotent read is retried after a 429 (each after the back-off). Default 3. */
  readonly readRetriesOn429?: number;
  /** For `ingestPostback`: the app's api_secret (checksums). Without it postbacks are refused. */
  readonly apiSecret?: string;
  /** Varieties and autoslice when the request does not say. Defaults `regular`, no autoslice. */
  readonly defaultVariety?: KiteVariety;
  /**
   * The variety for a placement at `nowMs` when the request does not say (before `defaultVariety`):
   * e.g. `amo` outside market hours, when Kite refuses regular orders (docs/brokers.md 1.2).
   */
  readonly varietyAt?: (nowMs: number) => KiteVariety;
  readonly autoslice?: boolean;
  /**
   * The session is gone (TokenException at any HTTP status, or the ticker refused with 403): the
   * owner turns the account to `needs_login`. Called once; every later call fails `auth` without
   * being sent (no loops on an expired token).
   */
  readonly onAuthLost?: (error: BrokerError) => void;
  /**
   * The ticker (re)connected: frames may have been lost while it was down, so the owner should
   * reconcile (`reconcile()`, or its own listOrders/listTrades pass). Also called on the first connect.
   */
  readonly onReconnect?: (info: { readonly attempt: number; readonly reconnect: boolean }) => void;
  /** A listener threw, or a frame or postback could not be read: reported, never rethrown. */
  readonly onError?: (error: unknown) => void;
  /** Ticker tuning (stall detection, backoff, jitter source, tick decoder). */
  readonly ticker?: {
    readonly enabled?: boolean;
    readonly stallMs?: number;
    readonly backoff?: KiteTickerBackoff;
    readonly random?: () => number;
    readonly decodeTicks?: KiteTickerOptions['decodeTicks'];
  };
}

/** What modify and cancel need to know of an order we may not have placed ourselves. */
interface OrderShape {
  readonly variety: KiteVariety;
  readonly type: OrderType;
  readonly instrument: InstrumentRef;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Zerodha Kite Connect v3 behind `BrokerAdapter` (docs/brokers.md 1 and 4). One instance per
 * account: its own rate limiter, REST session and ticker socket.
 *
 * - Writes are sent once. A timeout, a 5xx, Network/DataException or an unreadable 200 after a
 *   placement is `ambiguous`: the caller runs `findOrdersByTag` (exact, on our tag) before any
 *   resend. A 429 is never retried for a write here (it surfaces as `rate_limited`, the limiter
 *   holds the bucket for the wait); idempotent reads back off and retry.
 * - Updates: the ticker's order frames and `ingestPostback` (the API's postback endpoint) go
 *   through the same `feedUpdate`, which drops duplicates and anything behind what a listener
 *   has already seen of that order, so each listener sees one monotonic history per order.
 * - Money: rupee decimals become bigint paise by decimal-string arithmetic, prices integer ticks.
 */
export class KiteAdapter implements BrokerAdapter {
  readonly broker = KITE;
  readonly capabilities: BrokerCapabilities;

  private readonly http: KiteHttpClient;
  private readonly limiter: AdapterRateLimiter;
  private readonly clock: RateLimiterClock | null;
  private readonly updates = new OrderUpdateHub({ onError: (e) => this.report(e) });
  private readonly shapes = new Map<string, OrderShape>();
  /** Re-reads of orders announced by an `UPDATE` event, one chain per order so they apply in order. */
  private readonly refreshing = new Map<string, Promise<void>>();
  private ticker: KiteTickerClient | null = null;
  private authError: BrokerError | null = null;
  private closed = false;

  constructor(private readonly options: KiteAdapterOptions) {
    const rateLimits = options.rateLimits ?? KITE_ACCOUNT_RATE_LIMITS;
    this.clock = options.clock ?? null;
    this.http = new KiteHttpClient({
      apiKey: options.apiKey,
      accessToken: options.accessToken,
      ...(options.apiRoot === undefined ? {} : { apiRoot: options.apiRoot }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      now: () => this.now(),
    });
    this.limiter = new AdapterRateLimiter(KITE, rateLimits, {
      ...(options.clock ? { clock: options.clock } : {}),
      maxWaitMs: options.maxRateWaitMs ?? 5_000,
    });
    this.capabilities = Object.freeze({
      updates: 'push',
      tag: KITE_TAG_RULE,
      validities: KITE_VALIDITIES,
      orderTypes: ORDER_TYPES,
      products: PRODUCTS,
      slicing: true,
      maxQuoteBatch: KITE_MAX_QUOTE_BATCH,
      rateLimits,
    });
  }

  /** The REST client (the bench times a raw fetch of the same request beside the adapter). */
  get httpClient(): KiteHttpClient {
    return this.http;
  }

  /** The session was lost (TokenException / ticker 403): the error, else null. */
  get sessionLost(): BrokerError | null {
    return this.authError;
  }

  correlationTag(clientOrderId: string): string {
    return correlationTag(clientOrderId, KITE_TAG_RULE);
  }

  // ---------------------------------------------------------------- writes

  async placeOrder(request: KitePlaceOrderRequest): Promise<PlaceOrderResult> {
    const variety = request.variety ?? this.options.varietyAt?.(this.now()) ?? this.options.defaultVariety ?? 'regular';
    const instrument = this.options.instruments.toBroker(request.instrument);
    // Refusals of the terms come before anything is sent.
    const form = kitePlaceForm({
      terms: request,
      instrument,
      variety,
      tag: this.correlationTag(request.clientOrderId),
      ...((request.autoslice ?? this.options.autoslice) ? { autoslice: true } : {}),
      ...(request.marketProtection === undefined ? {} : { marketProtection: request.marketProtection }),
    });
    const data = await this.call('orders', 'place', 'POST', kitePlacePath(variety), { form });
    const result = parseKitePlaceResult(data);
    const shape: OrderShape = { variety, type: request.type, instrument: request.instrument };
    for (const id of result.brokerOrderIds) this.remember(id, shape);
    return { brokerOrderIds: result.brokerOrderIds, failedSlices: result.failedSlices };
  }

  async modifyOrder(brokerOrderId: BrokerOrderId, changes: OrderModification): Promise<void> {
    const shape = await this.shapeOf(brokerOrderId, 'modify');
    const form = kiteModifyForm({ type: shape.type, instrument: this.options.instruments.toBroker(shape.instrument), changes });
    await this.call('orders', 'modify', 'PUT', kiteOrderPath(shape.variety, brokerOrderId), { form });
  }

  async cancelOrder(brokerOrderId: BrokerOrderId): Promise<void> {
    const shape = await this.shapeOf(brokerOrderId, 'cancel');
    await this.call('orders', 'cancel', 'DELETE', kiteOrderPath(shape.variety, brokerOrderId));
  }

  // ---------------------------------------------------------------- reads

  async getOrder(brokerOrderId: BrokerOrderId): Promise<BrokerOrder> {
    const { order } = await this.readOrder(brokerOrderId, 'read');
    return order;
  }

  async findOrdersByTag(probe: CorrelationProbe): Promise<CorrelationResult> {
    const tag = this.correlationTag(probe.clientOrderId);
    const orders = (await this.listOrders()).filter((o) => o.tag === tag);
    return { method: 'tag', orders };
  }

  async listOrders(): Promise<BrokerOrder[]> {
    const data = await this.call('other', 'read', 'GET', '/orders');
    const { orders } = parseKiteOrderBook(data, { instruments: this.options.instruments });
    if (Array.isArray(data)) {
      // Remember each order's variety: a later modify or cancel then needs no read.
      const byId = new Map(orders.map((o) => [o.brokerOrderId as string, o]));
      for (const raw of data as unknown[]) {
        if (!isObject(raw) || typeof raw.order_id !== 'string') continue;
        const order = byId.get(raw.order_id);
        if (order && (raw.variety === 'regular' || raw.variety === 'amo'))
          this.remember(order.brokerOrderId, { variety: raw.variety, type: order.type, instrument: order.instrument });
      }
    }
    return orders.sort((a, b) => a.placedAt - b.placedAt);
  }

  async listTrades(): Promise<BrokerTrade[]> {
    const data = await this.call('other', 'read', 'GET', '/trades');
    if (!Array.isArray(data)) throw kiteInvalidResponse('read', 'trade list is not a list');
    const trades: BrokerTrade[] = [];
    for (const raw of data as unknown[]) {
      const t = this.parseTrade(raw);
      if (t) trades.push(t);
    }
    return trades.sort((a, b) => a.ts - b.ts);
  }

  async listPositions(): Promise<BrokerPosition[]> {
    const data = await this.call('other', 'read', 'GET', '/portfolio/positions');
    if (!isObject(data) || !Array.isArray(data.net)) throw kiteInvalidResponse('read', 'positions without a net list');
    const out: BrokerPosition[] = [];
    for (const raw of data.net as unknown[]) {
      if (!isObject(raw) || typeof raw.exchange !== 'string' || typeof raw.tradingsymbol !== 'string') {
        throw kiteInvalidResponse('read', 'a position without exchange or tradingsymbol');
      }
      const ref = this.options.instruments.fromBroker(raw.exchange, raw.tradingsymbol);
      const product = typeof raw.product === 'string' ? KITE_PRODUCTS.fromBroker(raw.product, 'EQ') : null;
      if (ref === null || product === null) continue; // not an instrument or product we trade
      const instrument = this.options.instruments.toBroker(ref);
      const q = raw.quantity;
      if (typeof q !== 'number' || !Number.isSafeInteger(q)) throw kiteInvalidResponse('read', `position quantity ${String(q)}`);
      const netQuantity = q < 0 ? -fromBrokerQuantity(-q, instrument) : fromBrokerQuantity(q, instrument);
      const realised = kiteDecimalToScaled(raw.realised ?? 0, 2);
      if (realised === null) throw kiteInvalidResponse('read', `position realised ${String(raw.realised)}`);
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

  /** `GET /portfolio/holdings`: settled and T1 quantities of the delivery holdings (docs/brokers.md 4.12). */
  async listHoldings(): Promise<BrokerHolding[]> {
    const data = await this.call('other', 'read', 'GET', '/portfolio/holdings');
    return parseKiteHoldings(data, { instruments: this.options.instruments });
  }

  /** Equity segment of `GET /user/margins`: `net` is what new orders can use, `utilised.debits` what is blocked. */
  async funds(): Promise<BrokerFunds> {
    const data = await this.call('other', 'read', 'GET', '/user/margins');
    const equity = isObject(data) ? data.equity : null;
    if (!isObject(equity)) throw kiteInvalidResponse('read', 'margins without an equity segment');
    const utilised = isObject(equity.utilised) ? equity.utilised : null;
    const available = kiteDecimalToScaled(equity.net, 2);
    const used = utilised ? kiteDecimalToScaled(utilised.debits, 2) : null;
    if (available === null || used === null) throw kiteInvalidResponse('read', 'margins without net or utilised.debits');
    return { availableCash: available as Paise, usedMargin: used as Paise };
  }

  /** `GET /quote?i=EXCHANGE:TRADINGSYMBOL…` in batches of ≤ 500, each through the quotes bucket (1/s). */
  async quotes(instruments: readonly InstrumentRef[]): Promise<BrokerQuote[]> {
    const byKey = new Map<string, InstrumentRef>();
    for (const ref of instruments) {
      const b = this.options.instruments.toBroker(ref);
      byKey.set(`${b.exchange}:${b.symbol}`, { exchange: ref.exchange, symbol: ref.symbol });
    }
    const keys = [...byKey.keys()];
    const out: BrokerQuote[] = [];
    for (let i = 0; i < keys.length; i += KITE_MAX_QUOTE_BATCH) {
      const batch = keys.slice(i, i + KITE_MAX_QUOTE_BATCH);
      const query = new URLSearchParams();
      for (const k of batch) query.append('i', k);
      const data = await this.call('quotes', 'read', 'GET', '/quote', { query });
      if (!isObject(data)) throw kiteInvalidResponse('read', 'quote reply is not an object');
      for (const k of batch) {
        const q = data[k];
        const ref = byKey.get(k)!;
        if (!isObject(q)) continue; // no quote for it: left out
        const ltp = kitePriceRounded(q.last_price);
        if (ltp === null) continue;
        const depth = isObject(q.depth) ? q.depth : null;
        const best = (side: unknown): PriceTicks | null => {
          if (!Array.isArray(side) || !isObject(side[0])) return null;
          return kitePriceRounded(side[0].price);
        };
        out.push({
          instrument: ref,
          ltp,
          bid: depth ? best(depth.buy) : null,
          ask: depth ? best(depth.sell) : null,
          ts: parseKiteTimestamp(q.timestamp) ?? parseKiteTimestamp(q.last_trade_time) ?? this.now(),
        });
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- updates

  subscribe(listener: OrderUpdateListener): Unsubscribe {
    const unsubscribe = this.updates.add(listener);
    this.startTicker();
    return unsubscribe;
  }

  /** The ticker, created on first use (`subscribe`), for market-data subscriptions too. Null when disabled or closed. */
  startTicker(): KiteTickerClient | null {
    if (this.ticker || this.closed || this.options.ticker?.enabled === false || this.authError) return this.ticker;
    const t = this.options.ticker;
    const ticker = new KiteTickerClient({
      apiKey: this.options.apiKey,
      accessToken: this.options.accessToken,
      instruments: this.options.instruments,
      ...(this.options.wsRoot === undefined ? {} : { wsRoot: this.options.wsRoot }),
      ...(t?.stallMs === undefined ? {} : { stallMs: t.stallMs }),
      ...(t?.backoff === undefined ? {} : { backoff: t.backoff }),
      ...(t?.random === undefined ? {} : { random: t.random }),
      ...(t?.decodeTicks === undefined ? {} : { decodeTicks: t.decodeTicks }),
    });
    ticker.on('order', (o) => this.onPushed(o));
    ticker.on('problem', (e) => this.report(e));
    ticker.on('connect', (info) => {
      try {
        this.options.onReconnect?.(info);
      } catch (e) {
        this.report(e);
      }
    });
    ticker.on('authLost', ({ status }) =>
      this.lose(
        new BrokerError('auth', `kite ticker: the session was refused (HTTP ${status})`, {
          broker: KITE,
          operation: 'read',
          code: 'TokenException',
          httpStatus: status,
        }),
      ),
    );
    this.ticker = ticker;
    ticker.connect();
    return ticker;
  }

  /**
   * One update, from whichever channel (ticker frame, postback, a reconcile pass): delivered to
   * every listener unless it is a duplicate or behind what was already delivered for that order
   * (fewer fills, an earlier status, an older timestamp, anything after a terminal state).
   * Returns whether it was delivered.
   */
  feedUpdate(order: BrokerOrder): boolean {
    return this.updates.feed(order);
  }

  /**
   * A postback request body (the API's postback endpoint hands it over raw): checksum verified
   * with `apiSecret`, read as an order, and fed to the same path as ticker frames. A bad checksum
   * or body is a `final` BrokerError (`POSTBACK_CHECKSUM_MISMATCH` / `POSTBACK_INVALID`): the
   * endpoint answers 401 and records it; nothing is applied.
   */
  ingestPostback(rawBody: string): BrokerOrder {
    const secret = this.options.apiSecret;
    if (!secret)
      throw new BrokerError('final', 'kite postback: no api_secret configured to verify it', {
        broker: KITE,
        operation: 'read',
        code: 'POSTBACK_SECRET_MISSING',
      });
    const order = parseKitePostback(rawBody, secret, { instruments: this.options.instruments });
    this.onPushed(order);
    return order;
  }

  /**
   * A pushed order (ticker frame or postback). Kite says `UPDATE` instead of the status for a
   * modification or a partial fill (docs/brokers.md 1.4, 4.4): an event, not a state, so the order
   * is re-read over REST and that snapshot is fed instead. Re-reads of one order run one after
   * another, so a later one never lands before an earlier one.
   */
  private onPushed(order: BrokerOrder): void {
    if (order.status !== 'UNKNOWN') {
      this.feedUpdate(order);
      return;
    }
    // Only working orders get an UPDATE; one that has filled in part is PARTIALLY_FILLED whatever
    // else it is (a stop with fills has triggered), so that much needs no read (docs/brokers.md 4.4).
    if (order.rawStatus.toUpperCase() === 'UPDATE' && order.filledQuantity > 0 && order.filledQuantity < order.quantity) {
      this.feedUpdate({ ...order, status: 'PARTIALLY_FILLED' });
      return;
    }
    const id = order.brokerOrderId as string;
    const previous = this.refreshing.get(id) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        this.feedUpdate(await this.getOrder(order.brokerOrderId));
      } catch (e) {
        this.report(e);
      }
    });
    this.refreshing.set(id, next);
    void next.finally(() => {
      if (this.refreshing.get(id) === next) this.refreshing.delete(id);
    });
  }

  /**
   * Reads the order book and feeds every order through `feedUpdate`: what the ticker lost while
   * it was down reaches the listeners (in order, deduplicated). Returns the book.
   */
  async reconcile(): Promise<BrokerOrder[]> {
    const orders = await this.listOrders();
    for (const o of orders) this.feedUpdate(o);
    return orders;
  }

  /** Releases the ticker socket and its timers; later calls still work over REST. */
  close(): void {
    this.closed = true;
    this.ticker?.close();
    this.ticker = null;
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
      // the reporter itself must not break the adapter
    }
  }

  private lose(error: BrokerError): void {
    if (this.authError) return;
    this.authError = error;
    this.ticker?.close();
    try {
      this.options.onAuthLost?.(error);
    } catch (e) {
      this.report(e);
    }
  }

  private remember(id: string, shape: OrderShape): void {
    this.shapes.delete(id);
    this.shapes.set(id, shape);
    if (this.shapes.size > ORDER_UPDATE_DEDUP_CAPACITY) this.shapes.delete(this.shapes.keys().next().value as string);
  }

  /** Variety and type of an order, from our placement or the broker's history. */
  private async shapeOf(brokerOrderId: BrokerOrderId, operation: BrokerOperation): Promise<OrderShape> {
    const known = this.shapes.get(brokerOrderId);
    if (known) return known;
    const { order, variety } = await this.readOrder(brokerOrderId, operation);
    const shape = { variety, type: order.type, instrument: order.instrument };
    this.remember(brokerOrderId, shape);
    return shape;
  }

  /** `GET /orders/:id`: the order's snapshots, oldest first; the last is its state now. */
  private async readOrder(brokerOrderId: BrokerOrderId, purpose: BrokerOperation): Promise<{ order: BrokerOrder; variety: KiteVariety }> {
    const notFound = (detail: string, cause?: BrokerError): BrokerError =>
      new BrokerError(
        'final',
        `kite ${purpose}: order ${brokerOrderId} not found`,
        {
          broker: KITE,
          operation: purpose,
          code: 'ORDER_NOT_FOUND',
          brokerMessage: cause?.brokerMessage ?? detail,
          httpStatus: cause?.httpStatus ?? null,
        },
        cause ? { cause } : undefined,
      );
    if (brokerOrderId === '') throw notFound('empty order id');
    let data: unknown;
    try {
      data = await this.call('other', 'read', 'GET', `/orders/${encodeURIComponent(brokerOrderId)}`);
    } catch (e) {
      if (isBrokerError(e) && e.kind === 'final') throw notFound(e.message, e);
      throw e;
    }
    if (!Array.isArray(data) || data.length === 0) throw notFound('no history');
    const last = data[data.length - 1] as unknown;
    const order = parseKiteOrder(last, { instruments: this.options.instruments });
    const v = isObject(last) ? last.variety : undefined;
    return { order, variety: v === 'amo' ? 'amo' : 'regular' };
  }

  /**
   * One REST call through the rate limiter. A lost session fails fast (nothing sent); a
   * TokenException marks the session lost; a 429 holds the bucket for its wait and — for reads
   * only — is retried.
   */
  private async call(
    bucket: RateBucket,
    operation: BrokerOperation,
    method: KiteMethod,
    path: string,
    extra: { form?: URLSearchParams; query?: URLSearchParams } = {},
  ): Promise<unknown> {
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
      `kite ${operation}: the session is gone; log in again (not sent)`,
      {
        broker: KITE,
        operation,
        code: lost.code,
        brokerMessage: lost.brokerMessage,
        httpStatus: lost.httpStatus,
      },
      { cause: lost },
    );
  }

  private parseTrade(raw: unknown): BrokerTrade | null {
    if (!isObject(raw)) throw kiteInvalidResponse('read', 'trade is not an object');
    const { trade_id: tradeId, order_id: orderId, exchange, tradingsymbol } = raw;
    if (typeof tradeId !== 'string' || typeof orderId !== 'string' || typeof exchange !== 'string' || typeof tradingsymbol !== 'string')
      throw kiteInvalidResponse('read', 'trade without ids or instrument');
    const ref = this.options.instruments.fromBroker(exchange, tradingsymbol);
    const product = typeof raw.product === 'string' ? KITE_PRODUCTS.fromBroker(raw.product, 'EQ') : null;
    if (ref === null || product === null) return null;
    const instrument: BrokerInstrument = this.options.instruments.toBroker(ref);
    const side = raw.transaction_type;
    if (side !== 'BUY' && side !== 'SELL') throw kiteInvalidResponse('read', `trade ${tradeId}: side ${String(side)}`);
    const q = raw.quantity;
    if (typeof q !== 'number' || !Number.isSafeInteger(q) || q <= 0) throw kiteInvalidResponse('read', `trade ${tradeId}: quantity`);
    const price = kitePriceToTicks(raw.average_price ?? raw.price);
    if (price === null || price <= 0) throw kiteInvalidResponse('read', `trade ${tradeId}: price ${String(raw.average_price)}`);
    const ts =
      parseKiteTimestamp(raw.fill_timestamp) ??
      parseKiteTimestamp(raw.exchange_timestamp) ??
      parseKiteTimestamp(raw.order_timestamp) ??
      this.now();
    return {
      tradeId: asBrokerTradeId(tradeId),
      brokerOrderId: asBrokerOrderId(orderId),
      instrument: ref,
      side,
      product,
      quantity: fromBrokerQuantity(q, instrument),
      price,
      ts,
    };
  }
}
