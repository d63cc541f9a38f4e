import { demoUniverse, type PriceTicks } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { InstrumentsRepository } from '@tradeloop/market';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import type { FakeUpstoxFeedLevel } from '@tradeloop/testing/upstox-fake';
import { MarketDepthSchema } from '@tradeloop/contracts';
import { signedIn, useTestApi } from './support/test-api';
import { eventually, MarketClient } from './support/market-socket';
import { startWorker } from './support/kite-world';
import { logInToUpstox, useFakeUpstox } from './support/upstox-world';

/**
 * MARKET_FEED=upstox end to end (issue 15 part 3): the real worker streams an Upstox account's
 * market feed v3 (the loopback fake: authorise, one-time URL, binary JSON subscriptions, protobuf
 * frames) in full mode, and the fake's ticks — not the simulator's — become our quotes, depth,
 * candles and socket ticks; when the token expires the account turns needs_login and the feed
 * waits, and after the next login it streams again.
 */
const { fake, env } = useFakeUpstox();
const { api, ctx } = useTestApi(env, { logLevel: 'silent' });
const KEYS: Readonly<Record<string, string>> = {
  RELIANCE: 'NSE_EQ|INE002A01018',
  INFY: 'NSE_EQ|INE009A01021',
  SBIN: 'NSE_EQ|INE062A01020',
};
const SYMBOLS = Object.keys(KEYS);
let worker: RunningProcess | null = null;
let trader: { id: string; token: string };
let accountId: string;
const clients: MarketClient[] = [];

const book = (ltp: PriceTicks, dir: number): FakeUpstoxFeedLevel[] =>
  [1, 2, 3, 4, 5].map((k) => ({ price: ltp + dir * 500 * k, quantity: 100 * k }));
/** One full-mode feed with a 5-level book, as Upstox sends it. */
const tick = (symbol: string, ltp: PriceTicks, volume: number) =>
  fake.marketFeed.publish({
    instrumentKey: KEYS[symbol]!,
    ltp,
    ltq: 5,
    volume,
    close: 1_200_0000,
    bids: book(ltp, -1),
    asks: book(ltp, 1),
  });
const subscribedInFull = () =>
  fake.marketFeed.subscriptions().some((m) => m.size === SYMBOLS.length && [...m.values()].every((v) => v === 'full'));
const accountStatus = async () =>
  (await api.http.get('/api/v1/broker-accounts', trader.token)).body.items.find((a: { id: string }) => a.id === accountId)?.status;

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  // The instrument master's Upstox keys for three instruments (what the daily import stores).
  for (const symbol of SYMBOLS) {
    await api.app
      .get(Db)
      .sql.rows(
        `INSERT INTO instrument_broker_keys (broker, key, symbol, broker_symbol, broker_exchange) VALUES ('upstox', $1, $2, $2, 'NSE_EQ')`,
        [KEYS[symbol], symbol],
      );
  }
  const s = await signedIn(api, ['trader']);
  trader = { id: s.user.id, token: s.token };
  const res = await api.http.post(
    '/api/v1/broker-accounts',
    {
      kind: 'upstox',
      name: 'Feed account',
      credentials: { clientId: fake.clientId, clientSecret: fake.clientSecret, redirectUri: fake.redirectUri },
    },
    trader.token,
  );
  accountId = res.body.id;
  expect((await logInToUpstox(api, trader.token, accountId)).outcome.searchParams.get('login')).toBe('ok');
  worker = await startWorker(ctx, await freePort(), { MARKET_FEED: 'upstox', MARKET_FEED_ACCOUNT_ID: accountId });
  await eventually(subscribedInFull, 15_000, 'the worker to subscribe in full mode');
}, 90_000);

afterAll(async () => {
  clients.forEach((c) => c.close());
  await worker?.stop();
});

