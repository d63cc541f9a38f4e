import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { isBrokerError } from '../adapter/broker.errors';
import {
  DEFAULT_RECONNECT_BACKOFF,
  reconnectDelayMs,
  type ReconnectBackoff,
  type SocketDisconnectReason,
  type SocketLifecycleEvents,
} from '../adapter/reconnect-backoff';
import { kiteInvalidResponse, parseKiteTickerText, type KiteOrderContext } from './kite-responses';
import { decodeKiteTickFrame, type KiteTick } from './kite-ticks';

/**
 * Our own client for Kite's ticker WebSocket (docs/brokers.md 1.4, 1.8, 5). The SDK's `KiteTicker`
 * keeps its connection in module globals (one per process: a worker holding several accounts
 * cannot use it) and calls `process.exit(1)` after its last reconnect; this one is an instance
 * per account, never exits, and reports instead:
 * - connects to `<wsRoot>?api_key=…&access_token=…`;
 * - reconnects after a close, an error or a silent stall (no frame — Kite's 1-byte heartbeat
 *   included — for `stallMs`), with capped exponential backoff and jitter from an injectable
 *   random source; stops for good on an auth refusal (403 at the upgrade: the session is gone,
 *   reconnecting cannot help and only loops);
 * - re-sends every subscription and mode after each reconnect;
 * - emits `order` (text frames `{type:"order"}` parsed by `parseKiteTickerText`), `ticks`
 *   (binary frames through the injected decoder), `connect`, `disconnect` (with why: close,
 *   stall, error, auth), `reconnect` (a retry is scheduled), `problem` (a frame it could not read;
 *   never `error`, whose unhandled emission would throw), `authLost`.
 * Frames may be lost while disconnected: whoever owns it reconciles on `connect`.
 */

export const KITE_WS_ROOT = 'wss://ws.kite.trade';

export type KiteTickerMode = 'ltp' | 'quote' | 'full';

/** Default 500 ms first retry, 30 s cap (the SDK's max delay is 60 s; a trading session wants it sooner). */
export type KiteTickerBackoff = ReconnectBackoff;

export const KITE_TICKER_BACKOFF: KiteTickerBackoff = DEFAULT_RECONNECT_BACKOFF;

/** The wait before reconnect attempt `attempt` (1, 2, …): `reconnectDelayMs` (adapter/reconnect-backoff.ts). */
export const kiteReconnectDelayMs = reconnectDelayMs;

export type KiteDisconnectReason = SocketDisconnectReason;

export interface KiteTickerEvents extends SocketLifecycleEvents {
  ticks: [ticks: readonly KiteTick[]];
  authLost: [info: { readonly status: number }];
}

export interface KiteTickerOptions {
  readonly apiKey: string;
  readonly accessToken: string;
  /** Default `wss://ws.kite.trade`. */
  readonly wsRoot?: string;
  /** Maps Kite's exchange + tradingsymbol in order frames to our instruments. */
  readonly instruments: KiteOrderContext['instruments'];
  /** No frame at all for this long is a stall: the socket is dropped and reopened. Default 5 s (Kite beats every second). */
  readonly stallMs?: number;
  readonly backoff?: KiteTickerBackoff;
  /** [0, 1); default Math.random. Deterministic in tests. */
  readonly random?: () => number;
  /**
   * Binary frames other than the 1-byte heartbeat, to ticks. Default: `decodeKiteTickFrame`
   * (kite-ticks.ts); a frame it cannot read is a `problem`. Throwing here is a `problem` too.
   */
  readonly decodeTicks?: (frame: Buffer) => readonly KiteTick[];
  /** Timer functions (stall detection and reconnect waits); default the global ones. Tests drive them by hand. */
  readonly timers?: KiteTickerTimers;
  /** Also give up the handshake after this long (a connect that hangs is a stall too). Default `stallMs`. */
  readonly handshakeTimeoutMs?: number;
}

type Sub = KiteTickerMode;

export interface KiteTickerTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const GLOBAL_TIMERS: KiteTickerTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class KiteTickerClient extends EventEmitter<KiteTickerEvents> {
  private readonly url: string;
  private readonly stallMs: number;
  private readonly backoff: KiteTickerBackoff;
  private readonly random: () => number;
  private readonly subs = new Map<number, Sub>();
  private socket: WebSocket | null = null;
  private readonly timers: KiteTickerTimers;
  private stallTimer: unknown = null;
  private retryTimer: unknown = null;
  private attempt = 0;
  private connects = 0;
  private stopped = true;
  private closedForGood = false;

  constructor(private readonly options: KiteTickerOptions) {
    super();
    const url = new URL(options.wsRoot ?? KITE_WS_ROOT);
    url.searchParams.set('api_key', options.apiKey);
    url.searchParams.set('access_token', options.accessToken);
    this.url = url.toString();
    this.stallMs = options.stallMs ?? 5_000;
    if (!(this.stallMs > 0)) throw new RangeError('stallMs must be positive');
    this.backoff = options.backoff ?? KITE_TICKER_BACKOFF;
    this.random = options.random ?? Math.random;
    this.timers = options.timers ?? GLOBAL_TIMERS;
  }

