import { OpenAlgoFeedSource } from '@tradeloop/brokers';
import type { PriceTicks, SimTick } from '@tradeloop/domain';
import { describe, expect, it } from 'vitest';
import { FakeOpenAlgo, type FakeOpenAlgoLevel } from '../openalgo-fake';
import { describeFeedConformance, type FeedWorld } from './feed-conformance';

const SYMBOLS = ['RELIANCE', 'INFY', 'SBIN'] as const;
const book = (ltp: PriceTicks, n: number, dir: number): FakeOpenAlgoLevel[] =>
  Array.from({ length: n }, (_, k) => ({ price: ltp + dir * 500 * (k + 1), quantity: 10 * (k + 1), orders: k + 1 }));

/*
 * OpenAlgo has no daily login: its "session" is the API key. The kit's expired session is a revoked
 * key (the proxy drops the sockets and refuses `authenticate`), the account turning `error` is the
 * kit's "needs a login", and the trader fixing the key (the account connected again) is its login.
 */
describeFeedConformance({
  name: 'OpenAlgo WebSocket proxy (OpenAlgoFeedSource) against the fake OpenAlgo',
  floodFrameTicks: 1, // one tick a message
  async setup({ stallMs, maxQueuedTicks }): Promise<FeedWorld> {
    // Pings five times as often as the stall limit: a quiet, healthy socket must never look stalled.
    const fake = new FakeOpenAlgo({ pingMs: Math.max(20, Math.floor(stallMs / 5)) });
    const { wsUrl } = await fake.start();
    const symbols = new Map<string, string>(SYMBOLS.map((s) => [`NSE:${s}`, s]));
    const account = { connected: true };
    let authLost = 0;
    const source = new OpenAlgoFeedSource({
      stallMs,
      backoff: { initialMs: 50, maxMs: 200 },
      sessionPollMs: 50,
      ...(maxQueuedTicks ? { maxQueuedTicks } : {}),
      session: () => Promise.resolve(account.connected ? { url: wsUrl, apiKey: fake.apiKey } : null),
      onAuthLost: () => {
        authLost += 1;
        account.connected = false;
      },
      symbols: () => Promise.resolve(symbols),
    });
    let volume = 1_000;
    return {
      source,
      symbols: SYMBOLS,
      quote(symbol, ltp, depth) {
        volume += 10;
        fake.publishMarketData('NSE', symbol, { ltp, volume, close: ltp, bids: book(ltp, depth, -1), asks: book(ltp, depth, 1) });
      },
      stall: () => fake.stallMarket(),
      resume: () => fake.resumeMarket(),
      dropConnections: () => fake.dropMarketSockets(),
      sendMalformed(kind) {
        const good = JSON.stringify({ type: 'market_data', symbol: SYMBOLS[0], exchange: 'NSE', mode: 3, data: { ltp: 1000 } });
        fake.sendMarketRaw(kind === 'truncated' ? good.slice(0, good.length - 7) : `${good}}x`);
      },
      sendUnknownToken() {
        fake.sendMarketRaw(JSON.stringify({ type: 'market_data', symbol: 'NOTOURS', exchange: 'NSE', mode: 3, data: { ltp: 1000 } }));
      },
      expireSession: () => fake.revokeKey(),
      logIn() {
        fake.restoreKey();
        account.connected = true;
      },
      connections: () => fake.marketSubscriptions().length,
      subscribedPerConnection: () => fake.marketSubscriptions().map((m) => [...m.values()].filter((mode) => mode === 3).length),
      authLostCalls: () => authLost,
      refusedUpgrades: () => fake.refusedAuthentications,
      flood: (ticksPerSecond) => fake.floodMarketData({ ticksPerSecond, intervalMs: 10 }),
      teardown: () => fake.stop(),
    };
  },
});

