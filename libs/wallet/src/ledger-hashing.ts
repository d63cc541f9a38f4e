import { createHash } from 'node:crypto';
import {
  canonicalText,
  canonicalTransaction,
  type JournalTransaction,
  type StoredFields,
  type StoredTransactionText,
} from '@tradeloop/domain';

/** sha256(utf8(canonical transaction)): detects any edit of a transaction or its entries. */
export function contentHash(tx: JournalTransaction, stored: StoredFields): Buffer {
  return createHash('sha256').update(canonicalTransaction(tx, stored), 'utf8').digest();
}

/** The same hash from stored text (verify's fast path). */
export function storedContentHash(t: StoredTransactionText): Buffer {
  return createHash('sha256').update(canonicalText(t), 'utf8').digest();
}

/** sha256(prev ‖ seq as 8-byte big-endian ‖ contentHash): links each transaction to all before it. */
export function chainHash(prev: Buffer, seq: bigint, content: Buffer): Buffer {
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigInt64BE(seq);
  return createHash('sha256').update(prev).update(seqBytes).update(content).digest();
}
