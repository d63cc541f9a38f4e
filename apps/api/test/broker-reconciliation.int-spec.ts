import { randomUUID } from 'node:crypto';
import { demoUniverse, depositTx, formatMoney, formatPrice, parsePrice } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerRepository } from '@tradeloop/wallet';
import { InstrumentsRepository } from '@tradeloop/market';
import { istTradingDay, LiveBrokerClients, ReconcileBrokerAccountsUseCase } from '@tradeloop/trading';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { eventually } from './support/market-socket';
import { logInToKite, placeOrder, startWorker as startKiteWorker, untilOrderStatus, useFakeKite } from './support/kite-world';

/**
 * The daily broker reconciliation against the fake Kite (docs/domain.md, "Accounts and books
 * (second wave)"): a Kite account traded through the platform (a real worker process), then
 * compared with Kite's own books — through the admin job (the worker runs it) and in process (the
 * use case the job runs), so a fill our books missed can be staged with the worker stopped.
 */
const { fake, env } = useFakeKite();
const { api, ctx } = useTestApi(env, { logLevel: 'silent' });
let healthPort: number;
let trader: { id: string; token: string };
let compliance: { id: string; token: string };
let admin: { id: string; token: string };
let worker: RunningProcess | null = null;
let accountId: string;
let ltp: number;
/** The order placed at Kite outside the platform (its fill is no fill of ours). */
let externalOrderId: string;
/** The IST trading day the file reconciles, fixed once: a run that crosses midnight IST still compares one day. */
const today = istTradingDay(new Date());

const startWorker = () => startKiteWorker(ctx, healthPort);
const place = (body: Record<string, unknown>) => placeOrder(api, trader.token, body);
const untilStatus = (id: string, status: string, ms = 30_000) => untilOrderStatus(api, trader.token, id, status, ms);
async function logIn(id: string): Promise<void> {
  expect((await logInToKite(api, trader.token, id)).searchParams.get('login')).toBe('ok');
}

interface RunRow {
  outcome: string;
  finished_at: Date | null;
  differences: number;
  reported_cash_paise: string | null;
  error: string | null;
  mirror_transaction_id: string | null;
}
const runOf = (day = today) =>
  api.app.get(Db).sql.maybeOne<RunRow>(
    `SELECT outcome, finished_at, differences, reported_cash_paise::text, error, mirror_transaction_id FROM broker_reconciliations
       WHERE account_id = $1 AND trading_day = $2::date`,
    [accountId, day],
  );
const casesOf = async (query = '') => {
  const res = await api.http.get(`/api/v1/compliance/cases?accountId=${accountId}&limit=500${query}`, compliance.token);
  expect(res.status).toBe(200);
  return res.body.items as {
    id: string;
    kind: string;
    severity: string;
    subject: string;
    status: string;
    details: Record<string, unknown>;
  }[];
};
const reconcileNow = (tradingDay = today) => api.app.get(ReconcileBrokerAccountsUseCase).execute({ accountId, tradingDay });
/** The mirror's entries (its own account), oldest first: [entry type, amount]. */
const mirrorEntries = async () =>
  (
    await api.app.get(Db).sql.rows<{
      type: string;
      amount: string;
    }>(`SELECT type, amount_paise::text AS amount FROM ledger_entries WHERE account = $1 ORDER BY id`, [`broker:${accountId}:cash`])
  ).map((e) => [e.type, BigInt(e.amount)] as const);
/** Kite's total cash as the adapter reads it, in paise. */
const kiteCash = async () => {
  const funds = await (await api.app.get(LiveBrokerClients).adapterFor(accountId)).funds();
  return funds.availableCash + funds.usedMargin;
};
/** The fake's opening balance (ticks: ₹1 = 10,000). */
const OPENING = 100_000_000_000n;