describe('MARKET_FEED=upstox', () => {
  it('the fake’s ticks are our quotes, depth, candles and socket ticks (and nothing else is)', async () => {
    expect(fake.marketFeed.badRequests).toBe(0); // subscriptions arrived as binary JSON
    const c = new MarketClient(api.url, trader.token);
    clients.push(c);
    await c.ready();
    expect((await c.request('subscribe', { channel: 'ticks', symbols: ['RELIANCE'] })).symbols).toEqual(['RELIANCE']);
    await c.request('subscribe', { channel: 'depth', symbols: ['RELIANCE'] });

    tick('RELIANCE', 1_234_5000, 10_000);
    tick('RELIANCE', 1_235_0000, 10_040);
    tick('INFY', 1_500_0000, 7_000);

    const quotes = await eventually(
      async () => {
        const r = await api.http.get('/api/v1/market/quotes?symbols=RELIANCE,INFY,SBIN', trader.token);
        return r.body.items?.length === 2 && r.body.items[0].ltp === '1235.00' ? r.body.items : null;
      },
      10_000,
      'quotes from the fake',
    );
    expect(quotes.map((q: { symbol: string }) => q.symbol)).toEqual(['RELIANCE', 'INFY']); // SBIN never ticked: no quote
    expect(quotes[0]).toMatchObject({ ltp: '1235.00', bid: '1234.95', ask: '1235.05', volume: 10_040, prevClose: '1200.00' });
    expect(quotes[1]).toMatchObject({ ltp: '1500.00' });

    const depth = MarketDepthSchema.parse(
      await eventually(
        async () => {
          const r = await api.http.get('/api/v1/market/depth?symbol=RELIANCE', trader.token);
          return r.body.bids?.[0]?.price === '1234.95' ? r.body : null;
        },
        5_000,
        'the book from the fake',
      ),
    );
    expect(depth.bids.map((l) => l.price)).toEqual(['1234.95', '1234.90', '1234.85', '1234.80', '1234.75']);
    // Upstox's full feed has no order counts per level.
    expect(depth.asks.map((l) => [l.price, l.quantity, l.orders])).toEqual([
      ['1235.05', 100, 0],
      ['1235.10', 200, 0],
      ['1235.15', 300, 0],
      ['1235.20', 400, 0],
      ['1235.25', 500, 0],
    ]);

    // The live 1m candle, written to Postgres, closes at the fake's last trade.
    const candle = await eventually(
      async () => {
        const r = await api.http.get('/api/v1/market/candles?symbol=RELIANCE&timeframe=1m', trader.token);
        const last = r.body.candles?.at(-1);
        return last && last.close === '1235.00' ? last : null;
      },
      10_000,
      'the live candle in Postgres',
    );
    expect(Number(candle.high)).toBeGreaterThanOrEqual(1235);
    expect(Date.now() - Date.parse(candle.ts)).toBeLessThan(2 * 60_000);

    await eventually(() => c.ticksOf('RELIANCE').some((t) => t.ltp === '1235.00'), 5_000, 'the socket tick');
    expect(c.ticksOf('RELIANCE').every((t) => ['1234.50', '1235.00'].includes(t.ltp))).toBe(true);
    await eventually(() => c.depth.some((d) => d.bids[0]?.price === '1234.95'), 5_000, 'the socket depth');
  });

  it('an expired token turns the account needs_login and the feed waits (no authorise loop); after the login it streams again', async () => {
    fake.expireSession();
    await eventually(async () => (await accountStatus()) === 'needs_login', 15_000, 'needs_login');
    await eventually(() => fake.marketFeed.connections() === 0, 5_000, 'the feed socket closed');
    const refused = () => fake.requests.filter((r) => r.route === 'feed_authorize' && r.outcome === 401).length;
    const before = refused();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(refused()).toBe(before);

    expect((await logInToUpstox(api, trader.token, accountId)).outcome.searchParams.get('login')).toBe('ok');
    await eventually(subscribedInFull, 20_000, 'the feed to come back after the login');
    tick('SBIN', 800_0000, 1_000);
    await eventually(
      async () => (await api.http.get('/api/v1/market/quotes?symbols=SBIN', trader.token)).body.items?.[0]?.ltp === '800.00',
      10_000,
      'a quote after the new login',
    );
  });
});
