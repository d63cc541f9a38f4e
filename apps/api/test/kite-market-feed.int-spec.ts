import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { demoUniverse, parsePrice, type PriceTicks } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { backfillHistory, CandlesRepository, InstrumentsRepository } from '@tradeloop/market';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { encodeTickFrame, fakeKiteInstrumentMap, type FakeDepthLevel } from '@tradeloop/testing/kite-fake';
import { REALTIME_EVENTS, SignalEventSchema, type SignalEvent } from '@tradeloop/contracts';
import { signedIn, useTestApi } from './support/test-api';
import { eventually, MarketClient } from './support/market-socket';
import { expectFeedIsOurMarket, expectFeedQuotesAgain } from './support/feed-world';
import { logInToKite, startWorker, useFakeKite } from './support/kite-world';

/**
 * MARKET_FEED=kite end to end (issue 15 part 3): the real worker streams a Kite account's ticker
 * (the loopback fake) in full mode, and the fake's ticks — not the simulator's — become our quotes,
 * depth, candles and socket ticks; when the session expires the account turns needs_login and the
 * feed waits, and after the next login it streams again; the signal engine scores its bars and a
 * paper strategy trades on those signals at the fake's prices.
 */
const { fake, env } = useFakeKite();
const { api, ctx } = useTestApi(env, { logLevel: 'silent' });
const SYMBOLS = ['RELIANCE', 'INFY', 'SBIN'] as const;
const MODEL_DIR = resolve(__dirname, '../../../models/demo-momentum/1');
let worker: RunningProcess | null = null;
let workerHealth = '';
let trader: { id: string; token: string };
let accountId: string;
const tokenOf = new Map<string, number>();
const clients: MarketClient[] = [];

const book = (ltp: PriceTicks, dir: number): FakeDepthLevel[] =>
  [1, 2, 3, 4, 5].map((k) => ({ price: ltp + dir * 500 * k, quantity: 100 * k, orders: k }));
/** Every price the fake's ticker sent, per symbol. */
const sent = new Map<string, Set<number>>();
/** One full-mode packet with a 5-level book, as Kite sends it. */
const tick = (symbol: string, ltp: PriceTicks, volume: number) =>
  sent.set(symbol, (sent.get(symbol) ?? new Set()).add(ltp)) &&
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
  const healthPort = await freePort();
  workerHealth = `http://127.0.0.1:${healthPort}`;
  worker = await startWorker(ctx, healthPort, { MARKET_FEED: 'kite', MARKET_FEED_ACCOUNT_ID: accountId });
  await eventually(subscribedInFull, 15_000, 'the worker to subscribe in full mode');
}, 90_000);

afterAll(async () => {
  clients.forEach((c) => c.close());
  await worker?.stop();
});

