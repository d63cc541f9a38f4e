import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { formatMoney, formatPrice, type Paise, type PriceTicks } from '@tradeloop/domain';
import { WebSocketServer, type WebSocket } from 'ws';
import { FAKE_KITE_INSTRUMENTS, type FakeKiteInstrument } from './instruments';
import { encodeTickFrame, HEARTBEAT_FRAME, type FakeDepthLevel, type FakeTickData, type FakeTickMode } from './kite-ticks-encoder';
import { FloodPacer, hangOrReset, isAfterAcceptFault, OrderFrameScript, type FakeRequestOutcome } from '../fake-broker-kit';

// A local fake of Zerodha Kite Connect v3 for tests (docs/brokers.md 1 and 5): REST on node:http
// (form bodies, the `{status, data}` envelope, Kite's error types and HTTP statuses), the ticker
// WebSocket (binary ticks, 1-byte heartbeats, order text frames), postbacks with their checksum,
// a small matching book per instrument, and scripted faults. Loopback only. Deterministic: the
// clock is injected, ids come from counters, synthetic ticks from a seeded generator.

type Json = Record<string, unknown>;

/** The routes faults and latency are scripted on. */
export type FakeKiteRoute =
  | 'login'
  | 'session'
  | 'logout'
  | 'profile'
  | 'margins'
  | 'place'
  | 'modify'
  | 'cancel'
  | 'orders'
  | 'order_history'
  | 'order_trades'
  | 'trades'
  | 'positions'
  | 'holdings'
  | 'quote'
  | 'quote_ohlc'
  | 'quote_ltp'
  | 'instruments'
  | 'gtt_place'
  | 'gtt_list'
  | 'gtt_get'
  | 'gtt_modify'
  | 'gtt_delete';

/**
 * A scripted HTTP fault, consumed in order by the next request(s) of its route:
 * - `timeout-before-accept`: nothing is done and no response ever comes (the socket stays open
 *   until the client gives up or the fake stops);
 * - `timeout-after-accept`: the request IS carried out (an order is created) but no response comes;
 * - `reset` / `reset-after-accept`: the connection is destroyed, before / after carrying it out;
 * - `html` / `html-after-accept`: a 200 whose body is an HTML page (a proxy's), not JSON;
 * - `token`: the session is invalidated (403 TokenException now and on every call until a new
 *   `POST /session/token`);
 * - a status (429, 500, 502, 503, 504) or an object: that status with Kite's error body
 *   (429 NetworkException "Too many requests", 5xx GeneralException/NetworkException).
 */
export type FakeKiteFault =
  | 'timeout-before-accept'
  | 'timeout-after-accept'
  | 'reset'
  | 'reset-after-accept'
  | 'html'
  | 'html-after-accept'
  | 'token'
  | 429
  | 500
  | 502
  | 503
  | 504
  | { readonly status: number; readonly errorType?: string; readonly message?: string; readonly afterAccept?: boolean };

export interface FakeKiteRequest {
  readonly seq: number;
  /** The fake's clock when it arrived. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly route: FakeKiteRoute | null;
  readonly query: Readonly<Record<string, string[]>>;
  readonly form: Readonly<Record<string, string>>;
  readonly authorization: string | null;
  readonly kiteVersion: string | null;
  /** What was answered: an HTTP status, or the fault that replaced the answer. */
  outcome: FakeRequestOutcome;
}

export interface FakeQuoteInput {
  readonly ltp: PriceTicks;
  readonly bid?: PriceTicks;
  readonly ask?: PriceTicks;
  readonly bidQty?: number;
  readonly askQty?: number;
  readonly lastQuantity?: number;
  readonly volume?: number;
  readonly open?: PriceTicks;
  readonly high?: PriceTicks;
  readonly low?: PriceTicks;
  readonly close?: PriceTicks;
  readonly oi?: number;
}

interface QuoteState {
  ltp: PriceTicks;
  bid: PriceTicks | null;
  ask: PriceTicks | null;
  bidQty: number;
  askQty: number;
  lastQuantity: number;
  volume: number;
  open: PriceTicks;
  high: PriceTicks;
  low: PriceTicks;
  close: PriceTicks;
  oi: number;
  at: number;
}

interface FakeOrder {
  order_id: string;
  exchange_order_id: string | null;
  parent_order_id: string | null;
  placed_by: string;
  variety: string;
  status: string;
  status_message: string | null;
  status_message_raw: string | null;
  order_timestamp: string;
  exchange_timestamp: string | null;
  exchange_update_timestamp: string | null;
  modified: boolean;
  exchange: string;
  tradingsymbol: string;
  instrument_token: number;
  order_type: string;
  transaction_type: 'BUY' | 'SELL';
  validity: string;
  validity_ttl: number;
  product: string;
  quantity: number;
  disclosed_quantity: number;
  price: PriceTicks;
  trigger_price: PriceTicks;
  filled_quantity: number;
  pending_quantity: number;
  cancelled_quantity: number;
  market_protection: number;
  tag: string | null;
  tags: string[];
  guid: string;
  // internal
  fillValue: bigint;
  modifications: number;
  history: Json[];
  instrument: FakeKiteInstrument;
}

interface FakeTrade {
  readonly trade_id: string;
  readonly order_id: string;
  readonly exchange_order_id: string | null;
  readonly tradingsymbol: string;
  readonly exchange: string;
  readonly instrument_token: number;
  readonly product: string;
  readonly transaction_type: string;
  readonly quantity: number;
  readonly price: PriceTicks;
  readonly fill_timestamp: string;
  readonly order_timestamp: string;
  readonly exchange_timestamp: string;
}

interface PositionState {
  instrument: FakeKiteInstrument;
  product: string;
  /** Carried from an earlier day (NRML, MIS left open): Kite's `overnight_quantity`, signed. */
  overnightQty: number;
  buyQty: number;
  buyValue: bigint; // ticks × quantity
  sellQty: number;
  sellValue: bigint;
}

/** A GTT trigger as the fake holds it (docs/brokers.md 1.9); prices in ticks. */
interface FakeGtt {
  readonly id: number;
  type: 'single' | 'two-leg';
  status: FakeGttStatus;
  instrument: FakeKiteInstrument;
  triggerValues: PriceTicks[];
  lastPrice: PriceTicks;
  orders: FakeGttOrder[];
  /** Per order: null until its trigger fired, then Kite's `result` object. */
  results: (Json | null)[];
  readonly createdAt: number;
  updatedAt: number;
}

interface FakeGttOrder {
  readonly transaction_type: 'BUY' | 'SELL';
  readonly quantity: number;
  readonly order_type: string;
  readonly product: string;
  readonly price: PriceTicks;
}

/** The statuses of a fake trigger: Kite's (`GTT_STATUS_*`) that the fake reaches. */
export type FakeGttStatus = 'active' | 'triggered' | 'cancelled' | 'rejected' | 'deleted' | 'disabled' | 'expired';

interface TickerClient {
  readonly ws: WebSocket;
  readonly modes: Map<number, FakeTickMode>;
}

export interface FakeKiteHolding {
  readonly tradingsymbol: string;
  readonly exchange: string;
  readonly isin: string;
  /** Settled in the demat account (Kite's `quantity`). */
  readonly quantity: number;
  /** Bought, awaiting T+1 delivery (`t1_quantity`). Default 0. */
  readonly t1Quantity?: number;
  readonly averagePrice: PriceTicks;
}

/** A holding as the fake keeps it. */
interface HoldingState {
  readonly tradingsymbol: string;
  readonly exchange: string;
  readonly isin: string;
  quantity: number;
  t1Quantity: number;
  averagePrice: PriceTicks;
}

export interface FakeKitePostback {
  readonly body: Json;
  /** The receiver's HTTP status, or the transport error. */
  readonly result: number | string;
}

export interface FakeKiteOptions {
  readonly apiKey?: string;
  readonly apiSecret?: string;
  readonly userId?: string;
  /** The clock (epoch ms). Default `Date.now`. Timestamps are written in IST. */
  readonly now?: () => number;
  /** Replaces the seeded instrument table (`FAKE_KITE_INSTRUMENTS`). */
  readonly instruments?: readonly FakeKiteInstrument[];
  /** Heartbeat interval on ticker connections; null: none. Default 1000 ms (Kite's). */
  readonly heartbeatMs?: number | null;
  /** Where postbacks go (the app's registered postback_url); null: none. */
  readonly postbackUrl?: string | null;
  /** The app's registered redirect URL: the login page redirects there with a request_token. */
  readonly redirectUrl?: string | null;
  /** Refuse with 429 above Kite's limits (docs/brokers.md 1.6). Default off: only counted. */
  readonly enforceRateLimits?: boolean;
  readonly rateLimits?: Partial<FakeKiteRateLimits>;
  /** At most this many units fill per order per quote update (partial fills); null: all at once. */
  readonly fillPerQuote?: number | null;
  /** Opening cash per segment, in ticks (1/10000 rupee). Default ₹1 crore each. */
  readonly openingBalance?: { readonly equity?: bigint; readonly commodity?: bigint };
  /**
   * Kite's order updates (ticker frames and postbacks) say `UPDATE` for a modification or a
   * partial fill, not the order's status (docs/brokers.md 1.4). Default true; false sends the status.
   */
  readonly updateStatusInUpdates?: boolean;
  /** Autoslice children carry `parent_order_id` = the parent (besides Kite's `autoslice:<parent>` tag). Default true. */
  readonly autosliceParentOrderId?: boolean;
}

export interface FakeKiteRateLimits {
  readonly ordersPerSecond: number;
  readonly ordersPerMinute: number;
  readonly quotesPerSecond: number;
  readonly otherPerSecond: number;
}

export type FakeKiteRateCategory = 'order' | 'quote' | 'other';

export interface FakeKiteEndpoints {
  /** REST base (what `new KiteConnect({ root })` takes). */
  readonly apiRoot: string;
  /** The login page (`?v=3&api_key=…`); redirects to `redirectUrl` with a request token. */
  readonly loginUrl: string;
  /** Ticker root (what `new KiteTicker({ root })` takes): append `?api_key=…&access_token=…`. */
  readonly wsUrl: string;
}

class KiteApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

/** A handler wrote the response itself (a redirect, a CSV). */
const RESPONDED = Symbol('responded');
const input = (message: string): KiteApiError => new KiteApiError(400, 'InputException', message);
const IST_MS = (5 * 60 + 30) * 60_000;
const PAISE_STEP = 100n;
const ROUTE_CATEGORY: Record<FakeKiteRoute, FakeKiteRateCategory> = {
  login: 'other',
  session: 'other',
  logout: 'other',
  profile: 'other',
  margins: 'other',
  place: 'order',
  modify: 'order',
  cancel: 'order',
  orders: 'other',
  order_history: 'other',
  order_trades: 'other',
  trades: 'other',
  positions: 'other',
  holdings: 'other',
  quote: 'quote',
  quote_ohlc: 'quote',
  quote_ltp: 'quote',
  instruments: 'other',
  gtt_place: 'order',
  gtt_list: 'other',
  gtt_get: 'other',
  gtt_modify: 'order',
  gtt_delete: 'order',
};
const DEFAULT_LIMITS: FakeKiteRateLimits = { ordersPerSecond: 10, ordersPerMinute: 400, quotesPerSecond: 1, otherPerSecond: 10 };
const ORDER_TYPES = ['MARKET', 'LIMIT', 'SL', 'SL-M'];
const PRODUCTS = ['CNC', 'MIS', 'NRML', 'MTF'];
const VALIDITIES = ['DAY', 'IOC', 'TTL'];
const VARIETIES = ['regular', 'amo'];
const KNOWN_VARIETIES = ['regular', 'amo', 'co', 'iceberg', 'auction'];
const WORKING = new Set(['OPEN', 'TRIGGER PENDING', 'AMO REQ RECEIVED']);
const TERMINAL = new Set(['COMPLETE', 'CANCELLED', 'REJECTED']);
const COMMODITY_EXCHANGES = new Set(['MCX']);
const HTML_PAGE = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';

