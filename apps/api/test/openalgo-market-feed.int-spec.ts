import { demoUniverse, type PriceTicks } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { InstrumentsRepository } from '@tradeloop/market';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { FakeOpenAlgo, type FakeOpenAlgoLevel } from '@tradeloop/testing/openalgo-fake';
import { signedIn, useTestApi } from './support/test-api';
import { eventually, MarketClient } from './support/market-socket';
import { expectFeedIsOurMarket, expectFeedQuotesAgain } from './support/feed-world';
import { startWorker } from './support/kite-world';

/**
 * MARKET_FEED=openalgo end to end (issue 15 part 3): the real worker streams an OpenAlgo account's
 * WebSocket proxy (the loopback fake) in Depth mode, and the fake's market_data — not the
 * simulator's ticks — become our quotes, depth, candles and socket ticks. OpenAlgo has no daily
 * login: a revoked API key, refused on the feed's socket, turns the account `error` (never
 * needs_login) and the feed waits; once the key is fixed (its owner re-enters it, checked at once)
 * the account is connected again and the feed streams again.
 */
const fake = new FakeOpenAlgo({ apiKey: 'feed-openalgo-key-00000000000000000000', pingMs: 1_000 });
const env: Record<string, string> = {};
beforeAll(async () => {
  await fake.start();
  Object.assign(env, {
    // The fake serves its WebSocket proxy on its own port at /ws.
    OPENALGO_WS_PORT: '0',
    OPENALGO_REQUEST_TIMEOUT_MS: '1000',
    // No periodic re-check during the test: only the feed can notice the revoked key, and the
    // account is connected again when its owner re-enters the key.
    OPENALGO_CHECK_INTERVAL_MS: '3600000',
  });
});
afterAll(() => fake.stop());
const { api, ctx } = useTestApi(env, { logLevel: 'silent' });
const SYMBOLS = ['RELIANCE', 'INFY', 'SBIN'] as const;
let worker: RunningProcess | null = null;
let trader: { id: string; token: string };
let accountId: string;
const clients: MarketClient[] = [];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
let future: { ours: string; theirs: string };

const book = (ltp: PriceTicks, dir: number): FakeOpenAlgoLevel[] =>
  [1, 2, 3, 4, 5].map((k) => ({ price: ltp + dir * 500 * k, quantity: 100 * k, orders: k }));
/** One Depth-mode market_data message with a 5-level book, as the proxy sends it. */
const tick = (symbol: string, ltp: PriceTicks, volume: number) =>
  fake.publishMarketData('NSE', symbol, { ltp, lastQuantity: 5, volume, close: 1_200_0000, bids: book(ltp, -1), asks: book(ltp, 1) });
/** A feed socket with our three instruments in Depth mode (the worker streams the whole universe). */
const subscribedInDepth = () =>
  fake.marketSubscriptions().length === 1 && SYMBOLS.every((s) => fake.marketSubscriptions()[0]!.get(`NSE:${s}`) === 3);
const accountView = async () =>
  (await api.http.get('/api/v1/broker-accounts', trader.token)).body.items.find((a: { id: string }) => a.id === accountId);

