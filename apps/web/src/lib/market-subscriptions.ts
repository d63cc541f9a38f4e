import type { Socket } from 'socket.io-client';
import {
  MARKET_SUBSCRIBE,
  MARKET_UNSUBSCRIBE,
  QUOTES_MAX_SYMBOLS,
  REALTIME_EVENTS,
  type CandleEvent,
  type DepthEvent,
  type MarketChannel,
  type SubscriptionAck,
  type TickEvent,
} from '@tradeloop/contracts';
import type { Timeframe } from '@tradeloop/domain';
import type { RealtimeConnection } from './realtime';

/** How long to wait for a subscribe/unsubscribe ack before treating the server as not answering. */
const ACK_TIMEOUT_MS = 5_000;

export type SubscriptionState = 'pending' | 'live' | 'refused' | 'no-answer';
export interface SubscriptionStatus {
  state: SubscriptionState;
  reason?: string;
}

/** One market-data stream: the ticks of a symbol, its candles of one timeframe, or its book (depth). */
export const streamKey = (channel: MarketChannel, symbol: string, timeframe?: Timeframe): string =>
  channel === 'candles' ? `candles|${timeframe ?? ''}|${symbol}` : `${channel}||${symbol}`;

const parseKey = (key: string): { channel: MarketChannel; timeframe: Timeframe | undefined; symbol: string } => {
  const [channel, timeframe, ...rest] = key.split('|');
  return { channel: channel as MarketChannel, timeframe: (timeframe || undefined) as Timeframe | undefined, symbol: rest.join('|') };
};

/**
 * The market-data subscriptions of one socket, shared by every component that wants a stream.
 *
 * Components acquire streams and release them; the server is told only about the difference
 * (reference counted, reconciled once per microtask), so a chart and a watchlist that both want
 * RELIANCE's ticks never unsubscribe each other, and a re-render that swaps one symbol sends one
 * subscribe and one unsubscribe. After a reconnect every wanted stream is subscribed again.
 *
 * `seq` rises by one per delivered event of a (socket, stream); a jump means updates were lost,
 * and so does a reconnect (events sent while offline are gone): both call the streams' `onStale`
 * so their owners re-read over REST.
 */
export class MarketSubscriptions {
  private readonly wanted = new Map<string, number>();
  /** Streams the server has been asked for on the current socket connection. */
  private readonly sent = new Set<string>();
  private readonly lastSeq = new Map<string, number>();
  private readonly staleListeners = new Map<string, Set<() => void>>();
  private statuses: ReadonlyMap<string, SubscriptionStatus> = new Map();
  private readonly statusListeners = new Set<() => void>();
  private flushQueued = false;
  private connectedBefore = false;

  constructor(private readonly socket: Socket) {
    socket.on('connect', this.onConnect);
    socket.on(REALTIME_EVENTS.tick, this.onTick);
    socket.on(REALTIME_EVENTS.candle, this.onCandle);
    socket.on(REALTIME_EVENTS.depth, this.onDepth);
    if (socket.connected) this.connectedBefore = true;
  }