/** Ticks as the decimal rupee number Kite's JSON carries (exact: via the decimal string). */
const rupees = (ticks: PriceTicks | bigint): number => {
  if (typeof ticks === 'bigint') {
    const neg = ticks < 0n;
    const abs = neg ? -ticks : ticks;
    return Number(`${neg ? '-' : ''}${abs / 10_000n}.${String(abs % 10_000n).padStart(4, '0')}`);
  }
  return Number(formatPrice(ticks));
};

/** Rounds half away from zero to a multiple of `step`. */
const roundTo = (value: bigint, step: bigint): bigint => {
  const neg = value < 0n;
  const abs = neg ? -value : value;
  const r = ((abs + step / 2n) / step) * step;
  return neg ? -r : r;
};

/** An IST wall-clock string, as Kite writes every timestamp: `2026-12-07 09:15:00`. */
export function kiteTimestamp(epochMs: number): string {
  return new Date(epochMs + IST_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** A decimal rupee form value → ticks, exactly; null when it is not a decimal with ≤ 4 places. */
function parseRupees(text: string | undefined): PriceTicks | null {
  if (text === undefined) return null;
  const m = /^(\d{1,9})(?:\.(\d{1,4})0*)?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 10_000 + Number((m[2] ?? '').padEnd(4, '0'));
}

function parseCount(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,9}$/.test(text.trim())) return null;
  return Number(text.trim());
}

/**
 * The fake. `start()` listens on 127.0.0.1 (a free port); everything else is the control
 * surface tests use. Events: `request` (FakeKiteRequest), `fault` ({route, fault, request}, once a
 * scripted fault has been applied), `order` (the order object after each change), `ticker` (`connect`/`message`/`close` with details), `ticker-ping` (a client's ping payload, answered
 * unless stalled), `postback` (FakeKitePostback).
 */
export class FakeKite extends EventEmitter {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly userId: string;
  /** Per-route latency in real milliseconds before a request is handled; `'*'` for all routes. */
  readonly latencyMs: Partial<Record<FakeKiteRoute | '*', number>> = {};
  /** Every request, in arrival order. */
  readonly requests: FakeKiteRequest[] = [];
  /** Every postback sent, with the receiver's answer. */
  readonly postbacks: FakeKitePostback[] = [];
  /** Every order text frame the ticker sent (after drop/duplicate/reorder faults), as sent. */
  readonly orderFramesSent: string[] = [];

  private now: () => number;
  private readonly opts: FakeKiteOptions;
  private readonly limits: FakeKiteRateLimits;
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private port = 0;
  private readonly sockets = new Set<Socket>();
  private readonly hung = new Set<ServerResponse>();
  private readonly instrumentsByKey = new Map<string, FakeKiteInstrument>();
  private readonly instrumentsByToken = new Map<number, FakeKiteInstrument>();
  private readonly quotes = new Map<number, QuoteState>();
  private readonly orders = new Map<string, FakeOrder>();
  private readonly trades: FakeTrade[] = [];
  private readonly positions = new Map<string, PositionState>();
  private holdings: HoldingState[] = [
    { tradingsymbol: 'INFY', exchange: 'NSE', isin: 'INE009A01021', quantity: 10, t1Quantity: 0, averagePrice: 15_000_000 },
  ];
  private readonly opening: { equity: bigint; commodity: bigint };
  private readonly faults = new Map<FakeKiteRoute | '*', FakeKiteFault[]>();
  private readonly requestTokens = new Set<string>();
  private accessToken: string | null = null;
  private seq = { request: 0, order: 0, exchangeOrder: 0, trade: 0, token: 0, guid: 0, parent: 0, gtt: 0 };
  private readonly gttBook = new Map<number, FakeGtt>();
  private placed = 0;
  private rejectNextWith: string | null = null;
  private matchingPaused = false;
  private readonly clients = new Set<TickerClient>();
  private heartbeat: NodeJS.Timeout | null = null;
  private heartbeatMs: number | null;
  private stalled = false;
  private readonly orderFrames = new OrderFrameScript((text) => this.sendText(text));
  private postbackUrl: string | null;
  private readonly inFlightPostbacks = new Set<Promise<void>>();
  private postbackChain: Promise<void> = Promise.resolve();
  private readonly feeds = new Set<NodeJS.Timeout>();

  constructor(options: FakeKiteOptions = {}) {
    super();
    this.opts = options;
    this.apiKey = options.apiKey ?? 'fakekiteapikey';
    this.apiSecret = options.apiSecret ?? 'fakekiteapisecret';
    this.userId = options.userId ?? 'AB1234';
    this.now = options.now ?? Date.now;
    this.limits = { ...DEFAULT_LIMITS, ...options.rateLimits };
    this.heartbeatMs = options.heartbeatMs === undefined ? 1000 : options.heartbeatMs;
    this.postbackUrl = options.postbackUrl ?? null;
    this.opening = {
      equity: options.openingBalance?.equity ?? 100_000_000_000n,
      commodity: options.openingBalance?.commodity ?? 100_000_000_000n,
    };
    for (const i of options.instruments ?? FAKE_KITE_INSTRUMENTS) this.addInstrument(i);
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<FakeKiteEndpoints> {
    if (this.server) throw new Error('FakeKite already started');
    const server = createServer((req, res) => {
      // A bug in the fake answers 500 with its message instead of killing the test run.
      this.onRequest(req, res).catch((e: unknown) => {
        if (res.headersSent || res.destroyed) return;
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ status: 'error', message: `FakeKite: ${String(e)}`, error_type: 'GeneralException', data: null }));
      });
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    // Pongs by hand: a stalled ticker must not answer pings either.
    this.wss = new WebSocketServer({ noServer: true, autoPong: false });
    server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket as Socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    this.setHeartbeat(this.heartbeatMs);
    return this.endpoints();
  }

  endpoints(): FakeKiteEndpoints {
    const root = `http://127.0.0.1:${this.port}`;
    return { apiRoot: root, loginUrl: `${root}/connect/login`, wsUrl: `ws://127.0.0.1:${this.port}/ws` };
  }

