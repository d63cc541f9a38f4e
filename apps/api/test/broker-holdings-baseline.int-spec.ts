import { demoUniverse, depositTx, parsePrice } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerRepository } from '@tradeloop/wallet';
import { InstrumentsRepository } from '@tradeloop/market';
import { istTradingDay, ReconcileBrokerAccountsUseCase } from '@tradeloop/trading';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { eventually } from './support/market-socket';
import { logInToKite, placeOrder, startWorker as startKiteWorker, untilOrderStatus, useFakeKite } from './support/kite-world';

/**
 * Shares held before the platform (docs/brokers.md 4.12, "Opening holdings baseline"): a trader
 * connects a Kite account whose demat already holds 10 RELIANCE and buys 3 more (CNC) through the
 * platform. The account's first reconciliation captures the baseline (10, not the platform's 3), so
 * neither that day nor the next (the 3 moved into T1 holdings) is a case; a sale at Kite outside
 * the platform later is. Compliance sees the baseline and re-captures it once the sale is
 * explained; both captures are audited. The broker's holdings view serves the account's owner.
 */
const { fake, env } = useFakeKite();
const { api, ctx } = useTestApi(env, { logLevel: 'silent' });
let worker: RunningProcess | null = null;
let trader: { id: string; token: string };
let compliance: { id: string; token: string };
let accountId: string;
let ltp: number;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const day1 = istTradingDay(new Date());
const day2 = addDays(day1, 1);
const day3 = addDays(day1, 2);

const reconcile = async (tradingDay: string) => {
  const runs = await api.app.get(ReconcileBrokerAccountsUseCase).execute({ accountId, tradingDay });
  expect(runs).toHaveLength(1);
  return runs[0]!;
};
type Case = { kind: string; severity: string; subject: string; tradingDay: string; details: Record<string, unknown> };
const casesOf = async (tradingDay: string) => {
  const res = await api.http.get(`/api/v1/compliance/cases?accountId=${accountId}&limit=500`, compliance.token);
  expect(res.status).toBe(200);
  return (res.body.items as Case[]).filter((c) => c.tradingDay === tradingDay);
};
const baselinePath = () => `/api/v1/compliance/broker-accounts/${accountId}/holdings-baseline`;
const baselineAudit = async () => {
  const res = await api.http.get('/api/v1/compliance/audit?action=compliance.holdings_baseline_captured&limit=100', compliance.token);
  expect(res.status).toBe(200);
  return (res.body.items as { actorId: string | null; subject: string; details: Record<string, unknown> }[]).filter(
    (e) => e.subject === accountId,
  );
};
const relianceHoldings = async () => {
  const res = await api.http.get(`/api/v1/broker-accounts/${accountId}/holdings`, trader.token);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ accountId, broker: 'kite' });
  return (res.body.items as { symbol: string }[]).filter((h) => h.symbol === 'RELIANCE');
};

/** A market sale of RELIANCE at Kite, outside the platform (no tag), filled against the fake's quote. */
async function sellAtKite(quantity: number) {
  const before = fake.tradeBook().length;
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
      quantity: String(quantity),
      product: 'CNC',
      validity: 'DAY',
    }).toString(),
  });
  expect(res.status).toBe(200);
  fake.setQuote('NSE', 'RELIANCE', { ltp, bid: ltp, ask: ltp + 500 });
  await eventually(async () => (fake.tradeBook().length === before + 1 ? true : null), 10_000, 'the sale filled at Kite');
}

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
  // The demat account already holds 10 RELIANCE, settled, before the trader connects it.
  fake.setHoldings([{ tradingsymbol: 'RELIANCE', exchange: 'NSE', isin: 'INE002A01018', quantity: 10, averagePrice: ltp - 1_000_000 }]);
  const res = await api.http.post(
    '/api/v1/broker-accounts',
    { kind: 'kite', name: 'Zerodha with holdings', credentials: { apiKey: fake.apiKey, apiSecret: fake.apiSecret } },
    trader.token,
  );
  expect(res.status).toBe(201);
  accountId = res.body.id;
  expect((await logInToKite(api, trader.token, accountId)).searchParams.get('login')).toBe('ok');
}, 180_000);

afterAll(async () => {
  await worker?.stop();
});

