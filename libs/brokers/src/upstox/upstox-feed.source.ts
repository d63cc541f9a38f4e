import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { DepthLevel, MarketDepth, SimTick } from '@tradeloop/domain';
import { isBrokerError } from '../adapter/broker.errors';
import {
  BrokerFeedSource,
  type BrokerFeedSourceOptions,
  discardSocket,
  type FeedInstrumentState,
  refreshFeedInstruments,
  reportFeedAuthLost,
} from '../feed/broker-feed';
import { UpstoxHttpClient, upstoxInvalidResponse, type UpstoxFetch } from './upstox-http';
import { decodeUpstoxFeedFrame, type UpstoxDepthLevel, type UpstoxFeedTick } from './upstox-market-feed';
import { UPSTOX_STREAM_BACKOFF, upstoxReconnectDelayMs, type UpstoxStreamBackoff } from './upstox-portfolio-stream.client';

/**
 * Upstox's market-data feed v3 as a market-data source (docs/brokers.md 2.4; docs/architecture.md
 * "Market data"): one account's session, every instrument we know an Upstox `instrument_key` for,
 * ticks in our units into the same pipeline as the simulator's and Kite's.
 *
 * - Each connection starts with `GET /v3/feed/market-data-feed/authorize`, which hands out a
 *   one-time `wss://` URL; a reconnect authorises afresh. Subscriptions are JSON
 *   `{guid, method: "sub", data: {mode, instrumentKeys}}` sent as binary frames (as the official
 *   SDK's MarketDataStreamerV3 sends them); keys go in `full` mode (5-level book; indices get their
 *   index feed) up to `maxFullKeys` per connection, the rest in `ltpc`.
 * - Frames are protobuf `FeedResponse`s read by decodeUpstoxFeedFrame; one that cannot be read is
 *   counted and skipped, a key we were not given is counted.
 * - Reconnect with capped backoff and jitter after a close, an error or a stall (no frame and no
 *   server ping for `stallMs`), resubscribing everything.
 * - An authorise call refused as `auth` (the token expired) is not retried: `onAuthLost` is told
 *   (the worker marks the account needs_login) and the feed waits, asking `session()` every
 *   `sessionPollMs`, until the account has another token — no reconnect loop.
 * - Ticks queue in a BoundedTickQueue (`maxQueuedTicks`) drained on the event loop; a frame whose
 *   feeds do not fit is shed whole and counted before it is decoded (its entries are counted from
 *   the top-level tags), so the next tick's size (the day volume's rise) still covers the shed trades.
 * - A tick is stamped with its frame's arrival time; the size is the rise of the day volume
 *   (`vtt`) since the instrument's previous tick (the last trade's quantity for the first);
 *   `cp` is the previous close.
 */

export interface UpstoxFeedSession {
  readonly accessToken: string;
}

export interface UpstoxFeedSourceOptions extends BrokerFeedSourceOptions<UpstoxFeedSession> {
  /** Upstox instrument key (`NSE_EQ|INE002A01018`) → our symbol, for every instrument to stream. */
  readonly keys: () => Promise<ReadonlyMap<string, string>>;
  /** `UPSTOX_API_ROOT` (the authorise call). */
  readonly apiRoot?: string;
  readonly fetch?: UpstoxFetch;
  /** No frame and no ping for this long is a stall. Default 10,000 ms. */
  readonly stallMs?: number;
  readonly backoff?: UpstoxStreamBackoff;
  /** Keys subscribed in `full` per connection (Upstox's limit); the rest go in `ltpc`. Default 2,000. */
  readonly maxFullKeys?: number;
}

export const UPSTOX_FEED_AUTHORIZE_PATH = '/v3/feed/market-data-feed/authorize';
const DEPTH_LEVELS = 5;

/** A subscription request as Upstox reads it: JSON, sent as a binary frame. */
export function upstoxSubscription(method: 'sub' | 'unsub' | 'change_mode', mode: string, instrumentKeys: readonly string[]): Buffer {
  return Buffer.from(JSON.stringify({ guid: randomUUID(), method, data: { mode, instrumentKeys } }), 'utf8');
}

const side = (levels: readonly UpstoxDepthLevel[]): DepthLevel[] => {
  const out: DepthLevel[] = [];
  for (const l of levels) {
    if (out.length === DEPTH_LEVELS) break;
    if (l.quantity > 0) out.push({ price: l.price, quantity: l.quantity, orders: 0 });
  }
  return out;
};

/**
 * How many instrument feeds a `FeedResponse` frame carries (its `feeds` map entries, field 2),
 * read from the top-level tags alone without decoding them; -1 when the top level does not parse
 * (the decoder then rejects the frame). Lets a frame that cannot fit the queue be shed undecoded.
 */