  async stop(): Promise<void> {
    for (const f of this.feeds) clearInterval(f);
    this.feeds.clear();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    await this.postbacksSettled();
    const server = this.server;
    this.server = null;
    if (!server) return;
    this.wss?.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Replace the clock (epoch ms). */
  setClock(now: () => number): void {
    this.now = now;
  }

  // ---------------------------------------------------------------- session

  /** What Kite's login page does after the user logs in: a fresh single-use request token. */
  issueRequestToken(): string {
    this.seq.token += 1;
    const token = `reqtoken${String(this.seq.token).padStart(6, '0')}`;
    this.requestTokens.add(token);
    return token;
  }

  /** The access token of the current session, or null when logged out / expired. */
  get currentAccessToken(): string | null {
    return this.accessToken;
  }

  /** The session ends (06:00 IST, a logout elsewhere): every call 403 TokenException until a new session; tickers are closed. */
  expireSession(options: { closeTicker?: boolean } = {}): void {
    this.accessToken = null;
    if (options.closeTicker !== false) this.closeTicker(1000, 'session expired');
  }

  /** Start a session without the HTTP exchange (for tests about something else). */
  createSession(): string {
    this.seq.token += 1;
    this.accessToken = `accesstoken${String(this.seq.token).padStart(6, '0')}`;
    return this.accessToken;
  }

  // ---------------------------------------------------------------- control: market

  addInstrument(i: FakeKiteInstrument): void {
    this.instrumentsByKey.set(`${i.exchange}:${i.tradingsymbol}`, i);
    this.instrumentsByToken.set(i.instrumentToken, i);
  }

  instrument(exchange: string, tradingsymbol: string): FakeKiteInstrument {
    const i = this.instrumentsByKey.get(`${exchange}:${tradingsymbol}`);
    if (!i) throw new Error(`no instrument ${exchange}:${tradingsymbol}`);
    return i;
  }

  instruments(): FakeKiteInstrument[] {
    return [...this.instrumentsByKey.values()];
  }

  /**
   * The market for one instrument moves (prices in ticks): working orders match against the new
   * touch, and subscribed tickers get a frame in their mode.
   */
  setQuote(exchange: string, tradingsymbol: string, q: FakeQuoteInput): void {
    const i = this.instrument(exchange, tradingsymbol);
    const prev = this.quotes.get(i.instrumentToken);
    const at = this.now();
    const state: QuoteState = {
      ltp: q.ltp,
      bid: q.bid ?? null,
      ask: q.ask ?? null,
      bidQty: q.bidQty ?? 0,
      askQty: q.askQty ?? 0,
      lastQuantity: q.lastQuantity ?? prev?.lastQuantity ?? 0,
      volume: q.volume ?? prev?.volume ?? 0,
      open: q.open ?? prev?.open ?? q.ltp,
      high: q.high ?? Math.max(prev?.high ?? q.ltp, q.ltp),
      low: q.low ?? Math.min(prev?.low ?? q.ltp, q.ltp),
      close: q.close ?? prev?.close ?? q.ltp,
      oi: q.oi ?? prev?.oi ?? 0,
      at,
    };
    this.quotes.set(i.instrumentToken, state);
    this.fireGtts(i.instrumentToken, state.ltp);
    if (!this.matchingPaused) this.matchInstrument(i.instrumentToken);
    this.broadcastTick(i.instrumentToken);
  }

  /** Orders stop matching (an ack never followed by a fill) until `resumeMatching()`. */
  pauseMatching(): void {
    this.matchingPaused = true;
  }

  resumeMatching(): void {
    this.matchingPaused = false;
    for (const token of this.quotes.keys()) this.matchInstrument(token);
  }

  /** Releases after-market orders to the exchange (they open, then match). */
  openAmoOrders(): void {
    for (const o of this.orders.values()) {
      if (o.status !== 'AMO REQ RECEIVED') continue;
      this.transition(o, ['OPEN PENDING'], false);
      this.open(o);
    }
  }

  /** The RMS refuses the next order placed (it is created REJECTED with this message). */
  rejectNextOrder(message = 'RMS:Rule: Check circuit limit including square off order exceeds'): void {
    this.rejectNextWith = message;
  }

  setHoldings(holdings: readonly FakeKiteHolding[]): void {
    this.holdings = holdings.map((h) => ({ ...h, t1Quantity: h.t1Quantity ?? 0 }));
  }

  /** The holdings as the fake keeps them (settled and T1 quantities, average in ticks). */
  holdingsNow(): FakeKiteHolding[] {
    return this.holdings.map((h) => ({ ...h }));
  }

  /**
   * The day ends and the next begins, as Kite moves its books (docs/brokers.md 4.12): the T1
   * holdings settle; each CNC position becomes holdings — a net buy as T1 (averaged into the
   * holding), a net sell (of holdings) taken off the settled quantity; other products still open
   * are carried as overnight positions; the order book and trade book start empty; and the day's
   * cash moves into the next day's opening balance (CNC: what was paid and received; others:
   * the realised P&L).
   */
  rollDay(): void {
    for (const h of this.holdings) {
      h.quantity += h.t1Quantity;
      h.t1Quantity = 0;
    }
    const carried = new Map<string, PositionState>();
    for (const [key, p] of this.positions) {
      const segment = this.segmentOf(p.instrument.exchange);
      const m = BigInt(p.instrument.multiplier);
      const net = p.buyQty - p.sellQty;
      if (p.product === 'CNC') {
        this.opening[segment] += (p.sellValue - p.buyValue) * m;
        if (net === 0) continue;
        let h = this.holdings.find((x) => x.exchange === p.instrument.exchange && x.tradingsymbol === p.instrument.tradingsymbol);
        if (!h) {
          h = {
            tradingsymbol: p.instrument.tradingsymbol,
            exchange: p.instrument.exchange,
            isin: `INE${String(p.instrument.instrumentToken).padStart(9, '0')}`,
            quantity: 0,
            t1Quantity: 0,
            averagePrice: 0,
          };
          this.holdings.push(h);
        }
        if (net > 0) {
          const before = BigInt(h.quantity);
          const bought = (p.buyValue * BigInt(net)) / BigInt(p.buyQty);
          h.averagePrice = Number((before * BigInt(h.averagePrice) + bought) / (before + BigInt(net)));
          h.t1Quantity += net;
        } else h.quantity += net;
        continue;
      }
      const closed = BigInt(Math.min(p.buyQty, p.sellQty));
      if (closed > 0n) this.opening[segment] += ((p.sellValue * closed) / BigInt(p.sellQty) - (p.buyValue * closed) / BigInt(p.buyQty)) * m;
      if (net === 0) continue;
      const value = net > 0 ? (p.buyValue * BigInt(net)) / BigInt(p.buyQty) : (p.sellValue * BigInt(-net)) / BigInt(p.sellQty);
      carried.set(key, {
        instrument: p.instrument,
        product: p.product,
        overnightQty: net,
        buyQty: Math.max(net, 0),
        buyValue: net > 0 ? value : 0n,
        sellQty: Math.max(-net, 0),
        sellValue: net < 0 ? value : 0n,
      });
    }
    this.holdings = this.holdings.filter((h) => h.quantity + h.t1Quantity !== 0);
    this.positions.clear();
    for (const [key, p] of carried) this.positions.set(key, p);
    this.orders.clear();
    this.trades.length = 0;
  }

  setOpeningBalance(segment: 'equity' | 'commodity', ticks: bigint): void {
    this.opening[segment] = ticks;
  }

  setPostbackUrl(url: string | null): void {
    this.postbackUrl = url;
  }

  // ---------------------------------------------------------------- control: faults

  /** Script a fault for the next request(s) of a route (`'*'`: whichever route comes next). Faults run in the order given. */
  failNext(route: FakeKiteRoute | '*', fault: FakeKiteFault, times = 1): void {
    const queue = this.faults.get(route) ?? [];
    for (let n = 0; n < times; n += 1) queue.push(fault);
    this.faults.set(route, queue);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  setLatency(route: FakeKiteRoute | '*', ms: number): void {
    this.latencyMs[route] = ms;
  }

  /** The ticker keeps its connections open but sends nothing at all (no ticks, no heartbeats, no order frames, no pongs). */
  stallTicker(): void {
    this.stalled = true;
  }

  resumeTicker(): void {
    this.stalled = false;
  }

  /** Close every ticker connection with this code (1006: drop the TCP connection without a close frame). */
  closeTicker(code = 1011, reason = 'closed by the fake'): void {
    for (const c of this.clients) {
      if (code === 1006) c.ws.terminate();
      else c.ws.close(code, reason);
    }
  }

  dropNextOrderFrames(n: number): void {
    this.orderFrames.dropNext(n);
  }

  duplicateOrderFrames(on: boolean): void {
    this.orderFrames.duplicate(on);
  }

  /** Each order frame is held back and sent after the next one (pairs swapped); off sends a held frame. */
  reorderOrderFrames(on: boolean): void {
    this.orderFrames.reorder(on);
  }

  setHeartbeat(ms: number | null): void {
    this.heartbeatMs = ms;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (ms === null || !this.server) return;
    this.heartbeat = setInterval(() => {
      if (this.stalled) return;
      for (const c of this.clients) if (c.ws.readyState === c.ws.OPEN) c.ws.send(HEARTBEAT_FRAME);
    }, ms);
    this.heartbeat.unref();
  }

  /** Raw bytes as one binary frame to every ticker connection (a malformed or hand-built frame, for feed tests). */
  sendTickerBinary(frame: Buffer): void {
    for (const c of this.clients) if (c.ws.readyState === c.ws.OPEN) c.ws.send(frame, { binary: true });
  }

  /** A `{"type":"message"}` or `{"type":"error"}` text frame to every ticker connection. */
  sendTickerText(type: 'message' | 'error', data: unknown): void {
    this.sendText(JSON.stringify({ type, data }));
  }

  // ---------------------------------------------------------------- inspection

  /** Orders accepted by `POST /orders/:variety` (autoslice children count one each). */
  ordersPlaced(): number {
    return this.placed;
  }

  /** Today's orders as Kite's order objects (GET /orders). */
  orderBook(): Json[] {
    return [...this.orders.values()].map((o) => this.orderJson(o));
  }

  order(orderId: string): Json | null {
    const o = this.orders.get(orderId);
    return o ? this.orderJson(o) : null;
  }

  orderHistory(orderId: string): Json[] {
    return [...(this.orders.get(orderId)?.history ?? [])];
  }

  tradeBook(): Json[] {
    return this.trades.map((t) => this.tradeJson(t));
  }

  positionsJson(): { net: Json[]; day: Json[] } {
    const rows = [...this.positions.values()].map((p) => this.positionJson(p));
    return { net: rows, day: rows };
  }

  tickerConnections(): number {
    return this.clients.size;
  }

  /** Each ticker connection's subscriptions (token → mode). */
  tickerSubscriptions(): Map<number, FakeTickMode>[] {
    return [...this.clients].map((c) => new Map(c.modes));
  }

  /** Requests of a category within the window ending now (the fake's clock). */
  requestCount(category: FakeKiteRateCategory | 'all', windowMs: number): number {
    const from = this.now() - windowMs;
    return this.requests.filter((r) => r.at > from && (category === 'all' || (r.route !== null && ROUTE_CATEGORY[r.route] === category)))
      .length;
  }

  /** The most requests of a category seen in any window of `windowMs` (1000: per second, 60000: per minute). */
  peakRequestRate(category: FakeKiteRateCategory | 'all', windowMs: number): number {
    const times = this.requests
      .filter((r) => category === 'all' || (r.route !== null && ROUTE_CATEGORY[r.route] === category))
      .map((r) => r.at);
    let peak = 0;
    for (let i = 0, j = 0; i < times.length; i += 1) {
      while ((times[i] ?? 0) - (times[j] ?? 0) >= windowMs) j += 1;
      peak = Math.max(peak, i - j + 1);
    }
    return peak;
  }

  /** Resolves with the first event of that name whose argument passes `match`; rejects after `timeoutMs` (a guard, not a wait). */
  waitFor<T = unknown>(event: string, match: (value: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onEvent = (value: T): void => {
        if (!match(value)) return;
        clearTimeout(timer);
        this.off(event, onEvent);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.off(event, onEvent);
        reject(new Error(`FakeKite: no matching '${event}' event within ${timeoutMs} ms`));
      }, timeoutMs);
      this.on(event, onEvent);
    });
  }

  /** Resolves when every postback sent so far has been answered (or failed). */
  async postbacksSettled(): Promise<void> {
    while (this.inFlightPostbacks.size > 0) await Promise.all([...this.inFlightPostbacks]);
  }

  // ---------------------------------------------------------------- benchmark feed

  /**
   * Sends about `ticksPerSecond` ticks to every ticker connection for its subscribed tokens (in
   * its modes), every `intervalMs` in frames of at most `ticksPerFrame` (default 500), prices from a seeded random walk around each
   * token's quote (or ₹1000). The book is not touched. `stop()` ends it and tells how many ticks went out.
   */
  feedTicks(options: { ticksPerSecond: number; intervalMs?: number; seed?: number; ticksPerFrame?: number }): { stop(): number } {
    const intervalMs = options.intervalMs ?? 10;
    const perFrame = options.ticksPerFrame ?? 500;
    let seed = options.seed ?? 12345;
    const rand = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const walk = new Map<number, number>();
    let sent = 0;
    const pacer = new FloodPacer(options.ticksPerSecond);
    const timer = setInterval(() => {
      if (this.stalled) return;
      const due = pacer.take();
      if (due <= 0) return;
      for (const c of this.clients) {
        const tokens = [...c.modes.keys()];
        if (tokens.length === 0 || c.ws.readyState !== c.ws.OPEN) continue;
        const packets: { tick: FakeTickData; mode: FakeTickMode }[] = [];
        for (let n = 0; n < due; n += 1) {
          const token = tokens[(sent + n) % tokens.length]!;
          const base = walk.get(token) ?? (this.quotes.get(token)?.ltp ?? 10_000_000) / 100;
          const next = Math.max(100, Math.round(base + (rand() - 0.5) * 20));
          walk.set(token, next);
          packets.push({ tick: this.syntheticTick(token, next * 100), mode: c.modes.get(token)! });
        }
        for (let from = 0; from < packets.length; from += perFrame) c.ws.send(encodeTickFrame(packets.slice(from, from + perFrame)));
      }
      sent += due;
    }, intervalMs);
    this.feeds.add(timer);
    return {
      stop: () => {
        clearInterval(timer);
        this.feeds.delete(timer);
        return sent;
      },
    };
  }

  private syntheticTick(token: number, ltp: PriceTicks): FakeTickData {
    const step = 500;
    const levels = (dir: number): FakeDepthLevel[] =>
      [0, 1, 2, 3, 4].map((k) => ({ quantity: 10 * (k + 1), price: ltp + dir * step * (k + 1), orders: k + 1 }));
    const t = Math.floor(this.now() / 1000) * 1000;
    return {
      instrumentToken: token,
      lastPrice: ltp,
      lastQuantity: 1,
      averagePrice: ltp,
      volume: 1000,
      totalBuyQuantity: 150,
      totalSellQuantity: 150,
      open: ltp,
      high: ltp,
      low: ltp,
      close: ltp,
      lastTradeTime: t,
      exchangeTimestamp: t,
      bids: levels(-1),
      offers: levels(1),
    };
  }

  // ---------------------------------------------------------------- HTTP

