import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Compliance surveillance (docs/api.md `GET /api/v1/compliance/orders`, `.../trades`) pages every
 * user's orders and fills newest first. Orders were indexed per user only, so everyone's newest
 * orders, or everyone's in one symbol, read the whole table: these walk (created_at, id) and
 * (symbol, created_at, id) from the newest. Fills already have (executed_at) for everyone; one
 * symbol's fills get (symbol, executed_at, id). The other filters (status, side, account kind,
 * person or strategy) are few-valued and are checked along the walk.
 */
export class SurveillanceIndexes1763828000000 implements MigrationInterface {
  name = 'SurveillanceIndexes1763828000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX orders_created ON orders (created_at DESC, id DESC);
      CREATE INDEX orders_symbol_created ON orders (symbol, created_at DESC, id DESC);
      CREATE INDEX trades_symbol_executed ON trades (symbol, executed_at DESC, id DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX trades_symbol_executed; DROP INDEX orders_symbol_created; DROP INDEX orders_created;`);
  }
}