  /** Wants these streams until the returned function is called. */
  acquire(channel: MarketChannel, symbols: readonly string[], timeframe: Timeframe | undefined, onStale: () => void): () => void {
    const keys = [...new Set(symbols)].map((s) => streamKey(channel, s, timeframe));
    for (const key of keys) {
      this.wanted.set(key, (this.wanted.get(key) ?? 0) + 1);
      let listeners = this.staleListeners.get(key);
      if (!listeners) this.staleListeners.set(key, (listeners = new Set()));
      listeners.add(onStale);
    }
    this.scheduleFlush();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const key of keys) {
        const n = (this.wanted.get(key) ?? 1) - 1;
        if (n > 0) this.wanted.set(key, n);
        else this.wanted.delete(key);
        this.staleListeners.get(key)?.delete(onStale);
      }
      this.scheduleFlush();
    };
  }

  getStatuses = (): ReadonlyMap<string, SubscriptionStatus> => this.statuses;

  subscribeStatuses = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  };

  dispose(): void {
    this.socket.off('connect', this.onConnect);
    this.socket.off(REALTIME_EVENTS.tick, this.onTick);
    this.socket.off(REALTIME_EVENTS.candle, this.onCandle);
    this.socket.off(REALTIME_EVENTS.depth, this.onDepth);
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  /** Sends the server the difference between what is wanted and what it was told. */
  private flush(): void {
    if (!this.socket.connected) return;
    const add = [...this.wanted.keys()].filter((k) => !this.sent.has(k));
    const drop = [...this.sent].filter((k) => !this.wanted.has(k));
    for (const key of drop) {
      this.sent.delete(key);
      this.lastSeq.delete(key);
      if (this.staleListeners.get(key)?.size === 0) this.staleListeners.delete(key);
    }
    for (const key of add) this.sent.add(key);
    this.setStatuses(
      add.map((k) => [k, { state: 'pending' }]),
      drop,
    );
    for (const [group, symbols] of groupByStream(drop)) this.send(MARKET_UNSUBSCRIBE, group, symbols);
    for (const [group, symbols] of groupByStream(add)) this.send(MARKET_SUBSCRIBE, group, symbols);
  }

  private send(event: string, group: string, symbols: string[]): void {
    const { channel, timeframe } = parseKey(`${group}|`);
    for (let i = 0; i < symbols.length; i += QUOTES_MAX_SYMBOLS) {
      const chunk = symbols.slice(i, i + QUOTES_MAX_SYMBOLS);
      const request = { channel, symbols: chunk, ...(timeframe ? { timeframe } : {}) };
      if (event === MARKET_UNSUBSCRIBE) {
        this.socket.emit(event, request, () => undefined);
        continue;
      }
      this.socket.timeout(ACK_TIMEOUT_MS).emit(event, request, (err: Error | null, ack?: SubscriptionAck) => {
        const keys = chunk.map((s) => streamKey(channel, s, timeframe)).filter((k) => this.sent.has(k));
        if (err || !ack) {
          this.setStatuses(
            keys.map((k) => [k, { state: 'no-answer' }]),
            [],
          );
          return;
        }
        const refused = new Map(ack.refused.map((r) => [streamKey(channel, r.symbol, timeframe), r.reason]));
        this.setStatuses(
          keys.map((k): [string, SubscriptionStatus] => {
            if (refused.has(k)) return [k, { state: 'refused', reason: refused.get(k) }];
            if (!ack.ok) return [k, { state: 'refused', reason: ack.error ?? 'refused' }];
            return [k, { state: 'live' }];
          }),
          [],
        );
      });
    }
  }

  private setStatuses(set: [string, SubscriptionStatus][], remove: string[]): void {
    if (set.length === 0 && remove.length === 0) return;
    const next = new Map(this.statuses);
    for (const [k, v] of set) next.set(k, v);
    for (const k of remove) next.delete(k);
    this.statuses = next;
    this.statusListeners.forEach((l) => l());
  }

  private readonly onConnect = () => {
    // A new connection has no subscriptions on the server: ask again for everything wanted.
    const reconnect = this.connectedBefore;
    this.connectedBefore = true;
    this.sent.clear();
    this.lastSeq.clear();
    this.flush();
    if (reconnect) this.notifyStale([...this.wanted.keys()]);
  };

  private readonly onTick = (event: TickEvent) => this.checkSeq(streamKey('ticks', event.symbol), event.seq);

  private readonly onCandle = (event: CandleEvent) => this.checkSeq(streamKey('candles', event.symbol, event.timeframe), event.seq);

  private readonly onDepth = (event: DepthEvent) => this.checkSeq(streamKey('depth', event.symbol), event.seq);

  private checkSeq(key: string, seq: number): void {
    if (typeof seq !== 'number') return;
    const last = this.lastSeq.get(key);
    this.lastSeq.set(key, seq);
    // Lower or equal: the server restarted the stream (a re-subscribe); nothing was lost.
    if (last !== undefined && seq > last + 1) this.notifyStale([key]);
  }

  private notifyStale(keys: string[]): void {
    const listeners = new Set<() => void>();
    for (const key of keys) this.staleListeners.get(key)?.forEach((l) => listeners.add(l));
    listeners.forEach((l) => l());
  }
}

/** Keys grouped by channel and timeframe (one request per group), symbols in order. */
function groupByStream(keys: string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const { channel, timeframe, symbol } = parseKey(key);
    const group = `${channel}|${timeframe ?? ''}`;
    const list = groups.get(group);
    if (list) list.push(symbol);
    else groups.set(group, [symbol]);
  }
  return groups;
}

const managers = new WeakMap<RealtimeConnection, MarketSubscriptions>();

/** The subscription manager of a connection (one per socket, made on first use). */
export function marketSubscriptionsFor(connection: RealtimeConnection): MarketSubscriptions {
  let manager = managers.get(connection);
  if (!manager) {
    manager = new MarketSubscriptions(connection.socket);
    managers.set(connection, manager);
  }
  return manager;
}
