import { randomUUID } from 'node:crypto';
import {
  demoUniverse,
  formatMoney,
  newOrder,
  orderReservation,
  planModification,
  reservationFor,
  type OrderTerms,
} from '@tradeloop/domain';
import { Db, MIGRATIONS } from '@tradeloop/platform';
import { InstrumentsRepository } from '@tradeloop/market';
import { OrderHistoryVerifier } from '@tradeloop/trading';
import type { MigrationInterface } from 'typeorm';
import { BrokerAccountsRepository } from '@tradeloop/accounts';
import { useTestApi } from './support/test-api';

/**
 * 1763813400000 brings histories written before the typed union into its shapes: orders stored
 * the old way (PLACED without terms, SENDING without attempt, a broker's REJECTED without reason,
 * a FILL stored with the status of the cancellation in the same report, a kill-switch cancel
 * request stored as PENDING) replay to their rows once it has run.
 */
const { api } = useTestApi({}, { logLevel: 'warn' });
const Typed = MIGRATIONS.find((m) => m.name === 'OrderHistoryTyped1763813400000')!;
const migration: MigrationInterface = new Typed();
const TICK = 10_000;
const LTP = 1420 * TICK;
const terms = (t: Partial<OrderTerms>): OrderTerms => ({
  side: 'BUY',
  type: 'LIMIT',
  product: 'CNC',
  validity: 'DAY',
  quantity: 10,
  price: 1400 * TICK,
  triggerPrice: null,
  ...t,
});

let db: Db;
let userId: string;
let paperAccountId: string;

async function legacyOrder(
  t: OrderTerms,
  row: Record<string, unknown>,
  events: [status: string, event: string, details: object][],
  trades: { quantity: number; price: number; brokerTradeId: string }[] = [],
): Promise<string> {
  const id = randomUUID();
  const { basis, amount } = orderReservation(t, { ltp: LTP, sellableQuantity: 0 });
  const r = {
    status: 'OPEN',
    filled_quantity: 0,
    filled_value_tick_units: '0',
    reserved_paise: amount.toString(),
    broker_order_ids: [],
    reject_reason: null,
    cancel_requested: false,
    send_attempts: 1,
    quantity: t.quantity,
    price_ticks: t.price,
    reference_price_ticks: basis.referencePrice,
    pending_modification: null,
    ...row,
  };
  await db.sql.rows(
    `INSERT INTO orders (id, user_id, symbol, side, type, product, validity, quantity, price_ticks, trigger_ticks, status, filled_quantity,
       filled_value_tick_units, reference_price_ticks, short_quantity, reserved_paise, broker, broker_order_ids, reject_reason, cancel_requested,
       send_attempts, pending_modification, account_id)
     VALUES ($1, $2, 'RELIANCE', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, $14, 'mock', $15, $16, $17, $18, $19, $20)`,
    [
      id,
      userId,
      t.side,
      t.type,
      t.product,
      t.validity,
      r.quantity,
      r.price_ticks,
      t.triggerPrice,
      r.status,
      r.filled_quantity,
      r.filled_value_tick_units,
      r.reference_price_ticks,
      r.reserved_paise,
      r.broker_order_ids,
      r.reject_reason,
      r.cancel_requested,
      r.send_attempts,
      r.pending_modification,
      paperAccountId,
    ],
  );
  const placed: [string, string, object] = ['PENDING', 'PLACED', { reserved: amount.toString(), reducing: false, ltp: LTP }];
  for (const [status, event, details] of [placed, ...events])
    await db.sql.rows(`INSERT INTO order_events (order_id, status, event, details) VALUES ($1, $2, $3, $4)`, [
      id,
      status,
      event,
      JSON.stringify(details),
    ]);
  for (const tr of trades)
    await db.sql.rows(
      `INSERT INTO trades (id, order_id, user_id, symbol, side, product, quantity, price_ticks, value_paise, fees_paise, taxes_paise, charges,
         realized_delta_tick_units, broker, broker_trade_id, executed_at)
       VALUES ($1, $2, $3, 'RELIANCE', $4, $5, $6, $7, 0, 0, 0, '[]', 0, 'mock', $8, now())`,
      [randomUUID(), id, userId, t.side, t.product, tr.quantity, tr.price, tr.brokerTradeId],
    );
  return id;
}

const entries = async (id: string) =>
  db.sql.rows<{ status: string; event: string; details: Record<string, unknown> }>(
    `SELECT status, event, details FROM order_events WHERE order_id = $1 ORDER BY id`,
    [id],
  );

beforeAll(async () => {
  db = api.app.get(Db);
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  userId = randomUUID();
  await db.sql.rows(`INSERT INTO users (id, email, display_name, password_hash) VALUES ($1, $2, 'Legacy', 'x')`, [
    userId,
    `${userId}@example.test`,
  ]);
  // Orders name their broker account since 1763815200000: these legacy ones are the user's paper account's.
  paperAccountId = await api.app.get(BrokerAccountsRepository).ensurePaperAccount(userId, randomUUID());
});

