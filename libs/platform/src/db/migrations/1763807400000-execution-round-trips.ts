import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fewer round trips on the order path (bench/README.md, `orders`):
 * - the mock broker's id sequences step by 64: each `nextval` reserves a block of 64 ids that
 *   the process hands out from memory. Ids stay unique across processes and restarts (an
 *   abandoned block leaves a gap);
 * - `orders.send_attempts` counts how often the engine began sending an order. Bumped by an
 *   UPDATE — which re-reads the row after waiting for its lock — it tells a second attempt
 *   (a crash, a duplicate job) to look the order up at the broker before sending, in the same
 *   single statement that records the SENDING entry.
 */
export class ExecutionRoundTrips1763807400000 implements MigrationInterface {
  name = 'ExecutionRoundTrips1763807400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER SEQUENCE mock_broker.order_seq INCREMENT BY 64`);
    await q.query(`ALTER SEQUENCE mock_broker.trade_seq INCREMENT BY 64`);
    await q.query(`ALTER TABLE orders ADD COLUMN send_attempts int NOT NULL DEFAULT 0 CHECK (send_attempts >= 0)`);
    // Orders already marked SENDING by the previous engine count as attempted once.
    await q.query(
      `UPDATE orders o SET send_attempts = 1 WHERE EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.event = 'SENDING')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP COLUMN send_attempts`);
    await q.query(`ALTER SEQUENCE mock_broker.order_seq INCREMENT BY 1`);
    await q.query(`ALTER SEQUENCE mock_broker.trade_seq INCREMENT BY 1`);
  }
}