  private route(method: string, path: string): { route: FakeKiteRoute; params: string[] } | null {
    const parts = path
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);
    const [a, b, c] = parts;
    const n = parts.length;
    if (method === 'GET' && a === 'connect' && b === 'login' && n === 2) return { route: 'login', params: [] };
    if (a === 'session' && b === 'token' && n === 2) {
      if (method === 'POST') return { route: 'session', params: [] };
      if (method === 'DELETE') return { route: 'logout', params: [] };
    }
    if (method === 'GET' && a === 'user' && b === 'profile' && n === 2) return { route: 'profile', params: [] };
    if (method === 'GET' && a === 'user' && b === 'margins' && (n === 2 || n === 3)) return { route: 'margins', params: c ? [c] : [] };
    if (a === 'orders') {
      if (method === 'GET' && n === 1) return { route: 'orders', params: [] };
      if (method === 'POST' && n === 2) return { route: 'place', params: [b!] };
      if (method === 'PUT' && n === 3) return { route: 'modify', params: [b!, c!] };
      if (method === 'DELETE' && n === 3) return { route: 'cancel', params: [b!, c!] };
      if (method === 'GET' && n === 2) return { route: 'order_history', params: [b!] };
      if (method === 'GET' && n === 3 && c === 'trades') return { route: 'order_trades', params: [b!] };
    }
    if (method === 'GET' && a === 'instruments' && (n === 1 || n === 2)) return { route: 'instruments', params: b ? [b] : [] };
    if (method === 'GET' && a === 'trades' && n === 1) return { route: 'trades', params: [] };
    if (method === 'GET' && a === 'portfolio' && b === 'positions' && n === 2) return { route: 'positions', params: [] };
    if (method === 'GET' && a === 'portfolio' && b === 'holdings' && n === 2) return { route: 'holdings', params: [] };
    if (a === 'gtt' && b === 'triggers') {
      if (method === 'POST' && n === 2) return { route: 'gtt_place', params: [] };
      if (method === 'GET' && n === 2) return { route: 'gtt_list', params: [] };
      if (method === 'GET' && n === 3) return { route: 'gtt_get', params: [c!] };
      if (method === 'PUT' && n === 3) return { route: 'gtt_modify', params: [c!] };
      if (method === 'DELETE' && n === 3) return { route: 'gtt_delete', params: [c!] };
    }
    if (method === 'GET' && a === 'quote') {
      if (n === 1) return { route: 'quote', params: [] };
      if (n === 2 && b === 'ohlc') return { route: 'quote_ohlc', params: [] };
      if (n === 2 && b === 'ltp') return { route: 'quote_ltp', params: [] };
    }
    return null;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const matched = this.route(method, url.pathname);
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
    const form: Record<string, string> = {};
    if ((req.headers['content-type'] ?? '').includes('application/json')) {
      try {
        const parsed = JSON.parse(body) as unknown;
        if (parsed && typeof parsed === 'object') for (const [k, v] of Object.entries(parsed)) form[k] = String(v);
      } catch {
        // left empty: the handler refuses the missing fields
      }
    } else for (const [k, v] of new URLSearchParams(body)) form[k] = v;
    this.seq.request += 1;
    const entry: FakeKiteRequest = {
      seq: this.seq.request,
      at: this.now(),
      method,
      path: url.pathname,
      route: matched?.route ?? null,
      query,
      form,
      authorization: typeof req.headers.authorization === 'string' ? req.headers.authorization : null,
      kiteVersion: typeof req.headers['x-kite-version'] === 'string' ? req.headers['x-kite-version'] : null,
      outcome: null,
    };
    this.requests.push(entry);
    this.emit('request', entry);

