import { depositTx, holdTx, releaseTx, settleTx, walletBook, type JournalTransaction } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerRepository, LedgerVerifier, PostTransactionUseCase } from '@tradeloop/wallet';
import { createUser, useTestApi } from './support/test-api';

const { api } = useTestApi();
const post = (tx: JournalTransaction) => api.app.get(PostTransactionUseCase).execute(tx);

describe('group-committed postings', () => {
  it('hundreds of concurrent postings across and within wallets: each answered, none lost, ledger verifies', async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => createUser(api)));
    await Promise.all(users.map((u) => post(depositTx(walletBook(u.id), 100_000n, `fund-${u.id}`))));
    // Per user: 40 holds of 3,000 against 100,000 → exactly 33 fit; then releases and settles.
    const holds = await Promise.allSettled(
      users.flatMap((u) => Array.from({ length: 40 }, (_, i) => post(holdTx(walletBook(u.id), 3_000n, `h-${i}`)))),
    );
    const ok = holds.filter((r) => r.status === 'fulfilled');
    const refused = holds.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(8 * 33);
    expect(refused.every((r) => r.reason.code === 'INSUFFICIENT_FUNDS')).toBe(true);
    await Promise.all(
      users.flatMap((u) => [
        post(releaseTx(walletBook(u.id), 9_000n, 'rel')),
        post(settleTx(walletBook(u.id), { heldAmount: 6_000n, cost: 5_500n, fees: 20n, taxes: 4n }, 'set')),
      ]),
    );
    const rows = await api.app.get(Db).sql.rows<{
      cash: string;
      held: string;
    }>(`SELECT cash_paise::text cash, held_paise::text held FROM wallet_balances WHERE user_id = ANY($1::uuid[])`, [users.map((u) => u.id)]);
    // 100,000 − 33×3,000 = 1,000 cash; held 99,000 − 9,000 − 6,000 = 84,000; cash +9,000 +476.
    for (const r of rows) expect(r).toEqual({ cash: '10476', held: '84000' });
    const verify = await api.app.get(LedgerVerifier).verify();
    expect(verify).toMatchObject({ ok: true, trialBalance: '0.00', problems: [] });
  });

  it('every posting in a batch gets its own balance-after, in order', async () => {
    const u = await createUser(api);
    await post(depositTx(walletBook(u.id), 1_000n, 'f'));
    const posted = await Promise.all(Array.from({ length: 10 }, (_, i) => post(holdTx(walletBook(u.id), 100n, `o${i}`))));
    const heldAfter = posted.map((p) => p.transaction.entries.find((e) => e.account.endsWith(':held'))!.balanceAfter).sort();
    expect(heldAfter).toEqual(['1.00', '10.00', '2.00', '3.00', '4.00', '5.00', '6.00', '7.00', '8.00', '9.00']);
  });

  it('several transactions on one book in one statement: applied in order, each with its balance-after, all or none', async () => {
    const u = await createUser(api);
    const ledger = api.app.get(LedgerRepository);
    const db = api.app.get(Db);
    await post(depositTx(walletBook(u.id), 10_000n, 'f'));
    await post(holdTx(walletBook(u.id), 6_000n, 'h'));
    // A fill's settlement and the release of the rest of its hold, as one statement.
    const { written, ids } = await ledger.postMany(db.sql, [
      settleTx(walletBook(u.id), { heldAmount: 5_000n, cost: 4_900n, fees: 10n, taxes: 2n }, 'fill'),
      releaseTx(walletBook(u.id), 1_000n, 'rest'),
    ]);
    expect(written.size).toBe(2);
    const held = (i: number) =>
      written
        .get(ids[i]!)!
        .transaction.entries.filter((e) => e.account.endsWith(':held'))
        .map((e) => e.balanceAfter);
    expect(held(0).at(-1)).toBe('10.00');
    expect(held(1)).toEqual(['0.00']);
    // The settlement's entries run down from the hold of 60.00 through its own lines, in order.
    expect(held(0)[0]).toBe('11.00');
    expect(written.get(ids[1]!)!.balances).toMatchObject({ available: '50.88', held: '0.00' });
    // A step that would overdraw (the second hold) refuses the book's transactions together, in the same statement.
    const refused = await ledger.postMany(db.sql, [holdTx(walletBook(u.id), 5_000n, 'a'), holdTx(walletBook(u.id), 200n, 'b')]);
    expect(refused.written.size).toBe(0);
    // A later step may rely on an earlier one's money (release, then hold).
    await post(holdTx(walletBook(u.id), 5_000n, 'h2'));
    const reversed = await ledger.postMany(db.sql, [holdTx(walletBook(u.id), 5_088n, 'h3'), releaseTx(walletBook(u.id), 5_000n, 'r2')]);
    expect(reversed.written.size).toBe(0);
    const ordered = await ledger.postMany(db.sql, [releaseTx(walletBook(u.id), 5_000n, 'r2'), holdTx(walletBook(u.id), 5_088n, 'h3')]);
    expect(ordered.written.size).toBe(2);
    const w = await db.sql.one<{ cash: string; held: string }>(
      `SELECT cash_paise::text cash, held_paise::text held FROM wallet_balances WHERE user_id = $1`,
      [u.id],
    );
    expect(w).toEqual({ cash: '0', held: '5088' });
    expect(await api.app.get(LedgerVerifier).verify()).toMatchObject({ ok: true, problems: [] });
  });
});
