import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Smart orders (docs/watchlist-trading.md, "Fan-out"): on an OpenAlgo account a watchlist leg's
 * delta goes out as `placesmartorder`, which names the account's net position the order should
 * leave at the broker (`position_size`) for the order's (symbol, product). `orders.position_size`
 * holds it: null for every ordinary order.
 */
export class SmartOrders1763819100000 implements MigrationInterface {
  name = 'SmartOrders1763819100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders ADD COLUMN position_size int`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP COLUMN position_size`);
  }
}
