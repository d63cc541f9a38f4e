import { DomainError } from '../errors';
import type { Paise } from '../money';
import type { UserId } from '../units';
import type { JournalTransaction } from './journal';

export interface WalletBalances {
  cash: Paise;
  held: Paise;
}

/**
 * The change a transaction makes to one user's cash and held. Postings on house accounts and
 * on other users are not part of this user's wallet.
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
 * Applies a transaction to a wallet, refusing it when cash or held would go below zero. The
 * database enforces the same rule with a CHECK; this is the rule's one implementation in code.
 */
export function applyToWallet(wallet: WalletBalances, tx: JournalTransaction): WalletBalances {
  const d = walletDelta(tx, tx.userId);
  const next = { cash: wallet.cash + d.cash, held: wallet.held + d.held };
  if (next.cash < 0n)
    throw new DomainError('INSUFFICIENT_FUNDS', 'Not enough available funds', { context: { shortBy: (-next.cash).toString() } });
  if (next.held < 0n)
    throw new DomainError('INSUFFICIENT_FUNDS', 'Not enough held funds to settle or release', {
      context: { shortBy: (-next.held).toString() },
    });
  return next;
}
