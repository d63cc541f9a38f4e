import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The latest report of each broker order a sliced order was split into (Kite autoslice, Upstox
 * v3 slices): a report for one slice is combined with what the others last said before it is
 * applied to our order (libs/brokers/src/execution/slice-book.ts). Null for an order the broker
 * holds under one id — the common case, which needs nothing stored. Nullable without a default:
 * adding it rewrites nothing.
 */
export class OrderBrokerSlices1763814300000 implements MigrationInterface {
  name = 'OrderBrokerSlices1763814300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders ADD COLUMN broker_slices jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP COLUMN broker_slices`);
  }
}
