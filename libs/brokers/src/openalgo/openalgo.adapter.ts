import { ORDER_TYPES, PRODUCTS } from '@tradeloop/domain';
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
import { asBrokerOrderId, instrumentKey, type BrokerOrderId, type InstrumentRef } from '../adapter/identifiers';
import type { InstrumentMapper } from '../adapter/instrument.mapper';
import { OPENALGO_VALIDITIES } from '../adapter/order-terms.mapper';
import { OrderUpdatePoller } from '../adapter/order-update-poller';
import { limitedCall } from '../adapter/limited-call';
import { AdapterRateLimiter, OPENALGO_RATE_LIMITS, type RateBucket, type RateLimiterClock, type RateLimits } from '../adapter/rate-limiter';
import { OrderUpdateHub } from '../adapter/order-update-hub';
import { isTerminalReport } from '../adapter/status.mapper';
import { pickHeuristicMatch } from './openalgo-correlation';
import { OPENALGO, OpenAlgoHttpClient, type OpenAlgoFetch } from './openalgo-http';
import { openAlgoModifyBody, openAlgoPlaceBody, OPENALGO_STRATEGY } from './openalgo-orders';
import { OpenAlgoOrdersWsClient } from './openalgo-orders-ws.client';
import {
  openAlgoOrderRows,
  parseOpenAlgoAnalyzer,
  parseOpenAlgoDepth,
  parseOpenAlgoFunds,
  parseOpenAlgoOrder,
  parseOpenAlgoHoldings,
  parseOpenAlgoPositions,
  parseOpenAlgoQuote,
  parseOpenAlgoTradeBook,
  type OpenAlgoDepth,
} from './openalgo-responses';

export interface OpenAlgoAdapterOptions {
  /** The instance's address, e.g. `http://127.0.0.1:5000` (`/api/v1` is appended). */
  readonly host: string;
  /** The OpenAlgo API key: the account's whole session (it does not expire daily). */
  readonly apiKey: string;
  /** The WebSocket proxy (`ws://127.0.0.1:8765`); null: no push, the order book is polled. */
  readonly wsUrl?: string | null;
  readonly instruments: InstrumentMapper;
  /** Per REST request. Default 7 s. A placement that times out is ambiguous. */
  readonly timeoutMs?: number;
  /** Order-book polling while there is no order stream (none configured, or the install lacks `subscribe_orders`). Default 2 s. */
  readonly pollIntervalMs?: number;
  readonly rateLimits?: RateLimits;
  readonly clock?: RateLimiterClock;
  readonly fetch?: OpenAlgoFetch;
  readonly maxRateWaitMs?: number;
  /** The API key was refused (REST 401/403 about the key, or the WebSocket's AUTHENTICATION_ERROR). Called once. */
  readonly onAuthLost?: (error: BrokerError) => void;
  /** The order stream (re)subscribed, or polling took over: updates may have been missed, reconcile. */
  readonly onReconnect?: (info: { readonly attempt: number; readonly reconnect: boolean }) => void;
  readonly onError?: (error: unknown) => void;
  readonly ws?: { readonly answerTimeoutMs?: number; readonly backoff?: { readonly initialMs: number; readonly maxMs: number } };
}

const snapshotKey = (o: BrokerOrder): string =>
  `${o.status}|${o.filledQuantity}|${o.averagePrice ?? ''}|${o.quantity}|${o.price ?? ''}|${o.triggerPrice ?? ''}`;
const CAPACITY = 20_000;

/**
 * OpenAlgo (docs/brokers.md 3, 4) behind `BrokerAdapter`: one instance per account (an OpenAlgo
 * installation and its API key), its own rate limiter.
 *
 * - No client tags: `correlationTag` is null and an ambiguous placement is resolved by
 *   `pickHeuristicMatch` (instrument, side, quantity, time) with `method: 'heuristic'`.
 * - No fill fields in the order book: fills come from the trade book (and the order stream's
 *   `filled_quantity`); trade ids are synthesised per order (`openAlgoTradeId`).
 * - Updates: the WebSocket order stream where the install has it, else `OrderUpdatePoller` over
 *   the order book. Both feed `feedUpdate`, which drops duplicates and stale snapshots.
 * - Analyzer (sandbox) mode is installation-wide: `analyzerMode()` reads it so the account can say so.
 */