/** A bounded wait that fails by name; each case's limit is above the sum of its waits. */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('OpenAlgo feed: the proxy’s messages in our terms', { timeout: 30_000 }, () => {
  it('rupees to ticks, trade size from the day volume, previous close from `close`, empty levels dropped, LTP-only ticks without a book', async () => {
    const fake = new FakeOpenAlgo({ pingMs: 100 });
    const { wsUrl } = await fake.start();
    const got: SimTick[] = [];
    let clock = 1_765_000_000_000;
    const source = new OpenAlgoFeedSource({
      session: () => Promise.resolve({ url: wsUrl, apiKey: fake.apiKey }),
      onAuthLost: () => undefined,
      symbols: () =>
        Promise.resolve(
          new Map([
            ['NSE:RELIANCE', 'RELIANCE'],
            ['NSE_INDEX:NIFTY', 'NIFTY'],
          ]),
        ),
      now: () => clock,
    });
    const arrived = (n: number) => until(() => got.length >= n, `${n} ticks`);
    try {
      await source.start((t) => void got.push(...t));
      await until(() => fake.marketSubscriptions()[0]?.size === 2, 'the subscription');
      expect([...fake.marketSubscriptions()[0]!]).toEqual([
        ['NSE:RELIANCE', 3],
        ['NSE_INDEX:NIFTY', 3],
      ]);
      fake.publishMarketData('NSE', 'RELIANCE', {
        ltp: 1_300_0000,
        lastQuantity: 7,
        volume: 5_000,
        close: 1_290_0000,
        bids: [
          { price: 1_299_9000, quantity: 40, orders: 3 },
          { price: 0, quantity: 0, orders: 0 },
        ],
        asks: [
          { price: 1_300_1000, quantity: 25, orders: 2 },
          { price: 1_300_2500, quantity: 60, orders: 4 },
        ],
      });
      await arrived(1);
      clock += 1_000;
      fake.publishMarketData('NSE', 'RELIANCE', { ltp: 1_300_5000, lastQuantity: 3, volume: 5_120, close: 1_290_0000, bids: [], asks: [] });
      fake.publishMarketData('NSE_INDEX', 'NIFTY', { ltp: 24_100_2500, close: 24_000_0000 }, 3);
      await arrived(3);
      const [first, second, index] = got;
      expect(first).toMatchObject({ symbol: 'RELIANCE', ltp: 1_300_0000, bid: 1_299_9000, ask: 1_300_1000, quantity: 7, volume: 5_000 });
      expect(first!.prevClose).toBe(1_290_0000);
      expect(first!.depth).toEqual({
        bids: [{ price: 1_299_9000, quantity: 40, orders: 3 }],
        asks: [
          { price: 1_300_1000, quantity: 25, orders: 2 },
          { price: 1_300_2500, quantity: 60, orders: 4 },
        ],
      });
      // An empty book: the touch falls back to the last price; the size is the volume's rise.
      expect(second).toMatchObject({ symbol: 'RELIANCE', ltp: 1_300_5000, bid: 1_300_5000, quantity: 120, volume: 5_120, seq: 2 });
      expect(second!.ts).toBe(first!.ts + 1_000);
      expect(second!.depth).toBeUndefined();
      expect(index).toMatchObject({ symbol: 'NIFTY', ltp: 24_100_2500, quantity: 0, volume: 0, prevClose: 24_000_0000, seq: 1 });
      expect(source.feedStats).toMatchObject({ framesRejected: 0, unknownTokens: 0, connects: 1 });
    } finally {
      await source.stop();
      await fake.stop();
    }
  });

  it('a message that is JSON but not a tick (a price as text, a book that is not a list) is counted, not streamed', async () => {
    const fake = new FakeOpenAlgo({ pingMs: 100 });
    const { wsUrl } = await fake.start();
    const got: SimTick[] = [];
    const source = new OpenAlgoFeedSource({
      session: () => Promise.resolve({ url: wsUrl, apiKey: fake.apiKey }),
      onAuthLost: () => undefined,
      symbols: () => Promise.resolve(new Map([['NSE:SBIN', 'SBIN']])),
    });
    try {
      await source.start((t) => void got.push(...t));
      await until(() => fake.marketSubscriptions()[0]?.size === 1, 'the subscription');
      const msg = (data: unknown) => JSON.stringify({ type: 'market_data', symbol: 'SBIN', exchange: 'NSE', mode: 3, data });
      fake.sendMarketRaw(msg({ ltp: '800.5' }));
      fake.sendMarketRaw(msg({ ltp: 800.5, depth: { buy: 'none', sell: [] } }));
      fake.sendMarketRaw(msg({ ltp: 800.5, volume: -3 }));
      fake.sendMarketRaw(JSON.stringify([1, 2]));
      fake.publishMarketData('NSE', 'SBIN', { ltp: 801_0000, volume: 10 });
      await until(() => got.length >= 1, 'the good tick');
      expect(got.map((t) => t.ltp)).toEqual([801_0000]);
      expect(source.feedStats.framesRejected).toBe(4);
    } finally {
      await source.stop();
      await fake.stop();
    }
  });
});

describe('OpenAlgo feed: a refused key', { timeout: 30_000 }, () => {
  it('is not tried again while the account still offers it (the mark failed); a new key is tried and every instrument subscribed (two a message)', async () => {
    const fake = new FakeOpenAlgo({ pingMs: 100, apiKey: 'good-openalgo-key-000000000000000000000' });
    const { wsUrl } = await fake.start();
    let offered = 'stale-openalgo-key-00000000000000000000';
    const reasons: string[] = [];
    const symbols = new Map(['RELIANCE', 'INFY', 'SBIN', 'TCS', 'HDFCBANK'].map((s) => [`NSE:${s}`, s]));
    const source = new OpenAlgoFeedSource({
      session: () => Promise.resolve({ url: wsUrl, apiKey: offered }),
      onAuthLost: (reason) => {
        reasons.push(reason);
        throw new Error('the database is down');
      },
      symbols: () => Promise.resolve(symbols),
      sessionPollMs: 20,
      backoff: { initialMs: 10, maxMs: 20 },
      subscribeBatch: 2,
    });
    try {
      await source.start(() => undefined);
      await until(() => source.feedStats.state === 'waiting_for_login', 'the wait');
      await new Promise((r) => setTimeout(r, 300)); // 15 polls: the refused key is never sent again
      expect(fake.refusedAuthentications).toBe(1);
      expect(reasons).toEqual(['OpenAlgo refused the API key on its WebSocket: Invalid API key']);
      expect(source.feedStats).toMatchObject({ authLost: 1, connects: 0 });
      offered = fake.apiKey;
      await until(() => fake.marketSubscriptions()[0]?.size === symbols.size, 'the subscription under the new key');
      expect(source.feedStats).toMatchObject({ state: 'streaming', connects: 1 });
      expect(fake.refusedAuthentications).toBe(1);
    } finally {
      await source.stop();
      await fake.stop();
    }
  });
});
