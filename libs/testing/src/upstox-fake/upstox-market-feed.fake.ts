// The fake Upstox's market-data feed v3 (docs/brokers.md 2.4 and 5): `GET /v3/feed/market-data-feed/authorize`
// hands out a one-time ws URL; the socket takes subscription requests as JSON in BINARY frames
// (`{guid, method: "sub"|"unsub"|"change_mode", data: {mode, instrumentKeys}}`, as the official
// SDK's MarketDataStreamerV3 sends them), answers with a `market_info` frame on connect and an
// `initial_feed` snapshot of what it knows of newly subscribed keys, then streams protobuf
// `FeedResponse` frames encoded with the same schema the decoder reads; it pings like Upstox's
// server. Faults: stall (no pings, no frames), close, raw (malformed) frames, flood.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { upstoxFeedResponseType } from '@tradeloop/brokers';
import type { PriceTicks } from '@tradeloop/domain';
import { WebSocketServer, type WebSocket } from 'ws';
import { FloodPacer } from '../fake-broker-kit';

export const FAKE_UPSTOX_FEED_PATH = '/v3/feed/market-data-feed';

/** Upstox's mode names in subscriptions; `full` is sent on the wire as `full_d5`. */
export type FakeUpstoxFeedMode = 'ltpc' | 'full' | 'option_greeks' | 'full_d30';
const MODES: ReadonlySet<string> = new Set<FakeUpstoxFeedMode>(['ltpc', 'full', 'option_greeks', 'full_d30']);
/** Keys per connection Upstox allows in `full` (docs/brokers.md 2.4). */
export const FAKE_UPSTOX_FULL_LIMIT = 2_000;

export interface FakeUpstoxFeedLevel {
  readonly price: PriceTicks;
  readonly quantity: number;
}

/** One instrument's state as the fake publishes it (our units; rupees on the wire). */
export interface FakeUpstoxFeedTick {
  readonly instrumentKey: string;
  readonly ltp: PriceTicks;
  /** Last trade quantity. Default 1. */
  readonly ltq?: number;
  /** Previous close. Default the ltp. */
  readonly close?: PriceTicks;
  /** Day volume (`vtt`). Default 0. */
  readonly volume?: number;
  /** Best first; at most 5 are sent in `full`. */
  readonly bids?: readonly FakeUpstoxFeedLevel[];
  readonly asks?: readonly FakeUpstoxFeedLevel[];
  /** An index (`indexFF` in full mode: no book, no volume). */
  readonly index?: boolean;
}

const rupees = (ticks: number): number => ticks / 10_000;

function feedOf(t: FakeUpstoxFeedTick, mode: FakeUpstoxFeedMode, now: number): Record<string, unknown> {
  const ltpc = { ltp: rupees(t.ltp), ltt: now, ltq: t.ltq ?? 1, cp: rupees(t.close ?? t.ltp) };
  if (mode === 'ltpc') return { ltpc };
  if (t.index) return { fullFeed: { indexFF: { ltpc } }, requestMode: 'full_d5' };
  const bids = (t.bids ?? []).slice(0, 5);
  const asks = (t.asks ?? []).slice(0, 5);
  const quotes = Array.from({ length: Math.max(bids.length, asks.length) }, (_, i) => ({
    bidQ: bids[i]?.quantity ?? 0,
    bidP: bids[i] ? rupees(bids[i].price) : 0,
    askQ: asks[i]?.quantity ?? 0,
    askP: asks[i] ? rupees(asks[i].price) : 0,
  }));
  return {
    fullFeed: { marketFF: { ltpc, marketLevel: { bidAskQuote: quotes }, vtt: t.volume ?? 0, atp: rupees(t.ltp) } },
    requestMode: 'full_d5',
  };
}

/** A `FeedResponse` frame carrying `ticks` (each in its mode, `full` by default), as Upstox's server encodes it. */
export function encodeUpstoxFeedFrame(
  ticks: readonly (FakeUpstoxFeedTick & { readonly mode?: FakeUpstoxFeedMode })[],
  options: { type?: 'initial_feed' | 'live_feed'; now?: number } = {},
): Buffer {
  const now = options.now ?? Date.now();
  const feeds: Record<string, unknown> = {};
  for (const t of ticks) feeds[t.instrumentKey] = feedOf(t, t.mode ?? 'full', now);
  const type = upstoxFeedResponseType();
  return Buffer.from(type.encode(type.fromObject({ type: options.type ?? 'live_feed', feeds, currentTs: now })).finish());
}

