import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { formatOpenAlgoTime } from '@tradeloop/brokers';
import { formatPrice, type PriceTicks } from '@tradeloop/domain';
import { WebSocketServer, type WebSocket } from 'ws';
import { FloodPacer, hangOrReset, isAfterAcceptFault, OrderFrameScript, type FakeRequestOutcome } from '../fake-broker-kit';

/**
 * A local fake of an OpenAlgo installation (docs/brokers.md 3, 5) on loopback: its REST v1
 * (`POST /api/v1/<endpoint>` with the `apikey` in the JSON body; `{"status":"success"|"error"}`
 * replies, numbers as OpenAlgo sends them), its WebSocket proxy at `/ws` (authenticate, then
 * `subscribe_orders`, then `order_update` messages — or, for an older install, `INVALID_ACTION`;
 * market data: `subscribe` / `unsubscribe` and `market_data` messages, protocol pings as its
 * heartbeat, with faults — a stall, dropped sockets, malformed text, a flood),
 * analyzer mode on or off, and a small matching book like the fake Kite's: orders fill against
 * quotes set with `setQuote`. Scripted faults for the next request of a route: timeouts before and
 * after the order is taken, resets, a 5xx, an HTML page, an invalid API key; and the host down.
 */

export type FakeOpenAlgoFault =
  | 'timeout-before-accept'
  | 'timeout-after-accept'
  | 'reset'
  | 'reset-after-accept'
  | 'html'
  | 'html-after-accept'
  | 'invalid-key'
  | number;

export interface FakeOpenAlgoOptions {
  readonly apiKey?: string;
  /** Analyzer (sandbox) mode at start. Default off. */
  readonly analyzer?: boolean;
  /** Whether the WebSocket knows `subscribe_orders` (recent installs). Default true. */
  readonly orderStream?: boolean;
  /** At most this many units fill per quote (partial fills). Default: all that is pending. */
  readonly fillPerQuote?: number | null;
  /** Available cash, paise. Default ₹1 crore. */
  readonly cash?: bigint;
  /** The proxy's protocol pings (its `websockets` server's WS_PING_INTERVAL, 20 s). Default 20,000 ms. */
  readonly pingMs?: number;
  /**
   * The first digits of this install's order ids (default `2512070`). The broker behind each
   * install numbers its orders; give installs of one test distinct ones, as distinct brokers or
   * broker accounts would have.
   */
  readonly orderIdPrefix?: string;
}

/** One level of the fake's book for `publishMarketData`, in ticks. */
export interface FakeOpenAlgoLevel {
  readonly price: PriceTicks;
  readonly quantity: number;
  readonly orders: number;
}

/** A market move as the proxy publishes it (in our units here; rupees on the wire). */
export interface FakeOpenAlgoTick {
  readonly ltp: PriceTicks;
  readonly volume?: number;
  readonly lastQuantity?: number;
  readonly close?: PriceTicks;
  readonly bids?: readonly FakeOpenAlgoLevel[];
  readonly asks?: readonly FakeOpenAlgoLevel[];
}

export interface FakeOpenAlgoEndpoints {
  /** What an account's `host` credential is set to. */
  readonly host: string;
  readonly wsUrl: string;
}

export interface FakeOpenAlgoRequest {
  readonly route: string;
  readonly body: Record<string, unknown>;
  outcome: FakeRequestOutcome;
}

interface FakeQuote {
  bid: PriceTicks;
  ask: PriceTicks;
  ltp: PriceTicks;
}

export interface FakeOpenAlgoOrder {
  readonly orderid: string;
  readonly symbol: string;
  readonly exchange: string;
  readonly action: 'BUY' | 'SELL';
  quantity: number;
  price: PriceTicks;
  triggerPrice: PriceTicks;
  readonly pricetype: 'MARKET' | 'LIMIT' | 'SL' | 'SL-M';
  readonly product: string;
  status: 'open' | 'trigger pending' | 'complete' | 'cancelled' | 'rejected';
  filled: number;
  fillValue: bigint;
  rejectionReason: string | null;
  readonly placedAt: number;
}

export interface FakeOpenAlgoTrade {
  readonly orderid: string;
  readonly symbol: string;
  readonly exchange: string;
  readonly product: string;
  readonly action: 'BUY' | 'SELL';
  readonly quantity: number;
  readonly price: PriceTicks;
  readonly at: number;
}

