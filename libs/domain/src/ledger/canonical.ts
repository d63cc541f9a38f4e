import { accountCode } from './accounts';
import type { JournalTransaction } from './journal';

export interface StoredFields {
  id: string;
  /** ISO-8601 with milliseconds, as stored. */
  createdAt: string;
}

/**
 * The exact text a transaction's content hash covers: every field that matters, in a fixed
 * order, amounts as integer strings. Changing any amount, account, type, reference, time or
 * the order of entries changes the text.
 *   contentHash = sha256(utf8(canonical))
 *   chainHash   = sha256(prevChainHash ‖ seq as 8-byte big-endian ‖ contentHash)
 */
export function canonicalTransaction(tx: JournalTransaction, stored: StoredFields): string {
  return canonicalText({
    ...stored,
    type: tx.type,
    userId: tx.userId,
    reference: tx.reference,
    entries: tx.postings.map((p) => [accountCode(p.account), p.type, p.amount.toString()]),
  });
}

/** A transaction as stored: account codes and amounts already in their text form. */
export interface StoredTransactionText extends StoredFields {
  type: string;
  /** Null only for a firm account's cash mirror (no owner): `null` in the text, never a user's id. */
  userId: string | null;
  reference: string;
  /** [account code, entry type, amount as an integer string], in posting order. */
  entries: (readonly [string, string, string])[];
}

/**
 * The canonical text from stored values, without parsing them back into a transaction:
 * verify recomputes a million entries' hashes with this. `canonicalTransaction` goes through
 * it too, so there is one definition of the format.
 */
export function canonicalText(t: StoredTransactionText): string {
  return JSON.stringify(['v1', t.id, t.createdAt, t.type, t.userId, t.reference, t.entries]);
}

/** The chain's first `prevHash`: 32 zero bytes, hex. */
export const GENESIS_HASH = '0'.repeat(64);
