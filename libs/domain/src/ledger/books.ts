import type { BrokerAccountId, UserId } from '../units';
import {
  mirrorAccount,
  mirrorHouseAccount,
  houseAccount,
  paperAccount,
  paperHouseAccount,
  userAccount,
  type AccountRef,
  type HouseAccount,
  type MirrorHouseAccount,
  type UserBucket,
} from './accounts';

/**
 * Which book a transaction is kept in (docs/domain.md, "Accounts and books"): the user's real
 * wallet, or the paper book of one paper broker account (its owner's virtual money). Every
 * builder takes one and none defaults, so every call site says which money it moves.
 */
export interface WalletBook {
  readonly kind: 'wallet';
  readonly userId: UserId;
}
export interface PaperBook {
  readonly kind: 'paper';
  /** The paper broker account whose book this is. */
  readonly accountId: BrokerAccountId;
  /** Its owner: the transaction's user. */
  readonly userId: UserId;
}
/**
 * The cash mirror of one live broker account: our record of its cash at the broker, moved only by
 * the daily reconciliation (`reconcileMirrorTx`). Its user is the account's owner, or null for a
 * firm account, which has none (docs/domain.md, "Accounts and books").
 */
export interface MirrorBook {
  readonly kind: 'mirror';
  /** The live broker account whose cash this mirrors. */
  readonly accountId: BrokerAccountId;
  /** Its owner; null for a firm account. */
  readonly userId: UserId | null;
}
/** The books order money moves in: the wallet, or a paper account's book. */
export type Book = WalletBook | PaperBook;
/** Every kind of book of the ledger. */
export type LedgerBook = Book | MirrorBook;
export type BookKind = LedgerBook['kind'];
export const BOOK_KINDS = ['wallet', 'paper', 'mirror'] as const satisfies readonly BookKind[];

export const walletBook = (userId: UserId): WalletBook => Object.freeze({ kind: 'wallet', userId });
export const paperBook = (accountId: BrokerAccountId, userId: UserId): PaperBook => Object.freeze({ kind: 'paper', accountId, userId });
export const mirrorBook = (accountId: BrokerAccountId, userId: UserId | null): MirrorBook =>
  Object.freeze({ kind: 'mirror', accountId, userId });

/** The book's own cash or held account: `user:<id>:cash` in the wallet, `paper:<account>:cash` in a paper book. */
export const bookAccount = (book: Book, bucket: UserBucket): AccountRef =>
  book.kind === 'wallet' ? userAccount(book.userId, bucket) : paperAccount(book.accountId, bucket);

/** The book's side of the house: `house:<name>` for the wallet, `paper:<name>` for every paper book. */
export const bookHouse = (book: Book, name: HouseAccount): AccountRef =>
  book.kind === 'wallet' ? houseAccount(name) : paperHouseAccount(name);

/** The mirror book's own account and its side of the broker house. */
export const mirrorCash = (book: MirrorBook): AccountRef => mirrorAccount(book.accountId);
export const mirrorHouse = (name: MirrorHouseAccount): AccountRef => mirrorHouseAccount(name);

/** The kind of book a ledger account belongs to. */
export const bookKindOf = (a: AccountRef): BookKind =>
  a.kind === 'user' || a.kind === 'house' ? 'wallet' : a.kind === 'paper' || a.kind === 'paperHouse' ? 'paper' : 'mirror';

/** Whether an account may appear in a transaction of this book: the book's own cash/held, or its house. */
export function inBook(book: LedgerBook, a: AccountRef): boolean {
  switch (a.kind) {
    case 'user':
      return book.kind === 'wallet' && a.userId === book.userId;
    case 'house':
      return book.kind === 'wallet';
    case 'paper':
      return book.kind === 'paper' && a.accountId === book.accountId;
    case 'paperHouse':
      return book.kind === 'paper';
    case 'mirror':
      return book.kind === 'mirror' && a.accountId === book.accountId;
    case 'mirrorHouse':
      return book.kind === 'mirror';
  }
}

/** Whether an account is the book's own cash or held (not its house). */
export const isOwnAccount = (book: LedgerBook, a: AccountRef): a is Extract<AccountRef, { bucket: UserBucket }> =>
  (a.kind === 'user' || a.kind === 'paper' || a.kind === 'mirror') && inBook(book, a);

/** One key per balance row: writers of the same book are serialised, different books never wait for each other. */
export const bookKey = (book: LedgerBook): string => (book.kind === 'wallet' ? `wallet:${book.userId}` : `${book.kind}:${book.accountId}`);
