import { randomUUID } from 'node:crypto';
import type { PlaceOrderRequest } from '@tradeloop/contracts';
import { demoUniverse, formatPrice, isDomainError, type UserId } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { InstrumentsRepository } from '@tradeloop/market';
import { PlaceOrderUseCase } from '@tradeloop/trading';
import { LedgerVerifier } from '@tradeloop/wallet';
import { signedIn, useTestApi } from './support/test-api';

/**
 * The group commit of intakes (PlaceOrderUseCase.execute, ADR 0015): orders of different users
 * submitted together are placed in one transaction, each answered exactly as it would be alone —
 * a risk refusal is that order's answer and writes nothing of it; a refused hold or a replayed key
 * splits the batch and each order is placed alone. No worker runs: orders stay PENDING.
 */
const { api } = useTestApi({ PAPER_STARTING_BALANCE: '250000.00' }, { logLevel: 'warn' });
const TICK = 10_000;
const db = () => api.app.get(Db);
const sql = <T>(text: string, params: unknown[] = []) => db().sql.rows<T>(text, params);
const place = () => api.app.get(PlaceOrderUseCase);

interface Trader {
  id: UserId;
  token: string;
  paper: string;
}

async function trader(): Promise<Trader> {
  const s = await signedIn(api, ['trader']);
  const list = await api.http.get('/api/v1/broker-accounts', s.token);
  expect(list.status).toBe(200);
  const paper = (list.body.items as { id: string; kind: string }[]).find((a) => a.kind === 'paper')!.id;
  return { id: s.user.id as UserId, token: s.token, paper };
}

const limit = (t: Trader, over: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest => ({
  symbol: 'RELIANCE',
  side: 'BUY',
  type: 'LIMIT',
  product: 'CNC',
  validity: 'DAY',
  price: formatPrice(1400 * TICK),
  quantity: 10,
  accountId: t.paper,
  ...over,
});

/** Submits every order in the same tick, as concurrent requests do; each settles with its own answer. */
function together(orders: { t: Trader; body: PlaceOrderRequest; key?: string }[]) {
  const sizes: number[] = [];
  const uc = place();
  uc.onBatch = (n) => sizes.push(n);
  const answers = Promise.allSettled(
    orders.map((o) => uc.execute(o.t.id, o.body, o.key ?? randomUUID(), { requestId: 'intake-group-commit' })),
  );
  return answers.then((a) => {
    uc.onBatch = null;
    return { answers: a, sizes };
  });
}

const orderOf = (a: PromiseSettledResult<{ body: { order: { id: string } }; replayed: boolean }>) => {
  if (a.status !== 'fulfilled') throw new Error(`expected an order, got ${String(a.reason)}`);
  return a.value;
};
const errorOf = (a: PromiseSettledResult<unknown>) => {
  if (a.status !== 'rejected') throw new Error('expected a refusal');
  if (!isDomainError(a.reason)) throw a.reason;
  return a.reason;
};
const ordersOf = (userId: string) => sql<{ id: string; status: string }>(`SELECT id, status FROM orders WHERE user_id = $1`, [userId]);
const rejectionsOf = (userId: string) => sql<{ rule: string }>(`SELECT rule FROM risk_events WHERE user_id = $1`, [userId]);
const held = async (accountId: string) =>
  (await sql<{ held: string }>(`SELECT held_paise::text held FROM paper_balances WHERE account_id = $1`, [accountId]))[0]?.held;

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
}, 60_000);