describe('MARKET_FEED=kite', () => {
  it('the fake’s ticks are our quotes, depth, candles and socket ticks (and nothing else is)', async () => {
    await expectFeedIsOurMarket({
      api,
      token: trader.token,
      tick,
      clients,
      askOrders: [1, 2, 3, 4, 5],
    });
  });

  it('an expired session turns the account needs_login and the feed waits; after the login it streams again', async () => {
    fake.expireSession();
    await eventually(async () => (await accountStatus()) === 'needs_login', 15_000, 'needs_login');
    expect(fake.tickerConnections()).toBe(0);

    expect((await logInToKite(api, trader.token, accountId)).searchParams.get('login')).toBe('ok');
    await eventually(subscribedInFull, 20_000, 'the feed to come back after the login');
    await expectFeedQuotesAgain(api, trader.token, tick, 'a quote after the new login');
  });

  it('signals and strategies run on it: at the next 1m close the production model scores the fake’s bars and a paper ml-signal strategy buys at the fake’s prices', async () => {
    // History to prime the features (as the signals test does), then the shipped demo model promoted.
    const universe = demoUniverse(new Date()).filter((i) => (SYMBOLS as readonly string[]).includes(i.symbol));
    // History up to the start of today (IST) only: during a session the worker has already written
    // today's live 1m candles from the fake's ticks, and the backfill's bulk load must never touch
    // them (it failed with a duplicate key whenever the suite ran during market hours).
    const IST = 19_800_000;
    const todayIst = Math.floor((Date.now() + IST) / 86_400_000) * 86_400_000 - IST;
    await backfillHistory({ candles: api.app.get(CandlesRepository), instruments: universe, days: 5, now: todayIst, seed: 11 });
    const quant = await signedIn(api, ['quant']);
    // The shipped model with both thresholds at 0: every score is a BUY, so the strategy's orders
    // are certain whatever the features of this minute are (the rule itself is unit-tested).
    const card = { ...JSON.parse(readFileSync(`${MODEL_DIR}/card.json`, 'utf8')), version: 'kite-feed', threshold: { buy: 0, sell: 0 } };
    const form = new FormData();
    form.append('model', new Blob([readFileSync(`${MODEL_DIR}/model.onnx`)]), 'model.onnx');
    form.append('card', new Blob([JSON.stringify(card)], { type: 'application/json' }), 'card.json');
    const uploaded = await fetch(`${api.url}/api/v1/models`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${quant.token}` },
    });
    expect(uploaded.status).toBe(201);
    const model = ((await uploaded.json()) as { model: { id: string } }).model;
    const socket = new MarketClient(api.url, quant.token);
    clients.push(socket);
    const pushed: SignalEvent[] = [];
    socket.socket.on(REALTIME_EVENTS.signal, (e: unknown) => pushed.push(SignalEventSchema.parse(e)));
    await socket.ready();
    const promoted = await api.http.request('POST', `/api/v1/models/${model.id}/promote`, {
      body: { stage: 'production' },
      token: quant.token,
    });
    expect(promoted.status).toBe(200);
    // A paper strategy on the model: its orders go to the quant's paper account (opened by the listing).
    expect((await api.http.get('/api/v1/broker-accounts', quant.token)).status).toBe(200);
    const created = await api.http.post(
      '/api/v1/strategies',
      { name: 'on the Kite feed', kind: 'ml-signal', symbols: [...SYMBOLS], params: { quantity: 1 }, modelId: model.id, mode: 'paper' },
      quant.token,
    );
    expect(created.status).toBe(201);
    const strategyId: string = created.body.strategy.id;
    expect((await api.http.post(`/api/v1/strategies/${strategyId}/start`, {}, quant.token)).body.strategy.status).toBe('running');
    // The worker's runner re-reads running strategies every couple of seconds: the bars are closed
    // only once it runs this one (its `strategies_running` gauge), so no signal can arrive before
    // it (a bar left open by the tests before would otherwise close at our first tick and be
    // scored while the runner does not know the strategy yet: no orders, then a minute's wait).
    await eventually(
      async () => /^strategies_running\{[^}]*kind="ml-signal"[^}]*\} [1-9]/m.test(await (await fetch(`${workerHealth}/metrics`)).text()),
      15_000,
      'the worker to run the strategy',
    );
    pushed.length = 0;

    // Only the fake's ticks move these symbols (the simulator is off): a tick per symbol every 250 ms
    // until the bar closes (≤ 60 s away), the engine scores it and the strategy's orders fill (the
    // paper broker fills a market order on the next tick).
    let n = 0;
    const ticking = setInterval(() => {
      n += 1;
      SYMBOLS.forEach((symbol, i) => tick(symbol, (1_000_0000 + i * 100_0000 + (n % 7) * 500) as PriceTicks, 20_000 + n * 10));
    }, 250);
    // The first bar in which every symbol traded (a bar closed by our first tick may hold only the
    // symbol the test before ticked last).
    const fullBucket = () => {
      const bySymbol = new Map<string, Set<string>>();
      for (const e of pushed) bySymbol.set(e.signal.ts, (bySymbol.get(e.signal.ts) ?? new Set()).add(e.signal.symbol));
      return [...bySymbol.entries()].find(([, symbols]) => symbols.size === SYMBOLS.length)?.[0] ?? null;
    };
    type StrategyOrder = { symbol: string; side: string; status: string; quantity: number; averagePrice: string | null; broker: string };
    let bucket: string;
    let orders: StrategyOrder[];
    try {
      bucket = await eventually(fullBucket, 140_000, 'signals of every symbol at one bar close');
      orders = await eventually(
        async () => {
          const items: StrategyOrder[] = (await api.http.get(`/api/v1/strategies/${strategyId}/orders`, quant.token)).body.items;
          return items.length === SYMBOLS.length && items.every((o) => o.status === 'FILLED') ? items : null;
        },
        20_000,
        'the strategy’s three orders filled',
      );
    } finally {
      clearInterval(ticking);
    }
    const ofBucket = pushed.filter((e) => e.signal.ts === bucket);
    expect(ofBucket.map((e) => e.signal.symbol).sort()).toEqual([...SYMBOLS].sort());
    expect(ofBucket.every((e) => e.signal.modelId === model.id && e.signal.stage === 'production' && e.signal.signal === 'BUY')).toBe(true);
    // One BUY per symbol, on paper, at the ask of a book the fake's ticker sent (its last price + 500 ticks).
    expect(orders.map((o) => o.symbol).sort()).toEqual([...SYMBOLS].sort());
    for (const o of orders) {
      expect(o).toMatchObject({ side: 'BUY', quantity: 1, broker: 'mock' });
      const paid = parsePrice(o.averagePrice);
      expect(sent.get(o.symbol)?.has(paid - 500), `${o.symbol} filled at ${o.averagePrice}`).toBe(true);
    }
    // Each bar it scored closed at a price the fake's ticker sent (the simulator is off); the feed
    // writes candles to Postgres about every second, so the bar is waited for.
    for (const symbol of SYMBOLS) {
      const close = await eventually(
        async () => {
          const c = await api.app
            .get(CandlesRepository)
            .range({ symbol, timeframe: '1m', to: new Date(Date.parse(bucket) + 1).toISOString(), limit: 1 });
          return c.ts[0] === Date.parse(bucket) ? c.close[0]! : null;
        },
        10_000,
        `the ${symbol} bar in Postgres`,
      );
      expect(sent.get(symbol)?.has(close), `${symbol} closed at ${close}`).toBe(true);
    }
    expect((await api.http.post(`/api/v1/strategies/${strategyId}/stop`, {}, quant.token)).body.strategy.status).toBe('stopped');
  }, 200_000);
});