    const send = (status: number, payload: unknown, contentType = 'application/json'): void => {
      entry.outcome = status;
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    const sendError = (status: number, errorType: string, message: string): void =>
      send(status, { status: 'error', message, error_type: errorType, data: null });

    if (!matched) return sendError(404, 'GeneralException', 'Route not found');
    const { route, params } = matched;
    const latency = this.latencyMs[route] ?? this.latencyMs['*'] ?? 0;
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));

    const fault = this.takeFault(route);
    const afterAccept = isAfterAcceptFault(fault) || (typeof fault === 'object' && fault !== null && fault.afterAccept === true);
    const applyFault = (f: FakeKiteFault): void => {
      if (hangOrReset(f, entry, req, res, this.hung)) return;
      if (f === 'html' || f === 'html-after-accept') return send(200, HTML_PAGE, 'text/html');
      if (f === 'token') {
        this.accessToken = null;
        return sendError(403, 'TokenException', 'Incorrect `api_key` or `access_token`.');
      }
      const spec = typeof f === 'number' ? { status: f } : f;
      const errorType =
        spec.errorType ?? (spec.status === 429 || spec.status === 502 || spec.status === 504 ? 'NetworkException' : 'GeneralException');
      const message =
        spec.message ??
        (spec.status === 429
          ? 'Too many requests'
          : spec.status === 502
            ? 'Gateway error: the OMS could not be reached.'
            : spec.status === 503
              ? 'Service unavailable.'
              : spec.status === 504
                ? 'Gateway timed out.'
                : 'Something went wrong.');
      return sendError(spec.status, errorType, message);
    };
    if (fault !== null && !afterAccept) {
      applyFault(fault);
      this.emit('fault', { route, fault, request: entry });
      return;
    }

    if (this.opts.enforceRateLimits && this.overLimit(route)) return sendError(429, 'NetworkException', 'Too many requests');

    let status = 200;
    let payload: unknown;
    try {
      if (route !== 'session' && route !== 'login' && route !== 'logout') this.authorise(entry.authorization);
      const result = this.handle(route, params, form, query, res);
      if (result === RESPONDED) {
        entry.outcome = res.statusCode;
        return;
      }
      payload = { status: 'success', data: result };
    } catch (e) {
      if (!(e instanceof KiteApiError)) throw e;
      status = e.status;
      payload = { status: 'error', message: e.message, error_type: e.errorType, data: null };
    }
    if (fault !== null) {
      applyFault(fault);
      this.emit('fault', { route, fault, request: entry });
      return;
    }
    send(status, payload);
  }

  private takeFault(route: FakeKiteRoute): FakeKiteFault | null {
    for (const key of [route, '*'] as const) {
      const queue = this.faults.get(key);
      if (queue && queue.length > 0) return queue.shift()!;
    }
    return null;
  }

  private overLimit(route: FakeKiteRoute): boolean {
    const category = ROUTE_CATEGORY[route];
    // The current request is already in the log.
    if (category === 'order')
      return (
        this.requestCount('order', 1000) > this.limits.ordersPerSecond || this.requestCount('order', 60_000) > this.limits.ordersPerMinute
      );
    if (category === 'quote') return this.requestCount('quote', 1000) > this.limits.quotesPerSecond;
    return this.requestCount('other', 1000) > this.limits.otherPerSecond;
  }

  private authorise(header: string | null): void {
    const m = /^token (.+):(.+)$/.exec(header ?? '');
    if (!m || m[1] !== this.apiKey || this.accessToken === null || m[2] !== this.accessToken)
      throw new KiteApiError(403, 'TokenException', 'Incorrect `api_key` or `access_token`.');
  }

  private handle(
    route: FakeKiteRoute,
    params: string[],
    form: Record<string, string>,
    query: Record<string, string[]>,
    res: ServerResponse,
  ): unknown {
    switch (route) {
      case 'login':
        return this.loginPage(query, res);
      case 'session':
        return this.exchangeToken(form);
      case 'logout':
        if (query.api_key?.[0] !== this.apiKey || query.access_token?.[0] !== this.accessToken || this.accessToken === null)
          throw new KiteApiError(403, 'TokenException', 'Invalid session credentials');
        this.accessToken = null;
        return true;
      case 'profile':
        return this.profile();
      case 'margins':
        return this.margins(params[0]);
      case 'place':
        return this.place(params[0]!, form);
      case 'modify':
        return this.modify(params[0]!, params[1]!, form);
      case 'cancel':
        return this.cancel(params[0]!, params[1]!);
      case 'orders':
        return this.orderBook();
      case 'order_history':
        return this.findOrder(params[0]!).history;
      case 'order_trades': {
        const o = this.findOrder(params[0]!);
        return this.trades.filter((t) => t.order_id === o.order_id).map((t) => this.tradeJson(t));
      }
      case 'trades':
        return this.tradeBook();
      case 'positions':
        return this.positionsJson();
      case 'holdings':
        return this.holdingsJson();
      case 'quote':
      case 'quote_ohlc':
      case 'quote_ltp':
        return this.quoteJson(route, query.i ?? []);
      case 'gtt_place':
        return this.placeGtt(form);
      case 'gtt_list':
        return [...this.gttBook.values()].filter((g) => g.status !== 'deleted').map((g) => this.gttJson(g));
      case 'gtt_get':
        return this.gttJson(this.findGtt(params[0]!));
      case 'gtt_modify':
        return this.modifyGtt(params[0]!, form);
      case 'gtt_delete':
        return this.deleteGtt(params[0]!);
      case 'instruments': {
        const csv = this.instrumentsCsv(params[0]);
        res.writeHead(200, { 'Content-Type': 'text/csv', 'Content-Length': Buffer.byteLength(csv) });
        res.end(csv);
        return RESPONDED;
      }
    }
  }

  // ---------------------------------------------------------------- session handlers

  private loginPage(query: Record<string, string[]>, res: ServerResponse): unknown {
    if (query.api_key?.[0] !== this.apiKey) throw input('Invalid `api_key`.');
    const redirect = this.opts.redirectUrl;
    if (!redirect) throw input('No redirect URL is registered for this app.');
    const target = new URL(redirect);
    const extra = query.redirect_params?.[0];
    if (extra) for (const [k, v] of new URLSearchParams(extra)) target.searchParams.set(k, v);
    target.searchParams.set('action', 'login');
    target.searchParams.set('type', 'login');
    target.searchParams.set('status', 'success');
    target.searchParams.set('request_token', this.issueRequestToken());
    res.writeHead(302, { Location: target.toString() });
    res.end();
    return RESPONDED;
  }

  private exchangeToken(form: Record<string, string>): unknown {
    const { api_key: apiKey, request_token: requestToken, checksum } = form;
    if (!apiKey) throw input('Missing `api_key`.');
    if (!requestToken) throw input('Missing `request_token`.');
    if (!checksum) throw input('Missing `checksum`.');
    if (apiKey !== this.apiKey) throw new KiteApiError(403, 'InputException', 'Invalid `api_key`.');
    const expected = createHash('sha256')
      .update(apiKey + requestToken + this.apiSecret)
      .digest('hex');
    if (checksum !== expected) throw new KiteApiError(403, 'TokenException', 'Invalid `checksum`.');
    if (!this.requestTokens.delete(requestToken)) throw new KiteApiError(403, 'TokenException', 'Token is invalid or has expired.');
    const accessToken = this.createSession();
    return {
      ...this.profile(),
      api_key: this.apiKey,
      access_token: accessToken,
      public_token: `public${accessToken.slice(-6)}`,
      enctoken: `enc${accessToken.slice(-6)}`,
      refresh_token: '',
      silo: '',
      login_time: kiteTimestamp(this.now()),
      meta: { demat_consent: 'physical' },
    };
  }

  private profile(): Json {
    return {
      user_id: this.userId,
      user_type: 'individual',
      email: 'fake@example.com',
      user_name: 'Fake Kite User',
      user_shortname: 'Fake',
      broker: 'ZERODHA',
      exchanges: ['NSE', 'NFO', 'BFO', 'CDS', 'BSE', 'MCX', 'BCD', 'MF'],
      products: ['CNC', 'NRML', 'MIS', 'BO', 'CO'],
      order_types: ['MARKET', 'LIMIT', 'SL', 'SL-M'],
      avatar_url: null,
      meta: { demat_consent: 'physical' },
    };
  }

  // ---------------------------------------------------------------- funds and portfolio

  private segmentOf(exchange: string): 'equity' | 'commodity' {
    return COMMODITY_EXCHANGES.has(exchange) ? 'commodity' : 'equity';
  }

  /** Realised P&L and the notional held in open positions (ticks), per segment. */
  private usage(segment: 'equity' | 'commodity'): { realised: bigint; blocked: bigint } {
    let realised = 0n;
    let blocked = 0n;
    for (const p of this.positions.values()) {
      if (this.segmentOf(p.instrument.exchange) !== segment) continue;
      const m = BigInt(p.instrument.multiplier);
      const closed = BigInt(Math.min(p.buyQty, p.sellQty));
      if (closed > 0n) realised += ((p.sellValue * closed) / BigInt(p.sellQty) - (p.buyValue * closed) / BigInt(p.buyQty)) * m;
      const net = p.buyQty - p.sellQty;
      if (net > 0) blocked += ((p.buyValue * BigInt(net)) / BigInt(p.buyQty)) * m;
      if (net < 0) blocked += ((p.sellValue * BigInt(-net)) / BigInt(p.sellQty)) * m;
    }
    // Working orders block margin for the exposure they would add (exits block nothing).
    for (const o of this.orders.values()) {
      if (!WORKING.has(o.status) || this.segmentOf(o.exchange) !== segment) continue;
      const adds = this.addedExposure(o.instrument, o.product, o.transaction_type, o.pending_quantity);
      blocked += BigInt(adds) * BigInt(this.referencePrice(o.instrument, o.price, o.trigger_price)) * BigInt(o.instrument.multiplier);
    }
    return { realised, blocked };
  }

  /** How much of an order's quantity opens or adds to a position rather than closing one. */
  private addedExposure(instrument: FakeKiteInstrument, product: string, side: 'BUY' | 'SELL', quantity: number): number {
    const p = this.positions.get(`${instrument.exchange}:${instrument.tradingsymbol}:${product}`);
    const net = p ? p.buyQty - p.sellQty : 0;
    const opposite = side === 'BUY' ? Math.max(0, -net) : Math.max(0, net);
    return Math.max(0, quantity - opposite);
  }

  private referencePrice(instrument: FakeKiteInstrument, price: PriceTicks, trigger: PriceTicks): PriceTicks {
    return price > 0 ? price : trigger > 0 ? trigger : (this.quotes.get(instrument.instrumentToken)?.ltp ?? 0);
  }

  /** Cash available for new exposure in a segment (ticks). */
  available(segment: 'equity' | 'commodity'): bigint {
    const { realised, blocked } = this.usage(segment);
    return this.opening[segment] + realised - blocked;
  }

  private segmentMargins(segment: 'equity' | 'commodity'): Json {
    const { realised, blocked } = this.usage(segment);
    const net = this.opening[segment] + realised - blocked;
    return {
      enabled: true,
      net: rupees(net),
      available: {
        adhoc_margin: 0,
        cash: rupees(this.opening[segment]),
        opening_balance: rupees(this.opening[segment]),
        live_balance: rupees(net),
        collateral: 0,
        intraday_payin: 0,
      },
      utilised: {
        debits: rupees(blocked - realised),
        exposure: 0,
        m2m_realised: rupees(realised),
        m2m_unrealised: 0,
        option_premium: 0,
        payout: 0,
        span: rupees(blocked),
        holding_sales: 0,
        turnover: 0,
        liquid_collateral: 0,
        stock_collateral: 0,
        delivery: 0,
      },
    };
  }

  private margins(segment: string | undefined): unknown {
    if (segment === undefined) return { equity: this.segmentMargins('equity'), commodity: this.segmentMargins('commodity') };
    if (segment !== 'equity' && segment !== 'commodity') throw input('Invalid segment.');
    return this.segmentMargins(segment);
  }

  private positionJson(p: PositionState): Json {
    const i = p.instrument;
    const m = BigInt(i.multiplier);
    const last = this.quotes.get(i.instrumentToken)?.ltp ?? 0;
    const close = this.quotes.get(i.instrumentToken)?.close ?? 0;
    const net = p.buyQty - p.sellQty;
    const avg = (value: bigint, qty: number): bigint => (qty === 0 ? 0n : roundTo(value / BigInt(qty), 1n));
    const buyPrice = avg(p.buyValue, p.buyQty);
    const sellPrice = avg(p.sellValue, p.sellQty);
    const value = (p.sellValue - p.buyValue) * m;
    const pnl = value + BigInt(net) * BigInt(last) * m;
    const side = (qty: number, price: bigint, val: bigint): Json => ({ quantity: qty, price: rupees(price), value: rupees(val * m) });
    const b = side(p.buyQty, buyPrice, p.buyValue);
    const s = side(p.sellQty, sellPrice, p.sellValue);
    // The day's part: what was bought and sold today, beside what was carried in.
    const dayBuyQty = p.buyQty - Math.max(p.overnightQty, 0);
    const daySellQty = p.sellQty - Math.max(-p.overnightQty, 0);
    const dayBuyValue = p.buyQty === 0 ? 0n : (p.buyValue * BigInt(dayBuyQty)) / BigInt(p.buyQty);
    const daySellValue = p.sellQty === 0 ? 0n : (p.sellValue * BigInt(daySellQty)) / BigInt(p.sellQty);
    const db = side(dayBuyQty, dayBuyQty === 0 ? 0n : buyPrice, dayBuyValue);
    const ds = side(daySellQty, daySellQty === 0 ? 0n : sellPrice, daySellValue);
    return {
      tradingsymbol: i.tradingsymbol,
      exchange: i.exchange,
      instrument_token: i.instrumentToken,
      product: p.product,
      quantity: net,
      overnight_quantity: p.overnightQty,
      multiplier: i.multiplier,
      average_price: rupees(net > 0 ? buyPrice : net < 0 ? sellPrice : 0n),
      close_price: rupees(close),
      last_price: rupees(last),
      value: rupees(value),
      pnl: rupees(pnl),
      m2m: rupees(pnl),
      unrealised: rupees(pnl),
      realised: 0,
      buy_quantity: b.quantity,
      buy_price: b.price,
      buy_value: b.value,
      buy_m2m: b.value,
      sell_quantity: s.quantity,
      sell_price: s.price,
      sell_value: s.value,
      sell_m2m: s.value,
      day_buy_quantity: db.quantity,
      day_buy_price: db.price,
      day_buy_value: db.value,
      day_sell_quantity: ds.quantity,
      day_sell_price: ds.price,
      day_sell_value: ds.value,
    };
  }

  private holdingsJson(): Json[] {
    return this.holdings.map((h) => {
      const i = this.instrumentsByKey.get(`${h.exchange}:${h.tradingsymbol}`);
      const last = (i && this.quotes.get(i.instrumentToken)?.ltp) ?? h.averagePrice;
      const close = (i && this.quotes.get(i.instrumentToken)?.close) ?? last;
      const held = h.quantity + h.t1Quantity;
      // Sold from the holding today: the CNC day position's net sell (the row keeps its quantity for the day).
      const day = this.positions.get(`${h.exchange}:${h.tradingsymbol}:CNC`);
      const used = day ? Math.min(held, Math.max(0, day.sellQty - day.buyQty)) : 0;
      return {
        tradingsymbol: h.tradingsymbol,
        exchange: h.exchange,
        instrument_token: i?.instrumentToken ?? 0,
        isin: h.isin,
        product: 'CNC',
        price: 0,
        quantity: h.quantity,
        used_quantity: used,
        t1_quantity: h.t1Quantity,
        realised_quantity: h.quantity,
        authorised_quantity: 0,
        authorised_date: kiteTimestamp(this.now()),
        opening_quantity: held,
        collateral_quantity: 0,
        collateral_type: '',
        discrepancy: false,
        average_price: rupees(h.averagePrice),
        last_price: rupees(last),
        close_price: rupees(close),
        pnl: rupees(BigInt(held) * BigInt(last - h.averagePrice)),
        day_change: rupees(last - close),
        day_change_percentage: 0,
        short_quantity: 0,
        authorisation: {},
        mtf: { quantity: 0, used_quantity: 0, average_price: 0, value: 0, initial_margin: 0 },
      };
    });
  }

  private quoteJson(route: 'quote' | 'quote_ohlc' | 'quote_ltp', keys: string[]): Json {
    if (keys.length === 0) throw input('No instruments specified.');
    const out: Json = {};
    for (const key of keys) {
      const i = this.instrumentsByKey.get(key);
      if (!i) continue; // Kite leaves out what it does not know
      const q = this.quotes.get(i.instrumentToken);
      const ltp = rupees(q?.ltp ?? 0);
      if (route === 'quote_ltp') {
        out[key] = { instrument_token: i.instrumentToken, last_price: ltp };
        continue;
      }
      const ohlc = { open: rupees(q?.open ?? 0), high: rupees(q?.high ?? 0), low: rupees(q?.low ?? 0), close: rupees(q?.close ?? 0) };
      if (route === 'quote_ohlc') {
        out[key] = { instrument_token: i.instrumentToken, last_price: ltp, ohlc };
        continue;
      }
      const depth = (price: PriceTicks | null, qty: number): Json[] =>
        [0, 1, 2, 3, 4].map((k) =>
          k === 0 && price !== null
            ? { price: rupees(price), quantity: qty, orders: qty > 0 ? 1 : 0 }
            : { price: 0, quantity: 0, orders: 0 },
        );
      out[key] = {
        instrument_token: i.instrumentToken,
        timestamp: kiteTimestamp(q?.at ?? this.now()),
        last_trade_time: kiteTimestamp(q?.at ?? this.now()),
        last_price: ltp,
        last_quantity: q?.lastQuantity ?? 0,
        buy_quantity: q?.bidQty ?? 0,
        sell_quantity: q?.askQty ?? 0,
        volume: q?.volume ?? 0,
        average_price: ltp,
        oi: q?.oi ?? 0,
        oi_day_high: 0,
        oi_day_low: 0,
        net_change: q ? rupees(q.ltp - q.close) : 0,
        lower_circuit_limit: 0,
        upper_circuit_limit: 0,
        ohlc,
        depth: { buy: depth(q?.bid ?? null, q?.bidQty ?? 0), sell: depth(q?.ask ?? null, q?.askQty ?? 0) },
      };
    }
    return out;
  }

  /**
   * The instrument dump (docs/brokers.md 1.7) of the fake's table, as CSV (Kite gzips it on the
   * wire; here it is plain). Indices are `EQ` in segment `INDICES`, as in Kite's dump.
   */
  instrumentsCsv(exchange?: string): string {
    const decimal = (ticks: PriceTicks): string => {
      const text = formatPrice(ticks);
      return text.includes('.') ? text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '.0') : `${text}.0`;
    };
    const field = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const segment = (i: FakeKiteInstrument): string =>
      i.instrumentType === 'INDEX'
        ? 'INDICES'
        : i.exchange === 'NFO' || i.exchange === 'BFO'
          ? `${i.exchange}-${i.instrumentType === 'FUT' ? 'FUT' : 'OPT'}`
          : i.exchange === 'MCX'
            ? `MCX-${i.instrumentType === 'FUT' ? 'FUT' : 'OPT'}`
            : i.exchange;
    const rows = this.instruments()
      .filter((i) => exchange === undefined || i.exchange === exchange)
      .map((i) =>
        [
          String(i.instrumentToken),
          String(Math.floor(i.instrumentToken / 256)),
          field(i.tradingsymbol),
          field(i.instrumentType === 'INDEX' ? '' : i.name),
          decimal(this.quotes.get(i.instrumentToken)?.ltp ?? 0),
          i.expiry ?? '',
          `${i.strike}.0`,
          decimal(i.tickSize),
          String(i.lotSize),
          i.instrumentType === 'INDEX' ? 'EQ' : i.instrumentType,
          segment(i),
          i.exchange,
        ].join(','),
      );
    return (
      [
        'instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange',
        ...rows,
      ].join('\n') + '\n'
    );
  }

  // ---------------------------------------------------------------- orders

  private findOrder(orderId: string): FakeOrder {
    const o = this.orders.get(orderId);
    if (!o) throw new KiteApiError(400, 'InputException', "Couldn't find that `order_id`.");
    return o;
  }

  private orderId(): string {
    this.seq.order += 1;
    const d = kiteTimestamp(this.now());
    return `${d.slice(2, 4)}${d.slice(5, 7)}${d.slice(8, 10)}${String(this.seq.order).padStart(9, '0')}`;
  }

  /** The terms of a placement, validated as Kite's OMS does (InputException on anything wrong). */
  private validatePlace(
    variety: string,
    form: Record<string, string>,
  ): {
    instrument: FakeKiteInstrument;
    side: 'BUY' | 'SELL';
    orderType: string;
    product: string;
    validity: string;
    quantity: number;
    price: PriceTicks;
    trigger: PriceTicks;
    disclosed: number;
    tag: string | null;
    marketProtection: number;
    autoslice: boolean;
  } {
    if (!KNOWN_VARIETIES.includes(variety)) throw input('Invalid `variety`.');
    if (!VARIETIES.includes(variety)) throw input(`Variety \`${variety}\` is not available on this fake.`);
    for (const f of ['exchange', 'tradingsymbol', 'transaction_type', 'order_type', 'quantity', 'product'])
      if (!form[f]) throw input(`Missing \`${f}\`.`);
    const instrument = this.instrumentsByKey.get(`${form.exchange}:${form.tradingsymbol}`);
    if (!instrument) {
      if (![...this.instrumentsByKey.values()].some((i) => i.exchange === form.exchange)) throw input('Invalid `exchange`.');
      throw input('Invalid `tradingsymbol`.');
    }
    if (!instrument.tradable) throw input('Invalid `tradingsymbol`.');
    const side = form.transaction_type;
    if (side !== 'BUY' && side !== 'SELL') throw input('Invalid `transaction_type`.');
    const orderType = form.order_type!;
    if (!ORDER_TYPES.includes(orderType)) throw input('Invalid `order_type`.');
    const product = form.product!;
    if (!PRODUCTS.includes(product)) throw input('Invalid `product`.');
    if (product === 'CNC' && instrument.exchange !== 'NSE' && instrument.exchange !== 'BSE')
      throw input('CNC is only for equity delivery. Use NRML or MIS.');
    const validity = form.validity ?? 'DAY';
    if (!VALIDITIES.includes(validity)) throw input('Invalid `validity`.');
    if (validity === 'TTL' && !parseCount(form.validity_ttl)) throw input('Invalid `validity_ttl`.');
    const quantity = parseCount(form.quantity);
    if (quantity === null || quantity <= 0) throw input('Invalid `quantity`.');
    this.checkLot(instrument, quantity);
    const needsPrice = orderType === 'LIMIT' || orderType === 'SL';
    const needsTrigger = orderType === 'SL' || orderType === 'SL-M';
    const price = parseRupees(form.price) ?? (form.price === undefined ? 0 : null);
    if (price === null) throw input('Invalid `price`.');
    if (needsPrice && price <= 0) throw input('Invalid `price`.');
    const trigger = parseRupees(form.trigger_price) ?? (form.trigger_price === undefined ? 0 : null);
    if (trigger === null) throw input('Invalid `trigger_price`.');
    if (needsTrigger && trigger <= 0) throw input('Invalid `trigger_price`.');
    if (needsPrice) this.checkTick(instrument, price);
    if (needsTrigger) this.checkTick(instrument, trigger);
    if (orderType === 'SL' && side === 'BUY' && trigger > price)
      throw input('Trigger price for stoploss buy orders should be less than or equal to the limit price.');
    if (orderType === 'SL' && side === 'SELL' && trigger < price)
      throw input('Trigger price for stoploss sell orders should be greater than or equal to the limit price.');
    const disclosed = form.disclosed_quantity === undefined ? 0 : parseCount(form.disclosed_quantity);
    if (disclosed === null || disclosed > quantity) throw input('Invalid `disclosed_quantity`.');
    const tag = form.tag === undefined || form.tag === '' ? null : form.tag;
    if (tag !== null && (tag.length > 20 || !/^[A-Za-z0-9]+$/.test(tag)))
      throw input('Invalid `tag`. It must be alphanumeric and at most 20 characters.');
    const mp = form.market_protection === undefined ? 0 : Number(form.market_protection);
    if (!Number.isInteger(mp) || mp < -1 || mp > 100) throw input('Invalid `market_protection`.');
    const autoslice = form.autoslice === 'true' || form.autoslice === '1';
    return { instrument, side, orderType, product, validity, quantity, price, trigger, disclosed, tag, marketProtection: mp, autoslice };
  }

  private checkLot(instrument: FakeKiteInstrument, quantity: number): void {
    if (instrument.lotSize > 1 && quantity % instrument.lotSize !== 0)
      throw input(`Quantity should be a multiple of the lot size (${instrument.lotSize}) for ${instrument.tradingsymbol}.`);
  }

  private checkTick(instrument: FakeKiteInstrument, price: PriceTicks): void {
    if (instrument.tickSize > 0 && price % instrument.tickSize !== 0)
      throw input(
        `Tick size for this script is ${formatPrice(instrument.tickSize)}. Kindly enter the price in the multiple of tick size for this script.`,
      );
  }

  private place(variety: string, form: Record<string, string>): Json {
    const t = this.validatePlace(variety, form);
    const freeze = t.instrument.freezeQuantity;
    if (freeze !== null && t.quantity > freeze && !t.autoslice)
      throw input(`Quantity exceeds the freeze limit of ${freeze} for ${t.instrument.tradingsymbol}. Use autoslice or split the order.`);
    if (freeze === null || t.quantity <= freeze) {
      const o = this.createOrder(variety, t, t.quantity, null);
      return { order_id: o.order_id };
    }
    // Autoslice: slices of the freeze quantity (whole lots) and the rest; each slice may fail alone.
    const sliceSize = Math.floor(freeze / Math.max(1, t.instrument.lotSize)) * Math.max(1, t.instrument.lotSize);
    this.seq.parent += 1;
    const parent = this.orderId();
    const children: Json[] = [];
    for (let left = t.quantity; left > 0; left -= sliceSize) {
      const qty = Math.min(sliceSize, left);
      const shortfall = this.shortfall(t, qty);
      if (shortfall !== null) {
        children.push({ error: { code: 400, error_type: 'MarginException', message: shortfall, data: null } });
        continue;
      }
      children.push({ order_id: this.createOrder(variety, t, qty, parent).order_id });
    }
    return { order_id: parent, children };
  }

  /** The margin message when the segment's cash does not cover the exposure this order adds; null when it does. */
  private shortfall(t: ReturnType<FakeKite['validatePlace']>, quantity: number): string | null {
    const adds = this.addedExposure(t.instrument, t.product, t.side, quantity);
    if (adds === 0) return null;
    const ref = this.referencePrice(t.instrument, t.price, t.trigger);
    const required = BigInt(adds) * BigInt(ref) * BigInt(t.instrument.multiplier);
    const available = this.available(this.segmentOf(t.instrument.exchange));
    if (required <= available) return null;
    // Kite writes rupees to the paisa: ticks (1/10000 rupee) rounded half up to paise, exactly.
    const toPaise = (ticks: bigint) => ((ticks < 0n ? ticks - 50n : ticks + 50n) / 100n) as Paise;
    return `Insufficient funds. Required margin is ${formatMoney(toPaise(required))} but available margin is ${formatMoney(toPaise(available))}.`;
  }

  private createOrder(variety: string, t: ReturnType<FakeKite['validatePlace']>, quantity: number, parent: string | null): FakeOrder {
    this.seq.guid += 1;
    const now = kiteTimestamp(this.now());
    const o: FakeOrder = {
      order_id: this.orderId(),
      exchange_order_id: null,
      parent_order_id: parent !== null && this.opts.autosliceParentOrderId !== false ? parent : null,
      placed_by: this.userId,
      variety,
      status: variety === 'amo' ? 'AMO REQ RECEIVED' : 'PUT ORDER REQ RECEIVED',
      status_message: null,
      status_message_raw: null,
      order_timestamp: now,
      exchange_timestamp: null,
      exchange_update_timestamp: null,
      modified: false,
      exchange: t.instrument.exchange,
      tradingsymbol: t.instrument.tradingsymbol,
      instrument_token: t.instrument.instrumentToken,
      order_type: t.orderType,
      transaction_type: t.side,
      validity: t.validity,
      validity_ttl: 0,
      product: t.product,
      quantity,
      disclosed_quantity: t.disclosed,
      price: t.price,
      trigger_price: t.trigger,
      filled_quantity: 0,
      pending_quantity: quantity,
      cancelled_quantity: 0,
      market_protection: t.marketProtection,
      tag: t.tag,
      tags: [...(t.tag ? [t.tag] : []), ...(parent !== null ? ['autoslice', `autoslice:${parent}`] : [])],
      guid: `fakeguid${String(this.seq.guid).padStart(8, '0')}`,
      fillValue: 0n,
      modifications: 0,
      history: [],
      instrument: t.instrument,
    };
    this.orders.set(o.order_id, o);
    this.placed += 1;
    this.snapshot(o);
    if (variety === 'amo') {
      this.publish(o, 'AMO REQ RECEIVED');
      return o;
    }
    this.transition(o, ['VALIDATION PENDING'], false);
    const refusal = this.rejectNextWith ?? this.shortfall(t, quantity);
    this.rejectNextWith = null;
    if (refusal !== null) {
      o.status = 'REJECTED';
      o.status_message = refusal;
      o.status_message_raw = refusal;
      o.cancelled_quantity = 0;
      o.pending_quantity = 0;
      this.snapshot(o);
      this.publish(o, 'REJECTED');
      return o;
    }
    this.transition(o, ['OPEN PENDING'], false);
    this.open(o);
    return o;
  }

  /** The exchange has the order: OPEN (or TRIGGER PENDING), then it may match at once. */
  private open(o: FakeOrder): void {
    this.seq.exchangeOrder += 1;
    o.exchange_order_id = `1${String(this.seq.exchangeOrder).padStart(15, '0')}`;
    o.exchange_timestamp = kiteTimestamp(this.now());
    o.exchange_update_timestamp = o.exchange_timestamp;
    o.status = o.order_type === 'SL' || o.order_type === 'SL-M' ? 'TRIGGER PENDING' : 'OPEN';
    this.snapshot(o);
    this.publish(o, o.status);
    if (!this.matchingPaused) this.matchOrder(o);
    if (o.validity === 'IOC' && WORKING.has(o.status)) this.cancelRest(o, null);
  }

  private transition(o: FakeOrder, statuses: string[], publishLast: boolean): void {
    for (const s of statuses) {
      o.status = s;
      this.snapshot(o);
    }
    if (publishLast) this.publish(o, o.status);
  }

  private modify(variety: string, orderId: string, form: Record<string, string>): Json {
    const o = this.findOrder(orderId);
    if (o.variety !== variety) throw input('Invalid `variety` for this order.');
    if (!WORKING.has(o.status))
      throw input(
        TERMINAL.has(o.status)
          ? `Order cannot be modified as it is ${o.status.toLowerCase()}.`
          : 'Order cannot be modified as it is being processed. Try later.',
      );
    if (o.modifications >= 25) throw input('Maximum allowed order modifications exceeded.');
    const orderType = form.order_type ?? o.order_type;
    if (!ORDER_TYPES.includes(orderType)) throw input('Invalid `order_type`.');
    const quantity = form.quantity === undefined ? o.quantity : parseCount(form.quantity);
    if (quantity === null || quantity <= 0 || quantity < o.filled_quantity) throw input('Invalid `quantity`.');
    this.checkLot(o.instrument, quantity);
    const price = form.price === undefined ? o.price : parseRupees(form.price);
    if (price === null) throw input('Invalid `price`.');
    const trigger = form.trigger_price === undefined ? o.trigger_price : parseRupees(form.trigger_price);
    if (trigger === null) throw input('Invalid `trigger_price`.');
    if ((orderType === 'LIMIT' || orderType === 'SL') && price <= 0) throw input('Invalid `price`.');
    if ((orderType === 'SL' || orderType === 'SL-M') && trigger <= 0) throw input('Invalid `trigger_price`.');
    if (orderType === 'LIMIT' || orderType === 'SL') this.checkTick(o.instrument, price);
    if (orderType === 'SL' || orderType === 'SL-M') this.checkTick(o.instrument, trigger);
    const validity = form.validity ?? o.validity;
    if (!VALIDITIES.includes(validity)) throw input('Invalid `validity`.');
    const wasTriggered = o.status === 'OPEN' && (o.order_type === 'SL' || o.order_type === 'SL-M');
    const amo = o.status === 'AMO REQ RECEIVED';
    o.modifications += 1;
    this.transition(o, ['MODIFY VALIDATION PENDING', 'MODIFY PENDING'], false);
    o.order_type = orderType;
    o.quantity = quantity;
    o.pending_quantity = quantity - o.filled_quantity;
    o.price = orderType === 'MARKET' || orderType === 'SL-M' ? 0 : price;
    o.trigger_price = orderType === 'SL' || orderType === 'SL-M' ? trigger : 0;
    o.validity = validity;
    if (form.disclosed_quantity !== undefined) o.disclosed_quantity = parseCount(form.disclosed_quantity) ?? o.disclosed_quantity;
    o.modified = true;
    o.exchange_update_timestamp = kiteTimestamp(this.now());
    this.transition(o, ['MODIFIED'], false);
    o.status = amo ? 'AMO REQ RECEIVED' : (orderType === 'SL' || orderType === 'SL-M') && !wasTriggered ? 'TRIGGER PENDING' : 'OPEN';
    this.snapshot(o);
    this.publish(o, 'UPDATE');
    if (!amo && !this.matchingPaused) this.matchOrder(o);
    return { order_id: o.order_id };
  }

  private cancel(variety: string, orderId: string): Json {
    const o = this.findOrder(orderId);
    if (o.variety !== variety) throw input('Invalid `variety` for this order.');
    if (!WORKING.has(o.status))
      throw input(
        TERMINAL.has(o.status)
          ? `Order cannot be cancelled as it is ${o.status.toLowerCase()}.`
          : 'Order cannot be cancelled as it is being processed. Try later.',
      );
    this.transition(o, ['CANCEL PENDING'], false);
    this.cancelRest(o, null);
    return { order_id: o.order_id };
  }

  private cancelRest(o: FakeOrder, message: string | null): void {
    o.cancelled_quantity = o.pending_quantity;
    o.pending_quantity = 0;
    o.status = 'CANCELLED';
    o.status_message = message;
    o.exchange_update_timestamp = kiteTimestamp(this.now());
    this.snapshot(o);
    this.publish(o, 'CANCELLED');
  }

  // ---------------------------------------------------------------- GTT triggers (docs/brokers.md 1.9)

  /** Every trigger the fake holds, deleted ones included (Kite's book leaves those out), as Kite's JSON. */
  gtts(): Json[] {
    return [...this.gttBook.values()].map((g) => this.gttJson(g));
  }

  /** One trigger as Kite's JSON, or null. */
  gtt(id: string | number): Json | null {
    const g = this.gttBook.get(Number(id));
    return g ? this.gttJson(g) : null;
  }

  private findGtt(id: string): FakeGtt {
    const g = /^[0-9]{1,18}$/.test(id) ? this.gttBook.get(Number(id)) : undefined;
    if (!g || g.status === 'deleted') throw new KiteApiError(404, 'InputException', 'Invalid trigger id.');
    return g;
  }

  /**
   * `type`, `condition` and `orders` of a place or modify, checked as Kite does (InputException;
   * the messages are the fake's own): the instrument, a value count that fits the type, two-leg
   * values below and above the last price, every value at least 0.25% (9 paise under ₹50) from it
   * (Zerodha's GTT terms), LIMIT orders on the condition's instrument, lots and ticks.
   */
  private validateGtt(form: Record<string, string>): Omit<FakeGtt, 'id' | 'status' | 'results' | 'createdAt' | 'updatedAt'> {
    const type = form.type;
    if (type !== 'single' && type !== 'two-leg') throw input('Invalid `type`.');
    const parse = (field: 'condition' | 'orders'): unknown => {
      try {
        return JSON.parse(form[field] ?? '');
      } catch {
        throw input(`Invalid \`${field}\`.`);
      }
    };
    const condition = parse('condition');
    if (!condition || typeof condition !== 'object' || Array.isArray(condition)) throw input('Invalid `condition`.');
    const c = condition as Json;
    const instrument = this.instrumentsByKey.get(`${String(c.exchange)}:${String(c.tradingsymbol)}`);
    if (!instrument || !instrument.tradable) throw input('Invalid `tradingsymbol`.');
    const price = (v: unknown): PriceTicks | null => (typeof v === 'number' && v > 0 ? parseRupees(String(v)) : null);
    const lastPrice = price(c.last_price);
    if (lastPrice === null) throw input('Invalid `last_price`.');
    const legs = type === 'two-leg' ? 2 : 1;
    if (!Array.isArray(c.trigger_values) || c.trigger_values.length !== legs) throw input('Invalid `trigger_values`.');
    const triggerValues = c.trigger_values.map((v: unknown) => {
      const t = price(v);
      if (t === null) throw input('Invalid `trigger_values`.');
      this.checkTick(instrument, t);
      return t;
    });
    if (type === 'two-leg' && !(triggerValues[0]! < lastPrice && lastPrice < triggerValues[1]!))
      throw input('Invalid trigger data: the first trigger must be below the last price and the second above it.');
    const minGap = lastPrice >= 500_000 ? Math.ceil(lastPrice / 400) : 900;
    if (triggerValues.some((t) => Math.abs(t - lastPrice) < minGap))
      throw input('Trigger price should be at least 0.25% away from the last price.');
    const orders = parse('orders');
    if (!Array.isArray(orders) || orders.length !== legs) throw input('Invalid `orders`.');
    const parsed = orders.map((o: unknown): FakeGttOrder => {
      if (!o || typeof o !== 'object' || Array.isArray(o)) throw input('Invalid `orders`.');
      const r = o as Json;
      if (r.exchange !== instrument.exchange || r.tradingsymbol !== instrument.tradingsymbol)
        throw input('Orders must be for the instrument of the condition.');
      if (r.transaction_type !== 'BUY' && r.transaction_type !== 'SELL') throw input('Invalid `transaction_type`.');
      if (r.order_type !== 'LIMIT') throw input('Invalid `order_type`. GTT orders are LIMIT orders.');
      if (typeof r.product !== 'string' || !PRODUCTS.includes(r.product)) throw input('Invalid `product`.');
      if (r.product === 'CNC' && instrument.exchange !== 'NSE' && instrument.exchange !== 'BSE')
        throw input('CNC is only for equity delivery. Use NRML or MIS.');
      if (typeof r.quantity !== 'number' || !Number.isSafeInteger(r.quantity) || r.quantity <= 0) throw input('Invalid `quantity`.');
      this.checkLot(instrument, r.quantity);
      const limit = price(r.price);
      if (limit === null) throw input('Invalid `price`.');
      this.checkTick(instrument, limit);
      return { transaction_type: r.transaction_type, quantity: r.quantity, order_type: 'LIMIT', product: r.product, price: limit };
    });
    return { type, instrument, triggerValues, lastPrice, orders: parsed };
  }

  private placeGtt(form: Record<string, string>): Json {
    const terms = this.validateGtt(form);
    const active = [...this.gttBook.values()].filter((g) => g.status === 'active').length;
    if (active >= 250) throw input('Maximum number of active GTTs (250) reached.');
    this.seq.gtt += 1;
    const now = this.now();
    const g: FakeGtt = {
      ...terms,
      id: 100_000 + this.seq.gtt,
      status: 'active',
      results: terms.orders.map(() => null),
      createdAt: now,
      updatedAt: now,
    };
    this.gttBook.set(g.id, g);
    this.emit('gtt', this.gttJson(g));
    return { trigger_id: g.id };
  }

  private modifyGtt(id: string, form: Record<string, string>): Json {
    const g = this.findGtt(id);
    if (g.status !== 'active') throw input(`Trigger cannot be modified as it is ${g.status}.`);
    const terms = this.validateGtt(form);
    Object.assign(g, terms, { results: terms.orders.map(() => null), updatedAt: this.now() });
    this.emit('gtt', this.gttJson(g));
    return { trigger_id: g.id };
  }

  private deleteGtt(id: string): Json {
    const g = this.findGtt(id);
    if (g.status !== 'active') throw input(`Trigger cannot be deleted as it is ${g.status}.`);
    g.status = 'deleted';
    g.updatedAt = this.now();
    this.emit('gtt', this.gttJson(g));
    return { trigger_id: g.id };
  }

  /**
   * A new last price crosses active triggers of the instrument: a value below the trigger's last
   * price fires when the price falls to it, one above when the price rises to it. The leg whose
   * value was crossed places its LIMIT order (no tag; it matches by the book's rules) and the
   * trigger becomes `triggered`; a two-leg trigger's other leg is never placed (one cancels the
   * other). An order the OMS refuses is a `failed` result without an order id.
   */
  private fireGtts(token: number, ltp: PriceTicks): void {
    for (const g of this.gttBook.values()) {
      if (g.status !== 'active' || g.instrument.instrumentToken !== token) continue;
      const leg = g.triggerValues.findIndex((t) => (t < g.lastPrice ? ltp <= t : ltp >= t));
      if (leg < 0) continue;
      const o = g.orders[leg]!;
      g.status = 'triggered';
      g.updatedAt = this.now();
      const form: Record<string, string> = {
        exchange: g.instrument.exchange,
        tradingsymbol: g.instrument.tradingsymbol,
        transaction_type: o.transaction_type,
        order_type: 'LIMIT',
        quantity: String(o.quantity),
        product: o.product,
        price: formatPrice(o.price),
        validity: 'DAY',
      };
      let orderResult: Json;
      try {
        const placed = this.createOrder('regular', this.validatePlace('regular', form), o.quantity, null);
        orderResult = { status: 'success', order_id: placed.order_id, rejection_reason: '' };
      } catch (e) {
        if (!(e instanceof KiteApiError)) throw e;
        orderResult = { status: 'failed', order_id: '', rejection_reason: e.message };
      }
      g.results[leg] = {
        account_id: this.userId,
        exchange: g.instrument.exchange,
        tradingsymbol: g.instrument.tradingsymbol,
        validity: 'DAY',
        product: o.product,
        order_type: 'LIMIT',
        transaction_type: o.transaction_type,
        quantity: o.quantity,
        price: rupees(o.price),
        meta: JSON.stringify({ app_id: 1234, gtt: g.id }),
        timestamp: kiteTimestamp(g.updatedAt),
        triggered_at: rupees(ltp),
        order_result: orderResult,
      };
      this.emit('gtt', this.gttJson(g));
    }
  }

  private gttJson(g: FakeGtt): Json {
    const i = g.instrument;
    return {
      id: g.id,
      user_id: this.userId,
      parent_trigger: null,
      type: g.type,
      created_at: kiteTimestamp(g.createdAt),
      updated_at: kiteTimestamp(g.updatedAt),
      expires_at: kiteTimestamp(g.createdAt + 365 * 86_400_000),
      status: g.status,
      condition: {
        exchange: i.exchange,
        last_price: rupees(g.lastPrice),
        tradingsymbol: i.tradingsymbol,
        trigger_values: g.triggerValues.map((t) => rupees(t)),
        instrument_token: i.instrumentToken,
      },
      orders: g.orders.map((o, k) => ({
        exchange: i.exchange,
        tradingsymbol: i.tradingsymbol,
        product: o.product,
        order_type: o.order_type,
        transaction_type: o.transaction_type,
        quantity: o.quantity,
        price: rupees(o.price),
        result: g.results[k] ?? null,
      })),
      meta: null,
    };
  }

  // ---------------------------------------------------------------- matching

  private matchInstrument(token: number): void {
    for (const o of this.orders.values()) if (o.instrument_token === token) this.matchOrder(o);
  }

  private matchOrder(o: FakeOrder): void {
    if (o.status !== 'OPEN' && o.status !== 'TRIGGER PENDING') return;
    const q = this.quotes.get(o.instrument_token);
    if (!q) return;
    const buy = o.transaction_type === 'BUY';
    if (o.status === 'TRIGGER PENDING') {
      if (buy ? q.ltp < o.trigger_price : q.ltp > o.trigger_price) return;
      o.status = 'OPEN';
      o.exchange_update_timestamp = kiteTimestamp(this.now());
      this.snapshot(o);
      this.publish(o, 'OPEN');
    }
    const touch = buy ? (q.ask ?? q.ltp) : (q.bid ?? q.ltp);
    const marketable = o.order_type === 'MARKET' || o.order_type === 'SL-M' || (buy ? touch <= o.price : touch >= o.price);
    if (!marketable) return;
    let qty = o.pending_quantity;
    const perQuote = this.opts.fillPerQuote ?? null;
    if (perQuote !== null) qty = Math.min(qty, perQuote);
    const depth = buy ? q.askQty : q.bidQty;
    if (depth > 0) qty = Math.min(qty, depth);
    if (qty <= 0) return;
    this.fill(o, qty, touch);
  }

  private fill(o: FakeOrder, qty: number, price: PriceTicks): void {
    const now = kiteTimestamp(this.now());
    o.filled_quantity += qty;
    o.pending_quantity -= qty;
    o.fillValue += BigInt(qty) * BigInt(price);
    o.exchange_update_timestamp = now;
    this.seq.trade += 1;
    this.trades.push({
      trade_id: String(this.seq.trade).padStart(8, '0'),
      order_id: o.order_id,
      exchange_order_id: o.exchange_order_id,
      tradingsymbol: o.tradingsymbol,
      exchange: o.exchange,
      instrument_token: o.instrument_token,
      product: o.product,
      transaction_type: o.transaction_type,
      quantity: qty,
      price,
      fill_timestamp: now,
      order_timestamp: o.order_timestamp,
      exchange_timestamp: now,
    });
    const key = `${o.exchange}:${o.tradingsymbol}:${o.product}`;
    const p = this.positions.get(key) ?? {
      instrument: o.instrument,
      product: o.product,
      overnightQty: 0,
      buyQty: 0,
      buyValue: 0n,
      sellQty: 0,
      sellValue: 0n,
    };
    if (o.transaction_type === 'BUY') {
      p.buyQty += qty;
      p.buyValue += BigInt(qty) * BigInt(price);
    } else {
      p.sellQty += qty;
      p.sellValue += BigInt(qty) * BigInt(price);
    }
    this.positions.set(key, p);
    if (o.pending_quantity === 0) o.status = 'COMPLETE';
    this.snapshot(o);
    this.publish(o, o.status === 'COMPLETE' ? 'COMPLETE' : 'UPDATE');
  }

  // ---------------------------------------------------------------- order objects and updates

  /** The order's average fill price as Kite reports it: to the paisa (CDS/BCD: 4 places). */
  private averagePrice(o: FakeOrder): number {
    if (o.filled_quantity === 0) return 0;
    const step = o.instrument.exchange === 'CDS' || o.instrument.exchange === 'BCD' ? 1n : PAISE_STEP;
    const n = BigInt(o.filled_quantity);
    // fillValue / n rounded half up to a multiple of step, in integers.
    return rupees(((o.fillValue * 2n + n * step) / (2n * n * step)) * step);
  }

  private orderJson(o: FakeOrder): Json {
    return {
      account_id: this.userId,
      placed_by: o.placed_by,
      order_id: o.order_id,
      exchange_order_id: o.exchange_order_id,
      parent_order_id: o.parent_order_id,
      status: o.status,
      status_message: o.status_message,
      status_message_raw: o.status_message_raw,
      order_timestamp: o.order_timestamp,
      exchange_update_timestamp: o.exchange_update_timestamp,
      exchange_timestamp: o.exchange_timestamp,
      variety: o.variety,
      modified: o.modified,
      exchange: o.exchange,
      tradingsymbol: o.tradingsymbol,
      instrument_token: o.instrument_token,
      order_type: o.order_type,
      transaction_type: o.transaction_type,
      validity: o.validity,
      validity_ttl: o.validity_ttl,
      product: o.product,
      quantity: o.quantity,
      disclosed_quantity: o.disclosed_quantity,
      price: rupees(o.price),
      trigger_price: rupees(o.trigger_price),
      average_price: this.averagePrice(o),
      filled_quantity: o.filled_quantity,
      pending_quantity: o.pending_quantity,
      cancelled_quantity: o.cancelled_quantity,
      market_protection: o.market_protection,
      meta: {},
      tag: o.tag,
      tags: [...o.tags],
      guid: o.guid,
    };
  }

  private tradeJson(t: FakeTrade): Json {
    const { price, ...rest } = t;
    return { ...rest, average_price: rupees(price) };
  }

  private snapshot(o: FakeOrder): void {
    o.history.push(this.orderJson(o));
  }

  /**
   * An order changed: `order` event, a ticker text frame to every connection, and for COMPLETE,
   * CANCELLED, REJECTED and UPDATE a postback. `event` is Kite's word for the change (docs/brokers.md 1.4).
   */
  private publish(o: FakeOrder, event: string): void {
    const data = this.orderJson(o);
    this.emit('order', data);
    const asUpdate = this.opts.updateStatusInUpdates !== false && event === 'UPDATE';
    const wire = asUpdate ? { ...data, status: 'UPDATE' } : data;
    this.orderFrames.push(JSON.stringify({ type: 'order', id: '', data: wire }));
    if (['COMPLETE', 'CANCELLED', 'REJECTED', 'UPDATE'].includes(event)) this.postback(o, wire);
  }

  private sendText(text: string): void {
    if (this.stalled) return;
    const isOrder = text.startsWith('{"type":"order"');
    for (const c of this.clients) if (c.ws.readyState === c.ws.OPEN) c.ws.send(text);
    if (isOrder) this.orderFramesSent.push(text);
  }

  private postback(o: FakeOrder, wire: Json): void {
    const url = this.postbackUrl;
    if (url === null) return;
    const body: Json = {
      user_id: this.userId,
      unfilled_quantity: o.pending_quantity,
      app_id: 1234,
      checksum: createHash('sha256')
        .update(o.order_id + o.order_timestamp + this.apiSecret)
        .digest('hex'),
      ...wire,
    };
    // One at a time, in the order the changes happened: tests can then assert the sequence.
    const p = this.postbackChain
      .then(() => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }))
      .then(
        async (r) => {
          await r.arrayBuffer();
          return r.status as number | string;
        },
        (e: unknown) => String(e),
      )
      .then((result) => {
        const entry = { body, result };
        this.postbacks.push(entry);
        this.emit('postback', entry);
      });
    this.postbackChain = p;
    this.inFlightPostbacks.add(p);
    void p.finally(() => this.inFlightPostbacks.delete(p));
  }

  // ---------------------------------------------------------------- ticker

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const refuse = (status: number, text: string): void => {
      socket.end(
        `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\nConnection: close\r\n\r\n${text}`,
      );
    };
    if (url.pathname !== '/ws' && url.pathname !== '/ws/') return refuse(404, 'Not Found');
    const apiKey = url.searchParams.get('api_key');
    const token = url.searchParams.get('access_token');
    if (apiKey !== this.apiKey || this.accessToken === null || token !== this.accessToken) {
      this.emit('ticker', { kind: 'refused', status: 403 });
      return refuse(403, 'Forbidden');
    }
    this.wss!.handleUpgrade(req, socket, head, (ws) => {
      const client: TickerClient = { ws, modes: new Map() };
      this.clients.add(client);
      ws.on('message', (raw, isBinary) => this.onTickerMessage(client, isBinary ? null : raw.toString()));
      ws.on('close', (code) => {
        this.clients.delete(client);
        this.emit('ticker', { kind: 'close', code });
      });
      ws.on('ping', (data) => {
        if (!this.stalled) ws.pong(data);
        this.emit('ticker-ping', data.toString());
      });
      ws.on('error', () => undefined);
      this.emit('ticker', { kind: 'connect' });
    });
  }

  private onTickerMessage(client: TickerClient, text: string | null): void {
    const error = (message: string): void => {
      if (!this.stalled) client.ws.send(JSON.stringify({ type: 'error', data: message }));
      this.emit('ticker', { kind: 'message', ok: false, message });
    };
    let msg: unknown;
    try {
      msg = text === null ? null : JSON.parse(text);
    } catch {
      return error('Invalid message: not JSON');
    }
    if (!msg || typeof msg !== 'object') return error('Invalid message');
    const { a, v } = msg as { a?: unknown; v?: unknown };
    const tokensOf = (x: unknown): number[] | null =>
      Array.isArray(x) && x.every((t) => Number.isSafeInteger(Number(t))) ? x.map((t) => Number(t)) : null;
    let changed: number[] = [];
    if (a === 'subscribe' || a === 'unsubscribe') {
      const tokens = tokensOf(v);
      if (tokens === null) return error('Invalid message: v must be a list of instrument tokens');
      for (const t of tokens) {
        if (a === 'subscribe') {
          if (!client.modes.has(t)) client.modes.set(t, 'quote'); // Kite's default mode
        } else client.modes.delete(t);
      }
      if (a === 'subscribe') changed = tokens;
    } else if (a === 'mode') {
      const [mode, list] = Array.isArray(v) ? (v as unknown[]) : [];
      const tokens = tokensOf(list);
      if ((mode !== 'ltp' && mode !== 'quote' && mode !== 'full') || tokens === null) return error('Invalid message: mode');
      for (const t of tokens) client.modes.set(t, mode);
      changed = tokens;
    } else return error(`Invalid message: unknown action ${String(a)}`);
    // The current state of each (re)subscribed instrument that has a quote, in one frame.
    const packets = changed
      .filter((t) => this.quotes.has(t) && client.modes.has(t))
      .map((t) => ({ tick: this.tickOf(t), mode: client.modes.get(t)! }));
    if (packets.length > 0 && !this.stalled) client.ws.send(encodeTickFrame(packets));
    this.emit('ticker', { kind: 'message', ok: true, action: a, tokens: changed });
  }

  private tickOf(token: number): FakeTickData {
    const q = this.quotes.get(token)!;
    const level = (price: PriceTicks | null, qty: number): FakeDepthLevel[] =>
      price === null ? [] : [{ price, quantity: qty, orders: qty > 0 ? 1 : 0 }];
    return {
      instrumentToken: token,
      lastPrice: q.ltp,
      lastQuantity: q.lastQuantity,
      averagePrice: q.ltp,
      volume: q.volume,
      totalBuyQuantity: q.bidQty,
      totalSellQuantity: q.askQty,
      open: q.open,
      high: q.high,
      low: q.low,
      close: q.close,
      lastTradeTime: q.at,
      oi: q.oi,
      exchangeTimestamp: q.at,
      bids: level(q.bid, q.bidQty),
      offers: level(q.ask, q.askQty),
    };
  }

  private broadcastTick(token: number): void {
    if (this.stalled) return;
    let tick: FakeTickData | null = null;
    for (const c of this.clients) {
      const mode = c.modes.get(token);
      if (mode === undefined || c.ws.readyState !== c.ws.OPEN) continue;
      tick ??= this.tickOf(token);
      c.ws.send(encodeTickFrame([{ tick, mode }]));
    }
  }
}
