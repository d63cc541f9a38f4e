import { DomainError } from '../errors';
import type { Paise } from '../money';
import type { UserId } from '../units';
import { accountCode, houseAccount, userAccount, type AccountRef } from './accounts';

/** What caused a transaction. */
export const TRANSACTION_TYPES = ['DEPOSIT', 'WITHDRAWAL', 'HOLD', 'RELEASE', 'SETTLE', 'FEE', 'TAX'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

/** What one entry is, within its transaction (the posting table in docs/domain.md, "Ledger"). */
export const ENTRY_TYPES = ['DEPOSIT', 'WITHDRAWAL', 'HOLD', 'RELEASE', 'TRADE_BUY', 'TRADE_SELL', 'FEE', 'TAX'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

/**
 * One side of a movement. `amount` is signed from the account's point of view: positive adds
 * to the account's balance, negative takes from it.
 */
export interface Posting {
  readonly account: AccountRef;
  readonly amount: Paise;
  readonly type: EntryType;
}

export interface JournalTransaction {
  readonly type: TransactionType;
  /** What caused it: a deposit id, an order id, a trade id… */
  readonly reference: string;
  /** The user whose wallet it touches. */
  readonly userId: UserId;
  readonly postings: readonly Posting[];
}

/** A movement of a positive amount from one account to another. */
interface Leg {
  from: AccountRef;
  to: AccountRef;
  amount: Paise;
  type: EntryType;
}

/**
 * The only way to make a transaction: from legs, each of which debits one account and credits
 * another by the same positive amount. A transaction that does not sum to zero cannot exist.
 */
function journal(type: TransactionType, userId: UserId, reference: string, legs: Leg[]): JournalTransaction {
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
  return Object.freeze({ type, userId, reference, postings: Object.freeze(postings) });
}

const cash = (u: UserId) => userAccount(u, 'cash');
const held = (u: UserId) => userAccount(u, 'held');

/** Money enters the platform: external → user.cash. */
export const depositTx = (userId: UserId, amount: Paise, reference: string) =>
  journal('DEPOSIT', userId, reference, [{ from: houseAccount('external'), to: cash(userId), amount, type: 'DEPOSIT' }]);

/** Money leaves the platform: user.cash → external. */
export const withdrawalTx = (userId: UserId, amount: Paise, reference: string) =>
  journal('WITHDRAWAL', userId, reference, [{ from: cash(userId), to: houseAccount('external'), amount, type: 'WITHDRAWAL' }]);

/** Reserve funds for an order: user.cash → user.held. */
export const holdTx = (userId: UserId, amount: Paise, reference: string) =>
  journal('HOLD', userId, reference, [{ from: cash(userId), to: held(userId), amount, type: 'HOLD' }]);

/** Give reserved funds back: user.held → user.cash. */
export const releaseTx = (userId: UserId, amount: Paise, reference: string) =>
  journal('RELEASE', userId, reference, [{ from: held(userId), to: cash(userId), amount, type: 'RELEASE' }]);

export interface Settlement {
  /** The part of the user's hold this settlement consumes. */
  heldAmount: Paise;
  /** Cost paid to clearing (fill quantity × fill price). */
  cost: Paise;
  fees: Paise;
  taxes: Paise;
}

/**
 * Settles a hold: cost → clearing, fees → fees, taxes → taxes, paid from the hold first and
 * from cash for anything beyond it (a fill above the held estimate); what is left of the hold
 * goes back to cash. All in one transaction.
 */
export function settleTx(userId: UserId, s: Settlement, reference: string): JournalTransaction {
  for (const [k, v] of Object.entries(s)) {
    if (v < 0n) throw new DomainError('VALIDATION_FAILED', `Settlement ${k} must not be negative`);
  }
  let fromHold = s.heldAmount;
  const legs: Leg[] = [];
  const pay = (to: AccountRef, amount: Paise, type: EntryType) => {
    const fromHeld = amount < fromHold ? amount : fromHold;
    fromHold -= fromHeld;
    legs.push({ from: held(userId), to, amount: fromHeld, type });
    legs.push({ from: cash(userId), to, amount: amount - fromHeld, type });
  };
  pay(houseAccount('clearing'), s.cost, 'TRADE_BUY');
  pay(houseAccount('fees'), s.fees, 'FEE');
  pay(houseAccount('taxes'), s.taxes, 'TAX');
  legs.push({ from: held(userId), to: cash(userId), amount: fromHold, type: 'RELEASE' });
  return journal('SETTLE', userId, reference, legs);
}

export interface SaleSettlement {
  /** Sale proceeds from clearing (fill quantity × fill price). */
  proceeds: Paise;
  fees: Paise;
  taxes: Paise;
}

/**
 * Settles a sale: proceeds clearing → cash (TRADE_SELL), then fees and taxes from cash. The
 * charges may exceed the proceeds only if cash covers them (the wallet rule decides).
 */
export function saleSettleTx(userId: UserId, s: SaleSettlement, reference: string): JournalTransaction {
  for (const [k, v] of Object.entries(s)) {
    if (v < 0n) throw new DomainError('VALIDATION_FAILED', `Sale settlement ${k} must not be negative`);
  }
  return journal('SETTLE', userId, reference, [
    { from: houseAccount('clearing'), to: cash(userId), amount: s.proceeds, type: 'TRADE_SELL' },
    { from: cash(userId), to: houseAccount('fees'), amount: s.fees, type: 'FEE' },
    { from: cash(userId), to: houseAccount('taxes'), amount: s.taxes, type: 'TAX' },
  ]);
}

/** A charge on its own (e.g. a periodic fee): user cash or held → fees / taxes. */
export function chargeTx(
  userId: UserId,
  kind: 'FEE' | 'TAX',
  amount: Paise,
  reference: string,
  from: 'cash' | 'held' = 'cash',
): JournalTransaction {
  return journal(kind, userId, reference, [
    { from: from === 'cash' ? cash(userId) : held(userId), to: houseAccount(kind === 'FEE' ? 'fees' : 'taxes'), amount, type: kind },
  ]);
}

/** Sum of a transaction's postings: zero by construction; checked again by verify. */
export const sumPostings = (tx: Pick<JournalTransaction, 'postings'>): bigint => tx.postings.reduce((a, p) => a + p.amount, 0n);
