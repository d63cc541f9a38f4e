import fc from 'fast-check';
import { DomainError } from '../errors';
import { FLAT_POSITION, newOrder, orderReservation, settleFill, type OrderTerms } from '../trading';
import {
  accountCode,
  applyToWallet,
  bookDelta,
  bookKindOf,
  chargeTx,
  depositTx,
  holdTx,
  paperBook,
  parseAccountCode,
  releaseTx,
  saleSettleTx,
  setPaperBalanceTx,
  settleTx,
  sumPostings,
  validateTransaction,
  walletBook,
  walletDelta,
  withdrawalTx,
  type AccountRef,
  type Book,
  type JournalTransaction,
  type Posting,
  type WalletBalances,
} from '.';
import { codes, refusedWith } from './journal.fixture';

// The paper book (docs/domain.md, "Accounts and books"): paper money has its own accounts and
// house, follows the same double-entry rules, and never meets real money in one transaction.

const U = '01a20000-0000-7000-8000-000000000001';
const V = '01a20000-0000-7000-8000-000000000002';
const A = '01a20000-0000-7000-8000-00000000000a'; // U's paper account
const B = '01a20000-0000-7000-8000-00000000000b'; // V's paper account
const W = walletBook(U);
const P = paperBook(A, U);

describe('paper accounts', () => {
  it('have their own cash and held and a paper house, and their codes round-trip', () => {
    const accounts: AccountRef[] = [
      { kind: 'paper', accountId: A, bucket: 'cash' },
      { kind: 'paper', accountId: A, bucket: 'held' },
      { kind: 'paperHouse', name: 'external' },
      { kind: 'paperHouse', name: 'clearing' },
      { kind: 'paperHouse', name: 'fees' },
      { kind: 'paperHouse', name: 'taxes' },
    ];
    expect(accounts.map(accountCode)).toEqual([
      `paper:${A}:cash`,
      `paper:${A}:held`,
      'paper:external',
      'paper:clearing',
      'paper:fees',
      'paper:taxes',
    ]);
    for (const a of accounts) {
      expect(parseAccountCode(accountCode(a))).toEqual(a);
      expect(bookKindOf(a)).toBe('paper');
    }
    expect(bookKindOf({ kind: 'user', userId: U, bucket: 'cash' })).toBe('wallet');
    expect(bookKindOf({ kind: 'house', name: 'fees' })).toBe('wallet');
    expect(parseAccountCode('paper:bank')).toBeNull();
    expect(parseAccountCode(`paper:${A}:margin`)).toBeNull();
    expect(parseAccountCode('paper:x:cash')).toBeNull();
  });
});

