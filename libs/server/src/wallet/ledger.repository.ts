import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { accountCode, DomainError, formatMoney, walletDelta, type JournalTransaction } from '@tradeloop/domain';
import type { LedgerEntry, LedgerTransaction, Wallet } from '@tradeloop/contracts';
import { Db, type Sql } from '../db';
import { contentHash } from './ledger-hashing';

export interface WalletRow {
  cash_minor: string;
  held_minor: string;
}

export const toWallet = (w: WalletRow): Wallet => {
  const cash = BigInt(w.cash_minor);
  const held = BigInt(w.held_minor);
  return { currency: 'INR', available: formatMoney(cash), held: formatMoney(held), total: formatMoney(cash + held) };
};

export interface PostedTransaction {
  transaction: LedgerTransaction;
  wallet: Wallet;
}

/**
 * Writes ledger transactions. One call = one wallet balance update, one transaction row and its
 * entries, and a row in the sealer's queue — all inside the caller's database transaction, so
 * they commit together or not at all. The wallet row lock serialises writers per user; writers
 * for different users never wait for each other.
 */
@Injectable()
export class LedgerRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  async post(sql: Sql, tx: JournalTransaction): Promise<PostedTransaction> {
    const delta = walletDelta(tx, tx.userId);
    const id = uuidv7();
    const createdAt = new Date().toISOString();
    const hash = contentHash(tx, { id, createdAt });
    const postings = tx.postings.map((p, position) => ({
      position,
      account: accountCode(p.account),
      userId: p.account.kind === 'user' ? p.account.userId : null,
      bucket: p.account.kind === 'user' ? p.account.bucket : null,
      type: p.type,
      amount: p.amount,
    }));

    // One statement, so it is atomic even outside an explicit transaction and costs one round
    // trip: the guarded balance update (which refuses an overdraft without raising, leaving the
    // caller's transaction usable; the CHECK constraints stay as the last line of defence), the
    // transaction row, its entries with each user entry's balance-after, and the sealer's queue
    // row. If the guard refuses, nothing else is written.
    const rows = await sql.rows<{ cash_after: string; held_after: string; entry_ids: string[] }>(
      `WITH w AS (
         UPDATE wallet_balances SET cash_minor = cash_minor + $7, held_minor = held_minor + $8, updated_at = now()
         WHERE user_id = $3 AND cash_minor + $7 >= 0 AND held_minor + $8 >= 0
         RETURNING cash_minor, held_minor
       ), t AS (
         INSERT INTO ledger_transactions (id, type, user_id, reference, created_at, content_hash)
         SELECT $1, $2, $3, $4, $5, $6 FROM w RETURNING id, ingest_id
       ), q AS (
         INSERT INTO ledger_unsealed (transaction_id, ingest_id) SELECT id, ingest_id FROM t
       ), p AS (
         SELECT e.*, sum(e.amount) OVER (PARTITION BY e.bucket ORDER BY e.position) AS running
         FROM unnest($9::smallint[], $10::text[], $11::uuid[], $12::text[], $13::text[], $14::bigint[])
           AS e(position, account, user_id, bucket, type, amount)
       ), e AS (
         INSERT INTO ledger_entries (transaction_id, position, account, user_id, type, amount_minor, balance_after_minor, created_at)
         SELECT t.id, p.position, p.account, p.user_id, p.type, p.amount,
                CASE p.bucket WHEN 'cash' THEN w.cash_minor - $7 + p.running WHEN 'held' THEN w.held_minor - $8 + p.running END,
                $5
         FROM p, t, w ORDER BY p.position
         RETURNING id, position
       )
       SELECT w.cash_minor::text AS cash_after, w.held_minor::text AS held_after,
              (SELECT array_agg(id::text ORDER BY position) FROM e) AS entry_ids
       FROM w`,
      [
        id,
        tx.type,
        tx.userId,
        tx.reference,
        createdAt,
        hash,
        delta.cash.toString(),
        delta.held.toString(),
        postings.map((e) => e.position),
        postings.map((e) => e.account),
        postings.map((e) => e.userId),
        postings.map((e) => e.bucket),
        postings.map((e) => e.type),
        postings.map((e) => e.amount.toString()),
      ],
    );
    const written = rows[0];
    if (!written) return this.explainRefusal(sql, tx.userId, delta);

    // The same balance-after the database computed, for the response.
    const running = { cash: BigInt(written.cash_after) - delta.cash, held: BigInt(written.held_after) - delta.held };
    return {
      wallet: toWallet({ cash_minor: written.cash_after, held_minor: written.held_after }),
      transaction: {
        id,
        type: tx.type,
        userId: tx.userId,
        reference: tx.reference,
        createdAt,
        contentHash: hash.toString('hex'),
        seq: null,
        chainHash: null,
        prevChainHash: null,
        entries: postings.map((e, i) => {
          let after: bigint | null = null;
          if (e.bucket) {
            running[e.bucket] += e.amount;
            after = running[e.bucket];
          }
          return { id: written.entry_ids[i]!, account: e.account, type: e.type, amount: formatMoney(e.amount), balanceAfter: after === null ? null : formatMoney(after) };
        }),
      },
    };
  }

  private async explainRefusal(sql: Sql, userId: string, delta: { cash: bigint; held: bigint }): Promise<never> {
    const w = await sql.maybeOne<WalletRow>(`SELECT cash_minor::text, held_minor::text FROM wallet_balances WHERE user_id = $1`, [userId]);
    if (!w) throw new DomainError('NOT_FOUND', 'User has no wallet');
    const shortCash = -(BigInt(w.cash_minor) + delta.cash);
    if (shortCash > 0n) {
      throw new DomainError('INSUFFICIENT_FUNDS', `Available balance is ${formatMoney(BigInt(w.cash_minor))}; this needs ${formatMoney(shortCash)} more`);
    }
    throw new DomainError('INSUFFICIENT_FUNDS', `Held balance is ${formatMoney(BigInt(w.held_minor))}, less than this movement needs`);
  }

  async wallet(userId: string, sql: Sql = this.db.sql): Promise<Wallet | undefined> {
    const w = await sql.maybeOne<WalletRow>(`SELECT cash_minor::text, held_minor::text FROM wallet_balances WHERE user_id = $1`, [userId]);
    return w && toWallet(w);
  }
}

export interface EntryRow {
  id: string;
  transaction_id: string;
  account: string;
  type: LedgerEntry['type'];
  amount_minor: string;
  balance_after_minor: string | null;
  reference: string;
  created_at: Date;
}

export const toLedgerEntry = (r: EntryRow): LedgerEntry => ({
  id: r.id,
  transactionId: r.transaction_id,
  account: r.account,
  type: r.type,
  amount: formatMoney(BigInt(r.amount_minor)),
  balanceAfter: r.balance_after_minor === null ? null : formatMoney(BigInt(r.balance_after_minor)),
  reference: r.reference,
  createdAt: r.created_at.toISOString(),
});
