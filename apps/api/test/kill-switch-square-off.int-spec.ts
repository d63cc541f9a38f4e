import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { demoUniverse, type UserId } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { InstrumentsRepository } from '@tradeloop/market';
import { KILL_SWITCH_SQUARE_OFF_META, KillSwitchSquareOffUseCase, SquareOffFollowUp } from '@tradeloop/risk';
import { squareOffKey } from '@tradeloop/trading';
import { LedgerVerifier } from '@tradeloop/wallet';
import { freePort, startProcess, waitForHttp, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { eventually, priceBelow } from './support/market-socket';
import { setPaperBalance } from './support/paper-book';
import { expectEveryOrderReplays } from './support/order-replay';

/**
 * The kill switch that squares off (docs/domain.md "Risk"; docs/api.md `POST
 * /api/v1/admin/risk/kill-switch` `squareOff`), end to end: the real API, the real worker (risk
 * monitor, execution engine, mock broker, simulated feed). Traders open long and short, CNC and
 * MIS positions in their paper accounts through the API; an engaged switch with `squareOff`
 * flattens them through the normal intake, once per engagement, and the ledger still verifies.
 */
const WORKER_MAIN = resolve(__dirname, '../../worker/dist/main.js');
const { api, ctx } = useTestApi({}, { logLevel: 'warn' });
let worker: RunningProcess;
let admin: { token: string };
const db = () => api.app.get(Db);
const rows = <T>(text: string, params: unknown[] = []) => db().sql.rows<T>(text, params);
const SYMBOLS = ['RELIANCE', 'HDFCBANK', 'INFY', 'ITC', 'SBIN'] as const;
/** Users of the storm, ten positions each; raise it (KILL_SWITCH_STORM_USERS=200) to measure a 2,000-position storm by hand. */
const STORM_USERS = Number(process.env.KILL_SWITCH_STORM_USERS ?? 20);

interface Trader {
  id: UserId;
  token: string;
  account: string;
}

async function trader(): Promise<Trader> {
  const s = await signedIn(api, ['trader']);
  const account = await setPaperBalance(api, s.token, '5000000.00');
  return { id: s.user.id as UserId, token: s.token, account };
}

const placeOrder = async (t: Trader, body: Record<string, unknown>) => {
  const res = await api.http.request('POST', '/api/v1/orders', {
    body: { validity: 'DAY', ...body },
    token: t.token,
    headers: { 'idempotency-key': randomUUID() },
  });
  if (res.status !== 202) console.error(api.logs.filter((l) => l.includes(String(res.body.requestId))).join('\n'));
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.order.id as string;
};

/**
 * `n` positions (n ≤ 10): per symbol a CNC long, then an MIS position — long on even symbols,
 * short on odd ones (an MIS short holds margin while open). Returns once every opening order is FILLED.
 */
async function openBook(t: Trader, n = 10): Promise<void> {
  const orders: Promise<string>[] = [];
  for (let i = 0; i < n; i += 1) {
    const symbol = SYMBOLS[Math.floor(i / 2) % SYMBOLS.length]!;
    const mis = i % 2 === 1;
    const side = mis && Math.floor(i / 2) % 2 === 1 ? 'SELL' : 'BUY';
    orders.push(placeOrder(t, { symbol, side, type: 'MARKET', quantity: 1 + (i % 4), product: mis ? 'MIS' : 'CNC' }));
  }
  await Promise.all(orders);
  await eventually(
    async () =>
      (await rows<{ n: string }>(`SELECT count(*) AS n FROM orders WHERE user_id = $1 AND status <> 'FILLED'`, [t.id]))[0]!.n === '0',
    60_000,
    `opening orders of ${t.id} filled`,
  );
}

const openPositions = (userIds: readonly string[]) =>
  rows<{ user_id: string; account_id: string; symbol: string; product: string; net_quantity: number }>(
    `SELECT user_id, account_id, symbol, product, net_quantity FROM positions WHERE user_id = ANY($1::uuid[]) AND net_quantity <> 0
     ORDER BY user_id, symbol, product`,
    [userIds],
  );
const squareOffOrders = (userIds: readonly string[]) =>
  rows<{ id: string; user_id: string; symbol: string; product: string; side: string; type: string; quantity: number; status: string }>(
    `SELECT id, user_id, symbol, product, side, type, quantity, status FROM orders WHERE client_tag = 'squareoff' AND user_id = ANY($1::uuid[])
     ORDER BY user_id, symbol, product`,
    [userIds],
  );
const records = (userIds: readonly string[]) =>
  rows<{ id: string; engagement_id: string; scope: string; user_id: string; outcome: string | null; orders: number; attempts: number }>(
    `SELECT id, engagement_id, scope, user_id, outcome, orders, attempts FROM kill_switch_square_offs WHERE user_id = ANY($1::uuid[])
     ORDER BY requested_at, user_id`,
    [userIds],
  );

/** Every covered position flat, every square-off order FILLED and every record finished. */
async function flattened(userIds: readonly string[], what: string, ms = 60_000): Promise<void> {
  // One statement, polled every 100 ms: the polling must not slow down what it measures.
  const deadline = Date.now() + ms;
  for (;;) {
    const [r] = await rows<{ n: string }>(
      `SELECT (SELECT count(*) FROM positions WHERE user_id = ANY($1::uuid[]) AND net_quantity <> 0)
            + (SELECT count(*) FROM orders WHERE client_tag = 'squareoff' AND user_id = ANY($1::uuid[]) AND status <> 'FILLED')
            + (SELECT count(*) FROM kill_switch_square_offs WHERE followed_up_at IS NULL AND user_id = ANY($1::uuid[])) AS n`,
      [userIds],
    );
    if (r!.n === '0') return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

const engage = (body: Record<string, unknown>, token = admin.token) => api.http.post('/api/v1/admin/risk/kill-switch', body, token);

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  const port = await freePort();
  worker = startProcess(WORKER_MAIN, {
    ...ctx.env,
    WORKER_HEALTH_PORT: String(port),
    MARKET_FEED: 'simulated',
    // The bench's feed rate (bench/README.md "storm").
    MARKET_FEED_TICKS_PER_SECOND: '500',
    LOG_LEVEL: 'warn',
  });
  await waitForHttp(`http://127.0.0.1:${port}/health/ready`, worker);
  admin = await signedIn(api, ['admin']);
  await eventually(
    async () => (await api.http.get(`/api/v1/market/quotes?symbols=${SYMBOLS.join(',')}`, admin.token)).body.items?.length === 5,
    15_000,
    'quotes',
  );
}, 60_000);

afterAll(async () => {
  await worker?.stop();
});

describe('kill switch with squareOff', () => {
  let bystander: Trader;

  it('validates squareOff strictly: a boolean, only when engaging', async () => {
    const t = await trader();
    for (const body of [
      { scope: 'user', userId: t.id, engaged: true, reason: 'x', squareOff: 'yes' },
      { scope: 'user', userId: t.id, engaged: false, reason: 'x', squareOff: true },
      { scope: 'user', userId: t.id, engaged: true, reason: 'x', squareOff: true, extra: 1 },
    ]) {
      const res = await engage(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    expect((await api.http.post('/api/v1/risk/kill-switch', { engaged: true, reason: 'x', squareOff: 1 }, t.token)).status).toBe(400);
    expect((await api.http.get('/api/v1/risk/kill-switch', t.token)).body.self.engaged).toBe(false);
    expect(await records([t.id])).toEqual([]);
  });

  it("a user-scope engage cancels that user's orders and squares off only their positions (long and short, CNC and MIS)", async () => {
    const [t, other] = [await trader(), await trader()];
    bystander = other;
    await Promise.all([openBook(t, 6), openBook(other, 4)]);
    // A resting LIMIT far below the market: cancelled by the switch before the square-off.
    const quote = (await api.http.get('/api/v1/market/quotes?symbols=ITC', t.token)).body.items[0];
    const resting = await placeOrder(t, {
      symbol: 'ITC',
      side: 'BUY',
      type: 'LIMIT',
      price: priceBelow(quote.ltp, 8),
      quantity: 1,
      product: 'CNC',
    });
    await eventually(
      async () => (await api.http.get(`/api/v1/orders/${resting}`, t.token)).body.status === 'OPEN',
      15_000,
      'the LIMIT rests',
    );
    const before = await openPositions([t.id]);
    expect(before.filter((p) => p.net_quantity < 0).length).toBeGreaterThan(0);
    expect(new Set(before.map((p) => p.product))).toEqual(new Set(['CNC', 'MIS']));
    const otherBefore = await openPositions([other.id]);

    const res = await engage({ scope: 'user', userId: t.id, engaged: true, reason: 'desk review', squareOff: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.self).toMatchObject({ engaged: true, reason: 'desk review' });
    await flattened([t.id], 'the user squared off');

    expect((await api.http.get(`/api/v1/orders/${resting}`, t.token)).body.status).toBe('CANCELLED');
    // One MARKET order per position, against it, for its whole quantity, FILLED; with a deterministic key.
    const orders = await squareOffOrders([t.id]);
    expect(orders.map((o) => [o.symbol, o.product, o.side, o.type, o.quantity, o.status])).toEqual(
      before.map((p) => [p.symbol, p.product, p.net_quantity > 0 ? 'SELL' : 'BUY', 'MARKET', Math.abs(p.net_quantity), 'FILLED']),
    );
    const [rec] = await records([t.id]);
    expect(rec).toMatchObject({ scope: 'user', outcome: `squared off with ${before.length} order(s)`, orders: before.length, attempts: 1 });
    const keys = await rows<{ key: string }>(`SELECT key FROM idempotency_keys WHERE scope = $1 AND key LIKE 'sq-%' ORDER BY key`, [t.id]);
    expect(keys.map((k) => k.key)).toEqual(
      before
        .map((p) => squareOffKey(`killswitch:${rec!.engagement_id}`, { accountId: p.account_id, symbol: p.symbol, product: p.product }))
        .sort(),
    );
    // Only that user: the other keeps every position.
    expect(await openPositions([other.id])).toEqual(otherBefore);
    expect(await squareOffOrders([other.id])).toEqual([]);
    // Observable: the engagement's audit and risk event, the per-user outcome's audit.
    const audit = (await api.http.get('/api/v1/compliance/audit?action=risk.killswitch_squared_off', admin.token)).body.items;
    expect(audit.filter((a: { subject: string }) => a.subject === `user:${t.id}`)).toEqual([
      expect.objectContaining({
        actorId: null,
        details: expect.objectContaining({ engagementId: rec!.engagement_id, scope: 'user', orders: before.length }),
      }),
    ]);
    const engaged = (await api.http.get('/api/v1/compliance/audit?action=risk.killswitch_engaged', admin.token)).body.items;
    expect(engaged.find((a: { subject: string }) => a.subject === `user:${t.id}`)).toMatchObject({
      details: { reason: 'desk review', squareOff: true, engagementId: rec!.engagement_id, users: 1 },
    });

    // A second worker, or a retry after a crash, running the same square-off again places nothing.
    expect(await api.app.get(SquareOffFollowUp).squareOff(t.id, `killswitch:${rec!.engagement_id}`, KILL_SWITCH_SQUARE_OFF_META)).toEqual({
      placed: [],
      refused: [],
    });
    const again = await api.app.get(KillSwitchSquareOffUseCase).followUp({ ...rec!, user_id: t.id, requested_at: new Date(0) } as never);
    expect(again.state).toBe('done');
    expect(await squareOffOrders([t.id])).toHaveLength(before.length);
    expect(
      (await api.http.get('/api/v1/compliance/audit?action=risk.killswitch_squared_off', admin.token)).body.items.filter(
        (a: { subject: string }) => a.subject === `user:${t.id}`,
      ),
    ).toHaveLength(1);
  }, 120_000);

  it("a trader's own engage with squareOff flattens their own positions", async () => {
    const t = await trader();
    await openBook(t, 3);
    const before = await openPositions([t.id]);
    const res = await api.http.post('/api/v1/risk/kill-switch', { engaged: true, reason: 'done for the day', squareOff: true }, t.token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await flattened([t.id], 'own square-off');
    expect((await squareOffOrders([t.id])).map((o) => [o.symbol, o.product, o.quantity, o.status])).toEqual(
      before.map((p) => [p.symbol, p.product, Math.abs(p.net_quantity), 'FILLED']),
    );
  }, 120_000);

  it(
    'the global switch squares off everyone (200 positions across 20 users) once; a repeated engage places nothing',
    async () => {
      const traders: Trader[] = [];
      for (let i = 0; i < STORM_USERS; i += 1) traders.push(await trader());
      // Opened five users at a time (the setup, not what is measured).
      for (let i = 0; i < traders.length; i += 5) await Promise.all(traders.slice(i, i + 5).map((t) => openBook(t, 10)));
      const covered = [...traders.map((t) => t.id), bystander.id];
      const before = await openPositions(covered);
      expect(before).toHaveLength(STORM_USERS * 10 + 4);
      expect(before.filter((p) => p.net_quantity < 0).length).toBeGreaterThanOrEqual(STORM_USERS * 2);

      const started = performance.now();
      const res = await engage({ scope: 'global', engaged: true, reason: 'exchange outage', squareOff: true });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.global).toMatchObject({ engaged: true, reason: 'exchange outage' });
      await flattened(covered, 'everyone squared off', 120_000 + STORM_USERS * 500);
      const ms = performance.now() - started;

      // Where the time went, from the engage's commit: the last square-off placed (intake), the last fill.
      const [phases] = await rows<{ placed: number; filled: number }>(
        `SELECT round(extract(epoch FROM (SELECT max(created_at) FROM orders WHERE client_tag = 'squareoff') - e.at) * 1000)::int AS placed,
              round(extract(epoch FROM (SELECT max(updated_at) FROM orders WHERE client_tag = 'squareoff') - e.at) * 1000)::int AS filled
       FROM (SELECT min(requested_at) AS at FROM kill_switch_square_offs WHERE scope = 'global') e`,
      );
      console.info(
        `kill switch square-off storm: ${before.length} positions across ${covered.length} users flat, every order FILLED, ${Math.round(ms)} ms after the engage call (all placed ${phases!.placed} ms, all FILLED ${phases!.filled} ms after the engage's commit)`,
      );
      const orders = await squareOffOrders(covered);
      expect(orders).toHaveLength(before.length);
      expect(orders.every((o) => o.type === 'MARKET' && o.status === 'FILLED')).toBe(true);
      const recs = (await records(covered)).filter((r) => r.scope === 'global');
      expect(recs).toHaveLength(covered.length);
      expect(new Set(recs.map((r) => r.engagement_id)).size).toBe(1);
      expect(recs.reduce((n, r) => n + r.orders, 0)).toBe(before.length);
      expect((await api.app.get(LedgerVerifier).verify()).ok).toBe(true);

      // Engaged already: the same engagement, everyone covered — nothing is recorded, nothing pending, nothing placed.
      const allRecords = await rows(`SELECT id FROM kill_switch_square_offs`);
      const repeat = await engage({ scope: 'global', engaged: true, reason: 'still out', squareOff: true });
      expect(repeat.status).toBe(200);
      const requested = (await api.http.get('/api/v1/compliance/audit?action=risk.killswitch_square_off_requested', admin.token)).body
        .items;
      expect(requested).toEqual([
        expect.objectContaining({ subject: 'global', details: { reason: 'still out', users: 0, engagementId: recs[0]!.engagement_id } }),
      ]);
      expect(await rows(`SELECT id FROM kill_switch_square_offs`)).toHaveLength(allRecords.length);
      expect(await rows(`SELECT 1 FROM kill_switch_square_offs WHERE followed_up_at IS NULL`)).toEqual([]);
      expect(await squareOffOrders(covered)).toHaveLength(before.length);

      // New exposure is refused while the switch is engaged.
      const refused = await api.http.request('POST', '/api/v1/orders', {
        body: { symbol: 'ITC', side: 'BUY', type: 'MARKET', quantity: 1, product: 'CNC', validity: 'DAY' },
        token: traders[0]!.token,
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(refused.status).toBe(423);
      expect((await engage({ scope: 'global', engaged: false, reason: 'resolved' })).status).toBe(200);
    },
    300_000 + STORM_USERS * 5_000,
  );

  it('every order (opened, cancelled, squared off) replays from its stored history to its row', async () => {
    await expectEveryOrderReplays(db(), 200);
  });
});
