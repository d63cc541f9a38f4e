import fc from 'fast-check';
import {
  accountCode,
  bookDelta,
  bookKey,
  bookKindOf,
  canonicalTransaction,
  holdTx,
  mirrorBook,
  mirrorDifference,
  paperBook,
  parseAccountCode,
  reconcileMirrorTx,
  sumPostings,
  validateTransaction,
  walletBook,
  walletDelta,
  type AccountRef,
  type EntryType,
  type MirrorReconciliation,
} from '.';
import { codes, refusedWith } from './journal.fixture';

// The cash mirror of a live broker account (docs/domain.md, "Accounts and books"): one account
// per live broker account, moved only by RECONCILE transactions against the broker house, never
// meeting the wallet or a paper book; a firm account's mirror has no user.

const U = '01a30000-0000-7000-8000-000000000001';
const K = '01a30000-0000-7000-8000-00000000000c'; // U's Kite account
const F = '01a30000-0000-7000-8000-00000000000f'; // a firm Kite account (no owner)
const M = mirrorBook(K, U);
const FIRM = mirrorBook(F, null);

const reconcile = (r: Partial<MirrorReconciliation>, book = M) =>
  reconcileMirrorTx(book, { mirrorBefore: 0n, buys: 0n, sells: 0n, reported: 0n, ...r }, 'reconciliation:r1');

describe('mirror accounts', () => {
  it('are one cash account per live broker account and a broker house, and their codes round-trip', () => {
    const accounts: AccountRef[] = [
      { kind: 'mirror', accountId: K, bucket: 'cash' },
      { kind: 'mirrorHouse', name: 'external' },
      { kind: 'mirrorHouse', name: 'clearing' },
    ];
    expect(accounts.map(accountCode)).toEqual([`broker:${K}:cash`, 'broker:external', 'broker:clearing']);
    for (const a of accounts) {
      expect(parseAccountCode(accountCode(a))).toEqual(a);
      expect(bookKindOf(a)).toBe('mirror');
    }
    expect(parseAccountCode(`broker:${K}:held`)).toBeNull();
    expect(parseAccountCode('broker:fees')).toBeNull();
    expect(parseAccountCode('broker:x:cash')).toBeNull();
    expect(bookKey(M)).toBe(`mirror:${K}`);
    expect(bookKey(M)).not.toBe(bookKey(paperBook(K, U)));
  });
});

describe('reconcileMirrorTx', () => {
  it('opens a mirror at the broker cash with one adjustment from the broker house', () => {
    const tx = reconcile({ reported: 5_00_000_00n })!;
    expect(tx.type).toBe('RECONCILE');
    expect(tx.userId).toBe(U);
    expect(tx.reference).toBe('reconciliation:r1');
    expect(codes(tx)).toEqual([
      ['broker:external', -5_00_000_00n, 'ADJUSTMENT'],
      [`broker:${K}:cash`, 5_00_000_00n, 'ADJUSTMENT'],
    ]);
    expect(bookDelta(tx)).toEqual({ cash: 5_00_000_00n, held: 0n });
  });

  it('moves our buys out and sells in against clearing, and posts no adjustment when they explain the broker cash', () => {
    // 1,000.00 before; bought 300.00, sold 120.50: the broker reports 820.50.
    const tx = reconcile({ mirrorBefore: 1_000_00n, buys: 300_00n, sells: 120_50n, reported: 820_50n })!;
    expect(codes(tx)).toEqual([
      [`broker:${K}:cash`, -300_00n, 'TRADE_BUY'],
      ['broker:clearing', 300_00n, 'TRADE_BUY'],
      ['broker:clearing', -120_50n, 'TRADE_SELL'],
      [`broker:${K}:cash`, 120_50n, 'TRADE_SELL'],
    ]);
    expect(bookDelta(tx).cash).toBe(-179_50n);
  });

  it('adjusts what the fills do not explain, either way, to or from the broker house', () => {
    expect(codes(reconcile({ mirrorBefore: 1_000_00n, buys: 300_00n, reported: 750_00n })!)).toEqual([
      [`broker:${K}:cash`, -300_00n, 'TRADE_BUY'],
      ['broker:clearing', 300_00n, 'TRADE_BUY'],
      ['broker:external', -50_00n, 'ADJUSTMENT'],
      [`broker:${K}:cash`, 50_00n, 'ADJUSTMENT'],
    ]);
    // A payout at the broker our fills do not explain: out to the house.
    expect(codes(reconcile({ mirrorBefore: 1_000_00n, reported: 500_00n })!)).toEqual([
      [`broker:${K}:cash`, -500_00n, 'ADJUSTMENT'],
      ['broker:external', 500_00n, 'ADJUSTMENT'],
    ]);
  });

  it('follows an account into debit: the mirror says what the broker says', () => {
    const tx = reconcile({ mirrorBefore: 100_00n, buys: 250_00n, reported: -150_00n })!;
    expect(codes(tx)).toEqual([
      [`broker:${K}:cash`, -250_00n, 'TRADE_BUY'],
      ['broker:clearing', 250_00n, 'TRADE_BUY'],
    ]);
    expect(100_00n + bookDelta(tx).cash).toBe(-150_00n);
  });

  it('answers null when nothing moved: no fills and nothing unexplained', () => {
    expect(reconcile({ mirrorBefore: 7_00n, reported: 7_00n })).toBeNull();
    expect(reconcile({})).toBeNull();
  });

  it('refuses negative fill flows', () => {
    refusedWith(() => reconcile({ buys: -1n }), /not negative/);
    refusedWith(() => reconcile({ sells: -1n }), /not negative/);
  });

  it('always brings the mirror to the broker cash, sums to zero, stays in its book (property)', () => {
    const paise = fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n });
    const flow = fc.bigInt({ min: 0n, max: 10n ** 12n });
    fc.assert(
      fc.property(paise, flow, flow, paise, (mirrorBefore, buys, sells, reported) => {
        const r = { mirrorBefore, buys, sells, reported };
        const tx = reconcileMirrorTx(M, r, 'reconciliation:p');
        const moved = tx ? bookDelta(tx).cash : 0n;
        expect(mirrorBefore + moved).toBe(reported);
        if (!tx) return;
        expect(sumPostings(tx)).toBe(0n);
        expect(() => validateTransaction(tx)).not.toThrow();
        const adjusted = tx.postings.filter((p) => p.type === 'ADJUSTMENT' && p.account.kind === 'mirror');
        expect(adjusted.reduce((a, p) => a + p.amount, 0n)).toBe(mirrorDifference(r));
        expect(walletDelta(tx, U)).toEqual({ cash: 0n, held: 0n });
      }),
    );
  });
});