/** The first frame of a connection: segment statuses. */
export function encodeUpstoxMarketInfoFrame(now = Date.now()): Buffer {
  const type = upstoxFeedResponseType();
  return Buffer.from(
    type
      .encode(
        type.fromObject({
          type: 'market_info',
          currentTs: now,
          marketInfo: { segmentStatus: { NSE_EQ: 'NORMAL_OPEN', NSE_FO: 'NORMAL_OPEN', NSE_INDEX: 'NORMAL_OPEN' } },
        }),
      )
      .finish(),
  );
}

interface FeedClient {
  readonly ws: WebSocket;
  readonly keys: Map<string, FakeUpstoxFeedMode>;
}

export type FakeUpstoxFeedEvent =
  | { kind: 'connect' }
  | { kind: 'refused'; reason: string }
  | { kind: 'request'; method: string; mode: string; keys: number }
  | { kind: 'bad_request'; reason: string };

export class FakeUpstoxMarketFeed {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly codes = new Set<string>();
  private readonly clients = new Set<FeedClient>();
  private readonly last = new Map<string, FakeUpstoxFeedTick>();
  private heartbeat: NodeJS.Timeout | null = null;
  private stalled = false;
  private readonly floods = new Set<NodeJS.Timeout>();
  private seq = 0;
  private connects = 0;
  /** Subscription frames that were not binary JSON requests (we expect none). */
  badRequests = 0;

