import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Order history entries in the typed shapes of `OrderHistoryEvent` (libs/domain/src/trading/order-history.ts),
 * so every stored history replays to its order (`replayOrder`). The entry names stay as they were;
 * rows written before this change are completed where the shape grew, and two kinds of wrong
 * status are corrected:
 * - PLACED gains the order's terms and reservation basis, copied from the order row, marked
 *   `backfilled` (for an order modified before now those are its terms after the modifications;
 *   its MODIFIED entries then repeat them, so it still replays to its row);
 * - SENDING written before send attempts were counted (1763807400000) gains `attempt`, its number
 *   among the order's SENDING entries;
 * - REJECTED from a broker report gains `reason`, the order's reject reason;
 * - a FILL applied together with the order's end (one broker report: filled part, then cancelled
 *   or expired) was stored with the final status; it is PARTIALLY_FILLED, the status after it (a
 *   fill that completed the order leaves nothing to cancel);
 * - CANCEL_REQUESTED by the kill switch was stored as PENDING whatever the order's status; it is
 *   the status of the entry before it (a cancel request does not change the status).
 *
 * `order_events` is append-only (trigger order_events_no_update); the trigger is disabled for
 * these statements only, inside this migration's transaction. Down removes what PLACED gained;
 * the other corrections are right under either shape and stay.
 */
export class OrderHistoryTyped1763813400000 implements MigrationInterface {
  name = 'OrderHistoryTyped1763813400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_events DISABLE TRIGGER order_events_no_update`);
    await q.query(`
      UPDATE order_events e SET details = e.details || jsonb_build_object(
          'side', o.side, 'type', o.type, 'product', o.product, 'validity', o.validity, 'quantity', o.quantity,
          'price', o.price_ticks, 'triggerPrice', o.trigger_ticks, 'referencePrice', o.reference_price_ticks,
          'shortQuantity', o.short_quantity, 'backfilled', true)
        FROM orders o
        WHERE e.order_id = o.id AND e.event = 'PLACED' AND NOT (e.details ? 'side');

      UPDATE order_events e SET details = e.details || jsonb_build_object('attempt', n.attempt)
        FROM (SELECT id, row_number() OVER (PARTITION BY order_id ORDER BY id) AS attempt FROM order_events WHERE event = 'SENDING') n
        WHERE e.id = n.id AND NOT (e.details ? 'attempt');

      UPDATE order_events e SET details = e.details || jsonb_build_object('reason', coalesce(o.reject_reason, 'Rejected'))
        FROM orders o
        WHERE e.order_id = o.id AND e.event = 'REJECTED' AND NOT (e.details ? 'reason');

      UPDATE order_events SET status = 'PARTIALLY_FILLED' WHERE event = 'FILL' AND status IN ('CANCELLED', 'EXPIRED', 'REJECTED');

      WITH fix AS (
        SELECT e.id, (
          SELECT p.status FROM order_events p
          WHERE p.order_id = e.order_id AND p.id < e.id AND NOT (p.event = 'CANCEL_REQUESTED' AND p.details->>'by' = 'kill switch')
          ORDER BY p.id DESC LIMIT 1
        ) AS status
        FROM order_events e WHERE e.event = 'CANCEL_REQUESTED' AND e.details->>'by' = 'kill switch'
      )
      UPDATE order_events e SET status = fix.status FROM fix WHERE e.id = fix.id AND fix.status IS NOT NULL AND e.status <> fix.status;
    `);
    await q.query(`ALTER TABLE order_events ENABLE TRIGGER order_events_no_update`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_events DISABLE TRIGGER order_events_no_update`);
    await q.query(`
      UPDATE order_events
        SET details = details - ARRAY['side', 'type', 'product', 'validity', 'quantity', 'price', 'triggerPrice', 'referencePrice', 'shortQuantity', 'backfilled']
        WHERE event = 'PLACED' AND details ? 'backfilled'
    `);
    await q.query(`ALTER TABLE order_events ENABLE TRIGGER order_events_no_update`);
  }
}
