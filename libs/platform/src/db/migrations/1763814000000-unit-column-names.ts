import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One naming convention for columns that carry a unit (docs/architecture.md, "Units"): money
 * `*_paise` (bigint), prices `*_ticks` (bigint), trade values — quantity × price in ticks, the
 * domain's TradeValue — `*_tick_units` (numeric), quantities plain. The columns named otherwise
 * are renamed: the wallet's and the ledger's `*_minor`, the unsuffixed trade values of orders,
 * trades and positions, and the mock broker's unsuffixed prices and filled value.
 *
 * RENAME COLUMN carries every index, constraint and default that names a column; no view,
 * function or trigger body in this schema names any of these columns. Two CHECK constraints
 * named after their column by Postgres are renamed with it. Values are untouched: the ledger's
 * content hashes (libs/domain/src/ledger/canonical.ts) never depended on column names.
 */
const RENAMES: readonly (readonly [table: string, from: string, to: string])[] = [
  ['wallet_balances', 'cash_minor', 'cash_paise'],
  ['wallet_balances', 'held_minor', 'held_paise'],
  ['ledger_entries', 'amount_minor', 'amount_paise'],
  ['ledger_entries', 'balance_after_minor', 'balance_after_paise'],
  ['orders', 'filled_value', 'filled_value_tick_units'],
  ['trades', 'realized_delta', 'realized_delta_tick_units'],
  ['positions', 'lot_cost', 'lot_cost_tick_units'],
  ['positions', 'lot_closed_cash_flow', 'lot_closed_cash_flow_tick_units'],
  ['positions', 'realized_before_lot', 'realized_before_lot_tick_units'],
  ['mock_broker.orders', 'price', 'price_ticks'],
  ['mock_broker.orders', 'trigger_price', 'trigger_ticks'],
  ['mock_broker.orders', 'filled_value', 'filled_value_tick_units'],
  ['mock_broker.trades', 'price', 'price_ticks'],
];

const CONSTRAINTS: readonly (readonly [table: string, from: string, to: string])[] = [
  ['ledger_entries', 'ledger_entries_amount_minor_check', 'ledger_entries_amount_paise_check'],
  ['orders', 'orders_filled_value_check', 'orders_filled_value_tick_units_check'],
];

export class UnitColumnNames1763814000000 implements MigrationInterface {
  name = 'UnitColumnNames1763814000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, from, to] of RENAMES) await q.query(`ALTER TABLE ${table} RENAME COLUMN ${from} TO ${to}`);
    for (const [table, from, to] of CONSTRAINTS) await q.query(`ALTER TABLE ${table} RENAME CONSTRAINT ${from} TO ${to}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, from, to] of CONSTRAINTS) await q.query(`ALTER TABLE ${table} RENAME CONSTRAINT ${to} TO ${from}`);
    for (const [table, from, to] of RENAMES) await q.query(`ALTER TABLE ${table} RENAME COLUMN ${to} TO ${from}`);
  }
}