  constructor(
    private readonly onEvent: (e: FakeUpstoxFeedEvent) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** The authorise call's answer: a one-time URL on `port`. */
  authorize(port: number): { authorized_redirect_uri: string } {
    const code = `feed-${(this.seq += 1)}-${Math.random().toString(36).slice(2)}`;
    this.codes.add(code);
    return { authorized_redirect_uri: `ws://127.0.0.1:${port}${FAKE_UPSTOX_FEED_PATH}?requestId=${code}&code=${code}` };
  }

  /** An upgrade on FAKE_UPSTOX_FEED_PATH: refused (403) unless its code was handed out and not used. */
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const code = url.searchParams.get('code') ?? '';
    if (!this.codes.delete(code)) {
      this.onEvent({ kind: 'refused', reason: 'unknown or used code' });
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const client: FeedClient = { ws, keys: new Map() };
      this.clients.add(client);
      this.connects += 1;
      ws.on('close', () => this.clients.delete(client));
      ws.on('error', () => this.clients.delete(client));
      ws.on('message', (data, isBinary) => this.onRequest(client, data as Buffer, isBinary));
      this.onEvent({ kind: 'connect' });
      if (!this.stalled) ws.send(encodeUpstoxMarketInfoFrame(this.now()));
    });
  }

  setHeartbeat(ms: number | null): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (ms === null) return;
    this.heartbeat = setInterval(() => {
      if (this.stalled) return;
      for (const c of this.clients) if (c.ws.readyState === c.ws.OPEN) c.ws.ping();
    }, ms);
    this.heartbeat.unref();
  }

  stop(): Promise<void> {
    this.setHeartbeat(null);
    for (const flood of this.floods) clearInterval(flood);
    this.floods.clear();
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  /** No pings and no frames (the sockets stay open). */
  stall(): void {
    this.stalled = true;
  }

  resume(): void {
    this.stalled = false;
  }

  /** Ends every feed socket: a close frame with `code`, or (null) a dropped TCP connection. */
  close(code: number | null = 1011, reason = 'closed by the fake'): void {
    for (const c of this.clients) {
      if (code === null) c.ws.terminate();
      else c.ws.close(code, reason);
    }
  }

  /** Open feed sockets now. */
  connections(): number {
    return this.clients.size;
  }

  /** Sockets ever accepted. */
  connectCount(): number {
    return this.connects;
  }

  /** Each open socket's subscriptions (key → mode). */
  subscriptions(): Map<string, FakeUpstoxFeedMode>[] {
    return [...this.clients].map((c) => new Map(c.keys));
  }

  /** The market moves: each socket subscribed to the key gets a frame in its mode. */
  publish(tick: FakeUpstoxFeedTick): void {
    this.last.set(tick.instrumentKey, tick);
    if (this.stalled) return;
    const now = this.now();
    for (const c of this.clients) {
      const mode = c.keys.get(tick.instrumentKey);
      if (mode && c.ws.readyState === c.ws.OPEN) c.ws.send(encodeUpstoxFeedFrame([{ ...tick, mode }], { now }));
    }
  }

  /** Bytes as they are, to every open socket (malformed frames, keys nobody subscribed). */
  sendRaw(frame: Buffer): void {
    for (const c of this.clients) if (c.ws.readyState === c.ws.OPEN) c.ws.send(frame, { binary: true });
  }

  /**
   * About `ticksPerSecond` ticks to each socket across its `full` keys, in frames of one tick per
   * key (a frame is a map by key), every `intervalMs`, until stopped; `stop()` answers the ticks
   * sent. Frames are encoded once per subscription (64 of them, prices and the day volume moving)
   * and sent in turn, so the fake's own encoding does not throttle the flood.
   */
  flood(ticksPerSecond: number, intervalMs = 10): { stop(): number } {
    let sent = 0;
    let turn = 0;
    const frames = new WeakMap<FeedClient, { readonly size: number; readonly frames: Buffer[] }>();
    const framesOf = (c: FeedClient) => {
      const keys = [...c.keys].filter(([, m]) => m === 'full').map(([k]) => k);
      const cached = frames.get(c);
      if (cached && cached.size === keys.length) return cached;
      const built = {
        size: keys.length,
        frames:
          keys.length === 0
            ? []
            : Array.from({ length: 64 }, (_, f) =>
                encodeUpstoxFeedFrame(
                  keys.map((instrumentKey, i) => ({
                    instrumentKey,
                    ltp: 1_000_0000 + ((f + i) % 100) * 500,
                    volume: 1_000 + f,
                    bids: [{ price: 999_0000, quantity: 10 }],
                    asks: [{ price: 1_001_0000, quantity: 10 }],
                  })),
                  { now: this.now() },
                ),
              ),
      };
      frames.set(c, built);
      return built;
    };
    const pacer = new FloodPacer(ticksPerSecond);
    const timer = setInterval(() => {
      if (this.stalled) return;
      const due = pacer.take();
      if (due <= 0) return;
      for (const c of this.clients) {
        if (c.ws.readyState !== c.ws.OPEN) continue;
        const { size, frames: list } = framesOf(c);
        for (let n = 0; size > 0 && n < due; n += size) {
          c.ws.send(list[turn++ % list.length]!);
          sent += size;
        }
      }
    }, intervalMs);
    this.floods.add(timer);
    return {
      stop: () => {
        clearInterval(timer);
        this.floods.delete(timer);
        return sent;
      },
    };
  }

  private onRequest(client: FeedClient, data: Buffer, isBinary: boolean): void {
    const bad = (reason: string): void => {
      this.badRequests += 1;
      this.onEvent({ kind: 'bad_request', reason });
    };
    if (!isBinary) return bad('a text frame: requests are binary');
    let req: unknown;
    try {
      req = JSON.parse(data.toString('utf8'));
    } catch {
      return bad('not JSON');
    }
    const r = req as { guid?: unknown; method?: unknown; data?: { mode?: unknown; instrumentKeys?: unknown } };
    const keys = r.data?.instrumentKeys;
    if (typeof r.guid !== 'string' || !Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) return bad('no guid or keys');
    const method = String(r.method);
    const mode = String(r.data?.mode ?? '');
    if (method === 'unsub') {
      for (const k of keys as string[]) client.keys.delete(k);
    } else if (method === 'sub' || method === 'change_mode') {
      if (!MODES.has(mode)) return bad(`unknown mode ${mode}`);
      const fresh: string[] = [];
      for (const k of keys as string[]) {
        if (
          mode === 'full' &&
          !client.keys.has(k) &&
          [...client.keys.values()].filter((m) => m === 'full').length >= FAKE_UPSTOX_FULL_LIMIT
        )
          continue; // over Upstox's per-connection limit: not subscribed
        if (method === 'change_mode' && !client.keys.has(k)) continue;
        if (!client.keys.has(k)) fresh.push(k);
        client.keys.set(k, mode as FakeUpstoxFeedMode);
      }
      // The snapshot of newly subscribed keys the fake has prices for.
      const snapshot = fresh.flatMap((k) => {
        const t = this.last.get(k);
        return t ? [{ ...t, mode: mode as FakeUpstoxFeedMode }] : [];
      });
      if (snapshot.length > 0 && !this.stalled) client.ws.send(encodeUpstoxFeedFrame(snapshot, { type: 'initial_feed', now: this.now() }));
    } else {
      return bad(`unknown method ${method}`);
    }
    this.onEvent({ kind: 'request', method, mode, keys: keys.length });
  }
}