describe('order history typing migration', () => {
  it('completes and corrects histories stored the old way, so they replay to their rows; down takes back what PLACED gained', async () => {
    const qr = db.dataSource.createQueryRunner();
    try {
      await migration.down(qr);

      // Filled 4 of 10, then cancelled in the same report; the kill switch had asked while it was OPEN.
      const partial = terms({});
      const { basis } = orderReservation(partial, { ltp: LTP, sellableQuantity: 0 });
      const rest = reservationFor(basis, 6, 4n * BigInt(1400 * TICK));
      const cancelled = await legacyOrder(
        partial,
        {
          status: 'CANCELLED',
          filled_quantity: 4,
          filled_value_tick_units: (4n * BigInt(1400 * TICK)).toString(),
          reserved_paise: '0',
          broker_order_ids: ['MO1'],
          cancel_requested: true,
        },
        [
          ['PENDING', 'SENDING', {}],
          ['OPEN', 'ACCEPTED', { brokerOrderIds: ['MO1'], how: 'sent' }],
          ['PENDING', 'CANCEL_REQUESTED', { by: 'kill switch' }],
          ['CANCELLED', 'FILL', { quantity: 4, price: 1400 * TICK, fillId: 'cum:4' }],
          ['CANCELLED', 'CANCELLED', {}],
          ['CANCELLED', 'HOLD_RELEASED', { amount: formatMoney(rest), remaining: 6 }],
        ],
        [{ quantity: 4, price: 1400 * TICK, brokerTradeId: 'MO1:cum:4' }],
      );
      // Rejected by the broker: the reason only on the row.
      const rejectedTerms = terms({ quantity: 2 });
      const rejected = await legacyOrder(
        rejectedTerms,
        { status: 'REJECTED', reserved_paise: '0', broker_order_ids: ['MO2'], reject_reason: 'RMS: blocked' },
        [
          ['PENDING', 'SENDING', { attempt: 1 }],
          ['OPEN', 'ACCEPTED', { brokerOrderIds: ['MO2'], how: 'sent' }],
          ['REJECTED', 'REJECTED', {}],
          [
            'REJECTED',
            'HOLD_RELEASED',
            { amount: formatMoney(orderReservation(rejectedTerms, { ltp: LTP, sellableQuantity: 0 }).amount), remaining: 2 },
          ],
        ],
      );
      // Modified from 5 @ ₹1,400 to 7 @ ₹1,390 before PLACED carried terms.
      const five = terms({ quantity: 5 });
      const fiveBasis = orderReservation(five, { ltp: LTP, sellableQuantity: 0 }).basis;
      const instrument = demoUniverse(new Date()).find((i) => i.symbol === 'RELIANCE')!;
      const plan = planModification({ ...newOrder(five), status: 'OPEN' }, fiveBasis, { quantity: 7, price: 1390 * TICK }, instrument, {
        ltp: null,
      });
      const modified = await legacyOrder(
        five,
        {
          quantity: 7,
          price_ticks: 1390 * TICK,
          reference_price_ticks: plan.basis.referencePrice,
          reserved_paise: plan.reservation.toString(),
          broker_order_ids: ['MO3'],
        },
        [
          ['PENDING', 'SENDING', { attempt: 1 }],
          ['OPEN', 'ACCEPTED', { brokerOrderIds: ['MO3'], how: 'sent' }],
          ['OPEN', 'MODIFY_REQUESTED', { quantity: 7, price: 1390 * TICK }],
          ['OPEN', 'MODIFIED', { quantity: 7, price: 1390 * TICK, reserved: formatMoney(plan.reservation) }],
        ],
      );
      const ids = [cancelled, rejected, modified];
      const verifier = new OrderHistoryVerifier(db);
      const before = await verifier.verify({ orderIds: ids });
      expect(before.problems.map((p) => p.orderId).sort()).toEqual([...ids].sort());

      await migration.up(qr);
      expect(await verifier.verify({ orderIds: ids })).toEqual({ ok: true, ordersChecked: 3, problems: [] });
      const c = await entries(cancelled);
      expect(c[0]!.details).toEqual({
        reserved: orderReservation(partial, { ltp: LTP, sellableQuantity: 0 }).amount.toString(),
        reducing: false,
        ltp: LTP,
        side: 'BUY',
        type: 'LIMIT',
        product: 'CNC',
        validity: 'DAY',
        quantity: 10,
        price: 1400 * TICK,
        triggerPrice: null,
        referencePrice: 1400 * TICK,
        shortQuantity: 0,
        backfilled: true,
      });
      expect(c.map((e) => [e.event, e.status])).toEqual([
        ['PLACED', 'PENDING'],
        ['SENDING', 'PENDING'],
        ['ACCEPTED', 'OPEN'],
        ['CANCEL_REQUESTED', 'OPEN'],
        ['FILL', 'PARTIALLY_FILLED'],
        ['CANCELLED', 'CANCELLED'],
        ['HOLD_RELEASED', 'CANCELLED'],
      ]);
      expect(c[1]!.details).toEqual({ attempt: 1 });
      expect((await entries(rejected))[3]!.details).toEqual({ reason: 'RMS: blocked' });
      // The documented limit: a modified order's backfilled terms are the ones after its modifications.
      expect((await entries(modified))[0]!.details).toMatchObject({ quantity: 7, price: 1390 * TICK, backfilled: true });

      // The table stays append-only after the migration.
      await expect(db.sql.rows(`UPDATE order_events SET status = 'OPEN' WHERE order_id = $1`, [cancelled])).rejects.toThrow();

      await migration.down(qr);
      expect((await entries(cancelled))[0]!.details).toEqual({
        reserved: orderReservation(partial, { ltp: LTP, sellableQuantity: 0 }).amount.toString(),
        reducing: false,
        ltp: LTP,
      });
      await migration.up(qr);
      expect((await verifier.verify({ orderIds: ids })).ok).toBe(true);
    } finally {
      await qr.release();
    }
  });
});
