import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The execution path's note about an alert order names only the order: this finds the `ordered`
 * delivery holding it (docs/alerts.md "Processing") without scanning the deliveries.
 */
export class AlertOrdersIndex1763826700000 implements MigrationInterface {
  name = 'AlertOrdersIndex1763826700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX webhook_deliveries_ordered ON webhook_deliveries USING gin (order_ids) WHERE status = 'ordered'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX webhook_deliveries_ordered`);
  }
}
