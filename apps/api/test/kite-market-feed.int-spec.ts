import { demoUniverse, type PriceTicks } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { InstrumentsRepository } from '@tradeloop/market';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { encodeTickFrame, fakeKiteInstrumentMap, type FakeDepthLevel } from '@tradeloop/testing/kite-fake';
import { MarketDepthSchema } from '@tradeloop/contracts';
import { signedIn, useTestApi } from './support/test-api';
import { eventually, MarketClient } from './support/market-socket';
import { logInToKite, startWorker, useFakeKite } from './support/kite-world';

/**
 * MARKET_FEED=kite end to end (issue 15 part 3): the real worker streams a Kite account's ticker
 * (the loopback fake) in full mode, and the fake's ticks — not the simulator's — become our quotes,
 * depth, candles and socket ticks; when the session expires the account turns needs_login and the
 * feed waits, and after the next login it streams again.
 */
const { fake, env } = useFakeKite();
const { api, ctx } = useTestApi(env, { logLevel: 'silent' });
const SYMBOLS = ['RELIANCE', 'INFY', 'SBIN'] as const;
let worker: RunningProcess | null = null;
let trader: { id: string; token: string };
let accountId: string;
const tokenOf = new Map<string, number>();
const clients: MarketClient[] = [];

const book = (ltp: PriceTicks, dir: number): FakeDepthLevel[] =>
  [1, 2, 3, 4, 5].map((k) => ({ price: ltp + dir * 500 * k, quantity: 100 * k, orders: k }));
/** One full-mode packet with a 5-level book, as Kite sends it. */
const tick = (symbol: string, ltp: PriceTicks, volume: number) =>
  fake.sendTickerBinary(
    encodeTickFrame([
      {
        mode: 'full',
        tick: {
          instrumentToken: tokenOf.get(symbol)!,
          lastPrice: ltp,
          lastQuantity: 5,
          volume,
          close: 1_200_0000,
          bids: book(ltp, -1),
          offers: book(ltp, 1),
        },
      },
    ]),
  );
const subscribedInFull = () =>
  fake.tickerSubscriptions().some((m) => m.size === SYMBOLS.length && [...m.values()].every((v) => v === 'full'));
const accountStatus = async () =>
  (await api.http.get('/api/v1/broker-accounts', trader.token)).body.items.find((a: { id: string }) => a.id === accountId)?.status;

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  // The instrument master's Kite tokens for three instruments (what the daily import stores).
  const map = fakeKiteInstrumentMap();
  for (const symbol of SYMBOLS) {
    const token = Number(map.toBroker({ exchange: 'NSE', symbol }).token);
    tokenOf.set(symbol, token);
    await api.app
      .get(Db)
      .sql.rows(
        `INSERT INTO instrument_broker_keys (broker, key, symbol, exchange_token, broker_symbol, broker_exchange) VALUES ('kite', $1, $2, $3, $2, 'NSE')`,
        [String(token), symbol, String(token >> 8)],
      );
  }
  const s = await signedIn(api, ['trader']);
  trader = { id: s.user.id, token: s.token };
  const res = await api.http.post(
    '/api/v1/broker-accounts',
    { kind: 'kite', name: 'Feed account', credentials: { apiKey: fake.apiKey, apiSecret: fake.apiSecret } },
    trader.token,
  );
  accountId = res.body.id;
  expect((await logInToKite(api, trader.token, accountId)).searchParams.get('login')).toBe('ok');
  worker = await startWorker(ctx, await freePort(), { MARKET_FEED: 'kite', MARKET_FEED_ACCOUNT_ID: accountId });
  await eventually(subscribedInFull, 15_000, 'the worker to subscribe in full mode');
}, 90_000);

afterAll(async () => {
  clients.forEach((c) => c.close());
  await worker?.stop();
});

describe('MARKET_FEED=kite', () => {
  it('the fake’s ticks are our quotes, depth, candles and socket ticks (and nothing else is)', async () => {
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

    // The book is written with the quotes hash, every candle interval (100 ms).
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
    expect(depth.asks.map((l) => [l.price, l.quantity, l.orders])).toEqual([
      ['1235.05', 100, 1],
      ['1235.10', 200, 2],
      ['1235.15', 300, 3],
      ['1235.20', 400, 4],
      ['1235.25', 500, 5],
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

  it('an expired session turns the account needs_login and the feed waits; after the login it streams again', async () => {
    fake.expireSession();
    await eventually(async () => (await accountStatus()) === 'needs_login', 15_000, 'needs_login');
    expect(fake.tickerConnections()).toBe(0);

    expect((await logInToKite(api, trader.token, accountId)).searchParams.get('login')).toBe('ok');
    await eventually(subscribedInFull, 20_000, 'the feed to come back after the login');
    tick('SBIN', 800_0000, 1_000);
    await eventually(
      async () => (await api.http.get('/api/v1/market/quotes?symbols=SBIN', trader.token)).body.items?.[0]?.ltp === '800.00',
      10_000,
      'a quote after the new login',
    );
  });
});
