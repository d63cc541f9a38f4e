import { v7 as uuidv7 } from 'uuid';
import { holdTx, paperBook, type BrokerAccountId, type UserId } from '@tradeloop/domain';
import { Db, type Sql } from '@tradeloop/platform';
import { LedgerRepository, SetPaperBalanceUseCase } from '@tradeloop/wallet';
import { signedIn, useTestApi } from './support/test-api';
import { eventually } from './support/market-socket';

/**
 * The ledger's posting statement locks every balance row it moves first, in one order (wallets by
 * user, then paper and mirror books by account), whatever plan its UPDATE … FROM gets. Before, the
 * join's own order decided: an intake batch and an engine batch touching the same two paper books
 * deadlocked once in a 100/s bench run (issue 20). Here the plan that reads the heap in physical
 * order is forced (no nested loop, no merge join), with the later account's row physically first.
 */
const { api } = useTestApi();
const db = () => api.app.get(Db);
const ledger = () => api.app.get(LedgerRepository);

it('two postings over the same two paper books in opposite orders both commit: no deadlock', async () => {
  const t = await signedIn(api);
  const user = t.user.id as UserId;
  // a < b (UUIDv7 ids grow); b's book is opened first, so a heap scan reads b's row before a's.
  const a: BrokerAccountId = uuidv7();
  const b: BrokerAccountId = uuidv7();
  const open = (id: BrokerAccountId) => api.app.get(SetPaperBalanceUseCase).execute(id, user, '1000.00', `lock-order-${id}`, {});
  await open(b);
  await open(a);
  const heapOrder = await db().sql.rows<{ account_id: string }>(
    `SELECT account_id FROM paper_balances WHERE account_id = ANY($1::uuid[]) ORDER BY ctid`,
    [[a, b]],
  );
  expect(heapOrder.map((r) => r.account_id)).toEqual([b, a]);

  const both = (sql: Sql, key: string) =>
    ledger().postMany(sql, [holdTx(paperBook(b, user), 1n, `${key}-b`), holdTx(paperBook(a, user), 1n, `${key}-a`)]);
  let releaseFirst!: () => void;
  const firstHolds = new Promise<void>((r) => (releaseFirst = r));
  let firstLocked!: () => void;
  const aLocked = new Promise<void>((r) => (firstLocked = r));
  // T1 moves book a and keeps the transaction open.
  const t1 = db().tx(async (sql) => {
    await ledger().postMany(sql, [holdTx(paperBook(a, user), 1n, `t1-a-${a}`)]);
    firstLocked();
    await firstHolds;
    // …then book b, while T2 waits for a: T2 must not be holding b.
    await ledger().postMany(sql, [holdTx(paperBook(b, user), 1n, `t1-b-${b}`)]);
  });
  await aLocked;
  // T2 moves b and a in one statement, with the plan that reads b's row first.
  const t2 = db().tx(async (sql) => {
    await sql.rows(`SET LOCAL enable_nestloop = off`);
    await sql.rows(`SET LOCAL enable_mergejoin = off`);
    await both(sql, `t2-${a}`);
  });
  await eventually(
    async () =>
      (
        await db().sql.rows<{ n: string }>(
          `SELECT count(*)::text n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'WITH i AS%'`,
        )
      )[0]!.n !== '0',
    10_000,
    'T2 to wait for a lock',
  );
  releaseFirst();
  const [r1, r2] = await Promise.allSettled([t1, t2]);
  expect(r1.status === 'rejected' ? String(r1.reason) : 'ok').toBe('ok');
  expect(r2.status === 'rejected' ? String(r2.reason) : 'ok').toBe('ok');
  const rows = await db().sql.rows<{ account_id: string; cash: string }>(
    `SELECT account_id, cash_paise::text cash FROM paper_balances WHERE account_id = ANY($1::uuid[]) ORDER BY account_id`,
    [[a, b]],
  );
  // Each book: ₹1,000.00 less 2 paise held (one by T1, one by T2).
  expect(rows.map((r) => r.cash)).toEqual(['99998', '99998']);
}, 30_000);