export class OpenAlgoAdapter implements BrokerAdapter {
  readonly broker = OPENALGO;
  readonly capabilities: BrokerCapabilities;

  private readonly http: OpenAlgoHttpClient;
  private readonly limiter: AdapterRateLimiter;
  /** Fills and status order OpenAlgo snapshots; its timestamps are not compared. */
  private readonly updates = new OrderUpdateHub({
    onError: (e) => this.report(e),
    snapshotKey,
    dropOlderTimestamps: false,
    capacity: CAPACITY,
  });
  /** Orders we know are ours (placed or adopted): never matched to another placement. */
  private readonly claimed = new Set<string>();
  private readonly poller: OrderUpdatePoller;
  private ws: OpenAlgoOrdersWsClient | null = null;
  private polling = false;
  private started = false;
  private closed = false;
  private authError: BrokerError | null = null;

  constructor(private readonly options: OpenAlgoAdapterOptions) {
    const rateLimits = options.rateLimits ?? OPENALGO_RATE_LIMITS;
    this.http = new OpenAlgoHttpClient({
      host: options.host,
      apiKey: options.apiKey,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    this.limiter = new AdapterRateLimiter(OPENALGO, rateLimits, {
      ...(options.clock ? { clock: options.clock } : {}),
      maxWaitMs: options.maxRateWaitMs ?? 5_000,
    });
    this.poller = new OrderUpdatePoller(() => this.listOrders(), {
      intervalMs: options.pollIntervalMs ?? 2_000,
      onError: (e) => this.report(e),
    });
    this.poller.subscribe((o) => this.feedUpdate(o));
    this.capabilities = Object.freeze({
      updates: options.wsUrl ? 'push' : 'poll',
      tag: null,
      validities: OPENALGO_VALIDITIES,
      orderTypes: ORDER_TYPES,
      products: PRODUCTS,
      slicing: false,
      maxQuoteBatch: 1,
      rateLimits,
    });
  }

  /** The API key was refused: the error, else null. */
  get sessionLost(): BrokerError | null {
    return this.authError;
  }

  /** How updates arrive now: `push` (order stream subscribed), `poll`, or `none` before `start`. */
  get updateChannel(): 'push' | 'poll' | 'none' {
    if (this.ws?.subscribed) return 'push';
    return this.polling ? 'poll' : 'none';
  }

  correlationTag(): null {
    return null;
  }

  // ---------------------------------------------------------------- writes

  /**
   * `/placeorder`; a smart order (`positionSize`, docs/watchlist-trading.md "Fan-out") goes as
   * `/placesmartorder` with `position_size`, and when OpenAlgo finds the position already there
   * (no order id) it is a final refusal: nothing was placed.
   */
  async placeOrder(request: PlaceOrderRequest): Promise<PlaceOrderResult> {
    const body = openAlgoPlaceBody(request, this.options.instruments.toBroker(request.instrument));
    const smart = request.positionSize !== undefined;
    const reply = smart
      ? await this.call('orders', 'place', 'placesmartorder', { ...body, position_size: String(request.positionSize) })
      : await this.call('orders', 'place', 'placeorder', body);
    const id = reply.orderid;
    if (smart && ((typeof id !== 'string' && typeof id !== 'number') || String(id) === ''))
      throw new BrokerError('final', `${OPENALGO} place: ${typeof reply.message === 'string' ? reply.message : 'no order was needed'}`, {
        broker: OPENALGO,
        operation: 'place',
        code: 'POSITION_MATCHED',
        brokerMessage: typeof reply.message === 'string' ? reply.message : null,
      });
    if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') {
      // A success without an order id: we cannot know what happened. Resolve it like a timeout.
      throw new BrokerError('ambiguous', `${OPENALGO} place: success without an orderid`, {
        broker: OPENALGO,
        operation: 'place',
        code: 'NO_ORDER_ID',
        brokerMessage: typeof reply.message === 'string' ? reply.message : null,
      });
    }
    const brokerOrderId = asBrokerOrderId(String(id));
    this.claim(brokerOrderId);
    return { brokerOrderIds: [brokerOrderId], failedSlices: [] };
  }

  async modifyOrder(brokerOrderId: BrokerOrderId, changes: OrderModification): Promise<void> {
    const order = await this.getOrder(brokerOrderId);
    if (isTerminalReport(order.status)) throw this.notWorking('modify', order);
    const body = openAlgoModifyBody(order, changes, this.options.instruments.toBroker(order.instrument));
    await this.call('orders', 'modify', 'modifyorder', body);
  }

  async cancelOrder(brokerOrderId: BrokerOrderId): Promise<void> {
    try {
      await this.call('orders', 'cancel', 'cancelorder', { orderid: brokerOrderId, strategy: OPENALGO_STRATEGY });
    } catch (e) {
      if (!isBrokerError(e) || e.kind === 'auth' || e.kind === 'rate_limited') throw e;
      // OpenAlgo passes the broker's refusal through with no code: a terminal order is `final`.
      const order = await this.getOrder(brokerOrderId).catch(() => null);
      if (order && isTerminalReport(order.status)) throw this.notWorking('cancel', order, e);
      throw e;
    }
  }

  /** `/cancelallorder`: every open and trigger-pending order of the account. The ids cancelled. */
  async cancelAllOrders(): Promise<string[]> {
    const reply = await this.call('orders', 'cancel', 'cancelallorder', { strategy: OPENALGO_STRATEGY });
    return Array.isArray(reply.canceled_orders) ? reply.canceled_orders.map(String) : [];
  }

  /** `/closeposition`: squares off EVERY open position of the account with market orders. */
  async closeAllPositions(): Promise<void> {
    await this.call('orders', 'place', 'closeposition', { strategy: OPENALGO_STRATEGY });
  }

  /**
   * `/placesmartorder`: OpenAlgo orders whatever takes the net position of (instrument, product)
   * to `positionSize` (docs/brokers.md 3.3). Null when nothing was needed (no order id).
   */
  async placeSmartOrder(request: PlaceOrderRequest, positionSize: number): Promise<BrokerOrderId | null> {
    const body = {
      ...openAlgoPlaceBody(request, this.options.instruments.toBroker(request.instrument)),
      position_size: String(positionSize),
    };
    const reply = await this.call('orders', 'place', 'placesmartorder', body);
    const id = reply.orderid;
    if (typeof id !== 'string' && typeof id !== 'number') return null;
    this.claim(asBrokerOrderId(String(id)));
    return asBrokerOrderId(String(id));
  }

  // ---------------------------------------------------------------- reads

  async getOrder(brokerOrderId: BrokerOrderId): Promise<BrokerOrder> {
    const notFound = (cause?: BrokerError): BrokerError =>
      new BrokerError(
        'final',
        `${OPENALGO} read: order ${brokerOrderId} not found`,
        {
          broker: OPENALGO,
          operation: 'read',
          code: 'ORDER_NOT_FOUND',
          brokerMessage: cause?.brokerMessage ?? null,
          httpStatus: cause?.httpStatus ?? null,
        },
        cause ? { cause } : undefined,
      );
    if (brokerOrderId === '') throw notFound();
    let reply: Record<string, unknown>;
    try {
      reply = await this.call('other', 'read', 'orderstatus', { orderid: brokerOrderId, strategy: OPENALGO_STRATEGY });
    } catch (e) {
      if (isBrokerError(e) && e.kind === 'final') throw notFound(e);
      throw e;
    }
    const { fills } = await this.tradeBook();
    const order = parseOpenAlgoOrder(reply.data, this.ctx(), fills);
    if (order === null) throw notFound();
    return order;
  }

  async findOrdersByTag(probe: CorrelationProbe): Promise<CorrelationResult> {
    const match = pickHeuristicMatch(await this.listOrders(), probe, this.claimed);
    if (match) this.claim(match.brokerOrderId);
    return { method: 'heuristic', orders: match ? [match] : [] };
  }

  /** `/orderbook` joined with `/tradebook` (fills), oldest first. */
  async listOrders(): Promise<BrokerOrder[]> {
    const reply = await this.call('other', 'read', 'orderbook');
    const { fills } = await this.tradeBook();
    const ctx = this.ctx();
    const out: BrokerOrder[] = [];
    for (const raw of openAlgoOrderRows(reply.data)) {
      const o = parseOpenAlgoOrder(raw, ctx, fills);
      if (o) out.push(o);
    }
    return out.sort((a, b) => a.placedAt - b.placedAt);
  }

  async listTrades(): Promise<BrokerTrade[]> {
    return (await this.tradeBook()).trades;
  }

  async listPositions(): Promise<BrokerPosition[]> {
    const reply = await this.call('other', 'read', 'positionbook');
    return parseOpenAlgoPositions(reply.data ?? [], this.ctx());
  }

  /** `/holdings`: one quantity per holding, as the broker behind OpenAlgo reports it (docs/brokers.md 4.12). */
  async listHoldings(): Promise<BrokerHolding[]> {
    const reply = await this.call('other', 'read', 'holdings');
    return parseOpenAlgoHoldings(reply.data, this.ctx());
  }

  async funds(): Promise<BrokerFunds> {
    const reply = await this.call('other', 'read', 'funds');
    return parseOpenAlgoFunds(reply.data);
  }

  /** `/quotes`, one instrument per request. */
  async quotes(instruments: readonly InstrumentRef[]): Promise<BrokerQuote[]> {
    const seen = new Set<string>();
    const out: BrokerQuote[] = [];
    for (const ref of instruments) {
      if (seen.has(instrumentKey(ref))) continue;
      seen.add(instrumentKey(ref));
      const b = this.options.instruments.toBroker(ref);
      const reply = await this.call('quotes', 'read', 'quotes', { symbol: b.symbol, exchange: b.exchange });
      const q = parseOpenAlgoQuote(reply.data, { exchange: ref.exchange, symbol: ref.symbol }, this.now());
      if (q) out.push(q);
    }
    return out;
  }

  /** `/depth`: five levels a side. */
  async depth(ref: InstrumentRef): Promise<OpenAlgoDepth> {
    const b = this.options.instruments.toBroker(ref);
    const reply = await this.call('quotes', 'read', 'depth', { symbol: b.symbol, exchange: b.exchange });
    return parseOpenAlgoDepth(reply.data, { exchange: ref.exchange, symbol: ref.symbol });
  }

  /** `/analyzer`: whether the installation runs in analyzer (sandbox) mode — simulated orders. */
  async analyzerMode(): Promise<boolean> {
    const reply = await this.call('other', 'read', 'analyzer');
    return parseOpenAlgoAnalyzer(reply.data);
  }

  // ---------------------------------------------------------------- updates

  subscribe(listener: OrderUpdateListener): Unsubscribe {
    const unsubscribe = this.updates.add(listener);
    this.start();
    return unsubscribe;
  }

  /** Opens the update channel: the order stream when a WebSocket URL is set, else polling. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    if (!this.options.wsUrl) {
      this.startPolling();
      return;
    }
    const ws = new OpenAlgoOrdersWsClient({
      url: this.options.wsUrl,
      apiKey: this.options.apiKey,
      ...(this.options.ws?.answerTimeoutMs === undefined ? {} : { answerTimeoutMs: this.options.ws.answerTimeoutMs }),
      ...(this.options.ws?.backoff === undefined ? {} : { backoff: this.options.ws.backoff }),
    });
    ws.on('order', (raw) => {
      try {
        const o = parseOpenAlgoOrder(raw, this.ctx());
        if (o) this.feedUpdate(o);
      } catch (e) {
        this.report(e);
      }
    });
    ws.on('connect', (info) => this.reconnected(info));
    ws.on('problem', (e) => this.report(e));
    ws.on('unsupported', () => {
      // An install without `subscribe_orders`: poll the order book instead (docs/brokers.md 3.6).
      this.ws = null;
      this.startPolling();
    });
    ws.on('authLost', (message) =>
      this.lose(
        new BrokerError('auth', `${OPENALGO} ws: ${message}`, {
          broker: OPENALGO,
          operation: 'read',
          code: 'INVALID_API_KEY',
          brokerMessage: message,
        }),
      ),
    );
    this.ws = ws;
    ws.connect();
  }

  /** Resolves once the order stream is subscribed (true) or polling took over (false). For tests and start-up. */
  async ready(): Promise<boolean> {
    if (this.ws?.subscribed) return true;
    if (this.polling || !this.ws) return false;
    const ws = this.ws;
    return new Promise<boolean>((resolve) => {
      const done = (v: boolean) => () => resolve(v);
      ws.once('connect', done(true));
      ws.once('unsupported', done(false));
      ws.once('authLost', done(false));
    });
  }

  /**
   * One snapshot from whichever channel: delivered unless a duplicate or behind what listeners
   * already saw of that order (fewer fills, an earlier status, anything after a terminal state).
   */
  feedUpdate(order: BrokerOrder): boolean {
    return this.updates.feed(order);
  }

  /** The order book through `feedUpdate`: what the stream lost reaches the listeners. */
  async reconcile(): Promise<BrokerOrder[]> {
    const orders = await this.listOrders();
    for (const o of orders) this.feedUpdate(o);
    return orders;
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
    this.ws = null;
    this.poller.stop();
    this.polling = false;
    this.updates.clear();
  }

  // ---------------------------------------------------------------- plumbing

  private startPolling(): void {
    if (this.polling || this.closed) return;
    this.polling = true;
    this.poller.start();
    this.reconnected({ attempt: 1, reconnect: false });
  }

  private reconnected(info: { attempt: number; reconnect: boolean }): void {
    try {
      this.options.onReconnect?.(info);
    } catch (e) {
      this.report(e);
    }
  }

  private claim(id: string): void {
    this.claimed.add(id);
    if (this.claimed.size > CAPACITY) this.claimed.delete(this.claimed.values().next().value as string);
  }

  private async tradeBook(): Promise<ReturnType<typeof parseOpenAlgoTradeBook>> {
    const reply = await this.call('other', 'read', 'tradebook');
    return parseOpenAlgoTradeBook(reply.data ?? [], this.ctx());
  }

  private ctx() {
    return { instruments: this.options.instruments, nowMs: this.now() };
  }

  private now(): number {
    return this.options.clock ? this.options.clock.now() : Date.now();
  }

  private notWorking(operation: BrokerOperation, order: BrokerOrder, cause?: BrokerError): BrokerError {
    return new BrokerError(
      'final',
      `${OPENALGO} ${operation}: order ${order.brokerOrderId} is ${order.rawStatus || order.status}`,
      {
        broker: OPENALGO,
        operation,
        code: 'ORDER_NOT_OPEN',
        brokerMessage: cause?.brokerMessage ?? null,
        httpStatus: cause?.httpStatus ?? null,
      },
      cause ? { cause } : undefined,
    );
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
    this.ws?.close();
    this.poller.stop();
    try {
      this.options.onAuthLost?.(error);
    } catch (e) {
      this.report(e);
    }
  }

  /** One call through the rate limiter; a refused key fails fast afterwards (nothing sent); reads retry a 429. */
  private async call(
    bucket: RateBucket,
    operation: BrokerOperation,
    path: string,
    body: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    const retries = operation === 'read' ? 3 : 0;
    return limitedCall(this.limiter, {
      bucket,
      retries,
      refused: () =>
        this.authError
          ? new BrokerError('auth', `${OPENALGO} ${operation}: the API key was refused; fix the account's credentials (not sent)`, {
              broker: OPENALGO,
              operation,
              code: this.authError.code,
              brokerMessage: this.authError.brokerMessage,
              httpStatus: this.authError.httpStatus,
            })
          : null,
      onAuthLost: (e) => this.lose(e),
      send: () => this.http.post(path, operation, body),
    });
  }
}
