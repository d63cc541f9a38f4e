import { randomUUID } from 'node:crypto';
import { demoUniverse, lastTuesdayOfMonth, parsePrice, todayIst, type UserId } from '@tradeloop/domain';
import { FireRiskExitUseCase, LegEngine, RiskExitsRepository } from '@tradeloop/watchlist-trading';
import { Db, JobProducer } from '@tradeloop/platform';
import { InstrumentsRepository } from '@tradeloop/market';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { startWorker, untilOrderStatus } from './support/kite-world';
import { eventually } from './support/market-socket';

/**
 * Watchlist trading end to end (docs/watchlist-trading.md): settings tiers over HTTP with their
 * sources, quick orders as idempotent intents with target positions fanned out to accounts, the
 * worker filling paper orders and converging legs, exits. Real Postgres, Redis, API and worker.
 */
const { api, ctx } = useTestApi();

let worker: RunningProcess;
let admin: { token: string };
let trader: { id: string; token: string };
/** The trader's own paper account and a second one (see beforeAll). */
let paper1: string;
let paper2: string;

const sql = () => api.app.get(Db).sql;
const put = (path: string, values: Record<string, unknown>, token: string) => api.http.request('PUT', path, { body: { values }, token });
const quick = (body: Record<string, unknown>, token = trader.token) =>
  api.http.post('/api/v1/orders/quick', { intentId: randomUUID(), ...body }, token);

