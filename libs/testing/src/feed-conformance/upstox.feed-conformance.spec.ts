import { decodeUpstoxFeedFrame, UpstoxFeedSource, upstoxSubscription } from '@tradeloop/brokers';
import WebSocket from 'ws';
import type { PriceTicks, SimTick } from '@tradeloop/domain';
import { encodeUpstoxFeedFrame, FakeUpstox, type FakeUpstoxFeedLevel } from '../upstox-fake';
import { describeFeedConformance, type FeedWorld } from './feed-conformance';

/**
 * Three real keys and 27 more: an Upstox frame is a map by instrument key (one tick per key), so a
 * flood's frames are only as large as the subscription — 30 ticks a frame, as a busy market sends.
 */
const KEYS: Readonly<Record<string, string>> = {
  RELIANCE: 'NSE_EQ|INE002A01018',
  INFY: 'NSE_EQ|INE009A01021',
  SBIN: 'NSE_EQ|INE062A01020',
  ...Object.fromEntries(Array.from({ length: 27 }, (_, i) => [`STOCK${i + 1}`, `NSE_EQ|INE9${String(i + 1).padStart(2, '0')}X01010`])),
};
const SYMBOLS = Object.keys(KEYS);

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeFeedConformance({
  name: 'Upstox market feed v3 (UpstoxFeedSource) against the fake Upstox',
  floodFrameTicks: SYMBOLS.length,
  async setup({ stallMs, maxQueuedTicks }): Promise<FeedWorld> {
    // Pings five times as often as the stall limit: a quiet, healthy socket must never look stalled.
    const fake = new FakeUpstox({ heartbeatMs: Math.max(20, Math.floor(stallMs / 5)) });
    const { apiRoot } = await fake.start();
    // The account as the directory sees it: a refused session turns it needs_login until a new login.
    const account = { connected: true, token: fake.createSession() };
    let authLost = 0;
    const source = new UpstoxFeedSource({
      apiRoot,
      stallMs,
      backoff: { initialMs: 50, maxMs: 200 },
      sessionPollMs: 50,
      ...(maxQueuedTicks ? { maxQueuedTicks } : {}),
      session: () => Promise.resolve(account.connected ? { accessToken: account.token } : null),
      onAuthLost: () => {
        authLost += 1;
        account.connected = false;
      },
      keys: () => Promise.resolve(new Map(SYMBOLS.map((s) => [KEYS[s]!, s]))),
    });
    const book = (ltp: PriceTicks, n: number, dir: number): FakeUpstoxFeedLevel[] =>
      Array.from({ length: n }, (_, k) => ({ price: ltp + dir * 500 * (k + 1), quantity: 10 * (k + 1) }));
    let volume = 1_000;
    return {
      source,
      symbols: SYMBOLS,
      quote(symbol, ltp, depth) {
        volume += 10;
        fake.marketFeed.publish({ instrumentKey: KEYS[symbol]!, ltp, volume, bids: book(ltp, depth, -1), asks: book(ltp, depth, 1) });
      },
      stall: () => fake.marketFeed.stall(),
      resume: () => fake.marketFeed.resume(),
      dropConnections: () => fake.marketFeed.close(null),
      sendMalformed(kind) {
        const good = encodeUpstoxFeedFrame([{ instrumentKey: KEYS.RELIANCE!, ltp: 1_000_0000, bids: book(1_000_0000, 5, -1) }], {
          now: 0, // no trailing currentTs: cutting the end cuts into the feed itself
        });
        fake.marketFeed.sendRaw(kind === 'truncated' ? good.subarray(0, good.length - 7) : Buffer.concat([good, Buffer.from([1, 2, 3])]));
      },
      sendUnknownToken() {
        fake.marketFeed.sendRaw(encodeUpstoxFeedFrame([{ instrumentKey: 'NSE_EQ|INE000X00000', ltp: 1_000_0000 }]));
      },
      expireSession: () => fake.expireSession(),
      logIn() {
        account.token = fake.createSession();
        account.connected = true;
      },
      connections: () => fake.marketFeed.connections(),
      subscribedPerConnection: () => fake.marketFeed.subscriptions().map((m) => [...m.values()].filter((mode) => mode === 'full').length),
      authLostCalls: () => authLost,
      // The authorise calls Upstox refused (the one-time URL needs one): a loop would make this grow.
      refusedUpgrades: () => fake.requests.filter((r) => r.route === 'feed_authorize' && r.outcome === 401).length,
      flood: (ticksPerSecond) => fake.marketFeed.flood(ticksPerSecond, 10),
      teardown: () => fake.stop(),
    };
  },
});

