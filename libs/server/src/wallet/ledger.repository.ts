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
    // The guard in WHERE refuses an overdraft without raising, so the caller's transaction stays
    // usable; the CHECK constraints remain the last line of defence.
    const wallet = await sql.maybeOne<WalletRow>(
      `UPDATE wallet_balances SET cash_minor = cash_minor + $2, held_minor = held_minor + $3, updated_at = now()
       WHERE user_id = $1 AND cash_minor + $2 >= 0 AND held_minor + $3 >= 0
       RETURNING cash_minor::text, held_minor::text`,
      [tx.userId, delta.cash.toString(), delta.held.toString()],
    );
    if (!wallet) await this.explainRefusal(sql, tx.userId, delta);

    const id = uuidv7();
    const createdAt = new Date().toISOString();
    const hash = contentHash(tx, { id, createdAt });
    // Balance after each entry, for the user's own accounts, in posting order.
    const running = { cash: BigInt(wallet!.cash_minor) - delta.cash, held: BigInt(wallet!.held_minor) - delta.held };
    const entries = tx.postings.map((p, position) => {
      let after: bigint | null = null;
      if (p.account.kind === 'user') {
        running[p.account.bucket] += p.amount;
        after = running[p.account.bucket];
      }
      return { position, account: accountCode(p.account), userId: p.account.kind === 'user' ? p.account.userId : null, type: p.type, amount: p.amount, after };
    });

    const inserted = await sql.rows<{ id: string }>(
      `WITH t AS (
         INSERT INTO ledger_transactions (id, type, user_id, reference, created_at, content_hash)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, ingest_id
       ), q AS (
         INSERT INTO ledger_unsealed (transaction_id, ingest_id) SELECT id, ingest_id FROM t
       )
       INSERT INTO ledger_entries (transaction_id, position, account, user_id, type, amount_minor, balance_after_minor, created_at)
       SELECT $1, e.position, e.account, e.user_id, e.type, e.amount, e.after, $5
       FROM unnest($7::smallint[], $8::text[], $9::uuid[], $10::text[], $11::bigint[], $12::bigint[])
         AS e(position, account, user_id, type, amount, after)
       RETURNING id::text`,
      [
        id,
        tx.type,
        tx.userId,
        tx.reference,
        createdAt,
        hash,
        entries.map((e) => e.position),
        entries.map((e) => e.account),
        entries.map((e) => e.userId),
        entries.map((e) => e.type),
        entries.map((e) => e.amount.toString()),
        entries.map((e) => (e.after === null ? null : e.after.toString())),
      ],
    );
    return {
      wallet: toWallet(wallet!),
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
        entries: entries.map((e, i) => ({
          id: inserted[i]!.id,
          account: e.account,
          type: e.type,
          amount: formatMoney(e.amount),
          balanceAfter: e.after === null ? null : formatMoney(e.after),
        })),
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