async function watchlist(token: string, symbols: string[]): Promise<string> {
  const res = await api.http.post('/api/v1/watchlists', { name: `wl-${randomUUID().slice(0, 8)}`, symbols }, token);
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** The leg accounts of a watchlist as the database holds them, with their filled nets and working orders. */
async function legState(watchlistId: string) {
  return sql().rows<{ symbol: string; account_id: string; target: number; filled: number; working: number; sold: number; bought: number }>(
    `SELECT l.symbol, a.account_id, a.target_quantity AS target,
            coalesce((SELECT sum(CASE WHEN t.side = 'BUY' THEN t.quantity ELSE -t.quantity END) FROM trades t JOIN orders o ON o.id = t.order_id
                      WHERE o.leg_id = l.id AND o.account_id = a.account_id), 0)::int AS filled,
            (SELECT count(*) FROM orders o WHERE o.leg_id = l.id AND o.account_id = a.account_id
               AND o.status NOT IN ('FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED'))::int AS working,
            coalesce((SELECT sum(t.quantity) FROM trades t JOIN orders o ON o.id = t.order_id
                      WHERE o.leg_id = l.id AND o.account_id = a.account_id AND t.side = 'SELL'), 0)::int AS sold,
            coalesce((SELECT sum(t.quantity) FROM trades t JOIN orders o ON o.id = t.order_id
                      WHERE o.leg_id = l.id AND o.account_id = a.account_id AND t.side = 'BUY'), 0)::int AS bought
     FROM trade_legs l JOIN trade_leg_accounts a ON a.leg_id = l.id
     WHERE l.watchlist_id = $1 ORDER BY l.symbol, a.account_id`,
    [watchlistId],
  );
}

/** No order or convergence job is waiting, running or delayed in any order queue (router, paper, partitions). */
const queueIdle = async () => {
  for (const q of api.app.get(JobProducer).orderQueues()) {
    const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (!Object.values(counts).every((n) => n === 0)) return false;
  }
  return true;
};

/**
 * Waits until every leg account of the watchlist holds its target with nothing working, and no
 * job is left that could still move it (a late convergence would show as an overshoot): the same
 * settled state seen on two polls in a row.
 */
const untilConverged = async (watchlistId: string, ms = 30_000) => {
  let seen = '';
  return eventually(
    async () => {
      const legs = await legState(watchlistId);
      const settled = legs.length > 0 && legs.every((l) => l.working === 0 && l.filled === l.target) && (await queueIdle());
      const now = settled ? JSON.stringify(legs) : '';
      const twice = settled && now === seen;
      seen = now;
      return twice ? legs : null;
    },
    ms,
    `legs of ${watchlistId} converged`,
  );
};

const quoteOf = async (symbol: string) => {
  const res = await api.http.get(`/api/v1/market/quotes?symbols=${encodeURIComponent(symbol)}`, trader.token);
  return res.status === 200 ? (res.body.items?.[0] ?? null) : null;
};

/** The nearest weekly NIFTY expiry the demo lists (the one a `weekly` click resolves to). */
const nearestWeekly = () =>
  [
    ...new Set(
      demoUniverse(new Date())
        .filter((i) => i.underlying === 'NIFTY' && i.instrumentType === 'CE')
        .map((i) => i.expiry!),
    ),
  ]
    .sort()
    .find((d) => d >= todayIst(new Date()))!;

/**
 * Waits until the NIFTY options of the nearest weekly expiry within five strikes of the money have
 * quotes: a click's market order needs its contract's price, and the SL rule reads it too.
 */
async function optionQuotesReady(): Promise<void> {
  const ltp = parsePrice((await eventually(() => quoteOf('NIFTY'), 20_000, 'a NIFTY quote')).ltp);
  const atm = Math.round(ltp / 500_000) * 500_000;
  const wanted = demoUniverse(new Date())
    .filter((i) => i.underlying === 'NIFTY' && i.expiry === nearestWeekly() && Math.abs(i.strike! - atm) <= 5 * 500_000)
    .map((i) => i.symbol);
  await eventually(
    async () => {
      const res = await api.http.get(`/api/v1/market/quotes?symbols=${wanted.map(encodeURIComponent).join(',')}`, trader.token);
      return res.status === 200 && res.body.items.length === wanted.length;
    },
    30_000,
    'quotes of the NIFTY options near the money',
  );
}

beforeAll(async () => {
  const healthPort = await freePort();
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  admin = await signedIn(api, ['admin']);
  const t = await signedIn(api, ['trader']);
  trader = { id: t.user.id, token: t.token };
  // The fan-out needs two accounts that fill without a broker: the trader's primary paper account and a second one.
  const accounts = await api.http.get('/api/v1/broker-accounts', trader.token);
  paper1 = accounts.body.items.find((a: { kind: string }) => a.kind === 'paper').id;
  const second = await api.http.post('/api/v1/broker-accounts', { kind: 'paper', name: 'Paper 2' }, trader.token);
  expect(second.status).toBe(201);
  paper2 = second.body.id;
  // Options need quotes: a faster simulated feed reaches the contracts near the money sooner.
  worker = await startWorker(ctx, healthPort, { MARKET_FEED_TICKS_PER_SECOND: '2000' });
  await eventually(() => quoteOf('NIFTY'), 20_000, 'a NIFTY quote');
  await eventually(() => quoteOf('RELIANCE'), 20_000, 'a RELIANCE quote');
}, 120_000);

afterAll(async () => {
  await worker?.stop();
});

describe('settings tiers', () => {
  it('resolve by precedence with each value’s source; null clears a key in its tier; every PUT is audited', async () => {
    const s = await signedIn(api, ['trader']);
    const wl = await watchlist(s.token, ['NIFTY']);
    expect(
      (await put('/api/v1/settings/index-profiles/NIFTY', { strikeStep: '50', tpPerUnit: '30', slPerUnit: '20' }, admin.token)).status,
    ).toBe(200);
    try {
      expect(
        (await put(`/api/v1/settings/watchlists/${wl}`, { slPerUnit: '25', tslTrailBy: '15', strikePolicy: 'ANCHOR' }, s.token)).status,
      ).toBe(200);
      expect((await put('/api/v1/settings/user', { tslTrailBy: '12', tslStep: '5', strikePolicy: 'FLOAT_OFS' }, s.token)).status).toBe(200);
      const sym = await put('/api/v1/settings/symbols/NIFTY', { tslStep: '4', tslEnabled: true }, s.token);
      expect(sym.status).toBe(200);
      expect(sym.body).toMatchObject({ tier: 'symbol', key: 'NIFTY', values: { tslStep: '4', tslEnabled: true } });

      const eff = await api.http.get(`/api/v1/settings/effective?watchlistId=${wl}&symbol=NIFTY`, s.token);
      expect(eff.status).toBe(200);
      expect(eff.body.values).toMatchObject({
        stepLots: { value: 1, source: 'global' },
        maxLotsPerLeg: { value: 10, source: 'global' },
        product: { value: 'MIS', source: 'global' },
        strikeStep: { value: '50', source: 'index' },
        tpPerUnit: { value: '30', source: 'index' },
        slPerUnit: { value: '25', source: 'watchlist' },
        strikePolicy: { value: 'FLOAT_OFS', source: 'user' },
        tslTrailBy: { value: '12', source: 'user' },
        tslStep: { value: '4', source: 'symbol' },
        tslEnabled: { value: true, source: 'symbol' },
        accountIds: { value: [], source: 'global' },
      });
      // Another row (an equity: no index profile) sees neither the profile nor the NIFTY symbol tier.
      const rel = await api.http.get(`/api/v1/settings/effective?watchlistId=${wl}&symbol=RELIANCE`, s.token);
      expect(rel.body.values).toMatchObject({ tpPerUnit: { value: null, source: 'global' }, tslStep: { value: '5', source: 'user' } });

      // null clears the key in that tier: the watchlist's value shows through again.
      expect((await put('/api/v1/settings/user', { tslTrailBy: null, tslStep: '5' }, s.token)).status).toBe(200);
      const after = await api.http.get(`/api/v1/settings/effective?watchlistId=${wl}&symbol=NIFTY`, s.token);
      expect(after.body.values.tslTrailBy).toEqual({ value: '15', source: 'watchlist' });
      expect(after.body.values.strikePolicy).toEqual({ value: 'ANCHOR', source: 'watchlist' });
      expect((await api.http.get('/api/v1/settings/user', s.token)).body).toMatchObject({
        tier: 'user',
        key: s.user.id,
        values: { tslStep: '5' },
      });

      const audited = await sql().rows<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'settings.updated' AND actor_id = $1`,
        [s.user.id],
      );
      expect(audited[0]!.n).toBe(4);
    } finally {
      expect((await put('/api/v1/settings/index-profiles/NIFTY', { strikeStep: '50' }, admin.token)).status).toBe(200);
    }
  });

  it('refuses an unknown key and a broken rule with a 400 naming the field, and stores nothing', async () => {
    const s = await signedIn(api, ['trader']);
    const unknown = await put('/api/v1/settings/user', { stepLots: 2, sizeOfClick: 3 }, s.token);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toContainEqual(expect.objectContaining({ field: 'values.sizeOfClick' }));
    const rule = await put('/api/v1/settings/user', { tslTrailBy: '10', tslStep: '20' }, s.token);
    expect(rule.status).toBe(400);
    expect(rule.body.errors).toEqual([expect.objectContaining({ field: 'values.tslStep' })]);
    const zero = await put('/api/v1/settings/user', { tpPerUnit: '0' }, s.token);
    expect(zero.status).toBe(400);
    expect(zero.body.errors).toEqual([expect.objectContaining({ field: 'values.tpPerUnit' })]);
    const lots = await put('/api/v1/settings/user', { stepLots: 5, maxLotsPerLeg: 2 }, s.token);
    expect(lots.status).toBe(400);
    expect(lots.body.errors).toEqual([expect.objectContaining({ field: 'values.stepLots' })]);
    const foreign = await put('/api/v1/settings/user', { accountIds: [paper1] }, s.token);
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ field: 'values.accountIds.0' })]);
    expect((await api.http.get('/api/v1/settings/user', s.token)).body).toMatchObject({ values: {}, updatedAt: null });
  });

  it('Global and Index profiles are the admin’s (403 for a trader); another’s watchlist is a 404', async () => {
    const s = await signedIn(api, ['trader']);
    const global = await put('/api/v1/settings/global', { stepLots: 3 }, s.token);
    expect(global.status).toBe(403);
    expect(global.body.code).toBe('FORBIDDEN');
    expect((await put('/api/v1/settings/index-profiles/NIFTY', { stepLots: 3 }, s.token)).status).toBe(403);
    expect((await api.http.get('/api/v1/settings/global', s.token)).body).toMatchObject({
      tier: 'global',
      key: '',
      values: { stepLots: 1 },
    });
    const theirs = await watchlist(trader.token, ['NIFTY']);
    expect((await api.http.get(`/api/v1/settings/watchlists/${theirs}`, s.token)).status).toBe(404);
    expect((await put(`/api/v1/settings/watchlists/${theirs}`, { stepLots: 2 }, s.token)).status).toBe(404);
    expect((await api.http.get(`/api/v1/settings/effective?watchlistId=${theirs}`, s.token)).status).toBe(404);
    expect((await api.http.get('/api/v1/settings/index-profiles/NOSUCHINDEX', s.token)).status).toBe(404);
  });
});

describe('quick orders', () => {
  let optionsList: string;

  it('BUY_CE ATM on two paper accounts: both accepted and filled; the same click again makes 2 lots, not more', async () => {
    optionsList = await watchlist(trader.token, ['NIFTY', 'RELIANCE']);
    // ANCHOR: the second click adds to the contract the first one bought, whatever NIFTY did meanwhile.
    expect(
      (await put(`/api/v1/settings/watchlists/${optionsList}`, { accountIds: [paper1, paper2], strikePolicy: 'ANCHOR' }, trader.token))
        .status,
    ).toBe(200);
    const click = { watchlistId: optionsList, symbol: 'NIFTY', action: 'BUY_CE', tradeMode: 'OPTIONS', optionLeg: 'ATM', expiry: 'weekly' };
    await optionQuotesReady();
    const first = await quick(click);
    expect(first.status).toBe(202);
    const weekly = nearestWeekly();
    expect(first.body.intent).toMatchObject({
      action: 'BUY_CE',
      instrument: { instrumentType: 'CE', expiry: weekly, lotSize: 65 },
      targetQuantity: 65,
      resolvedSettings: {
        accountIds: { value: [paper1, paper2], source: 'watchlist' },
        strikePolicy: { value: 'ANCHOR', source: 'watchlist' },
      },
    });
    expect(Number(first.body.intent.instrument.strike) % 50).toBe(0);
    expect(first.body.summary).toEqual({ total: 2, accepted: 2, failed: 0 });
    const results = first.body.intent.results as { accountId: string; status: string; orderId: string; deltaQuantity: number }[];
    expect(results.map((r) => r.accountId).sort()).toEqual([paper1, paper2].sort());
    for (const r of results) {
      expect(r).toMatchObject({ status: 'accepted', deltaQuantity: 65, targetQuantity: 65 });
      await untilOrderStatus(api, trader.token, r.orderId, 'FILLED');
    }
    const contract = first.body.intent.instrument.symbol as string;
    // The snapshot went onto the leg and its orders carry the leg and the intent.
    const rows = await sql().rows<{ leg_id: string; intent_id: string; symbol: string }>(
      `SELECT leg_id, intent_id, symbol FROM orders WHERE intent_id = $1`,
      [first.body.intent.id],
    );
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.leg_id !== null && r.symbol === contract)).toBe(true);

    const second = await quick(click);
    expect(second.status).toBe(202);
    expect(second.body.intent).toMatchObject({ instrument: { symbol: contract }, targetQuantity: 130 });
    for (const r of second.body.intent.results) {
      expect(r).toMatchObject({ status: 'accepted', deltaQuantity: 65, targetQuantity: 130 });
      await untilOrderStatus(api, trader.token, r.orderId, 'FILLED');
    }
    const legs = await untilConverged(optionsList);
    expect(legs).toEqual([
      expect.objectContaining({ symbol: contract, account_id: [paper1, paper2].sort()[0], target: 130, filled: 130, sold: 0 }),
      expect.objectContaining({ symbol: contract, account_id: [paper1, paper2].sort()[1], target: 130, filled: 130, sold: 0 }),
    ]);
    const listed = await api.http.get('/api/v1/legs', trader.token);
    expect(listed.status).toBe(200);
    const mine = listed.body.items.filter((l: { watchlistId: string }) => l.watchlistId === optionsList);
    expect(mine).toHaveLength(2);
    for (const l of mine) {
      expect(l).toMatchObject({ symbol: contract, rowSymbol: 'NIFTY', product: 'MIS', netQuantity: 130, targetQuantity: 130 });
      expect(l.averagePrice).toMatch(/^\d+\.\d{2,4}$/);
      expect(l.tsl).toMatchObject({ enabled: false, armed: false, currentStop: null });
    }
  });

  it('EXIT with optionType CE flattens the row’s call legs on every account', async () => {
    const exit = await quick({ watchlistId: optionsList, symbol: 'NIFTY', action: 'EXIT', tradeMode: 'OPTIONS', optionType: 'CE' });
    expect(exit.status).toBe(202);
    expect(exit.body.intent).toMatchObject({ action: 'EXIT', targetQuantity: 0 });
    expect(exit.body.summary).toEqual({ total: 2, accepted: 2, failed: 0 });
    for (const r of exit.body.intent.results) expect(r).toMatchObject({ status: 'accepted', deltaQuantity: -130, targetQuantity: 0 });
    const legs = await untilConverged(optionsList);
    for (const l of legs) expect(l).toMatchObject({ target: 0, filled: 0, bought: 130, sold: 130 });
  });

  it('ten clicks within 200 ms never overshoot the target of the last one', async () => {
    const wl = await watchlist(trader.token, ['RELIANCE']);
    expect((await put(`/api/v1/settings/watchlists/${wl}`, { accountIds: [paper1], product: 'CNC' }, trader.token)).status).toBe(200);
    const clicks = Array.from({ length: 10 }, () => quick({ watchlistId: wl, symbol: 'RELIANCE', action: 'BUY', tradeMode: 'EQUITY' }));
    const answers = await Promise.all(clicks);
    for (const a of answers) expect(a.status).toBe(202);
    const targets = answers.map((a) => a.body.intent.targetQuantity as number).sort((x, y) => x - y);
    // Serialised per leg and account: each click saw the one before it (step 1 unit, 10 lots max).
    expect(targets).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const [leg] = await untilConverged(wl);
    expect(leg).toMatchObject({ target: 10, filled: 10, bought: 10, sold: 0 });
    // An eleventh click is capped at maxLotsPerLeg: nothing more is sent.
    const capped = await quick({ watchlistId: wl, symbol: 'RELIANCE', action: 'BUY', tradeMode: 'EQUITY' });
    expect(capped.body.intent.results[0]).toMatchObject({ status: 'accepted', deltaQuantity: 0, targetQuantity: 10 });
    expect(capped.body.intent.results[0].orderId).toBeUndefined();
  });

  it('a replayed intentId with the same body answers the same and sends nothing; another body is a 409', async () => {
    const wl = await watchlist(trader.token, ['RELIANCE']);
    await put(`/api/v1/settings/watchlists/${wl}`, { accountIds: [paper1] }, trader.token);
    const body = { intentId: randomUUID(), watchlistId: wl, symbol: 'RELIANCE', action: 'BUY', tradeMode: 'EQUITY' };
    const first = await api.http.post('/api/v1/orders/quick', body, trader.token);
    expect(first.status).toBe(202);
    const again = await api.http.post('/api/v1/orders/quick', { ...body }, trader.token);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const orders = await sql().rows<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE intent_id = $1`, [body.intentId]);
    expect(orders[0]!.n).toBe(1);
    const other = await api.http.post('/api/v1/orders/quick', { ...body, action: 'SELL' }, trader.token);
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_CONFLICT');
    expect((await sql().rows<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE intent_id = $1`, [body.intentId]))[0]!.n).toBe(1);
    await untilConverged(wl);
  });

  it('bad clicks are a 400 naming the field, and record nothing', async () => {
    const wl = await watchlist(trader.token, ['NIFTY', 'RELIANCE']);
    await optionQuotesReady();
    const base = { watchlistId: wl, symbol: 'NIFTY', action: 'BUY_CE', tradeMode: 'OPTIONS', optionLeg: 'ATM' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, expiry: '2020-01-07' }, 'expiry'],
      // A monthly expiry date that is not listed either (the demo lists one monthly).
      [{ ...base, expiry: lastTuesdayOfMonth(2030, 1) }, 'expiry'],
      // 20 strikes of 100 out of the money is beyond the ±20 strikes of 50 listed.
      [{ ...base, optionLeg: 'OTM20', overrides: { strikeStep: '100' } }, 'optionLeg'],
      [{ ...base, symbol: 'RELIANCE' }, 'symbol'],
      [{ ...base, overrides: { stepLots: 1.5 } }, 'overrides.stepLots'],
      [{ ...base, overrides: { slPerUnit: '999999' } }, 'overrides.slPerUnit'],
      [{ ...base, symbol: 'INFY' }, 'symbol'],
      [{ ...base, tradeMode: 'EQUITY' }, 'tradeMode'],
      [{ ...base, action: 'BUY', tradeMode: 'EQUITY' }, 'tradeMode'],
    ];
    for (const [body, field] of cases) {
      const intentId = randomUUID();
      const res = await api.http.post('/api/v1/orders/quick', { intentId, ...body }, trader.token);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(
        (res.body.errors as { field: string }[]).map((e) => e.field),
        JSON.stringify(body),
      ).toContain(field);
      expect((await sql().rows(`SELECT 1 FROM trade_intents WHERE intent_id = $1`, [intentId])).length).toBe(0);
    }
    expect((await sql().rows(`SELECT 1 FROM trade_legs WHERE watchlist_id = $1`, [wl])).length).toBe(0);
    const foreign = await quick({ ...base, watchlistId: randomUUID() });
    expect(foreign.status).toBe(404);
  });

  it('an account that needs a login fails alone: the others proceed and the result names the failure', async () => {
    const kite = await api.http.post(
      '/api/v1/broker-accounts',
      { kind: 'kite', name: 'Zerodha quick', credentials: { apiKey: 'kiteapikey0001', apiSecret: 'kiteapisecret0001' } },
      trader.token,
    );
    expect(kite.status).toBe(201);
    expect(kite.body.status).toBe('needs_login');
    const wl = await watchlist(trader.token, ['RELIANCE']);
    await put(`/api/v1/settings/watchlists/${wl}`, { accountIds: [paper1, kite.body.id, paper2] }, trader.token);
    const res = await quick({ watchlistId: wl, symbol: 'RELIANCE', action: 'BUY', tradeMode: 'EQUITY' });
    expect(res.status).toBe(202);
    expect(res.body.summary).toEqual({ total: 3, accepted: 2, failed: 1 });
    const byAccount = new Map((res.body.intent.results as { accountId: string; reason?: string }[]).map((r) => [r.accountId, r]));
    expect(byAccount.get(kite.body.id)).toMatchObject({ status: 'failed', deltaQuantity: 0, targetQuantity: 0 });
    expect(byAccount.get(kite.body.id)!.reason).toMatch(/Zerodha quick.*log in/i);
    expect(byAccount.get(paper1)).toMatchObject({ status: 'accepted', deltaQuantity: 1, targetQuantity: 1 });
    expect(byAccount.get(paper2)).toMatchObject({ status: 'accepted', deltaQuantity: 1, targetQuantity: 1 });
    const legs = await untilConverged(wl);
    expect(legs.map((l) => [l.account_id, l.target, l.filled]).sort()).toEqual(
      [
        [paper1, 1, 1],
        [paper2, 1, 1],
        [kite.body.id, 0, 0],
      ].sort(),
    );
  });

  it('EXIT_ALL flattens every leg of the watchlist', async () => {
    const wl = await watchlist(trader.token, ['RELIANCE', 'INFY', 'NIFTY']);
    await put(`/api/v1/settings/watchlists/${wl}`, { accountIds: [paper1, paper2], product: 'CNC' }, trader.token);
    for (const symbol of ['RELIANCE', 'INFY']) {
      await eventually(() => quoteOf(symbol), 20_000, `a ${symbol} quote`);
      const r = await quick({ watchlistId: wl, symbol, action: 'BUY', tradeMode: 'EQUITY' });
      expect(r.body.summary).toEqual({ total: 2, accepted: 2, failed: 0 });
    }
    const open = await untilConverged(wl);
    expect(open.map((l) => [l.symbol, l.filled])).toEqual([
      ['INFY', 1],
      ['INFY', 1],
      ['RELIANCE', 1],
      ['RELIANCE', 1],
    ]);
    const all = await quick({ watchlistId: wl, symbol: 'NIFTY', action: 'EXIT_ALL', tradeMode: 'EQUITY' });
    expect(all.status).toBe(202);
    expect(all.body.intent).toMatchObject({ action: 'EXIT_ALL', instrument: null, targetQuantity: null });
    expect(all.body.summary).toEqual({ total: 4, accepted: 4, failed: 0 });
    const flat = await untilConverged(wl);
    for (const l of flat) expect(l).toMatchObject({ target: 0, filled: 0, bought: 1, sold: 1 });
  });

  it('a leg account left off its target with nothing working (a lost legs.converge job) is converged by the sweep', async () => {
    const wl = await watchlist(trader.token, ['RELIANCE']);
    await put(`/api/v1/settings/watchlists/${wl}`, { accountIds: [paper1], product: 'CNC' }, trader.token);
    await quick({ watchlistId: wl, symbol: 'RELIANCE', action: 'BUY', tradeMode: 'EQUITY' });
    const [leg] = await untilConverged(wl);
    expect(leg).toMatchObject({ target: 1, filled: 1 });
    // As if a click had set 3 and its orders' jobs were lost: only the sweep can close the gap.
    await sql().rows(
      `UPDATE trade_leg_accounts SET target_quantity = 3 WHERE account_id = $1 AND leg_id = (SELECT id FROM trade_legs WHERE watchlist_id = $2)`,
      [paper1, wl],
    );
    const [after] = await eventually(
      async () => {
        const legs = await legState(wl);
        return legs[0]?.filled === 3 && legs[0].working === 0 ? legs : null;
      },
      30_000,
      'the sweep to converge the leg',
    );
    expect(after).toMatchObject({ target: 3, filled: 3, bought: 3, sold: 0 });
    const converge = await sql().rows<{ client_tag: string; quantity: number }>(
      `SELECT o.client_tag, o.quantity FROM orders o JOIN trade_legs l ON l.id = o.leg_id WHERE l.watchlist_id = $1 AND o.intent_id IS NULL`,
      [wl],
    );
    expect(converge).toEqual([{ client_tag: 'converge', quantity: 2 }]);
  });

  it('risk exits list the caller’s own, newest first, the id breaking a tie', async () => {
    const empty = await api.http.get('/api/v1/risk-exits', trader.token);
    expect(empty.status).toBe(200);
    expect(empty.body.items).toEqual([]);
    // Exits as the exit engine records them (its own tests fire real ones): two at the same instant, one older.
    const [leg] = await sql().rows<{ id: string; symbol: string }>(
      `SELECT id, symbol FROM trade_legs WHERE user_id = $1 ORDER BY created_at, id LIMIT 1`,
      [trader.id],
    );
    const other = await signedIn(api, ['trader']);
    const ids = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-00000000000c'];
    await sql().rows(
      `INSERT INTO risk_exits (id, trigger_id, leg_id, user_id, kind, trigger_price_ticks, level_ticks, reason, created_at) VALUES
         ($1, 'exit:t:1', $4, $5, 'SL', 1000000, 1000500, 'stop-loss', '2026-01-01T10:00:00Z'),
         ($2, 'exit:t:2', $4, $5, 'TP', 2000000, 1999500, 'take-profit', '2026-01-01T10:00:01Z'),
         ($3, 'exit:t:3', $4, $5, 'TSL', 1500000, 1500000, 'trailing stop', '2026-01-01T10:00:01Z')`,
      [...ids, leg!.id, trader.id],
    );
    const res = await api.http.get('/api/v1/risk-exits', trader.token);
    expect(res.body.items.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(res.body.items[2]).toEqual({
      id: ids[0],
      triggerId: 'exit:t:1',
      legId: leg!.id,
      symbol: leg!.symbol,
      kind: 'SL',
      triggerPrice: '100.00',
      level: '100.05',
      reason: 'stop-loss',
      status: 'triggered',
      orderIds: [],
      createdAt: '2026-01-01T10:00:00.000Z',
    });
    expect((await api.http.get('/api/v1/risk-exits', other.token)).body.items).toEqual([]);
  });

  it('a convergence yields to a risk exit in flight, seen under the leg-account lock: the exit alone flattens, with its own tag', async () => {
    const wl = await watchlist(trader.token, ['RELIANCE']);
    await put(`/api/v1/settings/watchlists/${wl}`, { accountIds: [paper1], product: 'CNC' }, trader.token);
    await quick({ watchlistId: wl, symbol: 'RELIANCE', action: 'BUY', tradeMode: 'EQUITY' });
    await untilConverged(wl);
    const [leg] = await sql().rows<{ id: string; generation: number }>(`SELECT id, generation FROM trade_legs WHERE watchlist_id = $1`, [
      wl,
    ]);
    // A risk exit fired (its trigger and target 0 committed together) after a convergence read the
    // leg without the lock, and before its orders went: the state a convergence meets under the lock.
    const exitId = randomUUID();
    await api.app.get(Db).tx(async (tx) => {
      await tx.rows(
        `INSERT INTO risk_exits (id, trigger_id, leg_id, user_id, kind, trigger_price_ticks, level_ticks, reason)
         VALUES ($1, $2, $3, $4, 'SL', 100000, 100000, 'stop-loss (test)')`,
        [exitId, `exit:${leg!.id}:${leg!.generation}`, leg!.id, trader.id],
      );
      await tx.rows(`UPDATE trade_leg_accounts SET target_quantity = 0 WHERE leg_id = $1`, [leg!.id]);
    });
    const engine = api.app.get(LegEngine);
    const [converged] = await engine.settleMany([
      {
        leg: { id: leg!.id, userId: trader.id as UserId, symbol: 'RELIANCE', product: 'CNC' },
        accountId: paper1,
        decide: (s) => s.target ?? s.filled + s.working,
        ctx: { seed: `converge:${randomUUID()}`, meta: {}, tag: 'converge' },
        yieldToExit: true,
      },
    ]);
    expect(converged).toEqual({ status: 'accepted', deltaQuantity: 0, targetQuantity: 0 });
    expect(await legState(wl)).toEqual([expect.objectContaining({ target: 0, filled: 1, working: 0 })]);
    // The exit's send flattens the account with its tag; nothing was tagged by a convergence.
    const fire = api.app.get(FireRiskExitUseCase);
    const sent = await fire.send((await api.app.get(RiskExitsRepository).exit(exitId))!);
    expect(sent).toMatchObject({ status: 'sent' });
    await eventually(async () => ((await legState(wl))[0]?.filled === 0 ? true : null), 30_000, 'the exit to flatten the leg');
    const sells = await sql().rows<{ client_tag: string; quantity: number }>(
      `SELECT client_tag, quantity FROM orders WHERE leg_id = $1 AND side = 'SELL'`,
      [leg!.id],
    );
    expect(sells).toEqual([{ client_tag: 'risk-exit', quantity: 1 }]);
  });
});
