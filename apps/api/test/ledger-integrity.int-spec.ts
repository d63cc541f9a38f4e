import { DomainError, holdTx, releaseTx, settleTx, walletBook, type JournalTransaction } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerSealer, PostTransactionUseCase } from '@tradeloop/wallet';
import { createUser, signedIn, useTestApi } from './support/test-api';
import { tamper as tamperAs } from './support/tamper';

const { api, ctx } = useTestApi();

const sql = <T>(text: string, params: unknown[] = []) => api.app.get(Db).sql.rows<T>(text, params);
const post = (tx: JournalTransaction) => api.app.get(PostTransactionUseCase).execute(tx);
let n = 0;
const ref = () => `ref-${n++}`;

const tamper = (statement: string, params: unknown[], table: string) => tamperAs(ctx.databaseUrl, table, statement, params);

async function funded(amount = 10_000n) {
  const user = await createUser(api);
  await post((await import('@tradeloop/domain')).depositTx(walletBook(user.id), amount, ref()));
  return user;
}

describe('hold, release, settle', () => {
  it('move money between cash, held and the house, balanced and never negative', async () => {
    const user = await funded(100_000n); // ₹1,000.00
    await post(holdTx(walletBook(user.id), 60_000n, 'order-1'));
    const afterSettle = await post(
      settleTx(walletBook(user.id), { heldAmount: 60_000n, cost: 55_000n, fees: 1_650n, taxes: 297n }, 'order-1'),
    );
    expect(afterSettle.wallet).toEqual({ currency: 'INR', available: '430.53', held: '0.00', total: '430.53' });
    await expect(post(releaseTx(walletBook(user.id), 1n, 'order-2'))).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    await expect(post(holdTx(walletBook(user.id), 43_054n, 'order-3'))).rejects.toBeInstanceOf(DomainError);
    await expect(post(holdTx(walletBook(user.id), 43_053n, 'order-4'))).resolves.toBeDefined();
    const types = await sql<{ type: string }>(`SELECT e.type FROM ledger_entries e WHERE e.transaction_id = $1 ORDER BY position`, [
      afterSettle.transaction.id,
    ]);
    expect(types.map((t) => t.type)).toEqual(['TRADE_BUY', 'TRADE_BUY', 'FEE', 'FEE', 'TAX', 'TAX', 'RELEASE', 'RELEASE']);
  });

  it('many concurrent holds on one wallet never reserve more than it has', async () => {
    const user = await funded(10_000n);
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => post(holdTx(walletBook(user.id), 1_000n, `o${i}`))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    const [w] = await sql<{ cash: string; held: string }>(
      `SELECT cash_paise::text cash, held_paise::text held FROM wallet_balances WHERE user_id = $1`,
      [user.id],
    );
    expect(w).toEqual({ cash: '0', held: '10000' });
  });
});

describe('the database itself refuses to rewrite history', () => {
  it.each([
    [`UPDATE ledger_entries SET amount_paise = amount_paise + 1`],
    [`DELETE FROM ledger_entries`],
    [`TRUNCATE ledger_entries CASCADE`],
    [`UPDATE ledger_transactions SET reference = 'x'`],
    [`DELETE FROM ledger_transactions`],
    [`UPDATE ledger_chain SET hash = hash`],
    [`DELETE FROM ledger_chain`],
  ])('%s', async (statement) => {
    await funded();
    await api.app.get(LedgerSealer).sealAll({ wait: true });
    await expect(sql(statement)).rejects.toThrow(/append-only/);
  });

  it('balances cannot go negative even by direct SQL', async () => {
    const user = await funded(100n);
    await expect(sql(`UPDATE wallet_balances SET cash_paise = -1 WHERE user_id = $1`, [user.id])).rejects.toThrow(
      /wallet_cash_not_negative/,
    );
  });
});

