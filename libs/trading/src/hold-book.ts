import { paperBook, walletBook, type Book, type BrokerAccountId, type UserId } from '@tradeloop/domain';
import type { BrokerKind } from '@tradeloop/contracts';

/** Which book of the ledger an order's hold lives in (`orders.hold_book`). */
export type HoldBook = 'wallet' | 'paper';

/**
 * The book an order's money moves in (docs/domain.md, "Accounts and books (second wave)"): the
 * paper book of its paper account when its hold was placed there, else its owner's wallet. The
 * one rule for intake, execution (settle, release, modify) and the hold move: an order never
 * settles against a book it did not hold in.
 */
export const bookOf = (o: { hold_book: HoldBook; account_id: string; user_id: UserId }): Book =>
  o.hold_book === 'paper' ? paperBook(o.account_id as BrokerAccountId, o.user_id) : walletBook(o.user_id);

/** Where a new order's hold goes: a paper account's orders into its paper book, live orders into the wallet. */
export const holdBookFor = (kind: BrokerKind): HoldBook => (kind === 'paper' ? 'paper' : 'wallet');
