import { randomUUID } from 'node:crypto';
import { BrokerAccountsRepository } from '@tradeloop/accounts';
import { demoUniverse, depositTx, holdTx, settleTx, walletBook } from '@tradeloop/domain';
import { Db, MIGRATIONS } from '@tradeloop/platform';
import { InstrumentsRepository } from '@tradeloop/market';
import { LedgerVerifier, PostTransactionUseCase } from '@tradeloop/wallet';
import type { MigrationInterface } from 'typeorm';
import { createUser, useTestApi } from './support/test-api';

/**
 * 1763814000000 renames the columns whose names did not end in their unit (docs/architecture.md,
 * "Units"). Down and up again keep every value, and the ledger verifies — content hashes, chain,
 * balances — on either side: its hashes never depended on column names.
 */
const { api } = useTestApi({}, { logLevel: 'warn' });
const Renames = MIGRATIONS.find((m) => m.name === 'UnitColumnNames1763814000000')!;
const migration: MigrationInterface = new Renames();

const RENAMED: Record<string, [before: string, after: string][]> = {
  'public.wallet_balances': [
    ['cash_minor', 'cash_paise'],
    ['held_minor', 'held_paise'],
  ],
  'public.ledger_entries': [
    ['amount_minor', 'amount_paise'],
    ['balance_after_minor', 'balance_after_paise'],
  ],
  'public.orders': [['filled_value', 'filled_value_tick_units']],
  'public.trades': [['realized_delta', 'realized_delta_tick_units']],
  'public.positions': [
    ['lot_cost', 'lot_cost_tick_units'],
    ['lot_closed_cash_flow', 'lot_closed_cash_flow_tick_units'],
    ['realized_before_lot', 'realized_before_lot_tick_units'],
  ],
  'mock_broker.orders': [
    ['price', 'price_ticks'],
    ['trigger_price', 'trigger_ticks'],
    ['filled_value', 'filled_value_tick_units'],
  ],
  'mock_broker.trades': [['price', 'price_ticks']],
};

const db = () => api.app.get(Db);
const columns = async (): Promise<Set<string>> =>
  new Set(
    (
      await db().sql.rows<{ c: string }>(
        `SELECT table_schema || '.' || table_name || '.' || column_name AS c FROM information_schema.columns
         WHERE table_schema IN ('public', 'mock_broker')`,
      )
    ).map((r) => r.c),
  );
const constraints = async (): Promise<string[]> =>
  (
    await db().sql.rows<{ n: string }>(
      `SELECT conname AS n FROM pg_constraint WHERE conname IN
         ('ledger_entries_amount_minor_check', 'ledger_entries_amount_paise_check', 'orders_filled_value_check', 'orders_filled_value_tick_units_check')
       ORDER BY conname`,
    )
  ).map((r) => r.n);

/** Every ledger entry, the wallets and one position, read under either set of names. */
async function snapshot(names: 'before' | 'after', userId: string) {
  const [amount, balanceAfter] = names === 'before' ? ['amount_minor', 'balance_after_minor'] : ['amount_paise', 'balance_after_paise'];
  const [cash, held] = names === 'before' ? ['cash_minor', 'held_minor'] : ['cash_paise', 'held_paise'];
  const lot = names === 'before' ? 'lot_cost' : 'lot_cost_tick_units';
  return {
    entries: await db().sql.rows(
      `SELECT e.id::text, e.transaction_id, e.${amount}::text AS amount, e.${balanceAfter}::text AS balance_after, t.content_hash, c.hash
       FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id LEFT JOIN ledger_chain c ON c.transaction_id = t.id
       ORDER BY e.id`,
    ),
    wallets: await db().sql.rows(`SELECT user_id, ${cash}::text AS cash, ${held}::text AS held FROM wallet_balances ORDER BY user_id`),
    position: await db().sql.one(`SELECT net_quantity, ${lot}::text AS lot FROM positions WHERE user_id = $1`, [userId]),
  };
}

describe('unit column names migration', () => {
  it('renames to one suffix per unit and back, keeping every value; the ledger verifies under both', async () => {
    await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
    const user = await createUser(api);
    const post = api.app.get(PostTransactionUseCase);
    await post.execute(depositTx(walletBook(user.id), 1_00_000_00n, 'deposit-1'));
    await post.execute(holdTx(walletBook(user.id), 14_000_00n, 'order-1'));
    await post.execute(settleTx(walletBook(user.id), { heldAmount: 14_000_00n, cost: 13_990_00n, fees: 20_00n, taxes: 5_14n }, 'trade-1'));
    // Positions are per broker account since 1763815200000: this one is the user's paper account's.
    const paper = await api.app.get(BrokerAccountsRepository).ensurePaperAccount(user.id, randomUUID());
    await db().sql.rows(
      `INSERT INTO positions (user_id, account_id, symbol, product, net_quantity, lot_cost_tick_units, lot_quantity, lot_closed_quantity,
         lot_closed_cash_flow_tick_units, realized_before_lot_tick_units)
       VALUES ($1, $2, 'RELIANCE', 'CNC', 10, 139900000, 10, 0, 0, 0)`,
      [user.id, paper],
    );
    const verifier = api.app.get(LedgerVerifier);
    const verified = await verifier.verify();
    expect(verified.ok).toBe(true);
    const after = await snapshot('after', user.id);
    expect(after.position).toEqual({ net_quantity: 10, lot: '139900000' });

    const isAfter = await columns();
    for (const [table, pairs] of Object.entries(RENAMED))
      for (const [before, renamed] of pairs) {
        expect(isAfter.has(`${table}.${renamed}`)).toBe(true);
        expect(isAfter.has(`${table}.${before}`)).toBe(false);
      }
    expect(await constraints()).toEqual(['ledger_entries_amount_paise_check', 'orders_filled_value_tick_units_check']);

    const qr = db().dataSource.createQueryRunner();
    try {
      await migration.down(qr);
      const isBefore = await columns();
      for (const [table, pairs] of Object.entries(RENAMED))
        for (const [before, renamed] of pairs) {
          expect(isBefore.has(`${table}.${before}`)).toBe(true);
          expect(isBefore.has(`${table}.${renamed}`)).toBe(false);
        }
      expect(await constraints()).toEqual(['ledger_entries_amount_minor_check', 'orders_filled_value_check']);
      expect(await snapshot('before', user.id)).toEqual(after);

      await migration.up(qr);
      expect(await snapshot('after', user.id)).toEqual(after);
      expect(await columns()).toEqual(isAfter);
    } finally {
      await qr.release();
    }
    // Same transactions, same hashes, same chain head; and the ledger still takes postings.
    const again = await verifier.verify();
    expect(again).toMatchObject({ ok: true, transactionsChecked: verified.transactionsChecked, chainHead: verified.chainHead });
    await expect(post.execute(holdTx(walletBook(user.id), 1_00n, 'order-2'))).resolves.toMatchObject({ wallet: { held: '1.00' } });
  });
});