const HTML_PAGE = '<!DOCTYPE html><html><head><title>Login</title></head><body>OpenAlgo login</body></html>';
const rupees = (t: PriceTicks): number => Number(formatPrice(t));
const paiseText = (p: bigint): string => {
  const neg = p < 0n;
  const a = neg ? -p : p;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
};
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A decimal rupee value (number or string) in ticks; null when not one. */
function ticksOf(v: unknown): PriceTicks | null {
  const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  const m = /^(\d+)(?:\.(\d{1,4}))?$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 10_000 + Number((m[2] ?? '').padEnd(4, '0'));
}
function intOf(v: unknown): number | null {
  const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  return /^-?\d+$/.test(text) ? Number(text) : null;
}

export class FakeOpenAlgo extends EventEmitter {
  readonly apiKey: string;
  readonly requests: FakeOpenAlgoRequest[] = [];
  private analyzer: boolean;
  private orderStream: boolean;
  private keyValid = true;
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private port = 0;
  private readonly sockets = new Set<Socket>();
  private readonly subscribers = new Set<WebSocket>();
  private readonly hung = new Set<ServerResponse>();
  private readonly faults = new Map<string, FakeOpenAlgoFault[]>();
  private readonly quotes = new Map<string, FakeQuote>();
  private readonly orders = new Map<string, FakeOpenAlgoOrder>();
  private readonly trades: FakeOpenAlgoTrade[] = [];
  /** Delivery holdings per `EXCHANGE:SYMBOL`: settled and T1 (`rollDay`); `/holdings` answers their sum as one quantity. */
  private readonly holdings = new Map<string, { settled: number; t1: number; average: PriceTicks }>();
  /** Net positions carried from earlier days (NRML, MIS left open) per `EXCHANGE:SYMBOL:PRODUCT`. */
  private readonly overnight = new Map<string, number>();
  private seq = 0;
  private dropUpdates = false;
  private readonly updates = new OrderFrameScript((msg) => this.broadcast(msg));
  private cash: bigint;
  /** Market-data subscriptions per socket: `EXCHANGE:SYMBOL` → mode (1 LTP, 2 Quote, 3 Depth). */
  private readonly market = new Map<WebSocket, Map<string, number>>();
  private pingTimer: NodeJS.Timeout | null = null;
  private readonly floods = new Set<NodeJS.Timeout>();
  private marketStalled = false;
  private refusedAuths = 0;

  constructor(private readonly options: FakeOpenAlgoOptions = {}) {
    super();
    this.apiKey = options.apiKey ?? 'fake-openalgo-api-key-0000000000000000';
    this.analyzer = options.analyzer ?? false;
    this.orderStream = options.orderStream ?? true;
    this.cash = options.cash ?? 1_00_00_000_00n;
  }

  // ---------------------------------------------------------------- lifecycle

