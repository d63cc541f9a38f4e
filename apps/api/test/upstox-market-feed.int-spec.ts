import { demoUniverse, type PriceTicks } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { InstrumentsRepository } from '@tradeloop/market';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import type { FakeUpstoxFeedLevel } from '@tradeloop/testing/upstox-fake';
import { signedIn, useTestApi } from './support/test-api';
import { eventually, MarketClient } from './support/market-socket';
import { expectFeedIsOurMarket, expectFeedQuotesAgain } from './support/feed-world';
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
    await expectFeedIsOurMarket({
      api,
      token: trader.token,
      tick,
      clients,
      askOrders: [0, 0, 0, 0, 0], // Upstox's full feed has no order counts per level.
    });
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
    await expectFeedQuotesAgain(api, trader.token, tick, 'a quote after the new login');
  });
});
