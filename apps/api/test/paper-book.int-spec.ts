import { v7 as uuidv7 } from 'uuid';
import {
  depositTx,
  holdTx,
  paperBook,
  releaseTx,
  saleSettleTx,
  settleTx,
  walletBook,
  type Book,
  type BrokerAccountId,
  type JournalTransaction,
  type UserId,
} from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerRepository, LedgerSealer, PostTransactionUseCase, SetPaperBalanceUseCase } from '@tradeloop/wallet';
import { signedIn, useTestApi } from './support/test-api';
import { tamper as tamperAs } from './support/tamper';

// The paper book of the ledger (docs/domain.md, "Accounts and books"): paper money kept apart
// from the real wallet, with the same double-entry rules, the same chain and the same verify.

const { api, ctx } = useTestApi();

const sql = <T>(text: string, params: unknown[] = []) => api.app.get(Db).sql.rows<T>(text, params);
const post = <B extends Book>(tx: JournalTransaction<B>) => api.app.get(PostTransactionUseCase).execute(tx);
const setBalance = (accountId: BrokerAccountId, userId: UserId, amount: string, key: string) =>
  api.app.get(SetPaperBalanceUseCase).execute(accountId, userId, amount, key, {});
const verify = async (token: string) => (await api.http.get('/api/v1/compliance/ledger/verify', token)).body;

const tamper = (statement: string, params: unknown[]) => tamperAs(ctx.databaseUrl, 'ledger_entries', statement, params);

/** A trader with ₹1,000.00 of real money and a paper account (its id is all the ledger knows of it). */
async function trader() {
  const t = await signedIn(api);
  await post(depositTx(walletBook(t.user.id), 1_000_00n, `fund-${t.user.id}`));
  const accountId: BrokerAccountId = uuidv7();
  return { ...t, accountId, paper: paperBook(accountId, t.user.id) };
}

const paperRow = async (accountId: string) =>
  (
    await sql<{ cash: string; held: string }>(
      `SELECT cash_paise::text cash, held_paise::text held FROM paper_balances WHERE account_id = $1`,
      [accountId],
    )
  )[0];
const walletRow = async (userId: string) =>
  (
    await sql<{ cash: string; held: string }>(
      `SELECT cash_paise::text cash, held_paise::text held FROM wallet_balances WHERE user_id = $1`,
      [userId],
    )
  )[0];

