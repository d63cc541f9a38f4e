import { depositTx, holdTx, releaseTx, settleTx, walletBook, type JournalTransaction } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerVerifier, PostTransactionUseCase } from '@tradeloop/wallet';
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
});