beforeAll(async () => {
  const universe = demoUniverse(new Date());
  await api.app.get(InstrumentsRepository).upsert(universe);
  // The instrument master's OpenAlgo key for one instrument (what the daily import stores); the
  // others are streamed under our own exchange and symbol, as the instance names cash equities.
  await api.app
    .get(Db)
    .sql.rows(
      `INSERT INTO instrument_broker_keys (broker, key, symbol, exchange_token, broker_symbol, broker_exchange) VALUES ('openalgo', 'NSE:RELIANCE', 'RELIANCE', NULL, 'RELIANCE', 'NSE')`,
    );
  // A future keyed as OpenAlgo spells it (the full expiry date), not as we do.
  const fut = universe.find((i) => i.instrumentType === 'FUT' && i.active !== false)!;
  future = {
    ours: fut.symbol,
    theirs: `${fut.underlying}${fut.expiry!.slice(8, 10)}${MONTHS[Number(fut.expiry!.slice(5, 7)) - 1]}${fut.expiry!.slice(2, 4)}FUT`,
  };
  await api.app
    .get(Db)
    .sql.rows(
      `INSERT INTO instrument_broker_keys (broker, key, symbol, exchange_token, broker_symbol, broker_exchange) VALUES ('openalgo', $1, $2, NULL, $3, 'NFO')`,
      [`NFO:${future.theirs}`, future.ours, future.theirs],
    );
  const s = await signedIn(api, ['trader']);
  trader = { id: s.user.id, token: s.token };
  const res = await api.http.post(
    '/api/v1/broker-accounts',
    { kind: 'openalgo', name: 'Feed install', credentials: { host: fake.endpoints().host, apiKey: fake.apiKey } },
    trader.token,
  );
  expect(res.body).toMatchObject({ status: 'connected' });
  accountId = res.body.id;
  worker = await startWorker(ctx, await freePort(), { MARKET_FEED: 'openalgo', MARKET_FEED_ACCOUNT_ID: accountId });
  await eventually(subscribedInDepth, 15_000, 'the worker to subscribe in Depth mode');
  // Indices under OpenAlgo's index exchange; a derivative without an OpenAlgo key is not guessed at.
  const keys = [...fake.marketSubscriptions()[0]!.keys()];
  expect(keys).toEqual(expect.arrayContaining(['NSE_INDEX:NIFTY', 'NSE_INDEX:BANKNIFTY']));
  expect(keys.filter((k) => !k.startsWith('NSE:') && !k.startsWith('NSE_INDEX:'))).toEqual([`NFO:${future.theirs}`]);
}, 90_000);

afterAll(async () => {
  clients.forEach((c) => c.close());
  await worker?.stop();
});

describe('MARKET_FEED=openalgo', () => {
  it('the fake’s market data is our quotes, depth, candles and socket ticks (and nothing else is)', async () => {
    await expectFeedIsOurMarket({
      api,
      token: trader.token,
      tick,
      clients,
      askOrders: [1, 2, 3, 4, 5],
      thenAlso: async () => {
        // A tick under OpenAlgo's name of the future is our future's quote.
        fake.publishMarketData('NFO', future.theirs, { ltp: 24_321_0000, volume: 50, close: 24_300_0000 });
        await eventually(
          async () =>
            (await api.http.get(`/api/v1/market/quotes?symbols=${future.ours}`, trader.token)).body.items?.[0]?.ltp === '24321.00',
          10_000,
          'the future’s quote under our symbol',
        );
      },
    });
  });

  it('a revoked key turns the account error (not needs_login) and the feed waits without retrying; once the key is fixed it streams again', async () => {
    fake.revokeKey();
    const inError = await eventually(async () => ((await accountView())?.status === 'error' ? accountView() : null), 15_000, 'error');
    // The feed's own refusal (the periodic check is off): its socket's authenticate was refused.
    expect(inError.statusReason).toContain('OpenAlgo refused the API key on its WebSocket');
    expect(fake.refusedAuthentications).toBeGreaterThanOrEqual(1);
    await eventually(() => fake.marketSubscriptions().length === 0, 5_000, 'no feed socket');
    const refused = fake.refusedAuthentications;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(fake.refusedAuthentications).toBe(refused); // no reconnect loop on the refused key
    expect(fake.marketSubscriptions()).toHaveLength(0);

    fake.restoreKey();
    const patched = await api.http.request('PATCH', `/api/v1/broker-accounts/${accountId}`, {
      body: { credentials: { host: fake.endpoints().host, apiKey: fake.apiKey } },
      token: trader.token,
    });
    expect(patched.body).toMatchObject({ status: 'connected', statusReason: null });
    await eventually(subscribedInDepth, 20_000, 'the feed to come back once the key is fixed');
    await expectFeedQuotesAgain(api, trader.token, tick, 'a quote after the key is fixed');
  });
});
