import { describe, expect, it, vi } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { SubscriptionAck } from '@tradeloop/contracts';
import { MarketSubscriptions } from './market-subscriptions';

type Ack = (err: Error | null, ack?: SubscriptionAck) => void;

/** Just enough of a socket.io client socket: handlers, emits (with acks) and connect/disconnect. */
function fakeSocket() {
  const handlers = new Map<string, Set<(...args: unknown[]) => void>>();
  const sent: { event: string; request: { channel: string; symbols: string[]; timeframe?: string }; ack: Ack }[] = [];
  const socket = {
    connected: false,
    on(event: string, fn: (...args: unknown[]) => void) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)!.add(fn);
      return socket;
    },
    off(event: string, fn: (...args: unknown[]) => void) {
      handlers.get(event)?.delete(fn);
      return socket;
    },
    emit(event: string, request: never, ack: Ack) {
      sent.push({ event, request, ack });
      return socket;
    },
    timeout() {
      return { emit: (event: string, request: never, ack: Ack) => socket.emit(event, request, ack) };
    },
  };
  const fire = (event: string, ...args: unknown[]) => handlers.get(event)?.forEach((fn) => fn(...args));
  const connect = () => {
    socket.connected = true;
    fire('connect');
  };
  return { socket: socket as unknown as Socket, sent, fire, connect, raw: socket };
}

const flush = () => new Promise<void>((resolve) => queueMicrotask(resolve));
const summary = (sent: ReturnType<typeof fakeSocket>['sent']) =>
  sent.map((s) => `${s.event} ${s.request.channel}${s.request.timeframe ? `:${s.request.timeframe}` : ''} ${s.request.symbols.join(',')}`);

