import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `orders.pending_modification`: a change a user asked for (PATCH /orders/:id) that the broker
 * has not confirmed yet — `{ quantity?, price?, triggerPrice? }` in units and ticks. The order's
 * own terms and hold change only once the broker applies it; NULL when none is pending.
 */
export class OrderModification1763808000000 implements MigrationInterface {
  name = 'OrderModification1763808000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders ADD COLUMN pending_modification jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP COLUMN pending_modification`);
  }
}
