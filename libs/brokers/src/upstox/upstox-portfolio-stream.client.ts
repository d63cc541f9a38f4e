import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { isBrokerError, type BrokerError } from '../adapter/broker.errors';
import {
  DEFAULT_RECONNECT_BACKOFF,
  reconnectDelayMs,
  type ReconnectBackoff,
  type SocketDisconnectReason,
  type SocketLifecycleEvents,
} from '../adapter/reconnect-backoff';
import { parseUpstoxStreamMessage, type UpstoxOrderContext } from './upstox-orders';

/**
 * Our own client for Upstox's portfolio stream (docs/brokers.md 2.4): order updates as JSON text
 * frames with `update_type: "order"`. Each connection starts with the authorise call
 * (`GET /v2/feed/portfolio-stream-feed/authorize`), which hands out a one-time `wss://` URL; the
 * SDK's `PortfolioDataStreamer` does the same but shares the SDK's global client. This one is an
 * instance per account and:
 * - reconnects after a close, an error or a silent stall (no frame and no ping for `stallMs`),
 *   with capped exponential backoff and jitter, authorising afresh each time (the URL is single use);
 * - stops for good when the authorise call says the session is gone (`auth`): reconnecting with
 *   an expired token only loops, so it emits `authLost` once instead;
 * - emits `order`, `connect` (reconcile then: frames are lost while down), `disconnect`,
 *   `reconnect`, `problem` (never `error`), `authLost`.
 */

export type UpstoxStreamBackoff = ReconnectBackoff;

export const UPSTOX_STREAM_BACKOFF: UpstoxStreamBackoff = DEFAULT_RECONNECT_BACKOFF;

/** Capped exponential with equal jitter: `reconnectDelayMs` (adapter/reconnect-backoff.ts). */
export const upstoxReconnectDelayMs = reconnectDelayMs;

export type UpstoxDisconnectReason = SocketDisconnectReason;

export interface UpstoxStreamEvents extends SocketLifecycleEvents {
  authLost: [error: BrokerError];
}

export interface UpstoxPortfolioStreamOptions {
  /** The authorise call: resolves with the one-time wss URL, or rejects with a BrokerError (`auth` stops the client). */
  readonly authorize: () => Promise<string>;
  readonly instruments: UpstoxOrderContext['instruments'];
  /** No frame and no ping for this long is a stall. Default 10 s. */
  readonly stallMs?: number;
  readonly backoff?: UpstoxStreamBackoff;
  readonly random?: () => number;
}

export class UpstoxPortfolioStreamClient extends EventEmitter<UpstoxStreamEvents> {
  private readonly stallMs: number;
  private readonly backoff: UpstoxStreamBackoff;
  private readonly random: () => number;
  private socket: WebSocket | null = null;
  private stallTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private connects = 0;
  private running = false;
  private closedForGood = false;

  constructor(private readonly options: UpstoxPortfolioStreamOptions) {
    super();
    this.stallMs = options.stallMs ?? 10_000;
    if (!(this.stallMs > 0)) throw new RangeError('stallMs must be positive');
    this.backoff = options.backoff ?? UPSTOX_STREAM_BACKOFF;
    this.random = options.random ?? Math.random;
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  get connectCount(): number {
    return this.connects;
  }

  /** Starts connecting (idempotent). After `close()` or an auth loss the client stays stopped. */
  connect(): void {
    if (this.closedForGood || this.running) return;
    this.running = true;
    void this.open();
  }

  close(): void {
    this.closedForGood = true;
    this.running = false;
    this.clearTimers();
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.removeAllListeners();
      s.on('error', () => undefined);
      s.terminate();
    }
  }

  private async open(): Promise<void> {
    let url: string;
    try {
      url = await this.options.authorize();
    } catch (e) {
      if (!this.running) return;
      if (isBrokerError(e) && e.kind === 'auth') {
        this.running = false;
        this.emit('disconnect', { reason: 'auth', code: e.httpStatus, detail: e.message });
        this.emit('authLost', e);
        return;
      }
      this.emit('problem', e);
      this.scheduleReconnect();
      return;
    }
    if (!this.running) return;
    const socket = new WebSocket(url, { handshakeTimeout: this.stallMs });
    this.socket = socket;
    let gone = false;
    const drop = (reason: UpstoxDisconnectReason, code: number | null, detail: string): void => {
      if (gone || this.socket !== socket) return;
      gone = true;
      this.socket = null;
      this.clearStall();
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
      this.emit('disconnect', { reason, code, detail });
      this.scheduleReconnect();
    };
    const alive = (): void => this.armStall(() => drop('stall', null, `no frame for ${this.stallMs} ms`));
    socket.on('open', () => {
      this.attempt = 0;
      this.connects += 1;
      alive();
      this.emit('connect', { attempt: this.connects, reconnect: this.connects > 1 });
    });
    socket.on('ping', alive);
    socket.on('message', (data, isBinary) => {
      alive();
      if (isBinary) return;
      this.onText(toBuffer(data).toString('utf8'));
    });
    // A refused upgrade (the one-time URL used or expired): authorise again on the next attempt,
    // which reports an expired session as `auth`.
    socket.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      drop('error', status, `upgrade refused with ${status}`);
    });
    socket.on('close', (code, reason) => drop('close', code, reason.toString('utf8')));
    socket.on('error', (err) => drop('error', null, err.message));
  }

  private onText(text: string): void {
    try {
      const order = parseUpstoxStreamMessage(text, { instruments: this.options.instruments });
      if (order) this.emit('order', order);
    } catch (e) {
      this.emit('problem', e);
    }
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    this.attempt += 1;
    const delayMs = upstoxReconnectDelayMs(this.attempt, this.backoff, this.random);
    this.emit('reconnect', { attempt: this.attempt, delayMs });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.running) void this.open();
    }, delayMs);
  }

  private armStall(onStall: () => void): void {
    this.clearStall();
    this.stallTimer = setTimeout(onStall, this.stallMs);
  }

  private clearStall(): void {
    if (this.stallTimer !== null) clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }

  private clearTimers(): void {
    this.clearStall();
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data as ArrayBuffer);
}
