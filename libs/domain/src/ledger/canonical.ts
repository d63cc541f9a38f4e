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
  return JSON.stringify([
    'v1',
    stored.id,
    stored.createdAt,
    tx.type,
    tx.userId,
    tx.reference,
    tx.postings.map((p) => [accountCode(p.account), p.type, p.amount.toString()]),
  ]);
}

/** The chain's first `prevHash`: 32 zero bytes, hex. */
export const GENESIS_HASH = '0'.repeat(64);