describe('verify', () => {
  it('is ok on an honest ledger, with a zero trial balance and every transaction chained', async () => {
    const a = await signedIn(api, ['compliance']);
    const user = await funded(50_000n);
    await post(holdTx(walletBook(user.id), 10_000n, 'o'));
    await post(releaseTx(walletBook(user.id), 10_000n, 'o'));
    const res = await api.http.get('/api/v1/compliance/ledger/verify', a.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, trialBalance: '0.00', problems: [] });
    expect(res.body.transactionsChecked).toBeGreaterThanOrEqual(3);
    expect(Number(res.body.chainHead.seq)).toBe(res.body.transactionsChecked);
  });

  it("names the transaction whose entry was altered behind the application's back", async () => {
    const a = await signedIn(api, ['compliance']);
    const user = await funded(50_000n);
    const victim = await post(holdTx(walletBook(user.id), 5_000n, 'tampered'));
    await api.app.get(LedgerSealer).sealAll({ wait: true });
    await tamper(
      `UPDATE ledger_entries SET amount_paise = amount_paise * 2 WHERE transaction_id = $1 AND amount_paise > 0`,
      [victim.transaction.id],
      'ledger_entries',
    );
    const res = await api.http.get('/api/v1/compliance/ledger/verify', a.token);
    expect(res.body.ok).toBe(false);
    const kinds = res.body.problems.filter((p: any) => p.transactionId === victim.transaction.id).map((p: any) => p.kind);
    expect(kinds).toEqual(expect.arrayContaining(['BROKEN_CONTENT_HASH', 'UNBALANCED_TRANSACTION']));
    expect(res.body.problems.some((p: any) => p.kind === 'BALANCE_MISMATCH' && p.userId === user.id)).toBe(true);
    // Put it back so later tests see an honest ledger again.
    await tamper(
      `UPDATE ledger_entries SET amount_paise = amount_paise / 2 WHERE transaction_id = $1 AND amount_paise > 0`,
      [victim.transaction.id],
      'ledger_entries',
    );
    expect((await api.http.get('/api/v1/compliance/ledger/verify', a.token)).body.ok).toBe(true);
  });

  it('detects an edited reference, a forged chain link and a doctored balance', async () => {
    const a = await signedIn(api, ['compliance']);
    const user = await funded(10_000n);
    const tx = await post(holdTx(walletBook(user.id), 1_000n, 'honest'));
    await api.app.get(LedgerSealer).sealAll({ wait: true });

    await tamper(`UPDATE ledger_transactions SET reference = 'forged' WHERE id = $1`, [tx.transaction.id], 'ledger_transactions');
    let res = await api.http.get('/api/v1/compliance/ledger/verify', a.token);
    expect(res.body.problems).toContainEqual(expect.objectContaining({ kind: 'BROKEN_CONTENT_HASH', transactionId: tx.transaction.id }));
    await tamper(`UPDATE ledger_transactions SET reference = 'honest' WHERE id = $1`, [tx.transaction.id], 'ledger_transactions');

    await tamper(`UPDATE ledger_chain SET hash = sha256(hash) WHERE transaction_id = $1`, [tx.transaction.id], 'ledger_chain');
    res = await api.http.get('/api/v1/compliance/ledger/verify', a.token);
    expect(res.body.problems.map((p: any) => p.kind)).toContain('BROKEN_CHAIN');
    expect(res.body.ok).toBe(false);
  });
});

describe('compliance ledger', () => {
  it('filters by user and type and pages by cursor without repeats', async () => {
    const c = await signedIn(api, ['compliance']);
    const user = await funded(100_000n);
    for (let i = 0; i < 7; i += 1) await post(holdTx(walletBook(user.id), 100n, `h${i}`));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = `userId=${user.id}&type=HOLD&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await api.http.get(`/api/v1/compliance/ledger?${qs}`, c.token);
      expect(page.status).toBe(200);
      for (const e of page.body.items) expect(e.type).toBe('HOLD');
      seen.push(...page.body.items.map((e: any) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(14); // 7 holds × (cash, held)
    expect(new Set(seen).size).toBe(14);
    expect((await api.http.get('/api/v1/compliance/ledger?type=NOPE', c.token)).status).toBe(400);
    expect((await api.http.get('/api/v1/compliance/ledger?from=yesterday', c.token)).status).toBe(400);
  });

  it('drills into a transaction with its hash and chain link', async () => {
    const c = await signedIn(api, ['compliance']);
    const user = await funded(1_000n);
    const tx = await post(holdTx(walletBook(user.id), 500n, 'drill'));
    await api.app.get(LedgerSealer).sealAll({ wait: true });
    const res = await api.http.get(`/api/v1/compliance/ledger/transactions/${tx.transaction.id}`, c.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: tx.transaction.id, type: 'HOLD', reference: 'drill', contentHash: tx.transaction.contentHash });
    expect(res.body.seq).toMatch(/^\d+$/);
    expect(res.body.chainHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await api.http.get('/api/v1/compliance/ledger/transactions/00000000-0000-4000-8000-000000000000', c.token)).status).toBe(404);
  });

  it('exports every matching entry as CSV, with formula-looking references defused', async () => {
    const c = await signedIn(api, ['compliance']);
    const user = await funded(1_000_000n);
    for (let i = 0; i < 300; i += 1) await post(holdTx(walletBook(user.id), 1n, i === 0 ? '=HYPERLINK("evil")' : `h${i}`));
    const res = await api.http.get(`/api/v1/compliance/ledger/export.csv?userId=${user.id}`, c.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="ledger-.*\.csv"/);
    const lines = res.text.trim().split('\n');
    expect(lines[0]).toBe('entry_id,transaction_id,created_at,account,type,amount,balance_after,reference');
    expect(lines).toHaveLength(1 + 1 + 600); // header, the deposit's user entry, 300 holds × 2
    expect(res.text).toContain(`"'=HYPERLINK(""evil"")"`);
  });
});