  async start(port = 0): Promise<FakeOpenAlgoEndpoints> {
    const server = createServer((req, res) => void this.onRequest(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    const wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://fake').pathname !== '/ws') {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.wss = wss;
    this.port = (server.address() as AddressInfo).port;
    this.pingTimer = setInterval(() => {
      if (this.marketStalled) return;
      for (const ws of wss.clients) if (ws.readyState === ws.OPEN) ws.ping();
    }, this.options.pingMs ?? 20_000);
    return this.endpoints();
  }

  endpoints(): FakeOpenAlgoEndpoints {
    return { host: `http://127.0.0.1:${this.port}`, wsUrl: `ws://127.0.0.1:${this.port}/ws` };
  }

  /** Closes everything; the port refuses connections afterwards (the host is down). */
  async stop(): Promise<void> {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    for (const flood of this.floods) clearInterval(flood);
    this.floods.clear();
    this.market.clear();
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    this.subscribers.clear();
    this.wss?.close();
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The host goes down (connections refused) until `comeBack()`, which listens on the same port again. */
  async goDown(): Promise<void> {
    await this.stop();
  }

  async comeBack(): Promise<FakeOpenAlgoEndpoints> {
    return this.start(this.port);
  }

  // ---------------------------------------------------------------- controls

  setAnalyzer(on: boolean): void {
    this.analyzer = on;
  }

  get analyzerMode(): boolean {
    return this.analyzer;
  }

  /** Whether the WebSocket answers `subscribe_orders` (false: an older install, INVALID_ACTION). */
  setOrderStream(on: boolean): void {
    this.orderStream = on;
  }

  /** The API key is revoked (regenerated in OpenAlgo's UI): every call is 403 from now on. */
  revokeKey(): void {
    this.keyValid = false;
    for (const ws of this.subscribers) ws.close(1008, 'api key revoked');
    for (const ws of this.market.keys()) ws.close(1008, 'api key revoked');
  }

  /** The key is valid again (the trader fixed it in OpenAlgo's UI). */
  restoreKey(): void {
    this.keyValid = true;
  }

  /** `authenticate` messages answered AUTHENTICATION_ERROR so far. */
  get refusedAuthentications(): number {
    return this.refusedAuths;
  }

  // ---------------------------------------------------------------- market data (the proxy's feed)

  /** Sockets with a market-data subscription, and their subscriptions (`EXCHANGE:SYMBOL` → mode). */
  marketSubscriptions(): ReadonlyMap<string, number>[] {
    return [...this.market.values()].map((m) => new Map(m));
  }

  /**
   * A market move, published as the proxy does (`websocket_proxy/server.py`): a
   * `{"type":"market_data","symbol","exchange","mode","data"}` message to every socket subscribed
   * to the instrument at that mode or a lower one, `data` in a broker adapter's normalised shape
   * (prices in rupees; `depth.buy` / `depth.sell` in Depth mode). Returns the messages sent.
   */
  publishMarketData(exchange: string, symbol: string, tick: FakeOpenAlgoTick, mode: 1 | 2 | 3 = 3): number {
    if (this.marketStalled) return 0;
    const level = (l: FakeOpenAlgoLevel) => ({ price: rupees(l.price), quantity: l.quantity, orders: l.orders });
    const data: Record<string, unknown> = { symbol, exchange, ltp: rupees(tick.ltp), ltt: Date.now() };
    if (mode >= 2) {
      Object.assign(data, {
        mode: mode === 3 ? 'full' : 'quote',
        volume: tick.volume ?? 0,
        last_quantity: tick.lastQuantity ?? 0,
        close: rupees(tick.close ?? tick.ltp),
        timestamp: Date.now(),
      });
    }
    if (mode === 3) data.depth = { buy: (tick.bids ?? []).map(level), sell: (tick.asks ?? []).map(level) };
    const key = `${exchange}:${symbol}`;
    let sent = 0;
    for (const [ws, subs] of this.market) {
      const m = subs.get(key);
      if (m === undefined || m > mode) continue;
      ws.send(JSON.stringify({ type: 'market_data', symbol, exchange, mode: m, data }));
      sent += 1;
    }
    return sent;
  }

  /** Text the proxy should never send, to every market-data socket. */
  sendMarketRaw(text: string): void {
    for (const ws of this.market.keys()) ws.send(text);
  }

  /** The proxy keeps its sockets open but sends nothing — no pings, no market data — until `resumeMarket()`. */
  stallMarket(): void {
    this.marketStalled = true;
  }

  resumeMarket(): void {
    this.marketStalled = false;
  }

  /** Closes every market-data socket abnormally (the proxy restarted, the network dropped). */
  dropMarketSockets(): void {
    for (const ws of this.market.keys()) ws.terminate();
  }

  /**
   * About `ticksPerSecond` Depth ticks across every subscribed instrument, sent every `intervalMs`
   * until `stop()`, which returns how many were sent.
   */
  floodMarketData(opts: { ticksPerSecond: number; intervalMs?: number }): { stop(): number } {
    let sent = 0;
    const pacer = new FloodPacer(opts.ticksPerSecond);
    const timer = setInterval(() => {
      if (this.marketStalled) return;
      const due = pacer.take();
      if (due <= 0) return;
      for (const [ws, subs] of this.market) {
        const keys = [...subs.keys()];
        if (keys.length === 0 || ws.readyState !== ws.OPEN) continue;
        for (let i = 0; i < due; i += 1) {
          const n = sent + i;
          const key = keys[n % keys.length]!;
          const at = key.indexOf(':');
          // Rupees on OpenAlgo's wire, written from whole paise (no float arithmetic).
          const ltp = 100_000 + (n % 100) * 5;
          const rupees = (paise: number) => `${Math.floor(paise / 100)}.${String(paise % 100).padStart(2, '0')}`;
          const level = (k: number, dir: number) => `{"price": ${rupees(ltp + dir * 5 * k)}, "quantity": ${10 * k}, "orders": ${k}}`;
          const side = (dir: number) => `[${[1, 2, 3, 4, 5].map((k) => level(k, dir)).join(', ')}]`;
          ws.send(
            `{"type": "market_data", "symbol": "${key.slice(at + 1)}", "exchange": "${key.slice(0, at)}", "mode": 3, "data": ` +
              `{"ltp": ${rupees(ltp)}, "volume": ${n + 1}, "last_quantity": 1, "close": 1000, "depth": {"buy": ${side(-1)}, "sell": ${side(1)}}}}`,
          );
        }
      }
      sent += due;
    }, opts.intervalMs ?? 10);
    this.floods.add(timer);
    return {
      stop: () => {
        clearInterval(timer);
        this.floods.delete(timer);
        return sent;
      },
    };
  }

  failNext(route: string, fault: FakeOpenAlgoFault, times = 1): void {
    const list = this.faults.get(route) ?? [];
    for (let i = 0; i < times; i += 1) list.push(fault);
    this.faults.set(route, list);
  }

  /** Drops `order_update` messages while on (the book still changes). */
  suppressUpdates(on: boolean): void {
    this.dropUpdates = on;
  }

  /** Each message sent twice and pairs swapped while on; off flushes what is held. */
  disorderUpdates(on: boolean): void {
    this.updates.duplicate(on);
    this.updates.reorder(on);
  }

  /** Closes every order-stream socket (the proxy restarted). */
  closeStreams(): void {
    for (const ws of this.wss?.clients ?? []) ws.close(1011, 'proxy restart');
  }

  setQuote(exchange: string, symbol: string, q: FakeQuote): void {
    this.quotes.set(`${exchange}:${symbol}`, { ...q });
    for (const o of this.orders.values()) if (o.exchange === exchange && o.symbol === symbol) this.match(o);
  }

  // ---------------------------------------------------------------- the book, as the broker holds it

  orderList(): readonly FakeOpenAlgoOrder[] {
    return [...this.orders.values()];
  }

  tradeList(): readonly FakeOpenAlgoTrade[] {
    return this.trades;
  }

  /** Net quantity per `exchange:symbol:product`. */
  netPositions(): Map<string, number> {
    const out = new Map<string, number>(this.overnight);
    for (const t of this.trades) {
      const k = `${t.exchange}:${t.symbol}:${t.product}`;
      out.set(k, (out.get(k) ?? 0) + (t.action === 'BUY' ? t.quantity : -t.quantity));
    }
    return out;
  }

  /** `EXCHANGE:SYMBOL` → settled and T1 quantities the fake holds. */
  holdingsNow(): Map<string, { settled: number; t1: number }> {
    return new Map([...this.holdings].map(([k, h]) => [k, { settled: h.settled, t1: h.t1 }]));
  }

  /**
   * The day ends and the next begins, as the broker behind OpenAlgo moves its books (docs/brokers.md
   * 4.12): T1 holdings settle; each CNC net position becomes holdings (a net buy as T1, a net sell
   * off the settled quantity); other positions still open are carried overnight; the order book
   * and trade book start empty. `/holdings` reports a holding's settled and T1 quantities as its one
   * `quantity`, as a broker that counts T1 in its holdings does.
   */
  rollDay(): void {
    for (const h of this.holdings.values()) {
      h.settled += h.t1;
      h.t1 = 0;
    }
    const value = new Map<string, { qty: number; value: bigint }>();
    for (const t of this.trades) {
      if (t.action !== 'BUY') continue;
      const k = `${t.exchange}:${t.symbol}`;
      const v = value.get(k) ?? { qty: 0, value: 0n };
      value.set(k, { qty: v.qty + t.quantity, value: v.value + BigInt(t.quantity) * BigInt(t.price) });
    }
    const nets = this.netPositions();
    this.overnight.clear();
    for (const [k, net] of nets) {
      if (net === 0) continue;
      const [exchange, symbol, product] = k.split(':') as [string, string, string];
      if (product !== 'CNC') {
        this.overnight.set(k, net);
        continue;
      }
      const key = `${exchange}:${symbol}`;
      const h = this.holdings.get(key) ?? { settled: 0, t1: 0, average: 0 };
      if (net > 0) {
        const bought = value.get(key)!;
        const before = BigInt(h.settled);
        h.average = Number((before * BigInt(h.average) + (bought.value * BigInt(net)) / BigInt(bought.qty)) / (before + BigInt(net)));
        h.t1 += net;
      } else h.settled += net;
      if (h.settled + h.t1 === 0) this.holdings.delete(key);
      else this.holdings.set(key, h);
    }
    this.orders.clear();
    this.trades.length = 0;
  }

  /** The order's average fill price in ticks, rounded half up; null before a fill. */
  static averageTicks(o: FakeOpenAlgoOrder): PriceTicks | null {
    if (o.filled === 0) return null;
    const n = BigInt(o.filled);
    return Number((2n * o.fillValue + n) / (2n * n));
  }

  placements(): number {
    return this.requests.filter((r) => r.route === 'placeorder').length;
  }

  // ---------------------------------------------------------------- WebSocket

  private onSocket(ws: WebSocket): void {
    let authed = false;
    const send = (m: unknown): void => ws.send(JSON.stringify(m));
    const error = (code: string, message: string): void => send({ status: 'error', code, message });
    ws.on('message', (data) => {
      let m: unknown;
      try {
        m = JSON.parse(data.toString());
      } catch {
        return error('INVALID_JSON', 'Invalid JSON message');
      }
      if (!isObject(m)) return error('INVALID_JSON', 'Invalid JSON message');
      const action = m.action ?? m.type;
      if (action === 'authenticate' || action === 'auth') {
        const key = m.api_key ?? m.apikey;
        if (!key) return error('AUTHENTICATION_ERROR', 'API key is required');
        if (key !== this.apiKey || !this.keyValid) {
          this.refusedAuths += 1;
          return error('AUTHENTICATION_ERROR', 'Invalid API key');
        }
        authed = true;
        return send({ type: 'auth', status: 'success', message: 'Authentication successful', broker: 'zerodha', user_id: 'fake' });
      }
      if (action === 'subscribe_orders' && this.orderStream) {
        if (!authed) return error('NOT_AUTHENTICATED', 'You must authenticate first');
        this.subscribers.add(ws);
        return send({ type: 'subscribe_orders', status: 'success', message: 'Subscribed to order updates' });
      }
      if (action === 'ping') return send({ type: 'pong', status: 'success', server_timestamp: Date.now() });
      if (action === 'subscribe' || action === 'unsubscribe' || action === 'unsubscribe_all') {
        if (!authed) return error('NOT_AUTHENTICATED', 'You must authenticate first');
        return this.onMarketRequest(ws, String(action), m, send, error);
      }
      return error('INVALID_ACTION', `Invalid action: ${String(action)}`);
    });
    ws.on('close', () => {
      this.subscribers.delete(ws);
      this.market.delete(ws);
    });
  }

  /**
   * `subscribe` / `unsubscribe` / `unsubscribe_all` as the proxy reads them: a `symbols` list of
   * `{symbol, exchange}` (or one `symbol` and `exchange`), `mode` 1/2/3 or LTP/Quote/Depth
   * (default Quote), answered `{"type":"subscribe"|"unsubscribe","status","subscriptions"}`.
   */
  private onMarketRequest(
    ws: WebSocket,
    action: string,
    m: Record<string, unknown>,
    send: (m: unknown) => void,
    error: (code: string, message: string) => void,
  ): void {
    const subs = this.market.get(ws) ?? new Map<string, number>();
    this.market.set(ws, subs);
    if (action === 'unsubscribe_all') {
      subs.clear();
      return send({ type: 'unsubscribe', status: 'success', message: 'Unsubscribed from all' });
    }
    const rawMode = m.mode ?? 2;
    const labels: Record<string, number> = { LTP: 1, QUOTE: 2, DEPTH: 3 };
    const mode = typeof rawMode === 'number' ? rawMode : typeof rawMode === 'string' ? labels[rawMode.trim().toUpperCase()] : undefined;
    if (mode !== 1 && mode !== 2 && mode !== 3) return error('INVALID_MODE', `Invalid mode ${JSON.stringify(rawMode)}`);
    let list: unknown[] = Array.isArray(m.symbols) ? m.symbols : [];
    if (list.length === 0 && m.symbol && m.exchange) list = [{ symbol: m.symbol, exchange: m.exchange }];
    if (list.length === 0) return error('INVALID_PARAMETERS', 'At least one symbol must be specified');
    const results: Record<string, unknown>[] = [];
    for (const item of list) {
      if (!isObject(item) || typeof item.symbol !== 'string' || typeof item.exchange !== 'string') continue;
      const key = `${item.exchange}:${item.symbol}`;
      if (action === 'subscribe') subs.set(key, mode);
      else subs.delete(key);
      results.push({ symbol: item.symbol, exchange: item.exchange, status: 'success', mode, broker: 'zerodha' });
    }
    send({ type: action, status: 'success', subscriptions: results, message: `${action} processing complete`, broker: 'zerodha' });
  }

  private publish(o: FakeOpenAlgoOrder): void {
    if (this.dropUpdates) return;
    const avg = FakeOpenAlgo.averageTicks(o);
    // The order book's row without its timestamp, in the same field order.
    const { timestamp: _placedAt, ...fields } = this.row(o);
    const msg = JSON.stringify({
      type: 'order_update',
      user_id: 'fake',
      mode: this.analyzer ? 'analyze' : 'live',
      broker: 'zerodha',
      ...fields,
      filled_quantity: o.filled,
      pending_quantity: o.status === 'open' || o.status === 'trigger pending' ? o.quantity - o.filled : 0,
      average_price: avg === null ? 0 : rupees(avg),
      rejection_reason: o.rejectionReason ?? '',
    });
    this.updates.push(msg);
  }

  private broadcast(msg: string): void {
    for (const ws of this.subscribers) ws.send(msg);
  }

  // ---------------------------------------------------------------- REST

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://fake').pathname.replace(/\/+$/, '');
    const route = path.startsWith('/api/v1/') ? path.slice('/api/v1/'.length) : '';
    let body: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(text || '{}') as unknown;
      if (isObject(parsed)) body = parsed;
    } catch {
      // refused below as a validation error
    }
    const entry: FakeOpenAlgoRequest = { route, body, outcome: null };
    this.requests.push(entry);
    const send = (status: number, payload: unknown, type = 'application/json'): void => {
      entry.outcome = status;
      const out = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(out) });
      res.end(out);
    };
    const fail = (status: number, message: string): void => send(status, { status: 'error', message });

