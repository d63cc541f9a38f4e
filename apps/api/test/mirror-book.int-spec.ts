import { v7 as uuidv7 } from 'uuid';
import {
  depositTx,
  holdTx,
  mirrorBook,
  reconcileMirrorTx,
  walletBook,
  type MirrorBook,
  type MirrorReconciliation,
} from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerRepository, LedgerSealer, PostTransactionUseCase } from '@tradeloop/wallet';
import { signedIn, useTestApi } from './support/test-api';
import { tamper as tamperAs } from './support/tamper';

// The cash mirror of a live broker account as a book of the ledger (docs/domain.md, "Accounts and
// books"): `broker:<account>:cash` against the broker house, moved by RECONCILE transactions only,
// in the same chain and under the same verify as the wallet and the paper books; a firm account's
// mirror has no user.

const { api, ctx } = useTestApi();

const db = () => api.app.get(Db);
const ledger = () => api.app.get(LedgerRepository);
const sql = <T>(text: string, params: unknown[] = []) => db().sql.rows<T>(text, params);
const verify = async (token: string) => (await api.http.get('/api/v1/compliance/ledger/verify', token)).body;

/** What a reconciliation does to the mirror: lock (open) it, post, record how far the fills are in. */
async function reconcile(book: MirrorBook, r: Omit<MirrorReconciliation, 'mirrorBefore'>, ref = `reconciliation:${uuidv7()}`) {
  return db().tx(async (s) => {
    const mirror = await ledger().lockMirrorBook(s, book);
    const tx = reconcileMirrorTx(book, { mirrorBefore: mirror.cash, ...r }, ref);
    const posted = tx ? await ledger().post(s, tx) : null;
    await ledger().mirrorFillsThrough(s, book.accountId, new Date('2026-12-07T00:00:00+05:30'));
    return posted;
  });
}

const tamper = (table: 'ledger_entries' | 'ledger_transactions' | 'broker_cash_balances', statement: string, params: unknown[]) =>
  tamperAs(ctx.databaseUrl, table, statement, params);

const mirrorRow = async (accountId: string) =>
  (
    await sql<{ cash: string; user_id: string | null; fills_through: Date | null }>(
      `SELECT cash_paise::text cash, user_id, fills_through FROM broker_cash_balances WHERE account_id = $1`,
      [accountId],
    )
  )[0];

