import type { DepthLevel, MarketDepth, SimTick } from '@tradeloop/domain';
import WebSocket from 'ws';
import { DEFAULT_RECONNECT_BACKOFF, reconnectDelayMs, type ReconnectBackoff } from '../adapter/reconnect-backoff';
import {
  BrokerFeedSource,
  type BrokerFeedSourceOptions,
  discardSocket,
  type FeedInstrumentState,
  refreshFeedInstruments,
  reportFeedAuthLost,
} from '../feed/broker-feed';

/**
 * OpenAlgo's WebSocket proxy as a market-data source (docs/brokers.md 3.6 and 5; its server code,
 * `websocket_proxy/server.py`, where it and the docs disagree): one account — a host and an API
 * key, no daily login — every instrument we know an OpenAlgo `EXCHANGE:SYMBOL` for, in Depth mode
 * (5 levels), ticks in our units into the same pipeline as the simulator's.
 *
 * - The protocol: `{"action":"authenticate","api_key"}` → `{"type":"auth","status":"success"}`;
 *   `{"action":"subscribe","symbols":[{symbol,exchange}…],"mode":3,"depth":5}` (the code reads the
 *   `symbols` list) → `{"type":"subscribe",…}`; then `{"type":"market_data","symbol","exchange",
 *   "mode","data":{ltp,volume,last_quantity,close,depth:{buy,sell}…}}` with prices in rupees.
 *   Errors are `{"status":"error","code","message"}`.
 * - Heartbeat: the proxy sends no heartbeat message; its `websockets` server pings every
 *   `WS_PING_INTERVAL` (20 s). A protocol ping or any message keeps the socket alive; nothing for
 *   `stallMs` (default 45 s: two missed pings and some) is a stall — the socket is dropped and
 *   reopened with capped backoff and jitter, everything subscribed again.
 * - A refused key (`AUTHENTICATION_ERROR`) is not retried: `onAuthLost` is told (the worker marks
 *   the account `error`) and the feed waits, asking `session()` every `sessionPollMs`, until the
 *   account is connected again (seen not connected first, or with another key) — no reconnect loop.
 * - A message that is not JSON or not a well-formed tick is counted (`framesRejected`) and skipped;
 *   a tick for an instrument we did not subscribe is counted (`unknownTokens`). Ticks queue in a
 *   BoundedTickQueue (`maxQueuedTicks`); a message arriving while it is full is shed unread, counted
 *   — the next tick's size, the rise of the day volume, still covers the shed trades.
 * - A tick is stamped with its arrival time; the trade's size is the rise of the day volume since
 *   the instrument's previous tick (its `last_quantity` on the first); `close` is the previous close.
 */

export interface OpenAlgoFeedSession {
  /** The proxy's WebSocket address (docs/brokers.md 3.1: `ws://<host>:8765`). */
  readonly url: string;
  readonly apiKey: string;
}

/** Capped exponential with equal jitter, as every broker socket (adapter/reconnect-backoff.ts). */
export type OpenAlgoFeedBackoff = ReconnectBackoff;

/** `session`: the account's proxy and key, or null while it is not connected (error, disabled); `onAuthLost`: the key was refused (the account is in error). */
export interface OpenAlgoFeedSourceOptions extends BrokerFeedSourceOptions<OpenAlgoFeedSession> {
  /** OpenAlgo `EXCHANGE:SYMBOL` → our symbol, for every instrument to stream (the instrument masters' port). */
  readonly symbols: () => Promise<ReadonlyMap<string, string>>;
  /** Default 45,000 ms (the proxy pings every 20 s). */
  readonly stallMs?: number;
  readonly backoff?: OpenAlgoFeedBackoff;
  /** Instruments per subscribe message. Default 500. */
  readonly subscribeBatch?: number;
}

type Stage = 'auth' | 'live';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A rupee amount as OpenAlgo sends it (a JSON number) in ticks; null when it is not a price. */
function ticks(v: unknown): number | null {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return null;
  const t = Math.round(v * 10_000);
  return Number.isSafeInteger(t) ? t : null;
}
const count = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null);

/** One side of OpenAlgo's book (`depth.buy` / `depth.sell`), best first; empty levels dropped; null when malformed. */
function side(v: unknown): DepthLevel[] | null {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return null;
  const out: DepthLevel[] = [];
  for (const level of v.slice(0, 5)) {
    if (!isObject(level)) return null;
    const price = ticks(level.price);
    const quantity = count(level.quantity);
    const orders = level.orders === undefined ? 0 : count(level.orders);
    if (price === null || quantity === null || orders === null) return null;
    if (price > 0 && quantity > 0) out.push({ price, quantity, orders });
  }
  return out;
}