describe('order money in a paper book', () => {
  it('holds, releases, settles and charges with the same shapes as the wallet, on paper accounts only', () => {
    expect(codes(holdTx(P, 500n, 'o'))).toEqual([
      [`paper:${A}:cash`, -500n, 'HOLD'],
      [`paper:${A}:held`, 500n, 'HOLD'],
    ]);
    expect(codes(releaseTx(P, 500n, 'o'))).toEqual([
      [`paper:${A}:held`, -500n, 'RELEASE'],
      [`paper:${A}:cash`, 500n, 'RELEASE'],
    ]);
    expect(codes(settleTx(P, { heldAmount: 1_000n, cost: 900n, fees: 20n, taxes: 5n }, 't'))).toEqual([
      [`paper:${A}:held`, -900n, 'TRADE_BUY'],
      ['paper:clearing', 900n, 'TRADE_BUY'],
      [`paper:${A}:held`, -20n, 'FEE'],
      ['paper:fees', 20n, 'FEE'],
      [`paper:${A}:held`, -5n, 'TAX'],
      ['paper:taxes', 5n, 'TAX'],
      [`paper:${A}:held`, -75n, 'RELEASE'],
      [`paper:${A}:cash`, 75n, 'RELEASE'],
    ]);
    expect(codes(saleSettleTx(P, { proceeds: 1_000n, fees: 2n, taxes: 1n }, 's'))).toEqual([
      ['paper:clearing', -1_000n, 'TRADE_SELL'],
      [`paper:${A}:cash`, 1_000n, 'TRADE_SELL'],
      [`paper:${A}:cash`, -2n, 'FEE'],
      ['paper:fees', 2n, 'FEE'],
      [`paper:${A}:cash`, -1n, 'TAX'],
      ['paper:taxes', 1n, 'TAX'],
    ]);
    expect(codes(chargeTx(P, 'TAX', 3n, 'c', 'held'))).toEqual([
      [`paper:${A}:held`, -3n, 'TAX'],
      ['paper:taxes', 3n, 'TAX'],
    ]);
    for (const tx of [holdTx(P, 1n, 'r'), settleTx(P, { heldAmount: 1n, cost: 1n, fees: 0n, taxes: 0n }, 'r')]) {
      expect(tx.book).toBe(P);
      expect(tx.userId).toBe(U);
      expect(walletDelta(tx, U)).toEqual({ cash: 0n, held: 0n });
    }
    expect(bookDelta(settleTx(P, { heldAmount: 1_000n, cost: 990n, fees: 20n, taxes: 5n }, 't'))).toEqual({ cash: -15n, held: -1_000n });
  });

  it('settleFill posts a paper fill in the paper book and the same fill in the wallet identically but for the accounts', () => {
    const terms: OrderTerms = {
      side: 'BUY',
      type: 'LIMIT',
      product: 'MIS',
      validity: 'DAY',
      quantity: 10,
      price: 4_150_000,
      triggerPrice: null,
    };
    const { basis } = orderReservation(terms, { ltp: 4_150_000, sellableQuantity: 0 });
    const input = { reference: 'trade-1', order: newOrder(terms), basis, fill: { quantity: 4, price: 4_140_000 }, position: FLAT_POSITION };
    const paper = settleFill({ ...input, book: P });
    const real = settleFill({ ...input, book: W });
    expect(paper.value).toBe(real.value);
    expect(paper.transactions.map((t) => t.book)).toEqual(paper.transactions.map(() => P));
    const asReal = (code: string) => code.replace(`paper:${A}:`, `user:${U}:`).replace(/^paper:/, 'house:');
    expect(paper.transactions.map((t) => codes(t).map(([c, a, ty]) => [asReal(c as string), a, ty]))).toEqual(real.transactions.map(codes));
    for (const tx of paper.transactions) expect(tx.postings.every((p) => bookKindOf(p.account) === 'paper')).toBe(true);
  });
});

describe('setting a paper balance', () => {
  it('moves the difference between paper:external and the account cash, up or down', () => {
    expect(codes(setPaperBalanceTx(P, 0n, 10_000n, 'set'))).toEqual([
      ['paper:external', -10_000n, 'SET_BALANCE'],
      [`paper:${A}:cash`, 10_000n, 'SET_BALANCE'],
    ]);
    expect(codes(setPaperBalanceTx(P, 10_000n, 2_500n, 'reset'))).toEqual([
      [`paper:${A}:cash`, -7_500n, 'SET_BALANCE'],
      ['paper:external', 7_500n, 'SET_BALANCE'],
    ]);
    expect(setPaperBalanceTx(P, 1n, 0n, 'zero').type).toBe('SET_BALANCE');
  });

  it('releases nothing: held money stays held, available becomes the amount', () => {
    let b: WalletBalances = applyToWallet({ cash: 0n, held: 0n }, setPaperBalanceTx(P, 0n, 10_000n, 'set'));
    b = applyToWallet(b, holdTx(P, 4_000n, 'open order'));
    b = applyToWallet(b, setPaperBalanceTx(P, b.cash, 1_000n, 'reset'));
    expect(b).toEqual({ cash: 1_000n, held: 4_000n });
    b = applyToWallet(b, releaseTx(P, 4_000n, 'cancelled'));
    expect(b).toEqual({ cash: 5_000n, held: 0n });
  });

  it('refuses an unchanged amount, a negative one, and the wallet', () => {
    refusedWith(() => setPaperBalanceTx(P, 5n, 5n, 'same'), /already/);
    refusedWith(() => setPaperBalanceTx(P, 0n, -1n, 'neg'), /never negative/);
    refusedWith(() => setPaperBalanceTx(P, -1n, 1n, 'neg'), /never negative/);
    refusedWith(() => setPaperBalanceTx(P, 0n, 1n, ''), /reference/);
    refusedWith(() => setPaperBalanceTx(W as never, 0n, 1n, 'wallet'), /is not in the wallet|paper book only/);
  });
});