describe('a live account’s cash mirror', () => {
  it('opens at the broker cash, follows our fills and adjustments, and is one book of the ledger (user-owned and firm)', async () => {
    const compliance = await signedIn(api, ['compliance']);
    const trader = await signedIn(api);
    const own = mirrorBook(uuidv7(), trader.user.id);
    const firm = mirrorBook(uuidv7(), null);

    const opened = (await reconcile(own, { buys: 0n, sells: 0n, reported: 2_50_000_00n }))!;
    expect(opened.transaction).toMatchObject({ type: 'RECONCILE', userId: trader.user.id });
    expect(opened.wallet).toBeUndefined();
    expect(opened.transaction.entries.map((e) => [e.account, e.type, e.amount, e.balanceAfter])).toEqual([
      ['broker:external', 'ADJUSTMENT', '-250000.00', null],
      [`broker:${own.accountId}:cash`, 'ADJUSTMENT', '250000.00', '250000.00'],
    ]);
    // A buy of ₹1,200.50 and a sell of ₹300.00 explain all but ₹0.25 of the broker's new cash.
    const next = (await reconcile(own, { buys: 1_200_50n, sells: 300_00n, reported: 2_49_099_75n }))!;
    expect(next.transaction.entries.map((e) => [e.account, e.type, e.amount, e.balanceAfter])).toEqual([
      [`broker:${own.accountId}:cash`, 'TRADE_BUY', '-1200.50', '248799.50'],
      ['broker:clearing', 'TRADE_BUY', '1200.50', null],
      ['broker:clearing', 'TRADE_SELL', '-300.00', null],
      [`broker:${own.accountId}:cash`, 'TRADE_SELL', '300.00', '249099.50'],
      ['broker:external', 'ADJUSTMENT', '-0.25', null],
      [`broker:${own.accountId}:cash`, 'ADJUSTMENT', '0.25', '249099.75'],
    ]);
    // Nothing moved: nothing posted, the mirror as it was.
    expect(await reconcile(own, { buys: 0n, sells: 0n, reported: 2_49_099_75n })).toBeNull();
    expect(await mirrorRow(own.accountId)).toMatchObject({ cash: '24909975', user_id: trader.user.id });

    // A firm account: no owner, no user on its transactions; in debit at its broker, so is the mirror.
    const firmTx = (await reconcile(firm, { buys: 0n, sells: 0n, reported: -5_00n }))!;
    expect(firmTx.transaction.userId).toBeNull();
    expect(await mirrorRow(firm.accountId)).toMatchObject({ cash: '-500', user_id: null });
    await api.app.get(LedgerSealer).sealAll({ wait: true });
    const drill = await api.http.get(`/api/v1/compliance/ledger/transactions/${firmTx.transaction.id}`, compliance.token);
    expect(drill.status).toBe(200);
    expect(drill.body).toMatchObject({ type: 'RECONCILE', userId: null, seq: expect.any(String) });

    // Stored: every entry names its mirror, none a user's wallet; the wallet's own views never see it.
    const rows = await sql<{ user_id: string | null; mirror_account_id: string; paper_account_id: string | null }>(
      `SELECT user_id, mirror_account_id, paper_account_id FROM ledger_entries WHERE transaction_id = $1`,
      [next.transaction.id],
    );
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.user_id === null && r.paper_account_id === null && r.mirror_account_id === own.accountId)).toBe(true);
    const mine = await api.http.get('/api/v1/wallet/entries?limit=100', trader.token);
    expect(mine.body.items).toEqual([]);

    // Compliance filters by book and by mirror; the wallet book filter leaves mirrors out.
    const byMirror = await api.http.get(`/api/v1/compliance/ledger?mirrorAccountId=${own.accountId}&limit=100`, compliance.token);
    expect(byMirror.status).toBe(200);
    expect(byMirror.body.items).toHaveLength(8);
    const mirrors = await api.http.get('/api/v1/compliance/ledger?book=mirror&limit=500', compliance.token);
    expect(mirrors.body.items.every((e: { account: string }) => e.account.startsWith('broker:'))).toBe(true);
    const wallets = await api.http.get('/api/v1/compliance/ledger?book=wallet&limit=500', compliance.token);
    expect(wallets.body.items.some((e: { account: string }) => e.account.startsWith('broker:'))).toBe(false);
    expect((await api.http.get('/api/v1/compliance/ledger?book=nostro', compliance.token)).status).toBe(400);

    expect(await verify(compliance.token)).toMatchObject({ ok: true, problems: [] });
  });

  it('refuses an unopened mirror, another owner’s, and a hand-made mixed transaction — writing nothing', async () => {
    const trader = await signedIn(api);
    const other = await signedIn(api);
    const book = mirrorBook(uuidv7(), trader.user.id);
    const count = async () => Number((await sql<{ n: string }>(`SELECT count(*)::text n FROM ledger_transactions`))[0]!.n);
    const before = await count();
    const tx = reconcileMirrorTx(book, { mirrorBefore: 0n, buys: 0n, sells: 0n, reported: 1_00n }, 'unopened')!;
    await expect(db().tx((s) => ledger().post(s, tx))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Through the group-committing use case too (it accepts any book).
    await expect(api.app.get(PostTransactionUseCase).execute(tx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await count()).toBe(before);

    await reconcile(book, { buys: 0n, sells: 0n, reported: 1_00n });
    const foreign = mirrorBook(book.accountId, other.user.id);
    await expect(reconcile(foreign, { buys: 0n, sells: 0n, reported: 2_00n })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const stolen = reconcileMirrorTx(foreign, { mirrorBefore: 1_00n, buys: 0n, sells: 0n, reported: 2_00n }, 'stolen')!;
    await expect(db().tx((s) => ledger().post(s, stolen))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      db().tx((s) =>
        ledger().post(s, {
          type: 'RECONCILE',
          book,
          userId: trader.user.id,
          reference: 'mixed',
          postings: [
            { account: { kind: 'user', userId: trader.user.id, bucket: 'cash' }, amount: -1n, type: 'ADJUSTMENT' },
            { account: { kind: 'mirror', accountId: book.accountId, bucket: 'cash' }, amount: 1n, type: 'ADJUSTMENT' },
          ],
        }),
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await count()).toBe(before + 1);
    expect(await mirrorRow(book.accountId)).toMatchObject({ cash: '100', user_id: trader.user.id });
  });

  it('two reconciliations of one account at once: one after the other, the mirror equal to its entries', async () => {
    const book = mirrorBook(uuidv7(), null);
    await reconcile(book, { buys: 0n, sells: 0n, reported: 1_000_00n });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => reconcile(book, { buys: 10_00n, sells: 0n, reported: BigInt(2_000_00 + i) })),
    );
    expect(results.every((r) => r !== null)).toBe(true);
    const [row] = await sql<{ total: string }>(`SELECT SUM(amount_paise)::text total FROM ledger_entries WHERE account = $1`, [
      `broker:${book.accountId}:cash`,
    ]);
    const mirror = await mirrorRow(book.accountId);
    expect(row!.total).toBe(mirror!.cash);
    // The last to commit set it to what its broker read said.
    expect(Number(mirror!.cash)).toBeGreaterThanOrEqual(2_000_00);
    expect(Number(mirror!.cash)).toBeLessThan(2_000_08);
  });
});