export class OpenAlgoFeedSource extends BrokerFeedSource<OpenAlgoFeedSourceOptions> {
  readonly name = 'openalgo';
  private readonly bySymbol = new Map<string, FeedInstrumentState>();
  private subscribed: string[] = [];
  private socket: WebSocket | null = null;
  private stage: Stage = 'auth';
  private session: OpenAlgoFeedSession | null = null;
  private attempt = 0;
  private lastSeen = 0;
  private pollTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  /** The key OpenAlgo refused: not tried again until the account is seen not connected or the key changes. */
  private refused: string | null = null;

  protected connect(): void {
    void this.connectWhenReady();
  }

  protected disconnect(): void {
    for (const t of [this.pollTimer, this.retryTimer]) if (t) clearTimeout(t);
    this.pollTimer = null;
    this.retryTimer = null;
    this.dropSocket();
  }

  private async connectWhenReady(): Promise<void> {
    this.pollTimer = null;
    if (this.stopped || this.socket) return;
    let session: OpenAlgoFeedSession | null = null;
    let symbols: ReadonlyMap<string, string> = new Map();
    try {
      session = await this.options.session();
      if (session && session.apiKey !== this.refused) symbols = await this.options.symbols();
    } catch (err) {
      this.options.onEvent?.('account lookup failed', { err: (err as Error).message });
      session = null;
    }
    if (this.stopped || this.socket) return;
    // Seen not connected after a refusal: the next connected state is a fixed key (or a new one).
    if (!session) this.refused = null;
    if (!session || session.apiKey === this.refused) {
      if (this.stats.state !== 'waiting_for_login') this.options.onEvent?.('waiting for the account to be connected', {});
      this.stats.state = 'waiting_for_login';
      this.pollTimer = setTimeout(() => void this.connectWhenReady(), this.options.sessionPollMs ?? 5_000);
      return;
    }
    this.refused = null;
    refreshFeedInstruments(this.bySymbol, symbols);
    this.subscribed = [...symbols.keys()];
    this.session = session;
    this.open();
  }

  private open(): void {
    const session = this.session;
    if (this.stopped || this.socket || !session) return;
    this.attempt += 1;
    this.stats.state = 'connecting';
    this.stage = 'auth';
    const ws = new WebSocket(session.url);
    this.socket = ws;
    this.lastSeen = this.now();
    const stallMs = this.options.stallMs ?? 45_000;
    this.watchdog = setInterval(
      () => {
        if (this.socket === ws && this.now() - this.lastSeen > stallMs) this.lose(ws, 'stall', 'no message nor ping in time');
      },
      Math.max(10, Math.floor(stallMs / 4)),
    );
    ws.on('open', () => {
      this.lastSeen = this.now();
      ws.send(JSON.stringify({ action: 'authenticate', api_key: session.apiKey }));
    });
    ws.on('ping', () => {
      this.lastSeen = this.now();
    });
    ws.on('message', (data, isBinary) => {
      this.lastSeen = this.now();
      if (this.socket !== ws) return;
      if (this.stage === 'live' && this.queue.room <= 0) {
        // Full: shed unread (each message carries at most one tick).
        this.queue.shed(1);
        return;
      }
      this.onMessage(ws, isBinary ? null : data.toString());
    });
    ws.on('error', (err) => {
      if (this.socket === ws) this.lose(ws, 'error', err.message);
    });
    ws.on('close', (code, reason) => {
      if (this.socket === ws) this.lose(ws, 'close', `${code} ${reason.toString()}`);
    });
  }

  private onMessage(ws: WebSocket, text: string | null): void {
    let msg: unknown;
    try {
      msg = text === null ? null : JSON.parse(text);
    } catch {
      msg = null;
    }
    if (!isObject(msg)) {
      this.stats.framesRejected += 1;
      return;
    }
    if (msg.type === 'market_data') {
      if (this.stage !== 'live') return;
      const at = this.now();
      const tick = this.tickOf(msg, at);
      if (tick) this.pump.push([tick], at);
      return;
    }
    if (msg.status === 'error') {
      const code = typeof msg.code === 'string' ? msg.code : '';
      const text = typeof msg.message === 'string' ? msg.message : code;
      if (this.stage === 'auth' && code === 'AUTHENTICATION_ERROR') return this.authLost(text);
      if (this.stage === 'auth') {
        // BROKER_ERROR and the like: the broker session behind OpenAlgo is not ready; retry later.
        this.lose(ws, 'error', `${code} ${text}`);
        return;
      }
      this.options.onEvent?.('error message', { code, message: text });
      return;
    }
    if (this.stage === 'auth' && (msg.type === 'auth' || msg.type === 'authenticate') && msg.status === 'success') {
      this.stage = 'live';
      this.attempt = 0;
      this.stats.connects += 1;
      this.stats.state = 'streaming';
      this.subscribe(ws);
      this.options.onEvent?.('connected', { reconnect: this.stats.connects > 1, instruments: this.subscribed.length });
      return;
    }
    if (msg.type === 'subscribe' && msg.status !== 'success') {
      const failed = Array.isArray(msg.subscriptions) ? msg.subscriptions.filter((s) => isObject(s) && s.status !== 'success') : [];
      this.options.onEvent?.('some instruments were not subscribed', { failed: failed.length, sample: failed.slice(0, 5) });
    }
  }

