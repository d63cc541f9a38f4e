import { DomainError } from '../errors';
import type { Paise } from '../money';
import type { UserId } from '../units';
import { isOwnAccount } from './books';
import type { JournalTransaction } from './journal';

export interface WalletBalances {
  cash: Paise;
  held: Paise;
}

/**
 * The change a transaction makes to one user's real wallet (cash and held). Postings on house
 * accounts, on other users and on paper books are not part of this user's wallet.
 */
export function walletDelta(tx: JournalTransaction, userId: UserId): WalletBalances {
  let cash = 0n;
  let held = 0n;
  for (const p of tx.postings) {
    if (p.account.kind !== 'user' || p.account.userId !== userId) continue;
    if (p.account.bucket === 'cash') cash += p.amount;
    else held += p.amount;
  }
  return { cash, held };
}

/**
 * The change a transaction makes to the cash and held of its own book: the user's wallet, or
 * the paper account's balances. The one balance row a posting moves.
 */
export function bookDelta(tx: JournalTransaction): WalletBalances {
  let cash = 0n;
  let held = 0n;
  for (const p of tx.postings) {
    if (!isOwnAccount(tx.book, p.account)) continue;
    if (p.account.bucket === 'cash') cash += p.amount;
    else held += p.amount;
  }
  return { cash, held };
}

/**
 * Applies a transaction to the balances of its book (a wallet, or a paper account), refusing it
 * when cash or held would go below zero. The database enforces the same rule with a CHECK; this
 * is the rule's one implementation in code. Paper books follow exactly the same rule.
 */
export function applyToWallet(wallet: WalletBalances, tx: JournalTransaction): WalletBalances {
  const d = bookDelta(tx);
  const next = { cash: wallet.cash + d.cash, held: wallet.held + d.held };
  if (next.cash < 0n)
    throw new DomainError('INSUFFICIENT_FUNDS', 'Not enough available funds', { context: { shortBy: (-next.cash).toString() } });
  if (next.held < 0n)
    throw new DomainError('INSUFFICIENT_FUNDS', 'Not enough held funds to settle or release', {
      context: { shortBy: (-next.held).toString() },
    });
  return next;
}