describe('Upstox feed: Upstox’s frames in our terms', () => {
  it('binary JSON subscriptions in full mode; size from the day volume, previous close from cp, the book to 5 levels, ltpc ticks without a book, indices without size', async () => {
    const fake = new FakeUpstox({ heartbeatMs: 100 });
    const { apiRoot } = await fake.start();
    const token = fake.createSession();
    const reliance = 'NSE_EQ|INE002A01018';
    const nifty = 'NSE_INDEX|Nifty 50';
    const got: SimTick[] = [];
    let clock = 1_765_000_000_000;
    const source = new UpstoxFeedSource({
      apiRoot,
      session: () => Promise.resolve({ accessToken: token }),
      onAuthLost: () => undefined,
      keys: () =>
        Promise.resolve(
          new Map([
            [reliance, 'RELIANCE'],
            [nifty, 'NIFTY'],
          ]),
        ),
      now: () => clock,
    });
    const arrived = async (n: number) => {
      const deadline = Date.now() + 5_000;
      while (got.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    };
    try {
      await source.start((t) => void got.push(...t));
      await until(() => fake.marketFeed.subscriptions()[0]?.size === 2, 'the subscription');
      expect(fake.marketFeed.subscriptions()).toEqual([
        new Map([
          [reliance, 'full'],
          [nifty, 'full'],
        ]),
      ]);
      expect(fake.marketFeed.badRequests).toBe(0);
      const levels = (from: PriceTicks, dir: number, n: number) =>
        Array.from({ length: n }, (_, k) => ({ price: from + dir * 1000 * k, quantity: 10 + k }));
      fake.marketFeed.publish({
        instrumentKey: reliance,
        ltp: 1_300_0000,
        ltq: 7,
        volume: 5_000,
        close: 1_290_0000,
        bids: levels(1_299_9000, -1, 5),
        asks: levels(1_300_1000, 1, 5),
      });
      await arrived(1);
      clock += 1_000;
      fake.marketFeed.sendRaw(
        encodeUpstoxFeedFrame([{ instrumentKey: reliance, ltp: 1_300_5000, ltq: 3, volume: 5_120, close: 1_290_0000, mode: 'full' }]),
      );
      await arrived(2);
      fake.marketFeed.sendRaw(
        encodeUpstoxFeedFrame([{ instrumentKey: reliance, ltp: 1_300_6000, ltq: 4, close: 1_290_0000, mode: 'ltpc' }]),
      );
      fake.marketFeed.publish({ instrumentKey: nifty, ltp: 24_100_0000, close: 24_000_0000, index: true });
      await arrived(4);
      const [first, second, third, index] = got;
      expect(first).toMatchObject({ symbol: 'RELIANCE', ltp: 1_300_0000, bid: 1_299_9000, ask: 1_300_1000, quantity: 7, volume: 5_000 });
      expect(first!.prevClose).toBe(1_290_0000);
      expect(first!.depth!.bids).toEqual(levels(1_299_9000, -1, 5).map((l) => ({ ...l, orders: 0 })));
      expect(first!.depth!.asks).toHaveLength(5);
      // A frame without a book: the touch falls back to the last price; the size is the volume's rise.
      expect(second).toMatchObject({
        symbol: 'RELIANCE',
        ltp: 1_300_5000,
        bid: 1_300_5000,
        quantity: 120,
        volume: 5_120,
        seq: 2,
        ts: first!.ts + 1_000,
      });
      expect(second!.depth).toBeUndefined();
      // ltpc carries no volume: no size invented, the day volume kept.
      expect(third).toMatchObject({ symbol: 'RELIANCE', ltp: 1_300_6000, quantity: 0, volume: 5_120, seq: 3 });
      expect(index).toMatchObject({ symbol: 'NIFTY', ltp: 24_100_0000, quantity: 0, volume: 0, prevClose: 24_000_0000, seq: 1 });
      expect(index!.depth).toBeUndefined();
      expect(source.feedStats).toMatchObject({ framesRejected: 0, unknownTokens: 0, connects: 1 });
    } finally {
      await source.stop();
      await fake.stop();
    }
  });

  it('more keys than full mode allows: the first maxFullKeys in full, the rest in ltpc', async () => {
    const fake = new FakeUpstox({ heartbeatMs: 100 });
    const { apiRoot } = await fake.start();
    const token = fake.createSession();
    const keys = new Map(['NSE_EQ|A', 'NSE_EQ|B', 'NSE_EQ|C'].map((k, i) => [k, `S${i}`]));
    const source = new UpstoxFeedSource({
      apiRoot,
      maxFullKeys: 2,
      session: () => Promise.resolve({ accessToken: token }),
      onAuthLost: () => undefined,
      keys: () => Promise.resolve(keys),
    });
    try {
      await source.start(() => undefined);
      await until(() => fake.marketFeed.subscriptions()[0]?.size === 3, 'both subscriptions');
      expect(fake.marketFeed.subscriptions()).toEqual([
        new Map([
          ['NSE_EQ|A', 'full'],
          ['NSE_EQ|B', 'full'],
          ['NSE_EQ|C', 'ltpc'],
        ]),
      ]);
    } finally {
      await source.stop();
      await fake.stop();
    }
  });

  it('the fake speaks the protocol: the authorised URL is single use, requests are binary JSON, a market_info frame comes first', async () => {
    const fake = new FakeUpstox({ heartbeatMs: 100 });
    const { apiRoot } = await fake.start();
    const token = fake.createSession();
    try {
      const authorize = async (bearer: string) =>
        fetch(`${apiRoot}/v3/feed/market-data-feed/authorize`, {
          headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json' },
        });
      expect((await authorize('not-a-token')).status).toBe(401);
      const reply = (await (await authorize(token)).json()) as { status: string; data: { authorized_redirect_uri: string } };
      expect(reply.status).toBe('success');
      const url = reply.data.authorized_redirect_uri;
      const ws = new WebSocket(url);
      const first = await new Promise<Buffer>((resolve, reject) => {
        ws.once('message', (d) => resolve(d as Buffer));
        ws.once('error', reject);
      });
      const info = decodeUpstoxFeedFrame(first);
      expect(info.ok && info.message.type).toBe('market_info');
      // The same URL again: refused at the upgrade.
      const again = new WebSocket(url);
      const status = await new Promise<number>((resolve) => {
        again.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        again.on('error', () => undefined);
      });
      expect(status).toBe(403);
      ws.send(upstoxSubscription('sub', 'full', ['NSE_EQ|INE002A01018']).toString('utf8')); // text: not how Upstox reads requests
      ws.send(upstoxSubscription('sub', 'full', ['NSE_EQ|INE009A01021']), { binary: true });
      await until(() => fake.marketFeed.subscriptions()[0]?.size === 1, 'the binary subscription');
      expect(fake.marketFeed.subscriptions()[0]).toEqual(new Map([['NSE_EQ|INE009A01021', 'full']]));
      expect(fake.marketFeed.badRequests).toBe(1);
      ws.close();
    } finally {
      await fake.stop();
    }
  });
});