describe('the journal refuses any transaction that mixes books', () => {
  const post = (account: AccountRef, amount: bigint, type: Posting['type'] = 'HOLD'): Posting => ({ account, amount, type });
  const tx = (book: Book, postings: Posting[], type: JournalTransaction['type'] = 'HOLD'): JournalTransaction => ({
    type,
    book,
    userId: book.userId,
    reference: 'r',
    postings,
  });
  const realCash = (u = U) => ({ kind: 'user', userId: u, bucket: 'cash' }) as const;
  const realHeld = (u = U) => ({ kind: 'user', userId: u, bucket: 'held' }) as const;
  const paperCash = (a = A) => ({ kind: 'paper', accountId: a, bucket: 'cash' }) as const;
  const paperHeld = (a = A) => ({ kind: 'paper', accountId: a, bucket: 'held' }) as const;

  it('accepts a transaction inside one book', () => {
    expect(() => validateTransaction(tx(W, [post(realCash(), -5n), post(realHeld(), 5n)]))).not.toThrow();
    expect(() => validateTransaction(tx(P, [post(paperCash(), -5n), post(paperHeld(), 5n)]))).not.toThrow();
  });

  it.each([
    ['real cash into paper held', P, [post(realCash(), -5n), post(paperHeld(), 5n)]],
    ['paper cash into real held', W, [post(paperCash(), -5n), post(realHeld(), 5n)]],
    ['the wallet paying the paper house', W, [post(realCash(), -5n), post({ kind: 'paperHouse', name: 'fees' }, 5n)]],
    ['a paper account paying the real house', P, [post(paperCash(), -5n), post({ kind: 'house', name: 'fees' }, 5n)]],
    ['the real house funding a paper account', P, [post({ kind: 'house', name: 'external' }, -5n), post(paperCash(), 5n)]],
    ['two paper accounts', P, [post(paperCash(A), -5n), post(paperCash(B), 5n)]],
    ['two users’ wallets', W, [post(realCash(U), -5n), post(realCash(V), 5n)]],
    ['another account’s paper book', P, [post(paperCash(B), -5n), post(paperHeld(B), 5n)]],
  ] as const)('refuses %s', (_name, book, postings) => {
    refusedWith(() => validateTransaction(tx(book, [...postings])), /one book/);
  });

  it('refuses the other breaches of the journal rules, in either book', () => {
    for (const book of [W, P] as Book[]) {
      const cash = book.kind === 'wallet' ? realCash() : paperCash();
      const held = book.kind === 'wallet' ? realHeld() : paperHeld();
      refusedWith(() => validateTransaction(tx(book, [post(cash, -5n), post(held, 4n)])), /sum to zero/);
      refusedWith(() => validateTransaction(tx(book, [post(cash, 0n), post(held, 0n)])), /non-zero/);
      refusedWith(() => validateTransaction(tx(book, [])), /positive amount/);
      refusedWith(() => validateTransaction({ ...tx(book, [post(cash, -5n), post(held, 5n)]), reference: '' }), /reference/);
      refusedWith(() => validateTransaction({ ...tx(book, [post(cash, -5n), post(held, 5n)]), userId: V }), /user of its book/);
    }
    // Money of the book's owner must move: the house alone is not a transaction of anyone's book.
    refusedWith(
      () =>
        validateTransaction(tx(P, [post({ kind: 'paperHouse', name: 'external' }, -5n), post({ kind: 'paperHouse', name: 'fees' }, 5n)])),
      /must move money of the paper book/,
    );
    // Real money in and out is the wallet's alone; setting a balance is a paper book's alone.
    refusedWith(
      () =>
        validateTransaction(
          tx(P, [post({ kind: 'paperHouse', name: 'external' }, -5n, 'DEPOSIT'), post(paperCash(), 5n, 'DEPOSIT')], 'DEPOSIT'),
        ),
      /wallet book only/,
    );
    refusedWith(
      () => validateTransaction(tx(P, [post(paperCash(), -5n, 'WITHDRAWAL'), post(paperHeld(), 5n, 'WITHDRAWAL')])),
      /WITHDRAWAL entry belongs in the wallet/,
    );
    refusedWith(
      () =>
        validateTransaction(
          tx(W, [post({ kind: 'house', name: 'external' }, -5n, 'SET_BALANCE'), post(realCash(), 5n, 'SET_BALANCE')], 'SET_BALANCE'),
        ),
      /paper book only/,
    );
    refusedWith(() => depositTx(P as never, 5n, 'deposit'), /wallet book only/);
    refusedWith(() => withdrawalTx(P as never, 5n, 'withdrawal'), /wallet book only/);
  });

  it('is enforced by the types too: deposits and withdrawals take a wallet book', () => {
    // Type-checked, never run.
    const mixes = () => {
      // @ts-expect-error admins move real money only: no deposit into a paper book
      depositTx(P, 1n, 'r');
      // @ts-expect-error no withdrawal from a paper book
      withdrawalTx(P, 1n, 'r');
      // @ts-expect-error a paper balance is set in a paper book
      setPaperBalanceTx(W, 0n, 1n, 'r');
      // @ts-expect-error every builder names its book: a user id is not one
      holdTx(U, 1n, 'r');
    };
    expect(typeof mixes).toBe('function');
  });
});

