import { DomainError } from '../errors';
import type { Paise } from '../money';
import { accountCode, type AccountRef } from './accounts';
import {
  bookAccount,
  bookHouse,
  inBook,
  isOwnAccount,
  mirrorCash,
  mirrorHouse,
  type Book,
  type BookKind,
  type LedgerBook,
  type MirrorBook,
  type PaperBook,
  type WalletBook,
} from './books';

/**
 * What caused a transaction. `SET_BALANCE` exists only in paper books (the owner sets or resets
 * the paper account's virtual cash); `DEPOSIT` and `WITHDRAWAL` only in the wallet (admins move
 * real money); `RECONCILE` only in mirror books, and nothing else there (the daily reconciliation
 * brings a live account's mirror to the broker's cash), see `BOOK_ONLY_TYPES`.
 */
export const TRANSACTION_TYPES = ['DEPOSIT', 'WITHDRAWAL', 'HOLD', 'RELEASE', 'SETTLE', 'FEE', 'TAX', 'SET_BALANCE', 'RECONCILE'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

/** What one entry is, within its transaction (the posting table in docs/domain.md, "Ledger"). */
export const ENTRY_TYPES = [
  'DEPOSIT',
  'WITHDRAWAL',
  'HOLD',
  'RELEASE',
  'TRADE_BUY',
  'TRADE_SELL',
  'FEE',
  'TAX',
  'SET_BALANCE',
  'ADJUSTMENT',
] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

/** Transaction and entry types that belong to one kind of book only. */
export const BOOK_ONLY_TYPES: Readonly<Record<string, BookKind>> = Object.freeze({
  DEPOSIT: 'wallet',
  WITHDRAWAL: 'wallet',
  SET_BALANCE: 'paper',
  RECONCILE: 'mirror',
  ADJUSTMENT: 'mirror',
});

/** The only entry types of a mirror book: our fills' cash flow and what it does not explain. */
const MIRROR_ENTRY_TYPES: ReadonlySet<EntryType> = new Set(['TRADE_BUY', 'TRADE_SELL', 'ADJUSTMENT']);

/**
 * One side of a movement. `amount` is signed from the account's point of view: positive adds
 * to the account's balance, negative takes from it.
 */
export interface Posting {
  readonly account: AccountRef;
  readonly amount: Paise;
  readonly type: EntryType;
}

export interface JournalTransaction<B extends LedgerBook = LedgerBook> {
  readonly type: TransactionType;
  /** What caused it: a deposit id, an order id, a trade id… */
  readonly reference: string;
  /** The book it is kept in: every posting is on this book's accounts. */
  readonly book: B;
  /**
   * The user whose book it is (the wallet's owner, the paper account's owner, the live account's
   * owner): `book.userId`. Null only in the mirror book of a firm account, which has no owner.
   */
  readonly userId: B['userId'];
  readonly postings: readonly Posting[];
}

/** A movement of a positive amount from one account to another. */
interface Leg {
  from: AccountRef;
  to: AccountRef;
  amount: Paise;
  type: EntryType;
}

const describeBook = (book: LedgerBook) =>
  book.kind === 'wallet'
    ? `the wallet of ${book.userId}`
    : book.kind === 'paper'
      ? `the paper book of ${book.accountId}`
      : `the cash mirror of ${book.accountId}`;

/**
 * The journal's rules for any transaction, however it was made (the builders below apply them;
 * the ledger repository applies them again before writing):
 * - a reference of 1–200 characters, at least one posting, no zero posting, postings summing to zero;
 * - one book: every posting is on the book's own cash/held or on the book's house — a real and a
 *   paper account never meet in one transaction, nor two users' wallets, nor two paper accounts;
 * - it moves money of the book's owner (at least one posting on the book's own cash or held), and
 *   its user is the book's user;
 * - wallet-only types (DEPOSIT, WITHDRAWAL) never in a paper book, SET_BALANCE never in the wallet;
 *   a mirror book holds RECONCILE transactions of TRADE_BUY, TRADE_SELL and ADJUSTMENT entries only;
 * - a user on every transaction but a firm account's mirror (whose book has none).
 */
export function validateTransaction(tx: JournalTransaction): void {
  const fail = (message: string): never => {
    throw new DomainError('VALIDATION_FAILED', message);
  };
  if (!tx.reference || tx.reference.length > 200) fail('A transaction needs a reference (1–200 chars)');
  if (tx.userId !== tx.book.userId) fail('A transaction belongs to the user of its book');
  if (tx.userId === null && tx.book.kind !== 'mirror') fail('Only a firm account’s cash mirror has no user');
  if (tx.postings.length === 0) fail('A transaction must move a positive amount');
  const onlyIn = BOOK_ONLY_TYPES[tx.type];
  if (onlyIn && onlyIn !== tx.book.kind) fail(`A ${tx.type} transaction belongs in the ${onlyIn} book only`);
  if (tx.book.kind === 'mirror' && tx.type !== 'RECONCILE') fail(`A mirror book holds RECONCILE transactions only, not ${tx.type}`);
  let sum = 0n;
  let own = false;
  for (const p of tx.postings) {
    if (p.amount === 0n) fail('A posting must move a non-zero amount');
    if (!inBook(tx.book, p.account)) fail(`A transaction stays in one book: ${accountCode(p.account)} is not in ${describeBook(tx.book)}`);
    const entryOnlyIn = BOOK_ONLY_TYPES[p.type];
    if (entryOnlyIn && entryOnlyIn !== tx.book.kind) fail(`A ${p.type} entry belongs in the ${entryOnlyIn} book only`);
    if (tx.book.kind === 'mirror' && !MIRROR_ENTRY_TYPES.has(p.type)) fail(`A mirror book has no ${p.type} entries`);
    if (isOwnAccount(tx.book, p.account)) own = true;
    sum += p.amount;
  }
  if (sum !== 0n) fail('A transaction must sum to zero');
  if (!own) fail(`A transaction must move money of ${describeBook(tx.book)}`);
}

/**
 * The only way to make a transaction: from legs, each of which debits one account and credits
 * another by the same positive amount, within one book. A transaction that does not sum to zero,
 * or that mixes books, cannot exist.
 */
function journal<B extends LedgerBook>(type: TransactionType, book: B, reference: string, legs: Leg[]): JournalTransaction<B> {
  if (!reference || reference.length > 200) throw new DomainError('VALIDATION_FAILED', 'A transaction needs a reference (1–200 chars)');
  const nonEmpty = legs.filter((l) => l.amount !== 0n);
  if (nonEmpty.length === 0) throw new DomainError('VALIDATION_FAILED', 'A transaction must move a positive amount');
  for (const leg of nonEmpty) {
    if (leg.amount < 0n) throw new DomainError('VALIDATION_FAILED', 'Amounts must be positive');
    if (accountCode(leg.from) === accountCode(leg.to)) throw new DomainError('VALIDATION_FAILED', 'A leg must move between two accounts');
  }
  const postings = nonEmpty.flatMap((l): Posting[] => [
    { account: l.from, amount: -l.amount, type: l.type },
    { account: l.to, amount: l.amount, type: l.type },
  ]);
  const tx: JournalTransaction<B> = Object.freeze({ type, book, userId: book.userId, reference, postings: Object.freeze(postings) });
  validateTransaction(tx);
  return tx;
}

const cash = (b: Book) => bookAccount(b, 'cash');
const held = (b: Book) => bookAccount(b, 'held');

/** Real money enters the platform: external → user.cash. Wallet only: admins move real money. */
export const depositTx = (book: WalletBook, amount: Paise, reference: string) =>
  journal('DEPOSIT', book, reference, [{ from: bookHouse(book, 'external'), to: cash(book), amount, type: 'DEPOSIT' }]);

/** Real money leaves the platform: user.cash → external. Wallet only. */
export const withdrawalTx = (book: WalletBook, amount: Paise, reference: string) =>
  journal('WITHDRAWAL', book, reference, [{ from: cash(book), to: bookHouse(book, 'external'), amount, type: 'WITHDRAWAL' }]);

/** Reserve funds for an order: cash → held of the book. */
export const holdTx = <B extends Book>(book: B, amount: Paise, reference: string) =>
  journal('HOLD', book, reference, [{ from: cash(book), to: held(book), amount, type: 'HOLD' }]);

/** Give reserved funds back: held → cash of the book. */
export const releaseTx = <B extends Book>(book: B, amount: Paise, reference: string) =>
  journal('RELEASE', book, reference, [{ from: held(book), to: cash(book), amount, type: 'RELEASE' }]);

/**
 * Sets a paper account's available cash to `newCash` (its owner's set or reset): the difference
 * moves between `paper:external` and the account's cash. Held money is not touched — a reset
 * releases nothing: what open paper orders (and the margin of open paper shorts) hold stays held
 * and settles or comes back to cash as those orders fill or end (docs/domain.md, "Accounts and
 * books"). Refuses a negative amount, and an unchanged one (nothing to move).
 */
export function setPaperBalanceTx(book: PaperBook, currentCash: Paise, newCash: Paise, reference: string): JournalTransaction<PaperBook> {
  if (currentCash < 0n || newCash < 0n) throw new DomainError('VALIDATION_FAILED', 'A paper balance is never negative');
  if (newCash === currentCash) throw new DomainError('VALIDATION_FAILED', 'The paper balance is already that amount');
  const leg: Leg =
    newCash > currentCash
      ? { from: bookHouse(book, 'external'), to: cash(book), amount: newCash - currentCash, type: 'SET_BALANCE' }
      : { from: cash(book), to: bookHouse(book, 'external'), amount: currentCash - newCash, type: 'SET_BALANCE' };
  return journal('SET_BALANCE', book, reference, [leg]);
}

export interface Settlement {
  /** The part of the user's hold this settlement consumes. */
  heldAmount: Paise;
  /** Cost paid to clearing (fill quantity × fill price). */
  cost: Paise;
  fees: Paise;
  taxes: Paise;
}

/**
 * Settles a hold: cost → clearing, fees → fees, taxes → taxes (the book's house), paid from the
 * hold first and from cash for anything beyond it (a fill above the held estimate); what is left
 * of the hold goes back to cash. All in one transaction.
 */
export function settleTx<B extends Book>(book: B, s: Settlement, reference: string): JournalTransaction<B> {
  for (const [k, v] of Object.entries(s)) {
    if (v < 0n) throw new DomainError('VALIDATION_FAILED', `Settlement ${k} must not be negative`);
  }
  let fromHold = s.heldAmount;
  const legs: Leg[] = [];
  const pay = (to: AccountRef, amount: Paise, type: EntryType) => {
    const fromHeld = amount < fromHold ? amount : fromHold;
    fromHold -= fromHeld;
    legs.push({ from: held(book), to, amount: fromHeld, type });
    legs.push({ from: cash(book), to, amount: amount - fromHeld, type });
  };
  pay(bookHouse(book, 'clearing'), s.cost, 'TRADE_BUY');
  pay(bookHouse(book, 'fees'), s.fees, 'FEE');
  pay(bookHouse(book, 'taxes'), s.taxes, 'TAX');
  legs.push({ from: held(book), to: cash(book), amount: fromHold, type: 'RELEASE' });
  return journal('SETTLE', book, reference, legs);
}

export interface SaleSettlement {
  /** Sale proceeds from clearing (fill quantity × fill price). */
  proceeds: Paise;
  fees: Paise;
  taxes: Paise;
}

/**
 * Settles a sale: proceeds clearing → cash (TRADE_SELL), then fees and taxes from cash. The
 * charges may exceed the proceeds only if cash covers them (the balance rule decides).
 */
export function saleSettleTx<B extends Book>(book: B, s: SaleSettlement, reference: string): JournalTransaction<B> {
  for (const [k, v] of Object.entries(s)) {
    if (v < 0n) throw new DomainError('VALIDATION_FAILED', `Sale settlement ${k} must not be negative`);
  }
  return journal('SETTLE', book, reference, [
    { from: bookHouse(book, 'clearing'), to: cash(book), amount: s.proceeds, type: 'TRADE_SELL' },
    { from: cash(book), to: bookHouse(book, 'fees'), amount: s.fees, type: 'FEE' },
    { from: cash(book), to: bookHouse(book, 'taxes'), amount: s.taxes, type: 'TAX' },
  ]);
}

/** A charge on its own (e.g. a periodic fee): the book's cash or held → its fees / taxes. */
export function chargeTx<B extends Book>(
  book: B,
  kind: 'FEE' | 'TAX',
  amount: Paise,
  reference: string,
  from: 'cash' | 'held' = 'cash',
): JournalTransaction<B> {
  return journal(kind, book, reference, [
    { from: from === 'cash' ? cash(book) : held(book), to: bookHouse(book, kind === 'FEE' ? 'fees' : 'taxes'), amount, type: kind },
  ]);
}

/** What one reconciliation brings into a live account's cash mirror (paise, all ≥ 0 but `reported`). */
export interface MirrorReconciliation {
  /** The mirror's balance before this reconciliation (0 for a mirror never reconciled). */
  mirrorBefore: Paise;
  /** What our buys on the account paid since the mirror last took our fills (qty × price). */
  buys: Paise;
  /** What our sells received over the same window. */
  sells: Paise;
  /** The broker's cash now, as it reports it (may be negative: an account in debit). */
  reported: Paise;
}

/** The unexplained part of a mirror reconciliation: the broker's cash less the mirror moved by our fills. */
export const mirrorDifference = (r: MirrorReconciliation): Paise => r.reported - (r.mirrorBefore - r.buys + r.sells);

/**
 * One reconciliation of a live account's cash mirror, as one transaction (docs/domain.md,
 * "Accounts and books"): our buys' cash out to `broker:clearing` (TRADE_BUY), our sells' cash in
 * from it (TRADE_SELL), then what those do not explain — the broker's reported cash less the
 * mirror plus our flow (payins, payouts, charges, a fill we never saw) — from or to
 * `broker:external` (ADJUSTMENT). After it the mirror equals what the broker reports. Null when
 * nothing moved (no fills, nothing unexplained): there is nothing to post.
 */
export function reconcileMirrorTx(book: MirrorBook, r: MirrorReconciliation, reference: string): JournalTransaction<MirrorBook> | null {
  if (r.buys < 0n || r.sells < 0n) throw new DomainError('VALIDATION_FAILED', 'Fill cash flows are not negative');
  const cash = mirrorCash(book);
  const clearing = mirrorHouse('clearing');
  const external = mirrorHouse('external');
  const unexplained = mirrorDifference(r);
  const legs: Leg[] = [
    { from: cash, to: clearing, amount: r.buys, type: 'TRADE_BUY' },
    { from: clearing, to: cash, amount: r.sells, type: 'TRADE_SELL' },
    unexplained >= 0n
      ? { from: external, to: cash, amount: unexplained, type: 'ADJUSTMENT' }
      : { from: cash, to: external, amount: -unexplained, type: 'ADJUSTMENT' },
  ];
  if (legs.every((l) => l.amount === 0n)) return null;
  return journal('RECONCILE', book, reference, legs);
}

/** Sum of a transaction's postings: zero by construction; checked again by verify. */
export const sumPostings = (tx: Pick<JournalTransaction, 'postings'>): bigint => tx.postings.reduce((a, p) => a + p.amount, 0n);