describe('group commit of intakes', () => {
  it('orders of several users submitted together go in one batch: each placed, holding, audited and keyed on its own', async () => {
    const traders = await Promise.all(Array.from({ length: 6 }, () => trader()));
    const { answers, sizes } = await together(traders.map((t, i) => ({ t, body: limit(t, { quantity: 10 + i }) })));
    // The first goes alone at once; the five that came while it was written go together.
    expect(sizes[0]).toBe(1);
    expect(Math.max(...sizes)).toBe(5);
    const orders = answers.map(orderOf);
    for (const [i, t] of traders.entries()) {
      expect(orders[i]!.replayed).toBe(false);
      expect(await ordersOf(t.id)).toEqual([{ id: orders[i]!.body.order.id, status: 'PENDING' }]);
      // The order's reservation (1,400.00 × (10 + i) and its charges) held in the trader's own paper book.
      const [row] = await sql<{ reserved: string }>(`SELECT reserved_paise::text reserved FROM orders WHERE id = $1`, [
        orders[i]!.body.order.id,
      ]);
      expect(BigInt(row!.reserved)).toBeGreaterThan(1400n * 100n * BigInt(10 + i));
      expect(await held(t.paper)).toBe(row!.reserved);
      const audit = await sql(`SELECT 1 FROM audit_events WHERE action = 'order.placed' AND subject = $1`, [
        `order:${orders[i]!.body.order.id}`,
      ]);
      expect(audit).toHaveLength(1);
    }
    expect(await api.app.get(LedgerVerifier).verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('a refusal in a batch is its order’s answer alone: nothing of it written, the others placed', async () => {
    const [a, b, c] = await Promise.all([trader(), trader(), trader()]);
    const first = await trader();
    const refusedKey = randomUUID();
    const { answers, sizes } = await together([
      { t: first, body: limit(first) },
      { t: a, body: limit(a) },
      // Refused by validation, and by the instrument check: answers of their own, nothing written.
      { t: b, body: limit(b, { quantity: 0 }), key: refusedKey },
      { t: c, body: limit(c, { symbol: 'NO_SUCH_SYMBOL' }) },
    ]);
    expect(Math.max(...sizes)).toBe(3);
    expect(orderOf(answers[0]!).replayed).toBe(false);
    expect(orderOf(answers[1]!).replayed).toBe(false);
    expect(errorOf(answers[2]!).code).toBe('VALIDATION_FAILED');
    expect(errorOf(answers[3]!).code).toBe('VALIDATION_FAILED');
    expect(await ordersOf(b.id)).toEqual([]);
    expect(await ordersOf(c.id)).toEqual([]);
    expect(await held(b.paper)).toBe('0');
    expect(await ordersOf(a.id)).toHaveLength(1);
  });

  it('a refused hold splits the batch: each order is placed alone and gets the answer it would have had', async () => {
    const [first, a, poor, d] = await Promise.all([trader(), trader(), trader(), trader()]);
    // The poor trader's paper book holds 100.00: a 14,000.00 order does not fit.
    const reset = await api.http.post(`/api/v1/broker-accounts/${poor.paper}/paper-balance`, { amount: '100.00' }, poor.token);
    expect(reset.status).toBe(200);
    // d's key was used before (committed): the batch's claim finds it taken.
    const key = randomUUID();
    const earlier = await place().execute(d.id, limit(d), key, { requestId: 'earlier' });
    const { answers, sizes } = await together([
      { t: first, body: limit(first) },
      { t: a, body: limit(a) },
      { t: poor, body: limit(poor) },
      { t: d, body: limit(d), key },
    ]);
    // At least three went together (the first may join them if the earlier order's batch was still closing).
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(3);
    expect(orderOf(answers[0]!).replayed).toBe(false);
    expect(orderOf(answers[1]!).replayed).toBe(false);
    expect(errorOf(answers[2]!).code).toBe('INSUFFICIENT_FUNDS');
    const replay = orderOf(answers[3]!);
    expect(replay.replayed).toBe(true);
    expect(replay.body.order.id).toBe(earlier.body.order.id);
    expect(await ordersOf(poor.id)).toEqual([]);
    expect(await held(poor.paper)).toBe('0');
    expect(await ordersOf(a.id)).toHaveLength(1);
    expect(await ordersOf(d.id)).toHaveLength(1);
    // The refusal is remembered for its key like any other business refusal.
    const keys = await sql<{ code: string }>(
      `SELECT response->'error'->>'code' code FROM idempotency_keys WHERE scope = $1 AND response ? 'error'`,
      [poor.id],
    );
    expect(keys).toEqual([{ code: 'INSUFFICIENT_FUNDS' }]);
    expect(await api.app.get(LedgerVerifier).verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('a pre-trade risk rule refusing in a batch is recorded once, and a replay of its key answers the same refusal', async () => {
    const [first, ok, limited] = await Promise.all([trader(), trader(), trader()]);
    const admin = await signedIn(api, ['admin']);
    const set = await api.http.request('PUT', `/api/v1/admin/risk/limits/${limited.id}`, {
      token: admin.token,
      body: {
        maxOrderValue: '1000.00',
        maxPositionValue: '1000000.00',
        maxOpenOrders: 50,
        maxDailyLoss: '100000.00',
        maxOrdersPerMinute: 100,
      },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const key = randomUUID();
    const { answers, sizes } = await together([
      { t: first, body: limit(first) },
      { t: ok, body: limit(ok) },
      { t: limited, body: limit(limited), key },
    ]);
    expect(Math.max(...sizes)).toBe(2);
    expect(orderOf(answers[1]!).replayed).toBe(false);
    const refusal = errorOf(answers[2]!);
    expect(refusal.code).toBe('RISK_REJECTED');
    expect((await rejectionsOf(limited.id)).map((r) => r.rule)).toEqual(['MAX_ORDER_VALUE']);
    // The same key again: the remembered refusal, not recorded a second time.
    const again = await place()
      .execute(limited.id, limit(limited), key, { requestId: 'again' })
      .catch((e: unknown) => e);
    expect(isDomainError(again) && again.code).toBe('RISK_REJECTED');
    expect(await rejectionsOf(limited.id)).toHaveLength(1);
    expect(await ordersOf(limited.id)).toEqual([]);
  });
});
