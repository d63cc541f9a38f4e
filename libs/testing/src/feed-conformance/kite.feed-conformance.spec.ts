import { KiteFeedSource } from '@tradeloop/brokers';
import type { PriceTicks, SimTick } from '@tradeloop/domain';
import { encodeTickFrame, FakeKite, fakeKiteInstrumentMap, type FakeDepthLevel } from '../kite-fake';
import { describeFeedConformance, type FeedWorld } from './feed-conformance';

const SYMBOLS = ['RELIANCE', 'INFY', 'SBIN'] as const;

describeFeedConformance({
  name: 'Kite ticker (KiteFeedSource) against the fake Kite',
  floodFrameTicks: 50,
  async setup({ stallMs, maxQueuedTicks }): Promise<FeedWorld> {
    // Heartbeats five times as often as the stall limit: a quiet, healthy socket must never look stalled.
    const fake = new FakeKite({ heartbeatMs: Math.max(20, Math.floor(stallMs / 5)) });
    const { wsUrl } = await fake.start();
    const map = fakeKiteInstrumentMap();
    const tokens = new Map<number, string>();
    const tokenOf = new Map<string, number>();
    for (const symbol of SYMBOLS) {
      const token = Number(map.toBroker({ exchange: 'NSE', symbol }).token);
      tokens.set(token, symbol);
      tokenOf.set(symbol, token);
    }
    // The account as the directory sees it: a refused session turns it needs_login until a new login.
    const account = { connected: true };
    let authLost = 0;
    let refused = 0;
    fake.on('ticker', (e: { kind: string }) => void (e.kind === 'refused' && (refused += 1)));
    fake.createSession();
    const source = new KiteFeedSource({
      wsRoot: wsUrl,
      stallMs,
      backoff: { initialMs: 50, maxMs: 200 },
      sessionPollMs: 50,
      ...(maxQueuedTicks ? { maxQueuedTicks } : {}),
      session: () =>
        Promise.resolve(
          account.connected && fake.currentAccessToken ? { apiKey: 'fakekiteapikey', accessToken: fake.currentAccessToken } : null,
        ),
      onAuthLost: () => {
        authLost += 1;
        account.connected = false;
      },
      tokens: () => Promise.resolve(tokens),
    });
    const book = (ltp: PriceTicks, n: number, dir: number): FakeDepthLevel[] =>
      Array.from({ length: n }, (_, k) => ({ price: ltp + dir * 500 * (k + 1), quantity: 10 * (k + 1), orders: k + 1 }));
    return {
      source,
      symbols: SYMBOLS,
      quote(symbol, ltp, depth) {
        const instrumentToken = tokenOf.get(symbol)!;
        fake.sendTickerBinary(
          encodeTickFrame([
            {
              mode: 'full',
              tick: { instrumentToken, lastPrice: ltp, volume: 1_000, close: ltp, bids: book(ltp, depth, -1), offers: book(ltp, depth, 1) },
            },
          ]),
        );
      },
      stall: () => fake.stallTicker(),
      resume: () => fake.resumeTicker(),
      dropConnections: () => fake.closeTicker(1006),
      sendMalformed(kind) {
        const good = encodeTickFrame([{ mode: 'full', tick: { instrumentToken: tokenOf.get(SYMBOLS[0])!, lastPrice: 1_000_0000 } }]);
        fake.sendTickerBinary(kind === 'truncated' ? good.subarray(0, good.length - 7) : Buffer.concat([good, Buffer.from([1, 2, 3])]));
      },
      sendUnknownToken() {
        fake.sendTickerBinary(encodeTickFrame([{ mode: 'ltp', tick: { instrumentToken: 999_999 * 256 + 1, lastPrice: 1_000_0000 } }]));
      },
      expireSession: () => fake.expireSession(),
      logIn() {
        fake.createSession();
        account.connected = true;
      },
      connections: () => fake.tickerConnections(),
      subscribedPerConnection: () => fake.tickerSubscriptions().map((m) => [...m.values()].filter((mode) => mode === 'full').length),
      authLostCalls: () => authLost,
      refusedUpgrades: () => refused,
      flood: (ticksPerSecond) => fake.feedTicks({ ticksPerSecond, intervalMs: 10, ticksPerFrame: 50 }),
      teardown: () => fake.stop(),
    };
  },
});

