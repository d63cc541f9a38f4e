import { demoUniverse, depositTx, parsePrice } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerRepository } from '@tradeloop/wallet';
import { InstrumentsRepository } from '@tradeloop/market';
import { istTradingDay, LiveBrokerClients, ReconcileBrokerAccountsUseCase } from '@tradeloop/trading';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { eventually } from './support/market-socket';
import { logInToKite, placeOrder, startWorker as startKiteWorker, untilOrderStatus, useFakeKite } from './support/kite-world';

/**
 * The daily broker reconciliation across a day boundary (docs/brokers.md 4.12): a delivery (CNC)
 * buy through the platform stays a position on our books, while Kite moves it into holdings when
 * the day rolls (T1 first). The next day's run folds Kite's holdings into its CNC quantity: no
 * false POSITION_MISMATCH; a real difference (a sale at Kite outside the platform) is still a case.
 */
const { fake, env } = useFakeKite();
const { api, ctx } = useTestApi(env, { logLevel: 'silent' });
let worker: RunningProcess | null = null;
let trader: { id: string; token: string };
let compliance: { id: string; token: string };
let accountId: string;
let ltp: number;
/** The IST trading day of the buy, and the next one (the day Kite holds it as T1). */
const today = istTradingDay(new Date());
const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const reconcile = (tradingDay: string) => api.app.get(ReconcileBrokerAccountsUseCase).execute({ accountId, tradingDay });
const casesOf = async (tradingDay: string) => {
  const res = await api.http.get(`/api/v1/compliance/cases?accountId=${accountId}&limit=500`, compliance.token);
  expect(res.status).toBe(200);
  return (
    res.body.items as { kind: string; severity: string; subject: string; tradingDay: string; details: Record<string, unknown> }[]
  ).filter((c) => c.tradingDay === tradingDay);
};
const adapter = () => api.app.get(LiveBrokerClients).adapterFor(accountId);

beforeAll(async () => {
  const healthPort = await freePort();
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  const t = await signedIn(api, ['trader']);
  trader = { id: t.user.id, token: t.token };
  const c = await signedIn(api, ['compliance']);
  compliance = { id: c.user.id, token: c.token };
  await api.app
    .get(Db)
    .tx((sql) => api.app.get(LedgerRepository).post(sql, depositTx({ kind: 'wallet', userId: trader.id }, 10_00_000_00n, 'funding')));
  worker = await startKiteWorker(ctx, healthPort);
  const quote = await eventually(
    async () => (await api.http.get('/api/v1/market/quotes?symbols=RELIANCE', trader.token)).body.items?.[0] ?? null,
    30_000,
    'quotes',
  );
  ltp = parsePrice(quote.ltp);
  fake.setQuote('NSE', 'RELIANCE', { ltp, bid: ltp, ask: ltp + 500 });
  // No demat holdings before the platform (the fake seeds one): every share at Kite is ours.
  fake.setHoldings([]);
  const res = await api.http.post(
    '/api/v1/broker-accounts',
    { kind: 'kite', name: 'Zerodha delivery', credentials: { apiKey: fake.apiKey, apiSecret: fake.apiSecret } },
    trader.token,
  );
  accountId = res.body.id;
  expect((await logInToKite(api, trader.token, accountId)).searchParams.get('login')).toBe('ok');
  const bought = await placeOrder(api, trader.token, {
    symbol: 'RELIANCE',
    side: 'BUY',
    type: 'MARKET',
    quantity: 3,
    product: 'CNC',
    accountId,
  });
  expect(bought.status).toBe(202);
  await untilOrderStatus(api, trader.token, bought.body.order.id, 'FILLED', 30_000);
  // The rest is between our books and Kite's: no worker to take the next day's books for its own.
  await worker.stop();
  worker = null;
}, 180_000);

afterAll(async () => {
  await worker?.stop();
});

describe('daily broker reconciliation: delivery holdings', () => {
  it('on the day of the buy: our CNC position against Kite’s CNC day position, no case', async () => {
    const [run] = await reconcile(today);
    expect(run).toMatchObject({ accountId, outcome: 'matched', differences: 0 });
    expect(await casesOf(today)).toEqual([]);
  });

  it('the next day Kite holds it as T1 (no position left): our carried CNC position matches, no case', async () => {
    fake.rollDay();
    const kite = await adapter();
    expect(await kite.listPositions()).toEqual([]);
    expect(await kite.listHoldings()).toEqual([
      expect.objectContaining({ instrument: { exchange: 'NSE', symbol: 'RELIANCE' }, quantity: 0, t1Quantity: 3 }),
    ]);
    const ours = await api.http.get('/api/v1/positions', trader.token);
    expect(ours.status).toBe(200);
    expect(
      ours.body.items.find((p: { accountId: string; symbol: string }) => p.accountId === accountId && p.symbol === 'RELIANCE'),
    ).toMatchObject({ product: 'CNC', netQuantity: 3 });

    const [run] = await reconcile(tomorrow);
    expect(run).toMatchObject({ accountId, outcome: 'matched', differences: 0, newCases: 0 });
    expect(await casesOf(tomorrow)).toEqual([]);
  });

  it('a real difference is still a case: a sale at Kite outside the platform, against the holding', async () => {
    const res = await fetch(`${fake.endpoints().apiRoot}/orders/regular`, {
      method: 'POST',
      headers: {
        'x-kite-version': '3',
        authorization: `token ${fake.apiKey}:${fake.currentAccessToken}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        tradingsymbol: 'RELIANCE',
        exchange: 'NSE',
        transaction_type: 'SELL',
        order_type: 'MARKET',
        quantity: '1',
        product: 'CNC',
        validity: 'DAY',
      }).toString(),
    });
    expect(res.status).toBe(200);
    fake.setQuote('NSE', 'RELIANCE', { ltp, bid: ltp, ask: ltp + 500 });
    await eventually(async () => (fake.tradeBook().length === 1 ? true : null), 10_000, 'the sale filled at Kite');

    const [run] = await reconcile(tomorrow);
    expect(run).toMatchObject({ outcome: 'differences' });
    const cases = await casesOf(tomorrow);
    expect(cases.map((c) => c.kind).sort()).toEqual(['EXTERNAL_ORDER', 'POSITION_MISMATCH']);
    // Ours: 3 carried. Kite's: the holding's 3 (T1) and today's sale of 1.
    expect(cases.find((c) => c.kind === 'POSITION_MISMATCH')).toMatchObject({
      severity: 'discrepancy',
      subject: 'RELIANCE:CNC',
      details: { symbol: 'RELIANCE', product: 'CNC', ours: 3, broker: 2, brokerHoldings: 3 },
    });
  });
});