describe('verify covers the cash mirrors exactly like the other books', () => {
  it('names a tampered mirror entry, a lost mirror id, a mirror claimed by a user, a wallet transaction without its user', async () => {
    const compliance = await signedIn(api, ['compliance']);
    const trader = await signedIn(api);
    const book = mirrorBook(uuidv7(), trader.user.id);
    await reconcile(book, { buys: 0n, sells: 0n, reported: 900_00n });
    const victim = (await reconcile(book, { buys: 100_00n, sells: 0n, reported: 700_00n }))!;
    await api.app.get(LedgerSealer).sealAll({ wait: true });
    const id = victim.transaction.id;
    expect(await verify(compliance.token)).toMatchObject({ ok: true, problems: [] });

    await tamper(
      'ledger_entries',
      `UPDATE ledger_entries SET amount_paise = amount_paise * 2 WHERE transaction_id = $1 AND amount_paise > 0`,
      [id],
    );
    let res = await verify(compliance.token);
    const kinds = res.problems.filter((p: { transactionId?: string }) => p.transactionId === id).map((p: { kind: string }) => p.kind);
    expect(kinds).toEqual(expect.arrayContaining(['BROKEN_CONTENT_HASH', 'UNBALANCED_TRANSACTION']));
    expect(res.problems).toContainEqual(
      expect.objectContaining({ kind: 'UNBALANCED_TRANSACTION', detail: expect.stringContaining('the cash mirrors to') }),
    );
    await tamper(
      'ledger_entries',
      `UPDATE ledger_entries SET amount_paise = amount_paise / 2 WHERE transaction_id = $1 AND amount_paise > 0`,
      [id],
    );
    expect((await verify(compliance.token)).ok).toBe(true);

    // The stored mirror no longer its entries' sum.
    await tamper('broker_cash_balances', `UPDATE broker_cash_balances SET cash_paise = cash_paise + 1 WHERE account_id = $1`, [
      book.accountId,
    ]);
    res = await verify(compliance.token);
    expect(res.problems).toContainEqual(
      expect.objectContaining({ kind: 'BALANCE_MISMATCH', userId: trader.user.id, detail: expect.stringContaining('cash mirror') }),
    );
    await tamper('broker_cash_balances', `UPDATE broker_cash_balances SET cash_paise = cash_paise - 1 WHERE account_id = $1`, [
      book.accountId,
    ]);

    // A mirror entry that lost its mirror id would count as wallet money in book filters.
    await tamper('ledger_entries', `UPDATE ledger_entries SET mirror_account_id = NULL WHERE transaction_id = $1 AND position = 1`, [id]);
    res = await verify(compliance.token);
    expect(res.problems).toContainEqual(expect.objectContaining({ kind: 'BOOK_MISMATCH', transactionId: id }));
    await tamper('ledger_entries', `UPDATE ledger_entries SET mirror_account_id = $2 WHERE transaction_id = $1`, [id, book.accountId]);

    // A mirror entry given the owner's user id would show in their wallet's entries.
    await tamper('ledger_entries', `UPDATE ledger_entries SET user_id = $2 WHERE transaction_id = $1 AND position = 0`, [
      id,
      trader.user.id,
    ]);
    res = await verify(compliance.token);
    expect(res.problems).toContainEqual(expect.objectContaining({ kind: 'BOOK_MISMATCH', transactionId: id }));
    await tamper('ledger_entries', `UPDATE ledger_entries SET user_id = NULL WHERE transaction_id = $1`, [id]);

    // The mirror's transaction claimed for nobody (as if it were a firm account's): the hash and the owner check say so.
    await tamper('ledger_transactions', `UPDATE ledger_transactions SET user_id = NULL WHERE id = $1`, [id]);
    res = await verify(compliance.token);
    const claimed = res.problems.filter((p: { transactionId?: string }) => p.transactionId === id).map((p: { kind: string }) => p.kind);
    expect(claimed).toContain('BROKEN_CONTENT_HASH');
    expect(res.problems).toContainEqual(
      expect.objectContaining({
        kind: 'BOOK_MISMATCH',
        detail: expect.stringContaining(`cash mirror of ${book.accountId} has transactions of another owner`),
      }),
    );
    await tamper('ledger_transactions', `UPDATE ledger_transactions SET user_id = $2 WHERE id = $1`, [id, trader.user.id]);

    // A wallet transaction whose user was removed: only a firm account's mirror may have none.
    const real = await api.app.get(PostTransactionUseCase).execute(depositTx(walletBook(trader.user.id), 1_00n, 'mirror-test-fund'));
    const hold = await api.app.get(PostTransactionUseCase).execute(holdTx(walletBook(trader.user.id), 1_00n, 'mirror-test-hold'));
    await api.app.get(LedgerSealer).sealAll({ wait: true });
    await tamper('ledger_transactions', `UPDATE ledger_transactions SET user_id = NULL WHERE id = $1`, [hold.transaction.id]);
    res = await verify(compliance.token);
    const orphan = res.problems
      .filter((p: { transactionId?: string }) => p.transactionId === hold.transaction.id)
      .map((p: { kind: string }) => p.kind);
    expect(orphan).toEqual(expect.arrayContaining(['BROKEN_CONTENT_HASH', 'BOOK_MISMATCH']));
    await tamper('ledger_transactions', `UPDATE ledger_transactions SET user_id = $2 WHERE id = $1`, [hold.transaction.id, trader.user.id]);

    // A mirror below zero is what the broker said, not a problem.
    await reconcile(book, { buys: 0n, sells: 0n, reported: -3_00n });
    expect(real.transaction.type).toBe('DEPOSIT');
    expect(await verify(compliance.token)).toMatchObject({ ok: true, problems: [] });
  });
});