  private subscribe(ws: WebSocket): void {
    const batch = this.options.subscribeBatch ?? 500;
    for (let i = 0; i < this.subscribed.length; i += batch) {
      const symbols = this.subscribed.slice(i, i + batch).map((key) => {
        const at = key.indexOf(':');
        return { exchange: key.slice(0, at), symbol: key.slice(at + 1) };
      });
      ws.send(JSON.stringify({ action: 'subscribe', symbols, mode: 3, depth: 5 }));
    }
  }

  private authLost(message: string): void {
    const key = this.session?.apiKey ?? null;
    this.dropSocket();
    this.stats.authLost += 1;
    this.stats.disconnects.auth += 1;
    this.refused = key;
    this.stats.state = 'waiting_for_login';
    this.options.onEvent?.('key refused; the account is in error', { message });
    reportFeedAuthLost(this.options, `OpenAlgo refused the API key on its WebSocket: ${message}`, () => {
      if (!this.stopped && !this.pollTimer) void this.connectWhenReady();
    });
  }

  /** The socket is gone (close, error, stall): reopen after a backoff with jitter. */
  private lose(ws: WebSocket, reason: 'close' | 'stall' | 'error', detail: string): void {
    if (this.socket !== ws) return;
    this.dropSocket();
    this.stats.disconnects[reason] += 1;
    this.options.onEvent?.('disconnected', { reason, detail });
    if (this.stopped) return;
    this.stats.state = 'connecting';
    const delay = reconnectDelayMs(this.attempt, this.options.backoff ?? DEFAULT_RECONNECT_BACKOFF, this.options.random ?? Math.random);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      // The account may have changed meanwhile (disabled, re-keyed): look it up again.
      void this.connectWhenReady();
    }, delay);
  }

  private dropSocket(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    const ws = this.socket;
    this.socket = null;
    discardSocket(ws);
  }

  /** A `market_data` message as our tick; null (counted) when malformed or not ours, null when no trade yet. */
  private tickOf(msg: Record<string, unknown>, ts: number): SimTick | null {
    const data = msg.data;
    if (typeof msg.symbol !== 'string' || typeof msg.exchange !== 'string' || !isObject(data)) {
      this.stats.framesRejected += 1;
      return null;
    }
    const ltp = ticks(data.ltp);
    const volumeIn = data.volume === undefined ? null : count(data.volume);
    const lastQuantity = data.last_quantity === undefined ? 0 : count(data.last_quantity);
    const close = data.close === undefined ? 0 : ticks(data.close);
    const depthIn = data.depth;
    const bids = isObject(depthIn) ? side(depthIn.buy) : depthIn === undefined ? [] : null;
    const asks = isObject(depthIn) ? side(depthIn.sell) : depthIn === undefined ? [] : null;
    if (ltp === null || (data.volume !== undefined && volumeIn === null) || lastQuantity === null || close === null || !bids || !asks) {
      this.stats.framesRejected += 1;
      return null;
    }
    const s = this.bySymbol.get(`${msg.exchange}:${msg.symbol}`);
    if (!s) {
      this.stats.unknownTokens += 1;
      return null;
    }
    // A zero price (no trade yet today) is not a trade.
    if (ltp === 0) return null;
    const volume = volumeIn ?? s.volume ?? 0;
    const quantity = s.volume === null || volume < s.volume ? lastQuantity : volume - s.volume;
    s.volume = volume;
    s.seq += 1;
    const depth: MarketDepth | undefined = bids.length > 0 || asks.length > 0 ? { bids, asks } : undefined;
    const tick: SimTick = {
      symbol: s.symbol,
      ts,
      ltp,
      bid: depth?.bids[0]?.price ?? ltp,
      ask: depth?.asks[0]?.price ?? ltp,
      quantity,
      volume,
      prevClose: close > 0 ? close : ltp,
      seq: s.seq,
    };
    if (depth) tick.depth = depth;
    return tick;
  }
}