// Any sequence of operations on two users' wallets and their paper accounts, each applied only
// when its book's balance rule allows it: every transaction is balanced and inside one book, the
// wallets move only with real operations, the paper accounts only with paper ones, and each book
// sums to zero on its own (its accounts plus its house).
const USERS = [U, V];
const PAPER = [A, B];
const amount = fc.bigInt({ min: 1n, max: 1_000_000n });
const small = fc.bigInt({ min: 0n, max: 5_000n });
const op = fc.record({
  paper: fc.boolean(),
  u: fc.nat(1),
  kind: fc.constantFrom('fund', 'defund', 'hold', 'release', 'settle', 'sell', 'fee'),
  a: amount,
  cost: fc.bigInt({ min: 0n, max: 1_000_000n }),
  fees: small,
  taxes: small,
});

describe('property: books never mix, whatever runs', () => {
  it('holds', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 100 }), (ops) => {
        const key = (b: Book) => (b.kind === 'wallet' ? `w:${b.userId}` : `p:${b.accountId}`);
        const balances = new Map<string, WalletBalances>();
        const house = { wallet: 0n, paper: 0n };
        ops.forEach((o, i) => {
          const book: Book = o.paper ? paperBook(PAPER[o.u]!, USERS[o.u]!) : walletBook(USERS[o.u]!);
          const before = balances.get(key(book)) ?? { cash: 0n, held: 0n };
          const ref = `r${i}`;
          let tx: JournalTransaction;
          try {
            if (book.kind === 'paper') {
              tx =
                o.kind === 'fund'
                  ? setPaperBalanceTx(book, before.cash, before.cash + o.a, ref)
                  : o.kind === 'defund'
                    ? setPaperBalanceTx(book, before.cash, before.cash > o.a ? before.cash - o.a : 0n, ref)
                    : build(book, o, ref);
            } else {
              tx = o.kind === 'fund' ? depositTx(book, o.a, ref) : o.kind === 'defund' ? withdrawalTx(book, o.a, ref) : build(book, o, ref);
            }
          } catch (e) {
            expect((e as DomainError).code).toBe('VALIDATION_FAILED'); // an all-zero settlement, an unchanged balance
            return;
          }
          expect(sumPostings(tx)).toBe(0n);
          expect(() => validateTransaction(tx)).not.toThrow();
          expect(tx.postings.every((p) => bookKindOf(p.account) === book.kind)).toBe(true);
          // Another book's owner accounts are never touched.
          for (const u of USERS) if (book.kind === 'paper' || u !== book.userId) expect(walletDelta(tx, u)).toEqual({ cash: 0n, held: 0n });
          let next: WalletBalances;
          try {
            next = applyToWallet(before, tx);
          } catch (e) {
            expect((e as DomainError).code).toBe('INSUFFICIENT_FUNDS');
            return;
          }
          balances.set(key(book), next);
          for (const p of tx.postings)
            if (p.account.kind === 'house' || p.account.kind === 'paperHouse')
              house[bookKindOf(p.account) as 'wallet' | 'paper'] += p.amount;
        });
        const total = (kind: 'w' | 'p') =>
          [...balances.entries()].filter(([k]) => k.startsWith(kind)).reduce((a, [, b]) => a + b.cash + b.held, 0n);
        for (const b of balances.values()) expect(b.cash >= 0n && b.held >= 0n).toBe(true);
        expect(total('w') + house.wallet).toBe(0n);
        expect(total('p') + house.paper).toBe(0n);
      }),
      { numRuns: 300 },
    );
  });
});

function build(book: Book, o: { kind: string; a: bigint; cost: bigint; fees: bigint; taxes: bigint }, ref: string): JournalTransaction {
  switch (o.kind) {
    case 'hold':
      return holdTx(book, o.a, ref);
    case 'release':
      return releaseTx(book, o.a, ref);
    case 'settle':
      return settleTx(book, { heldAmount: o.a, cost: o.cost, fees: o.fees, taxes: o.taxes }, ref);
    case 'sell':
      return saleSettleTx(book, { proceeds: o.a, fees: o.fees, taxes: o.taxes }, ref);
    default:
      return chargeTx(book, 'FEE', o.a, ref);
  }
}
