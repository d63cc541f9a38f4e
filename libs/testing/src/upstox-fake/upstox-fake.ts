// A local fake of Upstox (API v2, v3 orders, the portfolio stream) for adapter tests (docs/brokers.md 2
// and 5), written from the documented request and reply shapes and the official Node client's
// routes: two HTTP listeners on loopback (the API root and the order host, as Upstox splits them),
// the OAuth2 dialog and token exchange, a small matching book, the portfolio-stream WebSocket,
// and scripted faults.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { formatPrice, type PriceTicks } from '@tradeloop/domain';
import { WebSocketServer, type WebSocket } from 'ws';
import { FAKE_UPSTOX_FEED_PATH, FakeUpstoxMarketFeed, type FakeUpstoxFeedEvent } from './upstox-market-feed.fake';
import { hangOrReset, isAfterAcceptFault, OrderFrameScript, type FakeRequestOutcome } from '../fake-broker-kit';

type Json = Record<string, unknown>;

/** One instrument of the fake's table (the instrument master's columns that matter, docs/brokers.md 2.7). */
export interface FakeUpstoxInstrument {
  /** `NSE_EQ|INE009A01021`. */
  readonly instrumentKey: string;
  readonly tradingSymbol: string;
  /** Units per lot (F&O quantities are multiples of it). */
  readonly lotSize: number;
  /** In our ticks (₹0.05 = 500). */
  readonly tickSize: PriceTicks;
  /** Exchange freeze quantity: a larger order needs v3 `slice` (or is refused). null: none. */
  readonly freezeQuantity: number | null;
}

export const FAKE_UPSTOX_INSTRUMENTS: readonly FakeUpstoxInstrument[] = Object.freeze([
  { instrumentKey: 'NSE_EQ|INE009A01021', tradingSymbol: 'INFY', lotSize: 1, tickSize: 500, freezeQuantity: null },
  { instrumentKey: 'NSE_EQ|INE062A01020', tradingSymbol: 'SBIN', lotSize: 1, tickSize: 500, freezeQuantity: null },
  { instrumentKey: 'NSE_EQ|INE002A01018', tradingSymbol: 'RELIANCE', lotSize: 1, tickSize: 1000, freezeQuantity: null },
  { instrumentKey: 'NSE_FO|52910', tradingSymbol: 'NIFTY26DECFUT', lotSize: 75, tickSize: 1000, freezeQuantity: 1800 },
]);

export type FakeUpstoxRoute =
  | 'dialog'
  | 'token'
  | 'profile'
  | 'place'
  | 'modify'
  | 'cancel'
  | 'orders'
  | 'details'
  | 'history'
  | 'trades'
  | 'positions'
  | 'holdings'
  | 'funds'
  | 'quotes'
  | 'stream_authorize'
  | 'feed_authorize';

/**
 * A scripted fault for the next request on a route: hang (timeout) before or after the fake
 * acted, reset the connection before or after, a 200 HTML page after acting, an HTTP error
 * with Upstox's envelope (429 defaults to `UDAPI10005`), or an expired token (401 `UDAPI100050`).
 */
export type FakeUpstoxFault =
  | 'timeout-before-accept'
  | 'timeout-after-accept'
  | 'reset'
  | 'reset-after-accept'
  | 'html-after-accept'
  | 'token'
  | number
  | { readonly status: number; readonly code?: string; readonly message?: string };

export interface FakeUpstoxRequest {
  readonly seq: number;
  readonly host: 'api' | 'order';
  readonly method: string;
  readonly path: string;
  readonly route: FakeUpstoxRoute | null;
  readonly query: Record<string, string>;
  readonly body: Json;
  readonly authorization: string | null;
  outcome: FakeRequestOutcome;
}

export interface FakeUpstoxOptions {
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly redirectUri?: string;
  /** Portfolio-stream and market-feed ping interval; null for none. Default 1 s. */
  readonly heartbeatMs?: number | null;
  /** At most this many units fill per quote (partial fills). Default: everything the touch allows. */
  readonly fillPerQuote?: number;
  readonly instruments?: readonly FakeUpstoxInstrument[];
}

export interface FakeUpstoxEndpoints {
  /** `UPSTOX_API_ROOT` for the adapter: `http://127.0.0.1:<port>`. */
  readonly apiRoot: string;
  /** `UPSTOX_ORDER_ROOT`: a second listener, as api-hft.upstox.com is a second host. */
  readonly orderRoot: string;
}

export interface FakeUpstoxQuote {
  readonly ltp: PriceTicks;
  readonly bid?: PriceTicks | null;
  readonly ask?: PriceTicks | null;
}

interface FakeOrder {
  order_id: string;
  exchange_order_id: string;
  instrument: FakeUpstoxInstrument;
  product: string;
  order_type: string;
  transaction_type: 'BUY' | 'SELL';
  validity: string;
  quantity: number;
  filled_quantity: number;
  price: PriceTicks;
  trigger_price: PriceTicks;
  fillValue: bigint;
  status: string;
  status_message: string | null;
  tag: string | null;
  is_amo: boolean;
  order_timestamp: string;
  exchange_timestamp: string | null;
  history: Json[];
}

interface FakeTrade {
  trade_id: string;
  order: FakeOrder;
  quantity: number;
  price: PriceTicks;
  ts: string;
}

class UpstoxApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const RESPONDED = Symbol('responded');
const IST_MS = (5 * 60 + 30) * 60_000;
const HTML_PAGE = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';
const WORKING = new Set(['open', 'trigger pending', 'after market order req received']);
const TERMINAL = new Set(['complete', 'cancelled', 'rejected']);
const STREAM_PATH = '/v2/feed/portfolio-stream-feed';