  /** Whether a socket is open now. */
  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** How many times a socket has opened. */
  get connectCount(): number {
    return this.connects;
  }

  /** The instrument tokens and modes re-sent on every (re)connect. */
  subscriptions(): ReadonlyMap<number, KiteTickerMode> {
    return new Map(this.subs);
  }

  /** Opens the socket (idempotent). After `close()` the client stays closed. */
  connect(): void {
    if (this.closedForGood || !this.stopped) return;
    this.stopped = false;
    this.open();
  }

  /** Stops for good: no reconnect, timers cleared, socket terminated. */
  close(): void {
    this.closedForGood = true;
    this.stopped = true;
    this.clearTimers();
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.removeAllListeners();
      s.on('error', () => undefined);
      s.terminate();
    }
  }

  subscribe(tokens: readonly number[], mode: KiteTickerMode = 'quote'): void {
    const fresh = tokens.filter((t) => Number.isSafeInteger(t) && t > 0);
    for (const t of fresh) this.subs.set(t, mode);
    if (fresh.length > 0 && this.connected) {
      this.sendJson({ a: 'subscribe', v: fresh });
      this.sendJson({ a: 'mode', v: [mode, fresh] });
    }
  }

  unsubscribe(tokens: readonly number[]): void {
    const gone = tokens.filter((t) => this.subs.delete(t));
    if (gone.length > 0 && this.connected) this.sendJson({ a: 'unsubscribe', v: gone });
  }

  // ---------------------------------------------------------------- the socket

  private open(): void {
    const socket = new WebSocket(this.url, { handshakeTimeout: this.options.handshakeTimeoutMs ?? this.stallMs });
    this.socket = socket;
    let gone = false;
    const drop = (reason: KiteDisconnectReason, code: number | null, detail: string): void => {
      if (gone || this.socket !== socket) return;
      gone = true;
      this.socket = null;
      this.clearStall();
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
      this.emit('disconnect', { reason, code, detail });
      if (reason === 'auth') {
        this.stopped = true;
        return;
      }
      this.scheduleReconnect();
    };

    socket.on('open', () => {
      this.attempt = 0;
      this.connects += 1;
      this.armStall(() => drop('stall', null, `no frame for ${this.stallMs} ms`));
      this.resubscribe();
      this.emit('connect', { attempt: this.connects, reconnect: this.connects > 1 });
    });
    socket.on('message', (data, isBinary) => {
      this.armStall(() => drop('stall', null, `no frame for ${this.stallMs} ms`));
      if (isBinary) this.onBinary(toBuffer(data));
      else this.onText(toBuffer(data).toString('utf8'));
    });
    socket.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      if (status === 401 || status === 403) {
        this.emit('authLost', { status });
        drop('auth', status, `upgrade refused with ${status}`);
      } else drop('error', status, `upgrade refused with ${status}`);
    });
    socket.on('close', (code, reason) => drop('close', code, reason.toString('utf8')));
    socket.on('error', (err) => drop('error', null, err.message));
  }

  private onText(text: string): void {
    try {
      const order = parseKiteTickerText(text, { instruments: this.options.instruments });
      if (order) this.emit('order', order);
    } catch (e) {
      // An order we do not map (placed elsewhere, another product) is not ours to report.
      if (isBrokerError(e) && e.kind === 'final') return;
      this.emit('problem', e);
    }
  }

  private onBinary(frame: Buffer): void {
    if (frame.length <= 1) return; // heartbeat
    const decode = this.options.decodeTicks ?? decodeTicksOrThrow;
    try {
      const ticks = decode(frame);
      if (ticks.length > 0) this.emit('ticks', ticks);
    } catch (e) {
      this.emit('problem', e);
    }
  }

  private resubscribe(): void {
    if (this.subs.size === 0) return;
    const byMode = new Map<Sub, number[]>();
    for (const [token, mode] of this.subs) byMode.set(mode, [...(byMode.get(mode) ?? []), token]);
    this.sendJson({ a: 'subscribe', v: [...this.subs.keys()] });
    for (const [mode, tokens] of byMode) this.sendJson({ a: 'mode', v: [mode, tokens] });
  }

  private sendJson(message: unknown): void {
    this.socket?.send(JSON.stringify(message));
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.attempt += 1;
    const delayMs = kiteReconnectDelayMs(this.attempt, this.backoff, this.random);
    this.emit('reconnect', { attempt: this.attempt, delayMs });
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.open();
    }, delayMs);
  }

  private armStall(onStall: () => void): void {
    this.clearStall();
    this.stallTimer = this.timers.setTimeout(onStall, this.stallMs);
  }

  private clearStall(): void {
    if (this.stallTimer !== null) this.timers.clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }

  private clearTimers(): void {
    this.clearStall();
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}

function decodeTicksOrThrow(frame: Buffer): readonly KiteTick[] {
  const r = decodeKiteTickFrame(frame);
  if (!r.ok) throw kiteInvalidResponse('read', `ticker frame ${r.error.code} at byte ${r.error.offset}: ${r.error.message}`);
  return r.ticks;
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data as ArrayBuffer);
}