export function countUpstoxFeedEntries(frame: Uint8Array): number {
  let i = 0;
  let n = 0;
  const varint = (): number => {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (i >= frame.length) return -1;
      const b = frame[i++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
    // 64-bit varints (times): skip the rest
    while (i < frame.length && frame[i]! >= 0x80) i += 1;
    if (i >= frame.length) return -1;
    i += 1;
    return 0;
  };
  while (i < frame.length) {
    const tag = varint();
    if (tag < 0) return -1;
    const field = Math.floor(tag / 8);
    switch (tag & 7) {
      case 0:
        if (varint() < 0) return -1;
        break;
      case 1:
        i += 8;
        break;
      case 2: {
        const len = varint();
        if (len < 0) return -1;
        i += len;
        if (field === 2) n += 1;
        break;
      }
      case 5:
        i += 4;
        break;
      default:
        return -1;
    }
    if (i > frame.length) return -1;
  }
  return n;
}

const toBuffer = (data: WebSocket.RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);

export class UpstoxFeedSource extends BrokerFeedSource<UpstoxFeedSourceOptions> {
  readonly name = 'upstox';
  private readonly byKey = new Map<string, FeedInstrumentState>();
  private readonly stallMs: number;
  /** The session being streamed (null: none, waiting or stopped). */
  private session: UpstoxFeedSession | null = null;
  private socket: WebSocket | null = null;
  private stallTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  /** Bumped on stop and on each new session: callbacks of an older one do nothing. */
  private generation = 0;
  /** The token Upstox refused: not tried again, whatever `session()` says, until it changes. */
  private refused: string | null = null;

  constructor(options: UpstoxFeedSourceOptions) {
    super(options);
    this.stallMs = options.stallMs ?? 10_000;
    if (!(this.stallMs > 0)) throw new RangeError('stallMs must be positive');
  }

  protected connect(): void {
    this.generation += 1;
    void this.connectWhenReady(this.generation);
  }

  protected disconnect(): void {
    this.generation += 1;
    this.session = null;
    for (const t of [this.pollTimer, this.retryTimer, this.stallTimer]) if (t) clearTimeout(t);
    this.pollTimer = this.retryTimer = this.stallTimer = null;
    this.dropSocket();
  }

  private async connectWhenReady(gen: number): Promise<void> {
    if (gen !== this.generation) return;
    let session: UpstoxFeedSession | null = null;
    let keys: ReadonlyMap<string, string> = new Map();
    try {
      session = await this.options.session();
      if (session && session.accessToken !== this.refused) keys = await this.options.keys();
    } catch (err) {
      this.options.onEvent?.('session lookup failed', { err: (err as Error).message });
      session = null;
    }
    if (gen !== this.generation) return;
    if (!session || session.accessToken === this.refused) {
      if (this.stats.state !== 'waiting_for_login') this.options.onEvent?.('waiting for a login', {});
      this.stats.state = 'waiting_for_login';
      this.pollTimer = setTimeout(() => void this.connectWhenReady(gen), this.options.sessionPollMs ?? 5_000);
      return;
    }
    this.refused = null;
    refreshFeedInstruments(this.byKey, keys);
    for (const key of [...this.byKey.keys()]) if (!keys.has(key)) this.byKey.delete(key);
    this.session = session;
    this.attempt = 0;
    this.stats.state = 'connecting';
    void this.open(gen, session);
  }

  /** Authorise (a one-time URL), connect, subscribe. */
  private async open(gen: number, session: UpstoxFeedSession): Promise<void> {
    let url: string;
    try {
      url = await this.authorize(session);
    } catch (e) {
      if (gen !== this.generation) return;
      if (isBrokerError(e) && e.kind === 'auth') {
        this.lose(gen, session, `Upstox refused the feed session (${e.httpStatus ?? 'auth'}: ${e.message})`);
        return;
      }
      this.stats.disconnects.error += 1;
      this.options.onEvent?.('authorise failed', { err: (e as Error).message });
      this.scheduleReconnect(gen, session);
      return;
    }
    if (gen !== this.generation) return;
    const socket = new WebSocket(url, { handshakeTimeout: this.stallMs });
    socket.binaryType = 'nodebuffer';
    this.socket = socket;
    let gone = false;
    const drop = (reason: 'close' | 'stall' | 'error', code: number | null, detail: string): void => {
      if (gone || this.socket !== socket) return;
      gone = true;
      this.dropSocket();
      this.stats.disconnects[reason] += 1;
      if (this.stats.state === 'streaming') this.stats.state = 'connecting';
      this.options.onEvent?.('disconnected', { reason, code, detail });
      // The next authorise call tells an expired token (auth) from a broken socket.
      this.scheduleReconnect(gen, session);
    };
    const alive = (): void => {
      if (this.stallTimer) clearTimeout(this.stallTimer);
      this.stallTimer = setTimeout(() => drop('stall', null, `no frame nor ping for ${this.stallMs} ms`), this.stallMs);
    };
    socket.on('open', () => {
      this.attempt = 0;
      this.stats.connects += 1;
      this.stats.state = 'streaming';
      alive();
      this.subscribe(socket);
      this.options.onEvent?.('connected', { reconnect: this.stats.connects > 1, instruments: this.byKey.size });
    });
    socket.on('ping', alive);
    socket.on('message', (data, isBinary) => {
      alive();
      if (isBinary) this.onFrame(toBuffer(data));
    });
    socket.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      drop('error', status, `upgrade refused with ${status}`);
    });
    socket.on('close', (code, reason) => drop('close', code, reason.toString('utf8')));
    socket.on('error', (err) => drop('error', null, err.message));
  }

  private async authorize(session: UpstoxFeedSession): Promise<string> {
    const http = new UpstoxHttpClient({
      accessToken: session.accessToken,
      ...(this.options.apiRoot ? { apiRoot: this.options.apiRoot } : {}),
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
    const { data } = await http.request({ method: 'GET', path: UPSTOX_FEED_AUTHORIZE_PATH, operation: 'read' });
    const d = data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {};
    const uri = d.authorized_redirect_uri ?? d.authorizedRedirectUri;
    if (typeof uri !== 'string' || !/^wss?:\/\//.test(uri)) throw upstoxInvalidResponse('read', 'feed authorisation without a wss URL');
    return uri;
  }

  private subscribe(socket: WebSocket): void {
    const keys = [...this.byKey.keys()];
    const max = this.options.maxFullKeys ?? 2_000;
    const full = keys.slice(0, max);
    const ltpc = keys.slice(max);
    if (full.length > 0) socket.send(upstoxSubscription('sub', 'full', full), { binary: true });
    if (ltpc.length > 0) {
      socket.send(upstoxSubscription('sub', 'ltpc', ltpc), { binary: true });
      this.options.onEvent?.('more keys than full mode allows: the rest in ltpc', { full: full.length, ltpc: ltpc.length });
    }
  }

  private lose(gen: number, session: UpstoxFeedSession, reason: string): void {
    this.stats.authLost += 1;
    this.stats.disconnects.auth += 1;
    this.refused = session.accessToken;
    this.session = null;
    this.dropSocket();
    this.options.onEvent?.('session refused; the account needs a login', { reason });
    this.stats.state = 'waiting_for_login';
    reportFeedAuthLost(this.options, reason, () => void this.connectWhenReady(gen));
  }

  private scheduleReconnect(gen: number, session: UpstoxFeedSession): void {
    if (gen !== this.generation || this.stopped) return;
    this.attempt += 1;
    const delayMs = upstoxReconnectDelayMs(this.attempt, this.options.backoff ?? UPSTOX_STREAM_BACKOFF, this.options.random ?? Math.random);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (gen === this.generation && this.session === session) void this.open(gen, session);
    }, delayMs);
  }

  private dropSocket(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    const s = this.socket;
    this.socket = null;
    discardSocket(s);
  }

  /** One protobuf frame: shed whole (undecoded) if its feeds cannot fit, else decoded and its ticks queued. */
  private onFrame(frame: Buffer): void {
    const count = countUpstoxFeedEntries(frame);
    if (count > this.queue.room) {
      this.queue.shed(count);
      return;
    }
    const r = decodeUpstoxFeedFrame(frame);
    if (!r.ok) {
      this.stats.framesRejected += 1;
      return;
    }
    const n = r.message.ticks.length;
    if (n === 0) return; // market_info, or an initial feed of nothing
    if (n > this.queue.room) {
      this.queue.shed(n);
      return;
    }
    const at = this.now();
    const out: SimTick[] = [];
    for (const t of r.message.ticks) {
      const tick = this.toTick(t, at);
      if (tick) out.push(tick);
    }
    this.pump.push(out, at);
  }

  private toTick(t: UpstoxFeedTick, ts: number): SimTick | null {
    const s = this.byKey.get(t.instrumentKey);
    if (!s) {
      this.stats.unknownTokens += 1;
      return null;
    }
    // No last price (nothing traded yet, or a frame without ltpc) is not a trade.
    if (t.ltp === null) return null;
    const volume = t.volume ?? s.volume ?? 0;
    const quantity = t.volume === null ? 0 : s.volume === null || volume < s.volume ? (t.lastTradeQuantity ?? 0) : volume - s.volume;
    if (t.volume !== null) s.volume = volume;
    s.seq += 1;
    let depth: MarketDepth | undefined;
    if (t.bids.length > 0 || t.asks.length > 0) {
      const bids = side(t.bids);
      const asks = side(t.asks);
      if (bids.length > 0 || asks.length > 0) depth = { bids, asks };
    }
    const tick: SimTick = {
      symbol: s.symbol,
      ts,
      ltp: t.ltp,
      bid: depth?.bids[0]?.price ?? t.ltp,
      ask: depth?.asks[0]?.price ?? t.ltp,
      quantity,
      volume,
      prevClose: t.closePrice ?? t.ltp,
      seq: s.seq,
    };
    if (depth) tick.depth = depth;
    return tick;
  }
}