    if (req.method !== 'POST' || route === '') return send(404, HTML_PAGE, 'text/html');
    const fault = this.faults.get(route)?.shift();
    const after = isAfterAcceptFault(fault);
    const applyFault = (f: FakeOpenAlgoFault): void => {
      if (hangOrReset(f, entry, req, res, this.hung)) return;
      if (f === 'html' || f === 'html-after-accept') return send(200, HTML_PAGE, 'text/html');
      if (f === 'invalid-key') return fail(403, 'Invalid openalgo apikey');
      if (f === 429) return fail(429, 'Rate limit exceeded');
      return fail(f, f >= 500 ? 'Internal server error' : 'Bad request');
    };
    if (fault !== undefined && !after) return applyFault(fault);
    if (body.apikey !== this.apiKey || !this.keyValid) return fail(403, 'Invalid openalgo apikey');
    let reply: { status: number; body: Record<string, unknown> };
    try {
      reply = this.handle(route, body);
    } catch (e) {
      return fail(500, e instanceof Error ? e.message : String(e));
    }
    if (fault !== undefined) return applyFault(fault);
    const mode = this.analyzer && reply.body.status === 'success' ? { mode: 'analyze' } : {};
    send(reply.status, { ...reply.body, ...mode });
  }

  private handle(route: string, b: Record<string, unknown>): { status: number; body: Record<string, unknown> } {
    const ok = (extra: Record<string, unknown>) => ({ status: 200, body: { status: 'success', ...extra } });
    const err = (status: number, message: string) => ({ status, body: { status: 'error', message } });
    switch (route) {
      case 'ping':
        return ok({ data: { broker: 'zerodha', message: 'pong' } });
      case 'analyzer':
        return ok({ data: { analyze_mode: this.analyzer, mode: this.analyzer ? 'analyze' : 'live', total_logs: 0 } });
      case 'analyzer/toggle':
        this.analyzer = b.mode === true;
        return ok({ data: { analyze_mode: this.analyzer, mode: this.analyzer ? 'analyze' : 'live', message: 'toggled', total_logs: 0 } });
      case 'placeorder':
        return this.place(b, null);
      case 'placesmartorder':
        return this.place(b, intOf(b.position_size));
      case 'modifyorder':
        return this.modify(b);
      case 'cancelorder': {
        const o = this.orders.get(String(b.orderid ?? ''));
        if (!o) return err(404, 'Order not found');
        if (o.status !== 'open' && o.status !== 'trigger pending') return err(400, `Order cannot be cancelled, it is ${o.status}`);
        o.status = 'cancelled';
        this.publish(o);
        return ok({ orderid: o.orderid });
      }
      case 'cancelallorder': {
        const cancelled: string[] = [];
        for (const o of this.orders.values())
          if (o.status === 'open' || o.status === 'trigger pending') {
            o.status = 'cancelled';
            cancelled.push(o.orderid);
            this.publish(o);
          }
        return ok({ message: `Canceled ${cancelled.length} orders`, canceled_orders: cancelled, failed_cancellations: [] });
      }
      case 'closeposition': {
        for (const [k, net] of this.netPositions()) {
          if (net === 0) continue;
          const [exchange, symbol, product] = k.split(':') as [string, string, string];
          this.place({ symbol, exchange, product, action: net > 0 ? 'SELL' : 'BUY', quantity: Math.abs(net), pricetype: 'MARKET' }, null);
        }
        return ok({ message: 'All Open Positions Squared Off' });
      }
      case 'orderbook': {
        const orders = [...this.orders.values()].map((o) => this.row(o));
        return ok({
          data: {
            orders,
            statistics: {
              total_buy_orders: 0,
              total_sell_orders: 0,
              total_completed_orders: 0,
              total_open_orders: 0,
              total_rejected_orders: 0,
            },
          },
        });
      }
      case 'orderstatus': {
        const o = this.orders.get(String(b.orderid ?? ''));
        if (!o) return err(404, 'Order not found');
        const avg = FakeOpenAlgo.averageTicks(o);
        return ok({ data: { ...this.row(o), average_price: o.status === 'complete' && avg !== null ? rupees(avg) : 0 } });
      }
      case 'tradebook':
        return ok({
          data: this.trades.map((t) => ({
            symbol: t.symbol,
            exchange: t.exchange,
            product: t.product,
            action: t.action,
            quantity: t.quantity,
            average_price: rupees(t.price),
            trade_value: rupees(t.price) * t.quantity,
            orderid: t.orderid,
            timestamp: formatOpenAlgoTime(t.at).slice(12),
          })),
        });
      case 'positionbook':
        return ok({
          data: [...this.netPositions()].map(([k, net]) => {
            const [exchange, symbol, product] = k.split(':') as [string, string, string];
            const q = this.quotes.get(`${exchange}:${symbol}`);
            return {
              symbol,
              exchange,
              product,
              quantity: String(net),
              average_price: '0.00',
              ltp: q ? formatPrice(q.ltp) : '0',
              pnl: '0.00',
            };
          }),
        });
      case 'holdings': {
        const rows = [...this.holdings].map(([k, h]) => {
          const [exchange, symbol] = k.split(':') as [string, string];
          const ltp = this.quotes.get(k)?.ltp ?? h.average;
          const quantity = h.settled + h.t1;
          const pnl = (BigInt(quantity) * BigInt(ltp - h.average)) / 100n;
          return { symbol, exchange, product: 'CNC', quantity, pnl: Number(paiseText(pnl)), pnlpercent: 0 };
        });
        return ok({
          data: {
            holdings: rows,
            statistics: { totalholdingvalue: 0, totalinvvalue: 0, totalprofitandloss: 0, totalpnlpercentage: 0 },
          },
        });
      }
      case 'funds':
        return ok({
          data: {
            availablecash: paiseText(this.cash),
            collateral: '0.00',
            m2mrealized: '0.00',
            m2munrealized: '0.00',
            utiliseddebits: '0.00',
          },
        });
      case 'quotes': {
        const q = this.quotes.get(`${String(b.exchange)}:${String(b.symbol)}`);
        if (!q) return err(404, 'Symbol not found');
        return ok({
          data: {
            open: rupees(q.ltp),
            high: rupees(q.ltp),
            low: rupees(q.ltp),
            ltp: rupees(q.ltp),
            bid: rupees(q.bid),
            ask: rupees(q.ask),
            prev_close: rupees(q.ltp),
            volume: 0,
          },
        });
      }
      case 'depth': {
        const q = this.quotes.get(`${String(b.exchange)}:${String(b.symbol)}`);
        if (!q) return err(404, 'Symbol not found');
        const level = (p: PriceTicks) => ({ price: rupees(p), quantity: 100 });
        return ok({ data: { ltp: rupees(q.ltp), bids: [level(q.bid)], asks: [level(q.ask)], totalbuyqty: 100, totalsellqty: 100 } });
      }
      default:
        return err(404, `Unknown endpoint ${route}`);
    }
  }

  private row(o: FakeOpenAlgoOrder): Record<string, unknown> {
    return {
      orderid: o.orderid,
      symbol: o.symbol,
      exchange: o.exchange,
      action: o.action,
      quantity: o.quantity,
      price: rupees(o.price),
      trigger_price: rupees(o.triggerPrice),
      pricetype: o.pricetype,
      product: o.product,
      order_status: o.status,
      timestamp: formatOpenAlgoTime(o.placedAt),
    };
  }

  private place(b: Record<string, unknown>, positionSize: number | null): { status: number; body: Record<string, unknown> } {
    const symbol = typeof b.symbol === 'string' ? b.symbol : '';
    const exchange = typeof b.exchange === 'string' ? b.exchange : '';
    let action = typeof b.action === 'string' ? b.action.toUpperCase() : '';
    let quantity = intOf(b.quantity);
    const pricetype = typeof b.pricetype === 'string' ? b.pricetype : 'MARKET';
    const product = typeof b.product === 'string' ? b.product : 'MIS';
    if (!symbol || !exchange || (action !== 'BUY' && action !== 'SELL') || quantity === null || quantity < 0)
      return { status: 400, body: { status: 'error', message: "{'quantity': ['Invalid value.']}" } };
    if (!['MARKET', 'LIMIT', 'SL', 'SL-M'].includes(pricetype) || !['MIS', 'CNC', 'NRML'].includes(product))
      return { status: 400, body: { status: 'error', message: "{'pricetype': ['Must be one of: MARKET, LIMIT, SL, SL-M.']}" } };
    if (positionSize !== null) {
      const current = this.netPositions().get(`${exchange}:${symbol}:${product}`) ?? 0;
      if (!(positionSize === 0 && current === 0)) {
        const delta = positionSize - current;
        if (delta === 0) return { status: 200, body: { status: 'success', message: 'No action needed. Position already matched.' } };
        action = delta > 0 ? 'BUY' : 'SELL';
        quantity = Math.abs(delta);
      }
    }
    if (quantity === 0) return { status: 400, body: { status: 'error', message: "{'quantity': ['Must be greater than 0.']}" } };
    const price = ticksOf(b.price ?? 0) ?? 0;
    const trigger = ticksOf(b.trigger_price ?? 0) ?? 0;
    if ((pricetype === 'LIMIT' || pricetype === 'SL') && price <= 0)
      return { status: 400, body: { status: 'error', message: 'Price is required' } };
    if ((pricetype === 'SL' || pricetype === 'SL-M') && trigger <= 0)
      return { status: 400, body: { status: 'error', message: 'Trigger price is required' } };
    this.seq += 1;
    const o: FakeOpenAlgoOrder = {
      orderid: `${this.options.orderIdPrefix ?? '2512070'}${String(this.seq).padStart(8, '0')}`,
      symbol,
      exchange,
      action: action as 'BUY' | 'SELL',
      quantity,
      price,
      triggerPrice: trigger,
      pricetype: pricetype as FakeOpenAlgoOrder['pricetype'],
      product,
      status: pricetype === 'SL' || pricetype === 'SL-M' ? 'trigger pending' : 'open',
      filled: 0,
      fillValue: 0n,
      rejectionReason: null,
      placedAt: Date.now(),
    };
    this.orders.set(o.orderid, o);
    this.publish(o);
    this.match(o);
    return { status: 200, body: { status: 'success', orderid: o.orderid } };
  }

  private modify(b: Record<string, unknown>): { status: number; body: Record<string, unknown> } {
    const o = this.orders.get(String(b.orderid ?? ''));
    if (!o) return { status: 404, body: { status: 'error', message: 'Order not found' } };
    for (const f of [
      'strategy',
      'symbol',
      'exchange',
      'action',
      'product',
      'pricetype',
      'price',
      'quantity',
      'trigger_price',
      'disclosed_quantity',
    ])
      if (b[f] === undefined) return { status: 400, body: { status: 'error', message: `{'${f}': ['Missing data for required field.']}` } };
    if (o.status !== 'open' && o.status !== 'trigger pending')
      return { status: 400, body: { status: 'error', message: `Order cannot be modified, it is ${o.status}` } };
    const q = intOf(b.quantity);
    const p = ticksOf(b.price);
    const t = ticksOf(b.trigger_price);
    if (q === null || q <= o.filled || p === null || t === null)
      return { status: 400, body: { status: 'error', message: 'Invalid modification' } };
    o.quantity = q;
    o.price = p;
    o.triggerPrice = t;
    this.publish(o);
    this.match(o);
    return { status: 200, body: { status: 'success', orderid: o.orderid } };
  }

  private match(o: FakeOpenAlgoOrder): void {
    if (o.status !== 'open' && o.status !== 'trigger pending') return;
    const q = this.quotes.get(`${o.exchange}:${o.symbol}`);
    if (!q) return;
    const buy = o.action === 'BUY';
    if (o.status === 'trigger pending') {
      if (buy ? q.ltp < o.triggerPrice : q.ltp > o.triggerPrice) return;
      o.status = 'open';
      this.publish(o);
    }
    const touch = buy ? q.ask : q.bid;
    const marketable = o.pricetype === 'MARKET' || o.pricetype === 'SL-M' || (buy ? touch <= o.price : touch >= o.price);
    if (!marketable) return;
    let qty = o.quantity - o.filled;
    if (this.options.fillPerQuote) qty = Math.min(qty, this.options.fillPerQuote);
    if (qty <= 0) return;
    o.filled += qty;
    o.fillValue += BigInt(qty) * BigInt(touch);
    this.trades.push({
      orderid: o.orderid,
      symbol: o.symbol,
      exchange: o.exchange,
      product: o.product,
      action: o.action,
      quantity: qty,
      price: touch,
      at: Date.now(),
    });
    if (o.filled === o.quantity) o.status = 'complete';
    this.publish(o);
  }
}