describe('the journal keeps mirror books apart', () => {
  it('a firm account’s mirror has no user, and its text hashes null, never a user id', () => {
    const tx = reconcile({ reported: 1n }, FIRM)!;
    expect(tx.userId).toBeNull();
    const text = canonicalTransaction(tx, { id: 'a', createdAt: '2026-12-07T10:30:00.000Z' });
    expect(JSON.parse(text)[4]).toBeNull();
    expect(text).not.toBe(
      canonicalTransaction(reconcile({ reported: 1n }, mirrorBook(F, U))!, { id: 'a', createdAt: '2026-12-07T10:30:00.000Z' }),
    );
  });

  it('refuses a mirror transaction that is not RECONCILE, that reaches another book, or names another user', () => {
    const good = reconcile({ reported: 1_00n })!;
    const own: AccountRef = { kind: 'mirror', accountId: K, bucket: 'cash' };
    /** The mirror's cash against `other`, one paisa, as entries of `type`. */
    const against = (other: AccountRef, type: EntryType = 'ADJUSTMENT') =>
      validateTransaction({
        ...good,
        postings: [
          { account: own, amount: -1n, type },
          { account: other, amount: 1n, type },
        ],
      });
    refusedWith(() => validateTransaction({ ...good, type: 'SETTLE' }), /RECONCILE transactions only/);
    refusedWith(() => against({ kind: 'house', name: 'external' }), /not in the cash mirror/);
    refusedWith(() => against({ kind: 'mirror', accountId: F, bucket: 'cash' }), /not in the cash mirror/);
    refusedWith(() => against({ kind: 'user', userId: U, bucket: 'cash' }), /not in the cash mirror/);
    refusedWith(() => against({ kind: 'mirrorHouse', name: 'external' }, 'FEE'), /no FEE entries/);
    expect(() => against({ kind: 'mirrorHouse', name: 'clearing' }, 'TRADE_SELL')).not.toThrow();
    refusedWith(() => validateTransaction({ ...good, userId: null }), /user of its book/);
  });

  it('keeps RECONCILE and ADJUSTMENT out of the wallet and paper books, and a user on every transaction there', () => {
    const hold = holdTx(walletBook(U), 1n, 'o');
    refusedWith(() => validateTransaction({ ...hold, type: 'RECONCILE' }), /RECONCILE transaction belongs in the mirror book only/);
    refusedWith(
      () => validateTransaction({ ...hold, postings: hold.postings.map((p) => ({ ...p, type: 'ADJUSTMENT' as const })) }),
      /ADJUSTMENT entry belongs in the mirror book only/,
    );
    refusedWith(
      () => validateTransaction({ ...hold, book: { kind: 'wallet', userId: null as never }, userId: null as never }),
      /Only a firm account’s cash mirror has no user/,
    );
    refusedWith(
      () =>
        validateTransaction({
          ...hold,
          postings: [
            { account: { kind: 'user', userId: U, bucket: 'cash' }, amount: -1n, type: 'HOLD' },
            { account: { kind: 'mirror', accountId: K, bucket: 'cash' }, amount: 1n, type: 'HOLD' },
          ],
        }),
      /not in the wallet/,
    );
  });
});