describe('opening holdings baseline', () => {
  it('before any run: no baseline yet; the owner sees the broker’s holdings, nobody else does', async () => {
    const res = await api.http.get(baselinePath(), compliance.token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accountId,
      captured: false,
      source: null,
      capturedBy: null,
      tradingDay: null,
      capturedAt: null,
      items: [],
    });
    expect(await relianceHoldings()).toEqual([
      {
        symbol: 'RELIANCE',
        exchange: 'NSE',
        quantity: 10,
        t1Quantity: 0,
        usedQuantity: 0,
        averagePrice: expect.any(String),
        lastPrice: expect.any(String),
        pnl: expect.any(String),
      },
    ]);
    const stranger = await signedIn(api, ['trader']);
    expect((await api.http.get(`/api/v1/broker-accounts/${accountId}/holdings`, stranger.token)).status).toBe(404);
    expect((await api.http.get(baselinePath(), trader.token)).status).toBe(403);
    expect((await api.http.post(baselinePath(), undefined, trader.token)).status).toBe(403);
  });

  it('day 1: a CNC buy through the platform; the first run captures the shares held before it as the baseline, no case', async () => {
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
    // The rest is between our books and Kite's: no worker to take the next days' books for its own.
    await worker!.stop();
    worker = null;

    const run = await reconcile(day1);
    expect(run).toMatchObject({ accountId, outcome: 'matched', differences: 0, newCases: 0 });
    expect(await casesOf(day1)).toEqual([]);
    const res = await api.http.get(baselinePath(), compliance.token);
    expect(res.body).toMatchObject({
      accountId,
      captured: true,
      source: 'reconciliation',
      capturedBy: null,
      tradingDay: day1,
      items: [{ symbol: 'RELIANCE', quantity: 10 }],
    });
    expect(await baselineAudit()).toEqual([
      expect.objectContaining({
        actorId: null,
        details: expect.objectContaining({ source: 'reconciliation', tradingDay: day1, items: [{ symbol: 'RELIANCE', quantity: 10 }] }),
      }),
    ]);
    // Re-running the day keeps the baseline: it is captured once, not at every run.
    expect(await reconcile(day1)).toMatchObject({ outcome: 'matched', differences: 0 });
    expect(await baselineAudit()).toHaveLength(1);
  });

  it('day 2: Kite holds the platform’s 3 as T1 beside the 10 settled; still no case, the baseline unchanged', async () => {
    fake.rollDay();
    expect(await relianceHoldings()).toEqual([expect.objectContaining({ quantity: 10, t1Quantity: 3 })]);
    const before = (await api.http.get(baselinePath(), compliance.token)).body;
    expect(await reconcile(day2)).toMatchObject({ outcome: 'matched', differences: 0, newCases: 0 });
    expect(await casesOf(day2)).toEqual([]);
    expect((await api.http.get(baselinePath(), compliance.token)).body).toEqual(before);
  });

  it('a sale at Kite outside the platform is still a case, naming the baseline beside ours', async () => {
    await sellAtKite(4);
    const run = await reconcile(day2);
    expect(run).toMatchObject({ outcome: 'differences' });
    const cases = await casesOf(day2);
    expect(cases.map((c) => c.kind).sort()).toEqual(['EXTERNAL_ORDER', 'POSITION_MISMATCH']);
    // Ours: 3 + the baseline's 10. Kite's: the holding's 10 settled + 3 T1, and today's sale of 4.
    expect(cases.find((c) => c.kind === 'POSITION_MISMATCH')).toMatchObject({
      severity: 'discrepancy',
      subject: 'RELIANCE:CNC',
      details: { symbol: 'RELIANCE', product: 'CNC', ours: 3, openingHoldings: 10, broker: 9, brokerHoldings: 13 },
    });
  });

  it('compliance re-captures the baseline once the sale is explained (audited); later days compare against it', async () => {
    const res = await api.http.post(baselinePath(), undefined, compliance.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      accountId,
      captured: true,
      source: 'compliance',
      capturedBy: compliance.id,
      tradingDay: istTradingDay(new Date()),
      items: [{ symbol: 'RELIANCE', quantity: 6 }],
    });
    expect(await baselineAudit()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actorId: compliance.id,
          details: expect.objectContaining({
            source: 'compliance',
            items: [{ symbol: 'RELIANCE', quantity: 6 }],
            previous: expect.objectContaining({ items: [{ symbol: 'RELIANCE', quantity: 10 }] }),
          }),
        }),
      ]),
    );
    // The same day again: only the sale's EXTERNAL_ORDER (information) is left.
    expect(await reconcile(day2)).toMatchObject({ outcome: 'matched', differences: 1 });
    // Day 3: T1 settled, the sale off the holding (13 - 4 = 9 = our 3 + the baseline's 6).
    fake.rollDay();
    expect(await relianceHoldings()).toEqual([expect.objectContaining({ quantity: 9, t1Quantity: 0 })]);
    await reconcile(day3);
    // No position case; the sale's proceeds, which our books never had, are Kite's cash (a cash case).
    expect((await casesOf(day3)).map((c) => [c.kind, c.subject])).toEqual([['CASH_MISMATCH', 'cash']]);
  });

  it('a paper account: no holdings at its broker, no baseline (404); a bad id is a 400', async () => {
    const accounts = await api.http.get('/api/v1/broker-accounts', trader.token);
    const paper = (accounts.body.items as { id: string; kind: string }[]).find((a) => a.kind === 'paper')!;
    // A paper account's broker (our mock) never rolls a day: no holdings.
    const held = await api.http.get(`/api/v1/broker-accounts/${paper.id}/holdings`, trader.token);
    expect(held.status).toBe(200);
    expect(held.body).toEqual({ accountId: paper.id, broker: 'mock', items: [] });
    expect((await api.http.get(`/api/v1/compliance/broker-accounts/${paper.id}/holdings-baseline`, compliance.token)).status).toBe(404);
    expect(
      (await api.http.post(`/api/v1/compliance/broker-accounts/${paper.id}/holdings-baseline`, undefined, compliance.token)).status,
    ).toBe(404);
    expect(
      (await api.http.post('/api/v1/compliance/broker-accounts/not-a-uuid/holdings-baseline', undefined, compliance.token)).status,
    ).toBe(400);
  });
  it('a disabled account cannot be re-captured (409), and nothing changes', async () => {
    const admin = await signedIn(api, ['admin']);
    const before = (await api.http.get(baselinePath(), compliance.token)).body;
    const audited = (await baselineAudit()).length;
    expect((await api.http.patch(`/api/v1/admin/broker-accounts/${accountId}`, { disabled: true }, admin.token)).status).toBe(200);
    const res = await api.http.post(baselinePath(), undefined, compliance.token);
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('disabled');
    expect((await api.http.get(baselinePath(), compliance.token)).body).toEqual(before);
    expect(await baselineAudit()).toHaveLength(audited);
    expect((await api.http.patch(`/api/v1/admin/broker-accounts/${accountId}`, { disabled: false }, admin.token)).status).toBe(200);
  });
});
