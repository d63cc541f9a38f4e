import { EventEmitter } from 'node:events';
import WebSocket from 'ws';

/**
 * Order updates from OpenAlgo's WebSocket proxy (docs/brokers.md 3.6; marketcalls/openalgo
 * `websocket_proxy/server.py`): connect, send `{"action":"authenticate","api_key":…}`, wait for
 * `{"type":"auth","status":"success"}`, send `{"action":"subscribe_orders"}`, wait for
 * `{"type":"subscribe_orders","status":"success"}`; then `{"type":"order_update",…}` messages
 * arrive for every order of the account. Errors are `{"status":"error","code","message"}`:
 * `AUTHENTICATION_ERROR` (bad key) stops for good; `INVALID_ACTION` in answer to
 * `subscribe_orders` means an install without the order stream — `unsupported`, stop, poll instead.
 * Reconnects after a close with capped backoff; each (re)subscription emits `connect` so the
 * owner reconciles what it may have missed.
 */

export interface OpenAlgoOrdersWsEvents {
  connect: [info: { readonly attempt: number; readonly reconnect: boolean }];
  order: [raw: Record<string, unknown>];
  unsupported: [message: string];
  authLost: [message: string];
  disconnect: [detail: string];
  problem: [error: unknown];
}

export interface OpenAlgoOrdersWsOptions {
  readonly url: string;
  readonly apiKey: string;
  /** How long to wait for each answer (auth, subscribe) before giving the socket up. Default 5 s. */
  readonly answerTimeoutMs?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export class OpenAlgoOrdersWsClient extends EventEmitter<OpenAlgoOrdersWsEvents> {
  private socket: WebSocket | null = null;
  private stage: 'idle' | 'auth' | 'subscribe' | 'live' = 'idle';
  private stopped = false;
  private attempt = 0;
  private connects = 0;
  private answerTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: OpenAlgoOrdersWsOptions) {
    super();
  }

  get subscribed(): boolean {
    return this.stage === 'live';
  }

  connect(): void {
    if (this.stopped || this.socket) return;
    this.attempt += 1;
    const ws = new WebSocket(this.options.url);
    this.socket = ws;
    ws.on('open', () => {
      this.stage = 'auth';
      this.send({ action: 'authenticate', api_key: this.options.apiKey });
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let msg: unknown;
      try {
        msg = JSON.parse(data.toString());
      } catch (e) {
        this.emit('problem', e);
        return;
      }
      if (isObject(msg)) this.onMessage(msg);
    });
    ws.on('error', (e) => this.emit('problem', e));
    ws.on('close', (code, reason) => {
      this.clearAnswer();
      const wasLive = this.stage === 'live';
      this.socket = null;
      this.stage = 'idle';
      this.emit('disconnect', `close ${code} ${reason.toString()}`);
      if (!this.stopped) this.scheduleRetry(wasLive);
    });
  }

  close(): void {
    this.stopped = true;
    this.clearAnswer();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const ws = this.socket;
    this.socket = null;
    if (ws) {
      ws.removeAllListeners('close');
      ws.on('error', () => undefined);
      ws.terminate();
    }
  }

  private onMessage(msg: Record<string, unknown>): void {
    if (msg.type === 'order_update') {
      this.emit('order', msg);
      return;
    }
    if (msg.status === 'error') {
      const code = typeof msg.code === 'string' ? msg.code : '';
      const text = typeof msg.message === 'string' ? msg.message : code;
      if (this.stage === 'auth' && code === 'AUTHENTICATION_ERROR') return this.giveUp('authLost', text);
      if (this.stage === 'subscribe' && (code === 'INVALID_ACTION' || code === 'NOT_AUTHENTICATED'))
        return this.giveUp('unsupported', text);
      if (this.stage === 'auth' || this.stage === 'subscribe') {
        // BROKER_ERROR and the like: the broker session behind OpenAlgo is not ready; retry later.
        this.emit('problem', new Error(`openalgo ws ${this.stage}: ${code} ${text}`));
        this.socket?.close(4000, 'refused');
      }
      return;
    }
    if (this.stage === 'auth' && (msg.type === 'auth' || msg.type === 'authenticate') && msg.status === 'success') {
      this.stage = 'subscribe';
      this.send({ action: 'subscribe_orders' });
      return;
    }
    if (this.stage === 'subscribe' && msg.type === 'subscribe_orders' && msg.status === 'success') {
      this.clearAnswer();
      this.stage = 'live';
      this.connects += 1;
      const reconnect = this.connects > 1;
      this.attempt = 0;
      this.emit('connect', { attempt: this.connects, reconnect });
    }
  }

  private giveUp(event: 'authLost' | 'unsupported', message: string): void {
    this.close();
    this.emit(event, message);
  }

  private send(msg: Record<string, unknown>): void {
    this.socket?.send(JSON.stringify(msg));
    this.clearAnswer();
    this.answerTimer = setTimeout(() => {
      this.emit('problem', new Error(`openalgo ws: no answer to ${String(msg.action)}`));
      this.socket?.terminate();
    }, this.options.answerTimeoutMs ?? 5_000);
  }

  private clearAnswer(): void {
    if (this.answerTimer) clearTimeout(this.answerTimer);
    this.answerTimer = null;
  }

  private scheduleRetry(wasLive: boolean): void {
    const b = this.options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    const n = wasLive ? 1 : Math.max(1, this.attempt);
    const delay = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(n - 1, 20));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }
}