describe('market subscriptions', () => {
  it('waits for the connection, then subscribes what is wanted in one request per channel', async () => {
    const f = fakeSocket();
    const subs = new MarketSubscriptions(f.socket);
    subs.acquire('ticks', ['RELIANCE', 'TCS'], undefined, () => undefined);
    subs.acquire('candles', ['RELIANCE'], '5m', () => undefined);
    await flush();
    expect(f.sent).toEqual([]);
    f.connect();
    expect(summary(f.sent)).toEqual(['subscribe ticks RELIANCE,TCS', 'subscribe candles:5m RELIANCE']);
  });

  it('reference-counts: a stream stays subscribed while anyone wants it; a changed set sends only the difference', async () => {
    const f = fakeSocket();
    f.connect();
    const subs = new MarketSubscriptions(f.socket);
    const watchlist = subs.acquire('ticks', ['RELIANCE', 'TCS'], undefined, () => undefined);
    const chart = subs.acquire('ticks', ['RELIANCE'], undefined, () => undefined);
    await flush();
    expect(summary(f.sent)).toEqual(['subscribe ticks RELIANCE,TCS']);
    chart();
    await flush();
    expect(f.sent).toHaveLength(1);
    // The watchlist's set changes: TCS out, INFY in (release + acquire in one tick).
    watchlist();
    const next = subs.acquire('ticks', ['RELIANCE', 'INFY'], undefined, () => undefined);
    await flush();
    expect(summary(f.sent).slice(1)).toEqual(['unsubscribe ticks TCS', 'subscribe ticks INFY']);
    next();
    await flush();
    expect(summary(f.sent).slice(3)).toEqual(['unsubscribe ticks RELIANCE,INFY']);
  });

  it('tracks acks: live, refused with the reason, or no answer', async () => {
    const f = fakeSocket();
    f.connect();
    const subs = new MarketSubscriptions(f.socket);
    subs.acquire('ticks', ['RELIANCE', 'NOPE'], undefined, () => undefined);
    await flush();
    expect(subs.getStatuses().get('ticks||RELIANCE')).toEqual({ state: 'pending' });
    f.sent[0]!.ack(null, { ok: true, symbols: ['RELIANCE'], refused: [{ symbol: 'NOPE', reason: 'unknown symbol' }] });
    expect(subs.getStatuses().get('ticks||RELIANCE')).toEqual({ state: 'live' });
    expect(subs.getStatuses().get('ticks||NOPE')).toEqual({ state: 'refused', reason: 'unknown symbol' });
    subs.acquire('candles', ['TCS'], '1m', () => undefined);
    await flush();
    f.sent[1]!.ack(new Error('operation has timed out'));
    expect(subs.getStatuses().get('candles|1m|TCS')).toEqual({ state: 'no-answer' });
  });

  it('a seq jump calls the stream’s onStale; consecutive or restarted seqs do not', async () => {
    const f = fakeSocket();
    f.connect();
    const subs = new MarketSubscriptions(f.socket);
    const stale = vi.fn();
    const other = vi.fn();
    subs.acquire('ticks', ['RELIANCE'], undefined, stale);
    subs.acquire('candles', ['RELIANCE'], '5m', other);
    await flush();
    const tick = (seq: number) => f.fire('tick', { symbol: 'RELIANCE', seq });
    tick(1);
    tick(2);
    tick(3);
    expect(stale).not.toHaveBeenCalled();
    tick(6);
    expect(stale).toHaveBeenCalledTimes(1);
    tick(1); // restarted
    tick(2);
    expect(stale).toHaveBeenCalledTimes(1);
    f.fire('candle', { symbol: 'RELIANCE', timeframe: '5m', seq: 1 });
    f.fire('candle', { symbol: 'RELIANCE', timeframe: '5m', seq: 3 });
    expect(other).toHaveBeenCalledTimes(1);
    expect(stale).toHaveBeenCalledTimes(1);
  });

  it('depth is its own stream: subscribed without a timeframe, acked on its own key, its seq jumps call only its onStale', async () => {
    const f = fakeSocket();
    f.connect();
    const subs = new MarketSubscriptions(f.socket);
    const depthStale = vi.fn();
    const tickStale = vi.fn();
    subs.acquire('ticks', ['RELIANCE'], undefined, tickStale);
    subs.acquire('depth', ['RELIANCE'], undefined, depthStale);
    await flush();
    expect(summary(f.sent)).toEqual(['subscribe ticks RELIANCE', 'subscribe depth RELIANCE']);
    expect(f.sent[1]!.request).toEqual({ channel: 'depth', symbols: ['RELIANCE'] });
    f.sent[1]!.ack(null, { ok: true, symbols: ['RELIANCE'], refused: [] });
    expect(subs.getStatuses().get('depth||RELIANCE')).toEqual({ state: 'live' });
    expect(subs.getStatuses().get('ticks||RELIANCE')).toEqual({ state: 'pending' });
    f.fire('depth', { symbol: 'RELIANCE', seq: 1 });
    f.fire('depth', { symbol: 'RELIANCE', seq: 2 });
    f.fire('tick', { symbol: 'RELIANCE', seq: 1 });
    expect(depthStale).not.toHaveBeenCalled();
    f.fire('depth', { symbol: 'RELIANCE', seq: 5 });
    expect(depthStale).toHaveBeenCalledTimes(1);
    expect(tickStale).not.toHaveBeenCalled();
  });

  it('after a reconnect subscribes everything again and marks every stream stale', async () => {
    const f = fakeSocket();
    f.connect();
    const subs = new MarketSubscriptions(f.socket);
    const stale = vi.fn();
    const release = subs.acquire('ticks', ['RELIANCE', 'TCS'], undefined, stale);
    subs.acquire('candles', ['TCS'], '15m', () => undefined);
    await flush();
    f.raw.connected = false;
    f.fire('disconnect');
    f.connect();
    expect(summary(f.sent).slice(2)).toEqual(['subscribe ticks RELIANCE,TCS', 'subscribe candles:15m TCS']);
    expect(stale).toHaveBeenCalledTimes(1);
    release();
    await flush();
    expect(summary(f.sent).at(-1)).toBe('unsubscribe ticks RELIANCE,TCS');
  });

  it('splits a large set into requests of at most 200 symbols', async () => {
    const f = fakeSocket();
    f.connect();
    const subs = new MarketSubscriptions(f.socket);
    subs.acquire(
      'ticks',
      Array.from({ length: 450 }, (_, i) => `S${i}`),
      undefined,
      () => undefined,
    );
    await flush();
    expect(f.sent.map((s) => s.request.symbols.length)).toEqual([200, 200, 50]);
  });
});
