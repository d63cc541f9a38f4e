import { formatPrice, parsePrice } from '@tradeloop/domain';
import { io, type Socket } from 'socket.io-client';
import type { CandleEvent, DepthEvent, SubscriptionAck, TickEvent } from '@tradeloop/contracts';

/** A test client of the realtime market data: records every tick, candle and book with its arrival time. */
export class MarketClient {
  readonly socket: Socket;
  readonly ticks: (TickEvent & { at: number })[] = [];
  readonly candles: (CandleEvent & { at: number })[] = [];
  readonly depth: (DepthEvent & { at: number })[] = [];

  constructor(baseUrl: string, token: string) {
    this.socket = io(`${baseUrl}/realtime`, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
    this.socket.on('tick', (t: TickEvent) => this.ticks.push({ ...t, at: Date.now() }));
    this.socket.on('candle', (c: CandleEvent) => this.candles.push({ ...c, at: Date.now() }));
    this.socket.on('depth', (d: DepthEvent) => this.depth.push({ ...d, at: Date.now() }));
  }

  ready(): Promise<void> {
    return new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error('socket not ready')), 5000);
      this.socket.once('ready', () => {
        clearTimeout(t);
        res();
      });
      this.socket.once('connect_error', (e) => rej(e));
    });
  }

  request(op: 'subscribe' | 'unsubscribe', msg: unknown): Promise<SubscriptionAck> {
    return this.socket.timeout(5000).emitWithAck(op, msg) as Promise<SubscriptionAck>;
  }

  ticksOf(symbol: string) {
    return this.ticks.filter((t) => t.symbol === symbol);
  }

  close(): void {
    this.socket.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` passes (returns truthy) or the time is up. */
export async function eventually<T>(check: () => T | Promise<T>, ms = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/**
 * A price `percentBelow` % under a quote's decimal LTP, on the 0.05 tick, as a decimal string —
 * integer tick arithmetic (parsePrice/formatPrice), no floats near a price.
 */
export function priceBelow(ltp: string, percentBelow: number): string {
  const ticks = parsePrice(ltp);
  const target = (ticks * (100 - percentBelow)) / 100;
  return formatPrice(Math.floor(target / 500) * 500);
}