/** `YYYY-MM-DD HH:mm:ss` in IST, as Upstox writes order times. */
export function upstoxTimestamp(epochMs: number): string {
  return new Date(epochMs + IST_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Ticks as Upstox's JSON number: the decimal literal, never a float product. */
const rupees = (ticks: PriceTicks | bigint): number => Number(formatPrice(Number(ticks)));

const rupeesOfPaise = (paise: bigint): number => rupees(paise * 100n);

const invalid = (code: string, message: string): UpstoxApiError => new UpstoxApiError(400, code, message);

export class FakeUpstox extends EventEmitter {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly userId = 'UPX123';
  readonly requests: FakeUpstoxRequest[] = [];
  /** The market-data feed v3 (upstox-market-feed.fake.ts); its events are emitted as `feed`. */
  readonly marketFeed: FakeUpstoxMarketFeed = new FakeUpstoxMarketFeed(
    (e: FakeUpstoxFeedEvent) => this.emit('feed', e),
    () => this.now(),
  );

  private readonly opts: FakeUpstoxOptions;
  private readonly instrumentsByKey = new Map<string, FakeUpstoxInstrument>();
  private readonly quotes = new Map<string, { ltp: PriceTicks; bid: PriceTicks; ask: PriceTicks }>();
  private readonly orders = new Map<string, FakeOrder>();
  private readonly trades: FakeTrade[] = [];
  /** Delivery holdings per instrument key: settled and T1 quantities, average in ticks (`rollDay`). */
  private readonly holdings = new Map<string, { instrument: FakeUpstoxInstrument; quantity: number; t1: number; average: PriceTicks }>();
  /** Positions carried from earlier days (NRML, intraday left open), per `key|product`: signed quantity at its average. */
  private readonly overnight = new Map<string, { instrument: FakeUpstoxInstrument; product: string; quantity: number; value: bigint }>();
  private readonly faults = new Map<FakeUpstoxRoute | '*', FakeUpstoxFault[]>();
  private readonly codes = new Set<string>();
  private readonly streamCodes = new Set<string>();
  private readonly tokens = new Set<string>();
  private readonly hung = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<WebSocket>();
  private apiServer: Server | null = null;
  private orderServer: Server | null = null;
  private wss: WebSocketServer | null = null;
  private apiPort = 0;
  private orderPort = 0;
  private seq = { request: 0, order: 0, trade: 0, code: 0 };
  private heartbeat: NodeJS.Timeout | null = null;
  private stalled = false;
  private readonly orderFrames = new OrderFrameScript((text) => this.broadcast(text));
  private streamConnects = 0;
  private now: () => number = Date.now;

  constructor(options: FakeUpstoxOptions = {}) {
    super();
    this.opts = options;
    this.clientId = options.clientId ?? 'fake-upstox-client';
    this.clientSecret = options.clientSecret ?? 'fake-upstox-secret';
    this.redirectUri = options.redirectUri ?? 'http://127.0.0.1/api/v1/brokers/upstox/callback';
    for (const i of options.instruments ?? FAKE_UPSTOX_INSTRUMENTS) this.instrumentsByKey.set(i.instrumentKey, i);
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<FakeUpstoxEndpoints> {
    const listen = async (host: 'api' | 'order'): Promise<[Server, number]> => {
      const server = createServer((req, res) => {
        this.onRequest(host, req, res).catch((e: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(String(e));
        });
      });
      server.on('connection', (s) => {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return [server, (server.address() as AddressInfo).port];
    };
    [this.apiServer, this.apiPort] = await listen('api');
    [this.orderServer, this.orderPort] = await listen('order');
    this.wss = new WebSocketServer({ noServer: true });
    this.apiServer.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.onUpgrade(req, socket, head));
    this.setHeartbeat(this.opts.heartbeatMs === undefined ? 1_000 : this.opts.heartbeatMs);
    this.marketFeed.setHeartbeat(this.opts.heartbeatMs === undefined ? 1_000 : this.opts.heartbeatMs);
    return this.endpoints();
  }

  endpoints(): FakeUpstoxEndpoints {
    return { apiRoot: `http://127.0.0.1:${this.apiPort}`, orderRoot: `http://127.0.0.1:${this.orderPort}` };
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const c of this.clients) c.terminate();
    this.clients.clear();
    await this.marketFeed.stop();
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    for (const server of [this.apiServer, this.orderServer]) {
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.apiServer = null;
    this.orderServer = null;
  }

  setClock(now: () => number): void {
    this.now = now;
  }

  // ---------------------------------------------------------------- sessions

  /** A valid access token, as if the daily login had happened. */
  createSession(): string {
    const token = `upx-token-${(this.seq.code += 1)}-${Math.random().toString(36).slice(2)}`;
    this.tokens.add(token);
    return token;
  }

  /** Every token stops working (401 `UDAPI100050`); open stream sockets are closed, as Upstox ends them. */
  expireSession(options: { closeStream?: boolean } = {}): void {
    this.tokens.clear();
    if (options.closeStream !== false) this.closeStream(1008, 'session expired');
    if (options.closeStream !== false) this.marketFeed.close(1008, 'session expired');
  }

  // ---------------------------------------------------------------- market and book

  instrument(key: string): FakeUpstoxInstrument {
    const i = this.instrumentsByKey.get(key);
    if (!i) throw new Error(`no fake Upstox instrument ${key}`);
    return i;
  }

  /** Moves the market and matches every working order on it (synchronously: the book is settled on return). */
  setQuote(key: string, q: FakeUpstoxQuote): void {
    const i = this.instrument(key);
    this.quotes.set(i.instrumentKey, { ltp: q.ltp, bid: q.bid ?? q.ltp, ask: q.ask ?? q.ltp });
    for (const o of [...this.orders.values()]) if (o.instrument.instrumentKey === key) this.match(o);
  }

  /** The market opens: after-market orders go to the exchange and match. */
  openAmoOrders(): void {
    for (const o of [...this.orders.values()]) {
      if (o.status !== 'after market order req received') continue;
      o.status = o.order_type === 'SL' || o.order_type === 'SL-M' ? 'trigger pending' : 'open';
      o.exchange_timestamp = upstoxTimestamp(this.now());
      this.snapshot(o);
      this.publish(o);
      this.match(o);
    }
  }

  failNext(route: FakeUpstoxRoute | '*', fault: FakeUpstoxFault, times = 1): void {
    const queue = this.faults.get(route) ?? [];
    for (let n = 0; n < times; n += 1) queue.push(fault);
    this.faults.set(route, queue);
  }

  /** Today's orders as `GET /v2/order/retrieve-all` gives them. */
  orderBook(): Json[] {
    return [...this.orders.values()].map((o) => this.orderJson(o));
  }

  orderHistory(orderId: string): Json[] {
    return [...(this.orders.get(orderId)?.history ?? [])];
  }

  tradeBook(): Json[] {
    return this.trades.map((t) => this.tradeJson(t));
  }

  /** Per `key|product`: carried quantity plus today's trades. */
  private positionStates() {
    type State = {
      instrument: FakeUpstoxInstrument;
      product: string;
      overnight: number;
      buyQty: number;
      buyValue: bigint;
      sellQty: number;
      sellValue: bigint;
    };
    const byKey = new Map<string, State>();
    for (const [k, c] of this.overnight) {
      byKey.set(k, {
        instrument: c.instrument,
        product: c.product,
        overnight: c.quantity,
        buyQty: Math.max(c.quantity, 0),
        buyValue: c.quantity > 0 ? c.value : 0n,
        sellQty: Math.max(-c.quantity, 0),
        sellValue: c.quantity < 0 ? c.value : 0n,
      });
    }
    for (const t of this.trades) {
      const k = `${t.order.instrument.instrumentKey}|${t.order.product}`;
      const p = byKey.get(k) ?? {
        instrument: t.order.instrument,
        product: t.order.product,
        overnight: 0,
        buyQty: 0,
        buyValue: 0n,
        sellQty: 0,
        sellValue: 0n,
      };
      if (t.order.transaction_type === 'BUY') {
        p.buyQty += t.quantity;
        p.buyValue += BigInt(t.quantity) * BigInt(t.price);
      } else {
        p.sellQty += t.quantity;
        p.sellValue += BigInt(t.quantity) * BigInt(t.price);
      }
      byKey.set(k, p);
    }
    return byKey;
  }

  /** Delivery holdings as `GET /v2/portfolio/long-term-holdings` gives them (docs/brokers.md 2.3, 4.12). */
  holdingsJson(): Json[] {
    const states = this.positionStates();
    return [...this.holdings.values()].map((h) => {
      const i = h.instrument;
      const ltp = this.quotes.get(i.instrumentKey)?.ltp ?? h.average;
      const held = h.quantity + h.t1;
      // Sold from the holding today: the delivery day position's net sell (the row keeps its quantity for the day).
      const day = states.get(`${i.instrumentKey}|D`);
      const used = day ? Math.min(held, Math.max(0, day.sellQty - day.buyQty)) : 0;
      return {
        isin: i.instrumentKey.split('|')[1] ?? '',
        cnc_used_quantity: used,
        collateral_type: 'WC',
        company_name: i.tradingSymbol,
        haircut: 0.2,
        product: 'D',
        quantity: h.quantity,
        trading_symbol: i.tradingSymbol,
        tradingsymbol: i.tradingSymbol,
        last_price: rupees(ltp),
        close_price: rupees(ltp),
        pnl: rupees(BigInt(held) * BigInt(ltp - h.average)),
        day_change: 0,
        day_change_percentage: 0,
        instrument_token: i.instrumentKey,
        average_price: rupees(h.average),
        collateral_quantity: 0,
        collateral_update_quantity: 0,
        t1_quantity: h.t1,
        exchange: 'NSE',
      };
    });
  }

  /** Sets a holding outright (settled and T1 quantities, average in ticks); zero of both removes it. */
  setHolding(instrumentKey: string, holding: { quantity: number; t1?: number; average: PriceTicks }): void {
    const instrument = this.instrumentsByKey.get(instrumentKey);
    if (!instrument) throw new Error(`FakeUpstox: unknown instrument ${instrumentKey}`);
    if (holding.quantity + (holding.t1 ?? 0) === 0) this.holdings.delete(instrumentKey);
    else this.holdings.set(instrumentKey, { instrument, quantity: holding.quantity, t1: holding.t1 ?? 0, average: holding.average });
  }

  /**
   * The day ends and the next begins, as Upstox moves its books (docs/brokers.md 4.12): T1 holdings
   * settle; each delivery (`D`) position of a cash instrument becomes holdings — a net buy as T1,
   * averaged in; a net sell taken off the settled quantity; other positions still open are
   * carried overnight; the order book and the day's trades start empty.
   */
  rollDay(): void {
    for (const h of this.holdings.values()) {
      h.quantity += h.t1;
      h.t1 = 0;
    }
    const states = this.positionStates();
    this.overnight.clear();
    for (const [k, p] of states) {
      const net = p.buyQty - p.sellQty;
      if (net === 0) continue;
      if (p.product === 'D' && p.instrument.instrumentKey.startsWith('NSE_EQ|')) {
        const key = p.instrument.instrumentKey;
        const h = this.holdings.get(key) ?? { instrument: p.instrument, quantity: 0, t1: 0, average: 0 };
        if (net > 0) {
          const before = BigInt(h.quantity);
          const bought = (p.buyValue * BigInt(net)) / BigInt(p.buyQty);
          h.average = Number((before * BigInt(h.average) + bought) / (before + BigInt(net)));
          h.t1 += net;
        } else h.quantity += net;
        if (h.quantity + h.t1 === 0) this.holdings.delete(key);
        else this.holdings.set(key, h);
        continue;
      }
      const value = net > 0 ? (p.buyValue * BigInt(net)) / BigInt(p.buyQty) : (p.sellValue * BigInt(-net)) / BigInt(p.sellQty);
      this.overnight.set(k, { instrument: p.instrument, product: p.product, quantity: net, value });
    }
    this.orders.clear();
    this.trades.length = 0;
  }

  positionsJson(): Json[] {
    return [...this.positionStates().values()].map((p) => {
      const net = p.buyQty - p.sellQty;
      const closed = Math.min(p.buyQty, p.sellQty);
      const avg = (value: bigint, qty: number): bigint => (qty === 0 ? 0n : (value * 2n + BigInt(qty)) / (2n * BigInt(qty)));
      const buyAvg = avg(p.buyValue, p.buyQty);
      const sellAvg = avg(p.sellValue, p.sellQty);
      // Realised P&L in paise of the closed quantity at the two averages (ticks / 100 = paise).
      const realisedPaise = (BigInt(closed) * (sellAvg - buyAvg)) / 100n;
      const ltp = this.quotes.get(p.instrument.instrumentKey)?.ltp ?? 0;
      const dayBuy = p.buyQty - Math.max(p.overnight, 0);
      const daySell = p.sellQty - Math.max(-p.overnight, 0);
      return {
        exchange: p.instrument.instrumentKey.startsWith('NSE_FO') ? 'NFO' : 'NSE',
        multiplier: 1,
        product: p.product,
        instrument_token: p.instrument.instrumentKey,
        trading_symbol: p.instrument.tradingSymbol,
        tradingsymbol: p.instrument.tradingSymbol,
        quantity: net,
        overnight_quantity: p.overnight,
        day_buy_quantity: dayBuy,
        day_sell_quantity: daySell,
        day_buy_value: rupees(p.buyQty === 0 ? 0n : (p.buyValue * BigInt(dayBuy)) / BigInt(p.buyQty)),
        day_sell_value: rupees(p.sellQty === 0 ? 0n : (p.sellValue * BigInt(daySell)) / BigInt(p.sellQty)),
        buy_price: rupees(buyAvg),
        sell_price: rupees(sellAvg),
        average_price: net > 0 ? rupees(buyAvg) : net < 0 ? rupees(sellAvg) : 0,
        last_price: ltp === 0 ? 0 : rupees(ltp),
        realised: rupeesOfPaise(realisedPaise),
        unrealised: 0,
        pnl: rupeesOfPaise(realisedPaise),
      };
    });
  }

  // ---------------------------------------------------------------- the portfolio stream

  /** Stops pings and frames (the socket stays open): the client should notice the stall. */
  stallStream(): void {
    this.stalled = true;
  }

  resumeStream(): void {
    this.stalled = false;
  }

  closeStream(code = 1011, reason = 'closed by the fake'): void {
    for (const c of this.clients) c.close(code, reason);
  }

  dropNextOrderFrames(n: number): void {
    this.orderFrames.dropNext(n);
  }

  duplicateOrderFrames(on: boolean): void {
    this.orderFrames.duplicate(on);
  }

  reorderOrderFrames(on: boolean): void {
    this.orderFrames.reorder(on);
  }

  setHeartbeat(ms: number | null): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (ms === null) return;
    this.heartbeat = setInterval(() => {
      if (this.stalled) return;
      for (const c of this.clients) if (c.readyState === c.OPEN) c.ping();
    }, ms);
    this.heartbeat.unref();
  }

  streamConnections(): number {
    return this.streamConnects;
  }

  openStreams(): number {
    return this.clients.size;
  }

  /** A raw text frame to every stream client (malformed-frame tests). */
  sendStreamText(text: string): void {
    for (const c of this.clients) if (c.readyState === c.OPEN) c.send(text);
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname === FAKE_UPSTOX_FEED_PATH) return this.marketFeed.handleUpgrade(req, socket, head);
    const code = url.searchParams.get('code') ?? '';
    if (url.pathname !== STREAM_PATH || !this.streamCodes.delete(code)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss!.handleUpgrade(req, socket, head, (ws) => {
      this.clients.add(ws);
      this.streamConnects += 1;
      ws.on('close', () => this.clients.delete(ws));
      ws.on('error', () => this.clients.delete(ws));
      this.emit('stream', { kind: 'connect' });
    });
  }

  private publish(o: FakeOrder): void {
    const data = { ...this.orderJson(o), update_type: 'order', user_id: this.userId };
    this.emit('order', data);
    this.orderFrames.push(JSON.stringify(data));
  }

  private broadcast(text: string): void {
    if (this.stalled) return;
    for (const c of this.clients) if (c.readyState === c.OPEN) c.send(text);
  }

  // ---------------------------------------------------------------- HTTP

  private route(host: 'api' | 'order', method: string, path: string): FakeUpstoxRoute | null {
    if (host === 'order') {
      if (method === 'POST' && path === '/v3/order/place') return 'place';
      if (method === 'PUT' && path === '/v3/order/modify') return 'modify';
      if (method === 'DELETE' && path === '/v3/order/cancel') return 'cancel';
      return null;
    }
    const table: Record<string, FakeUpstoxRoute> = {
      'GET /v2/login/authorization/dialog': 'dialog',
      'POST /v2/login/authorization/token': 'token',
      'GET /v2/user/profile': 'profile',
      'GET /v2/order/retrieve-all': 'orders',
      'GET /v2/order/details': 'details',
      'GET /v2/order/history': 'history',
      'GET /v2/order/trades/get-trades-for-day': 'trades',
      'GET /v2/portfolio/short-term-positions': 'positions',
      'GET /v2/portfolio/long-term-holdings': 'holdings',
      'GET /v2/user/get-funds-and-margin': 'funds',
      'GET /v2/market-quote/quotes': 'quotes',
      'GET /v2/feed/portfolio-stream-feed/authorize': 'stream_authorize',
      'GET /v3/feed/market-data-feed/authorize': 'feed_authorize',
    };
    return table[`${method} ${path}`] ?? null;
  }

  private async onRequest(host: 'api' | 'order', req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const route = this.route(host, method, url.pathname);
    const query = Object.fromEntries(url.searchParams);
    let body: Json = {};
    const type = req.headers['content-type'] ?? '';
    if (type.includes('application/json') && text !== '') {
      try {
        const parsed = JSON.parse(text) as unknown;
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Json;
      } catch {
        // left empty: the handler refuses the missing fields
      }
    } else if (text !== '') body = Object.fromEntries(new URLSearchParams(text));
    this.seq.request += 1;
    const entry: FakeUpstoxRequest = {
      seq: this.seq.request,
      host,
      method,
      path: url.pathname,
      route,
      query,
      body,
      authorization: typeof req.headers.authorization === 'string' ? req.headers.authorization : null,
      outcome: null,
    };
    this.requests.push(entry);
    this.emit('request', entry);

    const send = (status: number, payload: unknown, contentType = 'application/json'): void => {
      entry.outcome = status;
      const out = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(out) });
      res.end(out);
    };
    const sendError = (status: number, code: string, message: string): void =>
      send(status, {
        status: 'error',
        errors: [
          { error_code: code, message, property_path: null, invalid_value: null, errorCode: code, propertyPath: null, invalidValue: null },
        ],
      });

    if (route === null) return sendError(404, 'UDAPI100060', 'Resource not Found.');
    const fault = this.takeFault(route);
    const afterAccept = isAfterAcceptFault(fault);
    const applyFault = (f: FakeUpstoxFault): void => {
      if (hangOrReset(f, entry, req, res, this.hung)) return;
      if (f === 'html-after-accept') return send(200, HTML_PAGE, 'text/html');
      if (f === 'token') {
        this.tokens.clear();
        return sendError(401, 'UDAPI100050', 'Invalid token used to access API');
      }
      const spec = typeof f === 'number' ? { status: f } : f;
      const code = spec.code ?? (spec.status === 429 ? 'UDAPI10005' : spec.status >= 500 ? 'UDAPI100500' : 'UDAPI100036');
      const message =
        spec.message ?? (spec.status === 429 ? 'Too Many Request Sent' : spec.status >= 500 ? 'Something went wrong' : 'Invalid input');
      return sendError(spec.status, code, message);
    };
    if (fault !== null && !afterAccept) {
      applyFault(fault);
      return;
    }
    let status = 200;
    let payload: unknown;
    try {
      if (route !== 'dialog' && route !== 'token') this.authorise(entry.authorization);
      const result = this.handle(route, query, body, res);
      if (result === RESPONDED) {
        entry.outcome = res.statusCode;
        return;
      }
      payload = result;
    } catch (e) {
      if (!(e instanceof UpstoxApiError)) throw e;
      status = e.status;
      payload = {
        status: 'error',
        errors: [
          {
            error_code: e.code,
            message: e.message,
            property_path: null,
            invalid_value: null,
            errorCode: e.code,
            propertyPath: null,
            invalidValue: null,
          },
        ],
      };
    }
    if (fault !== null) {
      applyFault(fault);
      return;
    }
    send(status, payload);
  }

  private takeFault(route: FakeUpstoxRoute): FakeUpstoxFault | null {
    for (const key of [route, '*'] as const) {
      const queue = this.faults.get(key);
      if (queue && queue.length > 0) return queue.shift()!;
    }
    return null;
  }

  private authorise(header: string | null): void {
    const m = /^Bearer (.+)$/.exec(header ?? '');
    if (!m || !this.tokens.has(m[1]!)) throw new UpstoxApiError(401, 'UDAPI100050', 'Invalid token used to access API');
  }

  private handle(route: FakeUpstoxRoute, query: Record<string, string>, body: Json, res: ServerResponse): unknown {
    const ok = (data: unknown): Json => ({ status: 'success', data });
    switch (route) {
      case 'dialog':
        return this.dialog(query, res);
      case 'token':
        return this.exchangeCode(body);
      case 'profile':
        return ok({ user_id: this.userId, user_name: 'Fake Upstox User', broker: 'UPSTOX', is_active: true });
      case 'place':
        return { status: 'success', data: { order_ids: this.place(body) }, metadata: { latency: 3 } };
      case 'modify':
        return { status: 'success', data: { order_id: this.modify(body) }, metadata: { latency: 3 } };
      case 'cancel':
        return { status: 'success', data: { order_id: this.cancel(query.order_id ?? '') }, metadata: { latency: 3 } };
      case 'orders':
        return ok(this.orderBook());
      case 'details':
        return ok(this.orderJson(this.findOrder(query.order_id ?? '')));
      case 'history': {
        if (query.order_id) return ok(this.orderHistory(this.findOrder(query.order_id).order_id));
        if (query.tag) return ok([...this.orders.values()].filter((o) => o.tag === query.tag).flatMap((o) => o.history));
        throw invalid('UDAPI1023', 'order_id or tag is required');
      }
      case 'trades':
        return ok(this.tradeBook());
      case 'positions':
        return ok(this.positionsJson());
      case 'holdings':
        return ok(this.holdingsJson());
      case 'funds':
        return ok(this.funds());
      case 'quotes':
        return ok(this.quoteJson(query.instrument_key ?? ''));
      case 'feed_authorize':
        return ok(this.marketFeed.authorize(this.apiPort));
      case 'stream_authorize': {
        const code = `stream-${(this.seq.code += 1)}`;
        this.streamCodes.add(code);
        const types = query.update_types ?? 'order';
        return ok({
          authorized_redirect_uri: `ws://127.0.0.1:${this.apiPort}${STREAM_PATH}?requestId=${code}&update_types=${encodeURIComponent(types)}&code=${code}`,
        });
      }
    }
  }

  /** The authorization dialog: a logged-in user approves at once; Upstox redirects with `code` and the same `state`. */
  private dialog(query: Record<string, string>, res: ServerResponse): typeof RESPONDED {
    if (query.response_type !== 'code' || query.client_id !== this.clientId || query.redirect_uri !== this.redirectUri) {
      throw invalid('UDAPI100068', 'Check your client_id and redirect_uri; one or both are incorrect.');
    }
    const location = new URL(query.redirect_uri);
    location.searchParams.set('code', this.issueCode());
    if (query.state !== undefined) location.searchParams.set('state', query.state);
    res.writeHead(302, { Location: location.toString(), 'Content-Length': 0 });
    res.end();
    return RESPONDED;
  }

  /** An authorization code, as the dialog would hand out after a login. */
  issueCode(): string {
    const code = `code-${(this.seq.code += 1)}`;
    this.codes.add(code);
    return code;
  }

  private exchangeCode(form: Json): Json {
    if (form.grant_type !== 'authorization_code') throw invalid('UDAPI100036', 'Invalid grant_type');
    if (form.client_id !== this.clientId || form.client_secret !== this.clientSecret)
      throw new UpstoxApiError(401, 'UDAPI100016', 'Invalid Credentials');
    if (form.redirect_uri !== this.redirectUri) throw invalid('UDAPI100068', 'redirect_uri does not match');
    // Single use, success or not (docs/brokers.md 2.1).
    const known = typeof form.code === 'string' && this.codes.delete(form.code);
    if (!known) throw invalid('UDAPI100057', 'Invalid Auth code');
    const token = this.createSession();
    return {
      email: 'fake@upstox.test',
      exchanges: ['NSE', 'NFO'],
      products: ['D', 'I'],
      broker: 'UPSTOX',
      user_id: this.userId,
      user_name: 'Fake Upstox User',
      order_types: ['MARKET', 'LIMIT', 'SL', 'SL-M'],
      user_type: 'individual',
      poa: false,
      is_active: true,
      access_token: token,
      extended_token: null,
    };
  }

  private funds(): Json {
    const used = [...this.orders.values()]
      .filter((o) => WORKING.has(o.status))
      .reduce(
        (s, o) => s + BigInt(o.quantity - o.filled_quantity) * BigInt(o.price || this.quotes.get(o.instrument.instrumentKey)?.ltp || 0),
        0n,
      );
    const opening = 100_000_000n; // ₹10,00,000 in paise
    const usedPaise = used / 100n;
    const segment = (available: bigint, usedMargin: bigint): Json => ({
      used_margin: rupeesOfPaise(usedMargin),
      payin_amount: 0,
      span_margin: 0,
      adhoc_margin: 0,
      notional_cash: 0,
      available_margin: rupeesOfPaise(available),
      exposure_margin: 0,
    });
    return { equity: segment(opening - usedPaise, usedPaise), commodity: segment(0n, 0n) };
  }

  private quoteJson(keys: string): Json {
    const out: Json = {};
    for (const key of keys.split(',').filter((k) => k !== '')) {
      const i = this.instrumentsByKey.get(key);
      const q = this.quotes.get(key);
      if (!i || !q) continue;
      const segment = key.split('|')[0]!;
      out[`${segment}:${i.tradingSymbol}`] = {
        instrument_token: key,
        symbol: i.tradingSymbol,
        last_price: rupees(q.ltp),
        timestamp: upstoxTimestamp(this.now()),
        depth: {
          buy: [{ quantity: 1000, price: rupees(q.bid), orders: 1 }],
          sell: [{ quantity: 1000, price: rupees(q.ask), orders: 1 }],
        },
      };
    }
    return out;
  }

  // ---------------------------------------------------------------- orders

  private findOrder(orderId: string): FakeOrder {
    if (orderId === '') throw invalid('UDAPI1023', 'order_id is required');
    const o = this.orders.get(orderId);
    if (!o) throw invalid('UDAPI100010', 'Order not found');
    return o;
  }

  private priceOf(value: unknown, name: string): PriceTicks {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalid('UDAPI100036', `Invalid ${name}`);
    const [whole, frac = ''] = String(value).split('.');
    if (frac.length > 4 || /e/i.test(String(value))) throw invalid('UDAPI100036', `Invalid ${name}`);
    return Number(whole) * 10_000 + Number(frac.padEnd(4, '0'));
  }

  private place(body: Json): string[] {
    const key = body.instrument_token;
    if (typeof key !== 'string' || key === '') throw invalid('UDAPI1009', 'instrument_token is required');
    const instrument = this.instrumentsByKey.get(key);
    if (!instrument) throw invalid('UDAPI1087', 'Invalid instrument_token');
    const type = body.order_type;
    if (typeof type !== 'string') throw invalid('UDAPI1004', 'order_type is required');
    if (!['MARKET', 'LIMIT', 'SL', 'SL-M'].includes(type)) throw invalid('UDAPI1056', 'Invalid order_type');
    if (typeof body.validity !== 'string') throw invalid('UDAPI1007', 'validity is required');
    if (!['DAY', 'IOC'].includes(body.validity)) throw invalid('UDAPI1055', 'Invalid validity');
    if (body.product !== 'I' && body.product !== 'D') throw invalid('UDAPI100036', 'Invalid product');
    if (body.transaction_type !== 'BUY' && body.transaction_type !== 'SELL') throw invalid('UDAPI100036', 'Invalid transaction_type');
    const quantity = body.quantity;
    if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity <= 0) throw invalid('UDAPI100036', 'Invalid quantity');
    if (quantity % instrument.lotSize !== 0)
      throw invalid('UDAPI100036', `quantity must be a multiple of the lot size ${instrument.lotSize}`);
    const price = this.priceOf(body.price, 'price');
    const trigger = this.priceOf(body.trigger_price, 'trigger_price');
    for (const p of [price, trigger])
      if (p % instrument.tickSize !== 0) throw invalid('UDAPI100036', 'Price is not a multiple of the tick size');
    if ((type === 'LIMIT' || type === 'SL') && price === 0) throw invalid('UDAPI100036', 'price is required');
    if ((type === 'SL' || type === 'SL-M') && trigger === 0) throw invalid('UDAPI100036', 'trigger_price is required');
    const tag = typeof body.tag === 'string' && body.tag !== '' ? body.tag : null;
    if (tag !== null && tag.length > 40) throw invalid('UDAPI100036', 'tag is too long');
    const freeze = instrument.freezeQuantity;
    if (freeze !== null && quantity > freeze) {
      // v3 `slice`: one order per freeze-sized part, each with the same tag (docs/brokers.md 2.2).
      if (body.slice !== true) throw invalid('UDAPI100036', `quantity exceeds the freeze quantity ${freeze}; place it with slice`);
      const parts: number[] = [];
      for (let left = quantity; left > 0; left -= Math.min(left, freeze)) parts.push(Math.min(left, freeze));
      if (parts.length > 25) throw invalid('UDAPI100036', 'too many slices');
      return parts.flatMap((part) => this.placeOne(body, instrument, type, part, price, trigger, tag));
    }
    return this.placeOne(body, instrument, type, quantity, price, trigger, tag);
  }

  private placeOne(
    body: Json,
    instrument: FakeUpstoxInstrument,
    type: string,
    quantity: number,
    price: PriceTicks,
    trigger: PriceTicks,
    tag: string | null,
  ): string[] {
    const now = upstoxTimestamp(this.now());
    this.seq.order += 1;
    const o: FakeOrder = {
      order_id: `2512060${String(this.seq.order).padStart(8, '0')}`,
      exchange_order_id: `13000000${String(this.seq.order).padStart(8, '0')}`,
      instrument,
      product: body.product as string,
      order_type: type,
      transaction_type: body.transaction_type as 'BUY' | 'SELL',
      validity: body.validity as string,
      quantity,
      filled_quantity: 0,
      price: type === 'LIMIT' || type === 'SL' ? price : 0,
      trigger_price: type === 'SL' || type === 'SL-M' ? trigger : 0,
      fillValue: 0n,
      status: 'put order req received',
      status_message: null,
      tag,
      is_amo: body.is_amo === true,
      order_timestamp: now,
      exchange_timestamp: null,
      history: [],
    };
    this.orders.set(o.order_id, o);
    this.snapshot(o);
    // A delivery sell of a cash instrument needs holdings (or today's delivery buys): refused by the RMS otherwise.
    if (o.product === 'D' && o.transaction_type === 'SELL' && instrument.instrumentKey.startsWith('NSE_EQ|')) {
      const held = this.deliveryNet(instrument.instrumentKey);
      if (held < quantity) {
        o.status = 'rejected';
        o.status_message = 'RMS: Insufficient holdings for delivery sell';
        this.snapshot(o);
        this.publish(o);
        return [o.order_id];
      }
    }
    if (o.is_amo) {
      // Held until the market opens (`openAmoOrders`), as Upstox holds after-market orders.
      o.status = 'after market order req received';
      this.snapshot(o);
      this.publish(o);
      return [o.order_id];
    }
    o.status = type === 'SL' || type === 'SL-M' ? 'trigger pending' : 'open';
    o.exchange_timestamp = now;
    this.snapshot(o);
    this.publish(o);
    this.match(o);
    return [o.order_id];
  }

  /** What a delivery sell may take: the holding (settled and T1) and today's delivery buys, less working delivery sells. */
  private deliveryNet(key: string): number {
    const h = this.holdings.get(key);
    let net = h ? h.quantity + h.t1 : 0;
    for (const t of this.trades) {
      if (t.order.instrument.instrumentKey !== key || t.order.product !== 'D') continue;
      net += t.order.transaction_type === 'BUY' ? t.quantity : -t.quantity;
    }
    for (const o of this.orders.values()) {
      if (o.instrument.instrumentKey === key && o.product === 'D' && o.transaction_type === 'SELL' && WORKING.has(o.status))
        net -= o.quantity - o.filled_quantity;
    }
    return net;
  }

  private modify(body: Json): string {
    const o = this.findOrder(typeof body.order_id === 'string' ? body.order_id : '');
    if (!WORKING.has(o.status)) throw invalid('UDAPI100040', 'Order is not open; it cannot be modified');
    if (typeof body.order_type !== 'string' || !['MARKET', 'LIMIT', 'SL', 'SL-M'].includes(body.order_type))
      throw invalid('UDAPI1056', 'Invalid order_type');
    if (body.validity !== 'DAY' && body.validity !== 'IOC') throw invalid('UDAPI1055', 'Invalid validity');
    const price = this.priceOf(body.price, 'price');
    const trigger = this.priceOf(body.trigger_price, 'trigger_price');
    for (const p of [price, trigger])
      if (p % o.instrument.tickSize !== 0) throw invalid('UDAPI100036', 'Price is not a multiple of the tick size');
    if (body.quantity !== undefined) {
      const q = body.quantity;
      if (typeof q !== 'number' || !Number.isSafeInteger(q) || q <= o.filled_quantity || q % o.instrument.lotSize !== 0)
        throw invalid('UDAPI100036', 'Invalid quantity');
      o.quantity = q;
    }
    o.order_type = body.order_type;
    o.validity = body.validity;
    o.price = o.order_type === 'LIMIT' || o.order_type === 'SL' ? price : 0;
    o.trigger_price = o.order_type === 'SL' || o.order_type === 'SL-M' ? trigger : 0;
    o.exchange_timestamp = upstoxTimestamp(this.now());
    this.snapshot(o);
    this.publish(o);
    this.match(o);
    return o.order_id;
  }

  private cancel(orderId: string): string {
    const o = this.findOrder(orderId);
    if (TERMINAL.has(o.status)) throw invalid('UDAPI100040', 'Order is already in a terminal state; it cannot be cancelled');
    o.status = 'cancelled';
    o.exchange_timestamp = upstoxTimestamp(this.now());
    this.snapshot(o);
    this.publish(o);
    return o.order_id;
  }

  private match(o: FakeOrder): void {
    if (o.status !== 'open' && o.status !== 'trigger pending') return;
    const q = this.quotes.get(o.instrument.instrumentKey);
    if (!q) return;
    const buy = o.transaction_type === 'BUY';
    if (o.status === 'trigger pending') {
      if (buy ? q.ltp < o.trigger_price : q.ltp > o.trigger_price) return;
      o.status = 'open';
      o.exchange_timestamp = upstoxTimestamp(this.now());
      this.snapshot(o);
      this.publish(o);
    }
    const touch = buy ? q.ask : q.bid;
    const marketable = o.order_type === 'MARKET' || o.order_type === 'SL-M' || (buy ? touch <= o.price : touch >= o.price);
    if (!marketable) return;
    let qty = o.quantity - o.filled_quantity;
    if (this.opts.fillPerQuote !== undefined) qty = Math.min(qty, this.opts.fillPerQuote);
    if (qty <= 0) return;
    const ts = upstoxTimestamp(this.now());
    o.filled_quantity += qty;
    o.fillValue += BigInt(qty) * BigInt(touch);
    o.exchange_timestamp = ts;
    this.seq.trade += 1;
    this.trades.push({ trade_id: String(50_000_000 + this.seq.trade), order: o, quantity: qty, price: touch, ts });
    if (o.filled_quantity === o.quantity) o.status = 'complete';
    this.snapshot(o);
    this.publish(o);
  }

  /** Average fill to the paisa, as Upstox reports it. */
  private averagePrice(o: FakeOrder): number {
    if (o.filled_quantity === 0) return 0;
    const n = BigInt(o.filled_quantity);
    return rupees(((o.fillValue * 2n + n * 100n) / (2n * n * 100n)) * 100n);
  }

  private orderJson(o: FakeOrder): Json {
    return {
      exchange: o.instrument.instrumentKey.startsWith('NSE_FO') ? 'NFO' : 'NSE',
      product: o.product,
      price: rupees(o.price),
      quantity: o.quantity,
      status: o.status,
      guid: null,
      tag: o.tag,
      instrument_token: o.instrument.instrumentKey,
      placed_by: this.userId,
      trading_symbol: o.instrument.tradingSymbol,
      tradingsymbol: o.instrument.tradingSymbol,
      order_type: o.order_type,
      validity: o.validity,
      trigger_price: rupees(o.trigger_price),
      disclosed_quantity: 0,
      transaction_type: o.transaction_type,
      average_price: this.averagePrice(o),
      filled_quantity: o.filled_quantity,
      pending_quantity: TERMINAL.has(o.status) ? 0 : o.quantity - o.filled_quantity,
      status_message: o.status_message,
      status_message_raw: o.status_message,
      exchange_order_id: o.exchange_order_id,
      parent_order_id: null,
      order_id: o.order_id,
      variety: 'SIMPLE',
      order_timestamp: o.order_timestamp,
      exchange_timestamp: o.exchange_timestamp,
      is_amo: o.is_amo,
      order_request_id: '1',
      order_ref_id: `ref-${o.order_id}`,
    };
  }

  private tradeJson(t: FakeTrade): Json {
    const o = t.order;
    return {
      exchange: o.instrument.instrumentKey.startsWith('NSE_FO') ? 'NFO' : 'NSE',
      product: o.product,
      trading_symbol: o.instrument.tradingSymbol,
      tradingsymbol: o.instrument.tradingSymbol,
      instrument_token: o.instrument.instrumentKey,
      order_type: o.order_type,
      transaction_type: o.transaction_type,
      quantity: t.quantity,
      exchange_order_id: o.exchange_order_id,
      order_id: o.order_id,
      exchange_timestamp: t.ts,
      average_price: rupees(t.price),
      trade_id: t.trade_id,
      order_ref_id: `ref-${o.order_id}`,
      order_timestamp: o.order_timestamp,
    };
  }

  private snapshot(o: FakeOrder): void {
    o.history.push(this.orderJson(o));
  }
}
