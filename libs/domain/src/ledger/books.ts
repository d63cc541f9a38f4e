import type { BrokerAccountId, UserId } from '../units';
import {
  houseAccount,
  paperAccount,
  paperHouseAccount,
  userAccount,
  type AccountRef,
  type HouseAccount,
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
export type Book = WalletBook | PaperBook;
export type BookKind = Book['kind'];
export const BOOK_KINDS = ['wallet', 'paper'] as const satisfies readonly BookKind[];

export const walletBook = (userId: UserId): WalletBook => Object.freeze({ kind: 'wallet', userId });
export const paperBook = (accountId: BrokerAccountId, userId: UserId): PaperBook => Object.freeze({ kind: 'paper', accountId, userId });

/** The book's own cash or held account: `user:<id>:cash` in the wallet, `paper:<account>:cash` in a paper book. */
export const bookAccount = (book: Book, bucket: UserBucket): AccountRef =>
  book.kind === 'wallet' ? userAccount(book.userId, bucket) : paperAccount(book.accountId, bucket);

/** The book's side of the house: `house:<name>` for the wallet, `paper:<name>` for every paper book. */
export const bookHouse = (book: Book, name: HouseAccount): AccountRef =>
  book.kind === 'wallet' ? houseAccount(name) : paperHouseAccount(name);

/** The kind of book a ledger account belongs to. */
export const bookKindOf = (a: AccountRef): BookKind => (a.kind === 'user' || a.kind === 'house' ? 'wallet' : 'paper');

/** Whether an account may appear in a transaction of this book: the book's own cash/held, or its house. */
export function inBook(book: Book, a: AccountRef): boolean {
  switch (a.kind) {
    case 'user':
      return book.kind === 'wallet' && a.userId === book.userId;
    case 'house':
      return book.kind === 'wallet';
    case 'paper':
      return book.kind === 'paper' && a.accountId === book.accountId;
    case 'paperHouse':
      return book.kind === 'paper';
  }
}

/** Whether an account is the book's own cash or held (not its house). */
export const isOwnAccount = (book: Book, a: AccountRef): a is Extract<AccountRef, { bucket: UserBucket }> =>
  (a.kind === 'user' || a.kind === 'paper') && inBook(book, a);

/** One key per balance row: writers of the same book are serialised, different books never wait for each other. */
export const bookKey = (book: Book): string => (book.kind === 'wallet' ? `wallet:${book.userId}` : `paper:${book.accountId}`);
