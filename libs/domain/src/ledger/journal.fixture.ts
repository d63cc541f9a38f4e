import { DomainError } from '../errors';
import { accountCode } from './accounts';
import type { JournalTransaction } from './journal';

/** A transaction's postings as [account code, amount, entry type]: what the ledger specs compare. */
export const codes = (tx: JournalTransaction) => tx.postings.map((p) => [accountCode(p.account), p.amount, p.type]);

/** Asserts that `f` is refused by the journal's rules (VALIDATION_FAILED) with a message matching `message`. */
export function refusedWith(f: () => unknown, message: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe('VALIDATION_FAILED');
  expect((err as DomainError).message).toMatch(message);
}
