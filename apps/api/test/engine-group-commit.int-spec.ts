import { randomUUID } from 'node:crypto';
import type { PlaceOrderRequest } from '@tradeloop/contracts';
import { demoUniverse, formatPrice, isDomainError, type OrderId, type UserId } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { InstrumentsRepository } from '@tradeloop/market';
import { ExecutionService, OrderHistoryVerifier, PlaceOrderUseCase } from '@tradeloop/trading';
import { LedgerVerifier } from '@tradeloop/wallet';
import { signedIn, useTestApi } from './support/test-api';

/**
 * The engine's group commit (ExecutionService, ADR 0015): broker reports of different orders
 * (acceptances that filled on arrival, as the paper exchange's are) applied at the same time go in one transaction — orders and positions locked in one statement,
 * every posting in one, every order saved in one — and a report that cannot be applied (its
 * settlement refused for funds) makes the batch redo each report alone, so the others are
 * applied exactly as alone and the bad one fails on its own. No worker runs: the test feeds the
 * reports itself.
 */
const { api } = useTestApi({ PAPER_STARTING_BALANCE: '250000.00' }, { logLevel: 'warn' });
const TICK = 10_000;
const db = () => api.app.get(Db);
const sql = <T>(text: string, params: unknown[] = []) => db().sql.rows<T>(text, params);

async function trader(): Promise<{ id: UserId; token: string; paper: string }> {
  const s = await signedIn(api, ['trader']);
  const list = await api.http.get('/api/v1/broker-accounts', s.token);
  const paper = (list.body.items as { id: string; kind: string }[]).find((a) => a.kind === 'paper')!.id;
  return { id: s.user.id as UserId, token: s.token, paper };
}

const buy = (paper: string, rupees: number): PlaceOrderRequest => ({
  symbol: 'RELIANCE',
  side: 'BUY',
  type: 'LIMIT',
  product: 'CNC',
  validity: 'DAY',
  price: formatPrice(rupees * TICK),
  quantity: 1,
  accountId: paper,
});

/** The broker's answer to a placement that filled on arrival: the acceptance with its FILLED report. */
const filledOnArrival = (brokerOrderId: string, rupees: number, at: number) => [
  { brokerOrderId, report: { status: 'FILLED' as const, filledQuantity: 1, averagePrice: rupees * TICK, updatedAt: at } },
];

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
}, 60_000);

describe('group commit of the engine', () => {
  it('fills of several orders applied together; one whose settlement is refused fails alone, the others are applied', async () => {
    const traders = await Promise.all(Array.from({ length: 5 }, () => trader()));
    const poor = await trader();
    // The poor trader's book: 100.00, of which a 90.00 buy holds nearly all.
    const reset = await api.http.post(`/api/v1/broker-accounts/${poor.paper}/paper-balance`, { amount: '100.00' }, poor.token);
    expect(reset.status).toBe(200);
    const place = api.app.get(PlaceOrderUseCase);
    const orders: OrderId[] = [];
    for (const t of traders)
      orders.push((await place.execute(t.id, buy(t.paper, 1400), randomUUID(), { requestId: 't' })).body.order.id as OrderId);
    const poorOrder = (await place.execute(poor.id, buy(poor.paper, 90), randomUUID(), { requestId: 't' })).body.order.id as OrderId;

    const engine = api.app.get(ExecutionService);
    const sizes: number[] = [];
    engine.onBatch = (n) => sizes.push(n);
    const now = Date.now();
    // All in the same tick: the first goes alone at once, the rest (the poor one last) together.
    const answers = await Promise.allSettled([
      ...orders.map((id, i) => engine.accepted(id, [`B${i}`], 'sent', filledOnArrival(`B${i}`, 1399, now))),
      // Filled far above its limit: its settlement needs more than the book holds and has.
      engine.accepted(poorOrder, ['BP'], 'sent', filledOnArrival('BP', 5000, now)),
    ]);
    engine.onBatch = null;
    expect(sizes[0]).toBe(1);
    expect(Math.max(...sizes)).toBe(orders.length);
    for (const a of answers.slice(0, orders.length)) expect(a).toMatchObject({ status: 'fulfilled', value: { status: 'FILLED' } });
    const refused = answers.at(-1)!;
    expect(refused.status).toBe('rejected');
    expect(isDomainError((refused as PromiseRejectedResult).reason) && (refused as PromiseRejectedResult).reason.code).toBe(
      'INSUFFICIENT_FUNDS',
    );

    const rows = await sql<{ id: string; status: string; filled_quantity: number; reserved_paise: string }>(
      `SELECT id, status, filled_quantity, reserved_paise::text FROM orders WHERE id = ANY($1::uuid[]) ORDER BY id`,
      [[...orders, poorOrder]],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of orders) expect(byId.get(id)).toMatchObject({ status: 'FILLED', filled_quantity: 1, reserved_paise: '0' });
    // Nothing of the refused report stays: the order is as it was, still holding its reservation.
    expect(byId.get(poorOrder)).toMatchObject({ status: 'PENDING', filled_quantity: 0 });
    expect(BigInt(byId.get(poorOrder)!.reserved_paise)).toBeGreaterThan(0n);
    const trades = await sql<{ order_id: string }>(`SELECT order_id FROM trades WHERE order_id = ANY($1::uuid[])`, [
      [...orders, poorOrder],
    ]);
    expect(trades.map((t) => t.order_id).sort()).toEqual([...orders].sort());
    const positions = await sql<{ user_id: string; net_quantity: number }>(
      `SELECT user_id, net_quantity FROM positions WHERE user_id = ANY($1::uuid[]) AND symbol = 'RELIANCE'`,
      [[...traders.map((t) => t.id), poor.id]],
    );
    expect(
      positions
        .filter((p) => p.net_quantity !== 0)
        .map((p) => [p.user_id, p.net_quantity])
        .sort(),
    ).toEqual(traders.map((t) => [t.id, 1]).sort());
    // The split is counted; each order's history replays to its row; the ledger verifies.
    expect((await api.http.get('/metrics')).text).toMatch(/group_commit_splits_total\{[^}]*path="engine"[^}]*\} 1\b/);
    const history = await api.app.get(OrderHistoryVerifier).verify({ orderIds: [...orders, poorOrder] });
    expect(history.problems).toEqual([]);
    expect(await api.app.get(LedgerVerifier).verify()).toMatchObject({ ok: true, problems: [] });
  });
});