describe('Kite feed: Kite’s packets in our terms', () => {
  it('trade size from the day volume, previous close from `close`, empty depth levels dropped, indices without size or book', async () => {
    const fake = new FakeKite({ heartbeatMs: 100 });
    const { wsUrl } = await fake.start();
    fake.createSession();
    const reliance = Number(fakeKiteInstrumentMap().toBroker({ exchange: 'NSE', symbol: 'RELIANCE' }).token);
    const nifty = fake.instrument('NSE', 'NIFTY 50').instrumentToken;
    const got: SimTick[] = [];
    let clock = 1_765_000_000_000;
    const source = new KiteFeedSource({
      wsRoot: wsUrl,
      session: () => Promise.resolve({ apiKey: 'fakekiteapikey', accessToken: fake.currentAccessToken! }),
      onAuthLost: () => undefined,
      tokens: () =>
        Promise.resolve(
          new Map([
            [reliance, 'RELIANCE'],
            [nifty, 'NIFTY'],
          ]),
        ),
      now: () => clock,
    });
    try {
      await source.start((t) => void got.push(...t));
      await fake.waitFor<{ kind: string; action?: string }>('ticker', (e) => e.kind === 'message' && e.action === 'mode');
      const send = (tick: Parameters<typeof encodeTickFrame>[0][number]['tick'], mode: 'full' | 'quote' = 'full') =>
        fake.sendTickerBinary(encodeTickFrame([{ tick, mode }]));
      send({
        instrumentToken: reliance,
        lastPrice: 1_300_0000,
        lastQuantity: 7,
        volume: 5_000,
        close: 1_290_0000,
        bids: [{ price: 1_299_9000, quantity: 40, orders: 3 }],
        offers: [
          { price: 1_300_1000, quantity: 25, orders: 2 },
          { price: 1_300_2000, quantity: 60, orders: 4 },
        ],
      });
      const arrived = async (n: number) => {
        const deadline = Date.now() + 5_000;
        while (got.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      };
      await arrived(1);
      clock += 1_000;
      send({ instrumentToken: reliance, lastPrice: 1_300_5000, lastQuantity: 3, volume: 5_120, close: 1_290_0000 }, 'quote');
      send({ instrumentToken: nifty, lastPrice: 24_100_0000, close: 24_000_0000 });
      await arrived(3);
      const [first, second, index] = got;
      expect(first).toMatchObject({ symbol: 'RELIANCE', ltp: 1_300_0000, bid: 1_299_9000, ask: 1_300_1000, quantity: 7, volume: 5_000 });
      expect(first!.prevClose).toBe(1_290_0000);
      expect(first!.depth).toEqual({
        bids: [{ price: 1_299_9000, quantity: 40, orders: 3 }],
        asks: [
          { price: 1_300_1000, quantity: 25, orders: 2 },
          { price: 1_300_2000, quantity: 60, orders: 4 },
        ],
      });
      // A quote packet has no book: the touch falls back to the last price; the size is the volume's rise.
      expect(second).toMatchObject({ symbol: 'RELIANCE', ltp: 1_300_5000, quantity: 120, volume: 5_120, seq: 2, ts: first!.ts + 1_000 });
      expect(second!.depth).toBeUndefined();
      expect(index).toMatchObject({ symbol: 'NIFTY', ltp: 24_100_0000, quantity: 0, volume: 0, prevClose: 24_000_0000, seq: 1 });
      expect(index!.depth).toBeUndefined();
    } finally {
      await source.stop();
      await fake.stop();
    }
  });
});