describe('setting a paper balance', () => {
  it('opens the book, lands once per key, is audited, and a reset moves only the difference (held stays held)', async () => {
    const t = await trader();
    const first = await setBalance(t.accountId, t.user.id, '100000.00', 'set-1');
    expect(first.replayed).toBe(false);
    expect(first.body.balance).toEqual({ currency: 'INR', available: '100000.00', held: '0.00', total: '100000.00' });
    expect(first.body.transaction).toMatchObject({ type: 'SET_BALANCE', userId: t.user.id });
    expect(first.body.transaction!.entries.map((e) => [e.account, e.amount])).toEqual([
      ['paper:external', '-100000.00'],
      [`paper:${t.accountId}:cash`, '100000.00'],
    ]);

    const again = await setBalance(t.accountId, t.user.id, '100000.00', 'set-1');
    expect(again.replayed).toBe(true);
    expect(again.body.transaction!.id).toBe(first.body.transaction!.id);
    await expect(setBalance(t.accountId, t.user.id, '5.00', 'set-1')).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });

    // An open paper order holds ₹30,000; a reset to ₹50,000 sets what is available and releases nothing.
    await post(holdTx(t.paper, 30_000_00n, 'paper-order-1'));
    const reset = await setBalance(t.accountId, t.user.id, '50000.00', 'set-2');
    expect(reset.body.balance).toEqual({ currency: 'INR', available: '50000.00', held: '30000.00', total: '80000.00' });
    expect(reset.body.transaction!.entries.map((e) => [e.account, e.amount])).toEqual([
      [`paper:${t.accountId}:cash`, '-20000.00'],
      ['paper:external', '20000.00'],
    ]);
    // The same amount again: nothing to move, nothing posted, nothing audited.
    const unchanged = await setBalance(t.accountId, t.user.id, '50000.00', 'set-3');
    expect(unchanged.body.transaction).toBeNull();

    const audits = await sql<{ details: { amount: string; previous: string } }>(
      `SELECT details FROM audit_events WHERE action = 'broker_account.paper_balance_set' AND subject = $1 ORDER BY id`,
      [`broker_account:${t.accountId}`],
    );
    expect(audits.map((a) => [a.details.previous, a.details.amount])).toEqual([
      ['0.00', '100000.00'],
      ['70000.00', '50000.00'],
    ]);
    expect(await paperRow(t.accountId)).toEqual({ cash: '5000000', held: '3000000' });
    expect(await walletRow(t.user.id)).toEqual({ cash: '100000', held: '0' });
  });

  it("refuses another user's paper account, a malformed amount, and never touches a wallet", async () => {
    const owner = await trader();
    const other = await trader();
    await setBalance(owner.accountId, owner.user.id, '10.00', 'k');
    await expect(setBalance(owner.accountId, other.user.id, '20.00', 'k')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(setBalance(owner.accountId, owner.user.id, '-1.00', 'k2')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(setBalance(owner.accountId, owner.user.id, '1.001', 'k3')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await paperRow(owner.accountId)).toEqual({ cash: '1000', held: '0' });
    expect(await walletRow(other.user.id)).toEqual({ cash: '100000', held: '0' });
  });
});