/** An order placed at Kite directly (Kite's own web app, another API app): not through the platform. */
async function placeAtKite(form: Record<string, string>): Promise<string> {
  const res = await fetch(`${fake.endpoints().apiRoot}/orders/regular`, {
    method: 'POST',
    headers: {
      'x-kite-version': '3',
      authorization: `token ${fake.apiKey}:${fake.currentAccessToken}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await res.json()) as { status: string; data: { order_id: string } };
  expect(body.status).toBe('success');
  return body.data.order_id;
}

/** 3 % under the market on the 5-paise grid: rests at Kite. */
const restingPrice = () => Math.floor((ltp * 97) / 100 / 500) * 500;

beforeAll(async () => {
  healthPort = await freePort();
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  const t = await signedIn(api, ['trader']);
  trader = { id: t.user.id, token: t.token };
  const c = await signedIn(api, ['compliance']);
  compliance = { id: c.user.id, token: c.token };
  const a = await signedIn(api, ['admin']);
  admin = { id: a.user.id, token: a.token };
  await api.app
    .get(Db)
    .tx((sql) => api.app.get(LedgerRepository).post(sql, depositTx({ kind: 'wallet', userId: trader.id }, 10_00_000_00n, 'funding')));
  worker = await startWorker();
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
    { kind: 'kite', name: 'Zerodha main', credentials: { apiKey: fake.apiKey, apiSecret: fake.apiSecret } },
    trader.token,
  );
  accountId = res.body.id;
  await logIn(accountId);
  const bought = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: 3, product: 'CNC', accountId });
  expect(bought.status).toBe(202);
  await untilStatus(bought.body.order.id, 'FILLED');
}, 180_000);

afterAll(async () => {
  await worker?.stop();
});

describe('daily broker reconciliation', () => {
  it('is for admins to start (403 for a trader, 400 naming a bad field)', async () => {
    expect((await api.http.post('/api/v1/admin/jobs/broker-reconciliation', {}, trader.token)).status).toBe(403);
    const bad = await api.http.post('/api/v1/admin/jobs/broker-reconciliation', { accountId: 'nope' }, admin.token);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('accountId');
    const extra = await api.http.post('/api/v1/admin/jobs/broker-reconciliation', { everything: true }, admin.token);
    expect(extra.status).toBe(400);
    // An empty body: every account, today. The worker records runs for it (the next test waits for them).
    expect((await api.http.post('/api/v1/admin/jobs/broker-reconciliation', {}, admin.token)).status).toBe(202);
  });

  it('when both books agree: the admin job runs in the worker, no case, the mirror is Kite’s total cash', async () => {
    const res = await api.http.post('/api/v1/admin/jobs/broker-reconciliation', { accountId }, admin.token);
    expect(res.status).toBe(202);
    expect(res.body.jobId).toEqual(expect.any(String));
    // Both jobs (the one with an empty body above, and this one) have run: each job audits its run.
    const runsAudited = () =>
      api.app.get(Db).sql.one<{
        n: number;
      }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'compliance.reconciliation_run' AND subject = $1`, [accountId]);
    await eventually(async () => ((await runsAudited()).n >= 2 ? true : null), 60_000, 'both reconciliation runs');
    const run = (await runOf())!;
    expect(run).toMatchObject({ outcome: 'matched', differences: 0, error: null });
    expect(run.finished_at).not.toBeNull();
    expect(await casesOf()).toEqual([]);
    const total = await kiteCash();
    expect(BigInt(run.reported_cash_paise!)).toBe(total);
    expect((await runsAudited()).n).toBe(2);
    // The first run opened the mirror, a ledger book, at Kite's cash (one ADJUSTMENT from the broker
    // house); the second found nothing to move and posted nothing.
    expect(await api.app.get(LedgerRepository).mirrorBalance(accountId)).toMatchObject({ cash: total, userId: trader.id });
    expect(await mirrorEntries()).toEqual([['ADJUSTMENT', total]]);
    expect(run.mirror_transaction_id).toBeNull();
  });

  it('an order placed at Kite outside the platform is an informational case naming Kite’s order', async () => {
    const external = await placeAtKite({
      tradingsymbol: 'RELIANCE',
      exchange: 'NSE',
      transaction_type: 'BUY',
      order_type: 'LIMIT',
      quantity: '1',
      product: 'CNC',
      price: formatPrice(restingPrice()),
      validity: 'DAY',
      tag: 'manual1',
    });
    externalOrderId = external;
    const [result] = await reconcileNow();
    expect(result).toMatchObject({ accountId, outcome: 'matched', differences: 1, newCases: 1 });
    const cases = await casesOf();
    expect(cases).toEqual([expect.objectContaining({ kind: 'EXTERNAL_ORDER', severity: 'info', subject: external, status: 'open' })]);
    expect(cases[0]!.details).toMatchObject({ brokerOrderId: external, tag: 'manual1', symbol: 'RELIANCE', side: 'BUY', quantity: 1 });
  });

  it('a fill our books missed (the worker down while Kite filled) is a case naming the order; re-running the day adds none', async () => {
    const limit = restingPrice();
    const res = await place({
      symbol: 'RELIANCE',
      side: 'BUY',
      type: 'LIMIT',
      price: formatPrice(limit),
      quantity: 2,
      product: 'CNC',
      accountId,
    });
    expect(res.status).toBe(202);
    const orderId = res.body.order.id as string;
    await untilStatus(orderId, 'OPEN');
    await worker!.stop();
    worker = null;
    // Kite's market comes down to the limit: both resting buys fill at Kite, none of it reaches us.
    fake.setQuote('NSE', 'RELIANCE', { ltp: limit, bid: limit - 500, ask: limit });
    expect(fake.orderBook().filter((o) => o['status'] === 'COMPLETE').length).toBeGreaterThanOrEqual(2);

    const [first] = await reconcileNow();
    expect(first).toMatchObject({ outcome: 'differences' });
    const cases = await casesOf();
    const named = cases.filter((c) => c.subject === orderId).map((c) => c.kind);
    expect(named.sort()).toEqual(['FILLED_QUANTITY_MISMATCH', 'STATUS_MISMATCH', 'TRADES_QUANTITY_MISMATCH']);
    expect(cases.find((c) => c.kind === 'FILLED_QUANTITY_MISMATCH')!.details).toMatchObject({ orderId, ours: 0, broker: 2 });
    // Ours: 3 bought through the platform; Kite's: 3 + our missed 2 + the outside order's 1.
    expect(cases.find((c) => c.kind === 'POSITION_MISMATCH')).toMatchObject({ subject: 'RELIANCE:CNC', details: { ours: 3, broker: 6 } });

    const [again] = await reconcileNow();
    expect(again).toMatchObject({ outcome: 'differences', differences: first!.differences, newCases: 0 });
    const after = await casesOf();
    expect(after.map((c) => c.id).sort()).toEqual(cases.map((c) => c.id).sort());
    const runs = await api.app
      .get(Db)
      .sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM broker_reconciliations WHERE account_id = $1`, [accountId]);
    expect(runs.n).toBe(1);

    // The worker back: it reconciles on start and takes the fill; the day's cases stay for compliance.
    worker = await startWorker();
    await untilStatus(orderId, 'FILLED', 60_000);
    expect((await casesOf()).length).toBe(after.length);
  });

  it('the cash mirror: each run brings it to Kite’s cash; what our fills do not explain beyond the tolerance is a case', async () => {
    const total = await kiteCash();
    const [agrees] = await reconcileNow();
    expect(agrees).toMatchObject({ outcome: 'differences' });
    expect((await casesOf()).filter((c) => c.kind === 'CASH_MISMATCH')).toEqual([]);
    expect((await runOf())!.mirror_transaction_id).toBeNull();

    // ₹100 more at Kite than the mirror explains (the tolerance, 10,000 paise): no case, but the
    // mirror follows it; then ₹500 more again: a case naming the adjustment that brought it along.
    try {
      fake.setOpeningBalance('equity', OPENING + 1_000_000n);
      await reconcileNow();
      expect((await casesOf()).filter((c) => c.kind === 'CASH_MISMATCH')).toEqual([]);
      fake.setOpeningBalance('equity', OPENING + 6_000_000n);
      await reconcileNow();
    } finally {
      fake.setOpeningBalance('equity', OPENING);
    }
    const run = (await runOf())!;
    expect(BigInt(run.reported_cash_paise!)).toBe(total + 60_000n);
    const [cash] = (await casesOf()).filter((c) => c.kind === 'CASH_MISMATCH');
    expect(cash).toMatchObject({
      subject: 'cash',
      severity: 'discrepancy',
      details: { difference: '500.00', tolerance: '100.00', expectedFlow: '0.00', mirrorTransactionId: run.mirror_transaction_id },
    });
    expect(await mirrorEntries()).toEqual([
      ['ADJUSTMENT', total],
      ['ADJUSTMENT', 10_000n],
      ['ADJUSTMENT', 50_000n],
    ]);
    expect((await api.app.get(LedgerRepository).mirrorBalance(accountId))!.cash).toBe(total + 60_000n);
    // Back to Kite's real figure: a ₹600 adjustment out, another case-sized difference.
    await reconcileNow();
    expect((await api.app.get(LedgerRepository).mirrorBalance(accountId))!.cash).toBe(total);
  });

  it('the next day: our fills of the day move the mirror (buys out), the fill that was not ours is the difference', async () => {
    const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const ledger = api.app.get(LedgerRepository);
    const before = (await ledger.mirrorBalance(accountId))!;
    const entriesBefore = (await mirrorEntries()).length;
    // Kite settles the day into the next day's opening: its own tradebook, buys out and sells in.
    const trades = await (await api.app.get(LiveBrokerClients).adapterFor(accountId)).listTrades();
    const valueTicks = (t: { quantity: number; price: number }) => BigInt(t.quantity) * BigInt(t.price);
    const net = trades.reduce((a, t) => a + (t.side === 'BUY' ? -valueTicks(t) : valueTicks(t)), 0n);
    const external = trades.filter((t) => t.brokerOrderId === externalOrderId);
    expect(external).toHaveLength(1);
    const ours = trades.filter((t) => t.brokerOrderId !== externalOrderId);
    expect(ours.every((t) => t.side === 'BUY')).toBe(true);
    // Ticks to paise: 100 ticks a paisa (prices on the 5-paise grid: exact).
    const ourBuys = ours.reduce((a, t) => a + valueTicks(t), 0n) / 100n;
    const notOurs = valueTicks(external[0]!) / 100n;
    try {
      fake.setOpeningBalance('equity', OPENING + net);
      const [run] = await reconcileNow(tomorrow);
      expect(run).toMatchObject({ outcome: 'differences' });
    } finally {
      fake.setOpeningBalance('equity', OPENING);
    }
    const cash = (await casesOf()).find((c) => c.kind === 'CASH_MISMATCH' && c.details['expectedFlow'] !== '0.00');
    expect(cash).toBeDefined();
    expect(cash!.details).toMatchObject({ expectedFlow: `-${formatMoney(ourBuys)}`, difference: `-${formatMoney(notOurs)}` });
    // One RECONCILE: our buys out to broker:clearing, the unexplained fill out to broker:external.
    expect((await mirrorEntries()).slice(entriesBefore)).toEqual([
      ['TRADE_BUY', -ourBuys],
      ['ADJUSTMENT', -notOurs],
    ]);
    const after = (await ledger.mirrorBalance(accountId))!;
    expect(after.cash).toBe(before.cash - ourBuys - notOurs);
    expect(after.fillsThrough!.toISOString()).toBe(new Date(`${tomorrow}T00:00:00+05:30`).toISOString());
    const run = (await runOf(tomorrow))!;
    expect(BigInt(run.reported_cash_paise!)).toBe(after.cash);

    // Re-running the day takes no fill twice: nothing moves.
    try {
      fake.setOpeningBalance('equity', OPENING + net);
      await reconcileNow(tomorrow);
    } finally {
      fake.setOpeningBalance('equity', OPENING);
    }
    expect((await mirrorEntries()).length).toBe(entriesBefore + 2);
    const verify = await api.http.get('/api/v1/compliance/ledger/verify', compliance.token);
    expect(verify.body).toMatchObject({ ok: true, problems: [] });
  });

  it('an account that needs a login is a skipped run with a case, not an error', async () => {
    fake.expireSession({ closeTicker: true });
    const results = await api.app.get(ReconcileBrokerAccountsUseCase).execute();
    expect(results).toEqual([expect.objectContaining({ accountId, outcome: 'skipped', newCases: 1 })]);
    expect(await runOf()).toMatchObject({ outcome: 'skipped' });
    const skipped = (await casesOf()).filter((c) => c.kind === 'RECONCILIATION_SKIPPED');
    expect(skipped).toEqual([expect.objectContaining({ severity: 'info', subject: 'session' })]);
    // Now marked: the next run skips it before asking Kite, and records no second case.
    await eventually(
      async () =>
        (await api.app.get(Db).sql.one<{ status: string }>(`SELECT status FROM broker_accounts WHERE id = $1`, [accountId])).status ===
        'needs_login'
          ? true
          : null,
      30_000,
      'needs_login',
    );
    const [again] = await api.app.get(ReconcileBrokerAccountsUseCase).execute({ accountId });
    expect(again).toMatchObject({ outcome: 'skipped', newCases: 0 });
  });
});

describe('compliance cases API', () => {
  it('lists for compliance and admins only, filtered and paged newest first', async () => {
    expect((await api.http.get('/api/v1/compliance/cases', trader.token)).status).toBe(403);
    expect((await api.http.get('/api/v1/compliance/cases', admin.token)).status).toBe(200);
    const bad = await api.http.get('/api/v1/compliance/cases?status=closed', compliance.token);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('status');
    expect((await api.http.get('/api/v1/compliance/cases?accountId=x', compliance.token)).status).toBe(400);
    expect((await api.http.get('/api/v1/compliance/cases?cursor=garbage', compliance.token)).status).toBe(400);

    const all = await casesOf();
    expect(all.length).toBeGreaterThanOrEqual(3);
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await api.http.get(
        `/api/v1/compliance/cases?accountId=${accountId}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        compliance.token,
      );
      expect(page.status).toBe(200);
      ids.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ids).toEqual(all.map((c) => c.id));
    expect(ids).toEqual([...ids].sort().reverse());
  });

  it('resolves a case once (compliance only), audited; 409 the second time, 404 unknown, 400 bad input', async () => {
    const [open] = await casesOf('&status=open');
    const url = `/api/v1/compliance/cases/${open!.id}/resolve`;
    expect((await api.http.post(url, { note: 'checked' }, admin.token)).status).toBe(403);
    expect((await api.http.post(url, { note: 'checked' }, trader.token)).status).toBe(403);
    const blank = await api.http.post(url, { note: '   ' }, compliance.token);
    expect(blank.status).toBe(400);
    expect(JSON.stringify(blank.body)).toContain('note');
    expect((await api.http.post(url, {}, compliance.token)).status).toBe(400);
    expect((await api.http.post('/api/v1/compliance/cases/not-a-uuid/resolve', { note: 'x' }, compliance.token)).status).toBe(400);
    expect((await api.http.post(`/api/v1/compliance/cases/${randomUUID()}/resolve`, { note: 'x' }, compliance.token)).status).toBe(404);

    const ok = await api.http.post(url, { note: 'Placed by the desk on Kite web; known.' }, compliance.token);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      id: open!.id,
      status: 'resolved',
      resolvedBy: compliance.id,
      resolutionNote: 'Placed by the desk on Kite web; known.',
    });
    expect(ok.body.resolvedAt).toEqual(expect.any(String));
    const twice = await api.http.post(url, { note: 'again' }, compliance.token);
    expect(twice.status).toBe(409);
    expect((await casesOf('&status=resolved')).map((c) => c.id)).toEqual([open!.id]);
    expect((await casesOf('&status=open')).map((c) => c.id)).not.toContain(open!.id);

    const audit = await api.http.get('/api/v1/compliance/audit?action=compliance.case_resolved', compliance.token);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        actorId: compliance.id,
        subject: open!.id,
        details: expect.objectContaining({ note: 'Placed by the desk on Kite web; known.' }),
      }),
    ]);
  });
});