describe('paper orders: hold, settle, release in the paper book', () => {
  it('move only paper money; the real wallet and its entries (API and repository) never see it', async () => {
    const t = await trader();
    const compliance = await signedIn(api, ['compliance']);
    const walletBefore = (await api.http.get('/api/v1/wallet', t.token)).body;
    await setBalance(t.accountId, t.user.id, '1000.00', 'paper-start');

    const hold = await post(holdTx(t.paper, 60_000n, 'paper-order'));
    expect(hold.wallet).toBeUndefined();
    expect(hold.balances).toEqual({ currency: 'INR', available: '400.00', held: '600.00', total: '1000.00' });
    const settle = await post(settleTx(t.paper, { heldAmount: 60_000n, cost: 55_000n, fees: 1_650n, taxes: 297n }, 'paper-trade-1'));
    expect(settle.balances).toEqual({ currency: 'INR', available: '430.53', held: '0.00', total: '430.53' });
    expect(settle.transaction.entries.map((e) => e.account)).toEqual([
      `paper:${t.accountId}:held`,
      'paper:clearing',
      `paper:${t.accountId}:held`,
      'paper:fees',
      `paper:${t.accountId}:held`,
      'paper:taxes',
      `paper:${t.accountId}:held`,
      `paper:${t.accountId}:cash`,
    ]);
    await post(holdTx(t.paper, 10_000n, 'paper-order-2'));
    await post(releaseTx(t.paper, 10_000n, 'paper-order-2'));
    const sale = await post(saleSettleTx(t.paper, { proceeds: 56_000n, fees: 20n, taxes: 5n }, 'paper-trade-2'));
    expect(sale.balances.available).toBe('990.28');

    // The real wallet: unchanged, through the repository and the API.
    expect(await walletRow(t.user.id)).toEqual({ cash: '100000', held: '0' });
    const ledger = api.app.get(LedgerRepository);
    const db = api.app.get(Db).sql;
    expect(await ledger.bookBalances(db, t.paper)).toEqual({ cash: 99_028n, held: 0n });
    expect(await ledger.bookBalances(db, walletBook(t.user.id))).toEqual({ cash: 100_000n, held: 0n });
    expect(await ledger.bookBalances(db, paperBook(t.accountId, compliance.user.id))).toBeUndefined();
    expect(await ledger.paperBalance(t.accountId)).toMatchObject({ userId: t.user.id, cash: 99_028n, held: 0n });
    expect(await ledger.wallet(t.user.id)).toEqual(walletBefore);
    expect((await api.http.get('/api/v1/wallet', t.token)).body).toEqual(walletBefore);
    const own = (await api.http.get('/api/v1/wallet/entries?limit=100', t.token)).body.items as { account: string }[];
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((e) => e.account.startsWith('user:'))).toBe(true);

    // Stored apart: no user_id on paper entries, every entry of a paper transaction names its account
    // (22 entries: set 2, hold 2, settle 8, hold 2, release 2, sale 6).
    const stored = await sql<{ user_id: string | null; paper_account_id: string | null; n: string }>(
      `SELECT user_id, paper_account_id, count(*)::text n FROM ledger_entries WHERE account LIKE 'paper:%' AND transaction_id IN
         (SELECT transaction_id FROM ledger_entries WHERE account LIKE $1) GROUP BY 1, 2`,
      [`paper:${t.accountId}:%`],
    );
    expect(stored).toEqual([{ user_id: null, paper_account_id: t.accountId, n: '22' }]);

    // Compliance filters by book and by paper account; the export too.
    const paperOnly = await api.http.get(`/api/v1/compliance/ledger?book=paper&paperAccountId=${t.accountId}&limit=100`, compliance.token);
    expect(paperOnly.status).toBe(200);
    expect(paperOnly.body.items).toHaveLength(22);
    expect(paperOnly.body.items.every((e: { account: string }) => e.account.startsWith('paper:'))).toBe(true);
    const walletOnly = await api.http.get(`/api/v1/compliance/ledger?book=wallet&limit=100`, compliance.token);
    expect(walletOnly.body.items.length).toBeGreaterThan(0);
    expect(walletOnly.body.items.some((e: { account: string }) => e.account.startsWith('paper:'))).toBe(false);
    expect((await api.http.get(`/api/v1/compliance/ledger?book=real`, compliance.token)).status).toBe(400);
    const csv = await api.http.get(`/api/v1/compliance/ledger/export.csv?paperAccountId=${t.accountId}`, compliance.token);
    const lines = csv.text.trim().split('\n').slice(1);
    expect(lines).toHaveLength(22);
    expect(lines.every((l) => l.includes('paper:'))).toBe(true);

    // Same chain, same verify.
    await api.app.get(LedgerSealer).sealAll({ wait: true });
    const drill = (await api.http.get(`/api/v1/compliance/ledger/transactions/${settle.transaction.id}`, compliance.token)).body;
    expect(drill.seq).not.toBeNull();
    expect(drill.contentHash).toBe(settle.transaction.contentHash);
    expect(await verify(compliance.token)).toMatchObject({ ok: true, trialBalance: '0.00', problems: [] });
  });

  it('refuses an overdraft, an unopened book, a foreign book and a transaction that mixes books — writing nothing', async () => {
    const t = await trader();
    const other = await trader();
    await setBalance(t.accountId, t.user.id, '100.00', 'start');
    const count = async () => Number((await sql<{ n: string }>(`SELECT count(*)::text n FROM ledger_transactions`))[0]!.n);
    const before = await count();

    await expect(post(holdTx(t.paper, 10_001n, 'too-much'))).rejects.toMatchObject({
      code: 'INSUFFICIENT_FUNDS',
      message: expect.stringContaining('paper balance is 100.00'),
    });
    await expect(post(releaseTx(t.paper, 1n, 'nothing-held'))).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    // A paper account whose balance was never set has nothing in it.
    await expect(post(holdTx(other.paper, 1n, 'unopened'))).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    // The book of t's paper account, claimed for another user: its balance row has one owner.
    await expect(post(holdTx(paperBook(t.accountId, other.user.id), 1n, 'foreign'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A hand-made transaction moving real cash into the paper account: refused before any SQL.
    const mixed: JournalTransaction<Book> = {
      type: 'HOLD',
      book: t.paper,
      userId: t.user.id,
      reference: 'mixed',
      postings: [
        { account: { kind: 'user', userId: t.user.id, bucket: 'cash' }, amount: -100n, type: 'HOLD' },
        { account: { kind: 'paper', accountId: t.accountId, bucket: 'cash' }, amount: 100n, type: 'HOLD' },
      ],
    };
    await expect(post(mixed)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(api.app.get(Db).tx((s) => api.app.get(LedgerRepository).post(s, mixed))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    // Admins' deposits are real money only: not even a cast gets one into a paper book.
    expect(() => depositTx(t.paper as never, 100n, 'paper-deposit')).toThrow(/wallet book only/);

    expect(await count()).toBe(before);
    expect(await paperRow(t.accountId)).toEqual({ cash: '10000', held: '0' });
    expect(await walletRow(t.user.id)).toEqual({ cash: '100000', held: '0' });
  });
});

describe('concurrency', () => {
  it('concurrent paper holds never reserve more than the paper balance, beside real postings of the same user', async () => {
    const t = await trader();
    await setBalance(t.accountId, t.user.id, '100.00', 'start');
    const paper = Array.from({ length: 30 }, (_, i) => post(holdTx(t.paper, 1_000n, `p${i}`)));
    const real = Array.from({ length: 10 }, (_, i) => post(holdTx(walletBook(t.user.id), 1_000n, `w${i}`)));
    // And in callers' own transactions (an order's), racing the group-committed ones.
    const inTx = Array.from({ length: 10 }, (_, i) =>
      api.app.get(Db).tx((s) => api.app.get(LedgerRepository).post(s, holdTx(t.paper, 1_000n, `t${i}`))),
    );
    const paperResults = await Promise.allSettled([...paper, ...inTx]);
    const realResults = await Promise.allSettled(real);
    expect(paperResults.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    for (const r of paperResults) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expect(realResults.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(await paperRow(t.accountId)).toEqual({ cash: '0', held: '10000' });
    expect(await walletRow(t.user.id)).toEqual({ cash: '90000', held: '10000' });
    const compliance = await signedIn(api, ['compliance']);
    expect(await verify(compliance.token)).toMatchObject({ ok: true, problems: [] });
  });

  it('two concurrent resets with different keys both land, one after the other, and the balance is one of them', async () => {
    const t = await trader();
    await setBalance(t.accountId, t.user.id, '100.00', 'start');
    await Promise.all([setBalance(t.accountId, t.user.id, '300.00', 'a'), setBalance(t.accountId, t.user.id, '700.00', 'b')]);
    const row = await paperRow(t.accountId);
    expect(['30000', '70000']).toContain(row!.cash);
    const sums = await sql<{ total: string }>(`SELECT SUM(amount_paise)::text total FROM ledger_entries WHERE account = $1`, [
      `paper:${t.accountId}:cash`,
    ]);
    expect(sums[0]!.total).toBe(row!.cash);
  });
});

describe('verify covers paper entries exactly like real ones', () => {
  it('names a tampered paper entry, a paper entry moved into a wallet view, and a lost paper account id', async () => {
    const compliance = await signedIn(api, ['compliance']);
    const t = await trader();
    await setBalance(t.accountId, t.user.id, '500.00', 'start');
    const victim = await post(holdTx(t.paper, 5_000n, 'tampered'));
    await api.app.get(LedgerSealer).sealAll({ wait: true });
    const id = victim.transaction.id;

    await tamper(`UPDATE ledger_entries SET amount_paise = amount_paise * 2 WHERE transaction_id = $1 AND amount_paise > 0`, [id]);
    let res = await verify(compliance.token);
    expect(res.ok).toBe(false);
    const kinds = res.problems.filter((p: { transactionId?: string }) => p.transactionId === id).map((p: { kind: string }) => p.kind);
    expect(kinds).toEqual(expect.arrayContaining(['BROKEN_CONTENT_HASH', 'UNBALANCED_TRANSACTION']));
    expect(res.problems).toContainEqual(
      expect.objectContaining({
        kind: 'BALANCE_MISMATCH',
        userId: t.user.id,
        detail: expect.stringContaining(`paper account ${t.accountId} held`),
      }),
    );
    expect(res.problems).toContainEqual(
      expect.objectContaining({ kind: 'UNBALANCED_TRANSACTION', detail: expect.stringContaining('paper books sum to') }),
    );
    await tamper(`UPDATE ledger_entries SET amount_paise = amount_paise / 2 WHERE transaction_id = $1 AND amount_paise > 0`, [id]);
    expect((await verify(compliance.token)).ok).toBe(true);

    // A paper entry given the owner's user_id would show in their real wallet's entries.
    await tamper(`UPDATE ledger_entries SET user_id = $2 WHERE transaction_id = $1 AND position = 0`, [id, t.user.id]);
    res = await verify(compliance.token);
    expect(res.problems).toContainEqual(expect.objectContaining({ kind: 'BOOK_MISMATCH', transactionId: id }));
    await tamper(`UPDATE ledger_entries SET user_id = NULL WHERE transaction_id = $1`, [id]);

    // A paper entry that lost its paper account id would count as real money in book filters.
    await tamper(`UPDATE ledger_entries SET paper_account_id = NULL WHERE transaction_id = $1 AND position = 1`, [id]);
    res = await verify(compliance.token);
    expect(res.problems).toContainEqual(expect.objectContaining({ kind: 'BOOK_MISMATCH', transactionId: id }));
    await tamper(`UPDATE ledger_entries SET paper_account_id = $2 WHERE transaction_id = $1`, [id, t.accountId]);

    // The paper house leg of the set-balance transaction claimed for another paper account.
    const [set] = await sql<{ transaction_id: string }>(
      `SELECT transaction_id FROM ledger_entries WHERE account = 'paper:external' AND paper_account_id = $1`,
      [t.accountId],
    );
    await tamper(`UPDATE ledger_entries SET paper_account_id = $2 WHERE transaction_id = $1 AND account = 'paper:external'`, [
      set!.transaction_id,
      uuidv7(),
    ]);
    res = await verify(compliance.token);
    expect(res.problems).toContainEqual(
      expect.objectContaining({
        kind: 'BOOK_MISMATCH',
        transactionId: set!.transaction_id,
        detail: expect.stringContaining('different broker accounts'),
      }),
    );
    await tamper(`UPDATE ledger_entries SET paper_account_id = $2 WHERE transaction_id = $1`, [set!.transaction_id, t.accountId]);

    // A real entry rewritten into the paper book (account code changed): the hash and the books both say so.
    const real = await post(holdTx(walletBook(t.user.id), 1_000n, 'real-hold'));
    await api.app.get(LedgerSealer).sealAll({ wait: true });
    await tamper(`UPDATE ledger_entries SET account = $2 WHERE transaction_id = $1 AND position = 1`, [
      real.transaction.id,
      `paper:${t.accountId}:held`,
    ]);
    res = await verify(compliance.token);
    const realKinds = res.problems
      .filter((p: { transactionId?: string }) => p.transactionId === real.transaction.id)
      .map((p: { kind: string }) => p.kind);
    expect(realKinds).toEqual(expect.arrayContaining(['BROKEN_CONTENT_HASH', 'BOOK_MISMATCH']));
    await tamper(`UPDATE ledger_entries SET account = $2 WHERE transaction_id = $1 AND position = 1`, [
      real.transaction.id,
      `user:${t.user.id}:held`,
    ]);
    expect(await verify(compliance.token)).toMatchObject({ ok: true, problems: [] });
  });
});
