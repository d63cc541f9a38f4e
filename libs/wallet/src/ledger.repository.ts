import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { accountCode, DomainError, formatMoney, walletDelta, type JournalTransaction, type UserId, type Paise } from '@tradeloop/domain';
import type { LedgerEntry, LedgerTransaction, Wallet } from '@tradeloop/contracts';
import { Db, type Sql } from '@tradeloop/platform';
import { contentHash } from './ledger-hashing';

export interface WalletRow {
  cash_paise: string;
  held_paise: string;
}

export const toWallet = (w: WalletRow): Wallet => {
  const cash: Paise = BigInt(w.cash_paise);
  const held: Paise = BigInt(w.held_paise);
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

  /** Posts one transaction; throws INSUFFICIENT_FUNDS / NOT_FOUND when its guard refuses it. */
  async post(sql: Sql, tx: JournalTransaction): Promise<PostedTransaction> {
    const { written, ids } = await this.postMany(sql, [tx]);
    const posted = written.get(ids[0]!);
    if (!posted) return this.explainRefusal(sql, tx.userId, walletDelta(tx, tx.userId));
    return posted;
  }

  /**
   * Posts several transactions (for distinct users) in ONE statement, so it is atomic even
   * outside an explicit transaction and costs one round trip: guarded balance updates (rows
   * locked in user order; the guard refuses an overdraft without raising, leaving the caller's
   * transaction usable, and the CHECK constraints stay as the last line of defence), then the
   * transaction rows, the sealer's queue rows and the entries with each user entry's
   * balance-after — only for the postings whose guard passed. Returns those, keyed by the
   * generated ids (`ids[i]` belongs to `txs[i]`).
   */
  async postMany(sql: Sql, txs: JournalTransaction[]): Promise<{ written: Map<string, PostedTransaction>; ids: string[] }> {
    const ids: string[] = [];
    const cols = {
      user: [] as string[],
      dcash: [] as string[],
      dheld: [] as string[],
      id: [] as string[],
      type: [] as string[],
      ref: [] as string[],
      at: [] as string[],
      hash: [] as Buffer[],
      ord: [] as number[],
    };
    const ent = {
      tx: [] as string[],
      pos: [] as number[],
      account: [] as string[],
      user: [] as (string | null)[],
      bucket: [] as (string | null)[],
      type: [] as string[],
      amount: [] as string[],
    };
    txs.forEach((tx, ord) => {
      const id = uuidv7();
      const createdAt = new Date().toISOString();
      const d = walletDelta(tx, tx.userId);
      ids.push(id);
      cols.user.push(tx.userId);
      cols.dcash.push(d.cash.toString());
      cols.dheld.push(d.held.toString());
      cols.id.push(id);
      cols.type.push(tx.type);
      cols.ref.push(tx.reference);
      cols.at.push(createdAt);
      cols.hash.push(contentHash(tx, { id, createdAt }));
      cols.ord.push(ord);
      tx.postings.forEach((p, pos) => {
        ent.tx.push(id);
        ent.pos.push(pos);
        ent.account.push(accountCode(p.account));
        ent.user.push(p.account.kind === 'user' ? p.account.userId : null);
        ent.bucket.push(p.account.kind === 'user' ? p.account.bucket : null);
        ent.type.push(p.type);
        ent.amount.push(p.amount.toString());
      });
    });

    const rows = await sql.rows<{ id: string; cash_after: string; held_after: string; entry_ids: string[] }>(
      `WITH i AS (
         SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::bytea[], $9::int[])
           AS i(user_id, dcash, dheld, id, type, reference, created_at, content_hash, ord)
       ), w AS (
         UPDATE wallet_balances b SET cash_paise = b.cash_paise + i.dcash, held_paise = b.held_paise + i.dheld, updated_at = now()
         FROM (SELECT * FROM i ORDER BY user_id) i
         WHERE b.user_id = i.user_id AND b.cash_paise + i.dcash >= 0 AND b.held_paise + i.dheld >= 0
         RETURNING i.id, b.cash_paise, b.held_paise, i.dcash, i.dheld
       ), t AS (
         INSERT INTO ledger_transactions (id, type, user_id, reference, created_at, content_hash)
         SELECT i.id, i.type, i.user_id, i.reference, i.created_at, i.content_hash FROM i JOIN w ON w.id = i.id ORDER BY i.ord
         RETURNING id, ingest_id
       ), q AS (
         INSERT INTO ledger_unsealed (transaction_id, ingest_id) SELECT id, ingest_id FROM t
       ), p AS (
         SELECT e.*, sum(e.amount) OVER (PARTITION BY e.tx, e.bucket ORDER BY e.position) AS running
         FROM unnest($10::uuid[], $11::smallint[], $12::text[], $13::uuid[], $14::text[], $15::text[], $16::bigint[])
           AS e(tx, position, account, user_id, bucket, type, amount)
       ), e AS (
         INSERT INTO ledger_entries (transaction_id, position, account, user_id, type, amount_paise, balance_after_paise, created_at)
         SELECT p.tx, p.position, p.account, p.user_id, p.type, p.amount,
                CASE p.bucket WHEN 'cash' THEN w.cash_paise - w.dcash + p.running WHEN 'held' THEN w.held_paise - w.dheld + p.running END,
                i.created_at
         FROM p JOIN w ON w.id = p.tx JOIN i ON i.id = p.tx ORDER BY i.ord, p.position
         RETURNING id, transaction_id, position
       )
       SELECT w.id, w.cash_paise::text AS cash_after, w.held_paise::text AS held_after,
              (SELECT array_agg(e.id::text ORDER BY e.position) FROM e WHERE e.transaction_id = w.id) AS entry_ids
       FROM w`,
      [
        cols.user,
        cols.dcash,
        cols.dheld,
        cols.id,
        cols.type,
        cols.ref,
        cols.at,
        cols.hash,
        cols.ord,
        ent.tx,
        ent.pos,
        ent.account,
        ent.user,
        ent.bucket,
        ent.type,
        ent.amount,
      ],
    );

    const written = new Map<string, PostedTransaction>();
    for (const row of rows) {
      const i = ids.indexOf(row.id);
      const tx = txs[i]!;
      const d = walletDelta(tx, tx.userId);
      const running = { cash: BigInt(row.cash_after) - d.cash, held: BigInt(row.held_after) - d.held };
      written.set(row.id, {
        wallet: toWallet({ cash_paise: row.cash_after, held_paise: row.held_after }),
        transaction: {
          id: row.id,
          type: tx.type,
          userId: tx.userId,
          reference: tx.reference,
          createdAt: cols.at[i]!,
          contentHash: cols.hash[i]!.toString('hex'),
          seq: null,
          chainHash: null,
          prevChainHash: null,
          entries: tx.postings.map((p, pos) => {
            let after: bigint | null = null;
            if (p.account.kind === 'user') {
              running[p.account.bucket] += p.amount;
              after = running[p.account.bucket];
            }
            return {
              id: row.entry_ids[pos]!,
              account: accountCode(p.account),
              type: p.type,
              amount: formatMoney(p.amount),
              balanceAfter: after === null ? null : formatMoney(after),
            };
          }),
        },
      });
    }
    return { written, ids };
  }

  private async explainRefusal(sql: Sql, userId: UserId, delta: { cash: bigint; held: bigint }): Promise<never> {
    const w = await sql.maybeOne<WalletRow>(`SELECT cash_paise::text, held_paise::text FROM wallet_balances WHERE user_id = $1`, [userId]);
    if (!w) throw new DomainError('NOT_FOUND', 'User has no wallet');
    const shortCash = -(BigInt(w.cash_paise) + delta.cash);
    if (shortCash > 0n) {
      throw new DomainError(
        'INSUFFICIENT_FUNDS',
        `Available balance is ${formatMoney(BigInt(w.cash_paise))}; this needs ${formatMoney(shortCash)} more`,
      );
    }
    throw new DomainError('INSUFFICIENT_FUNDS', `Held balance is ${formatMoney(BigInt(w.held_paise))}, less than this movement needs`);
  }

  /** The user's available (not held) cash, in paise; 0 when the user has no wallet. */
  async availableCash(sql: Sql, userId: UserId): Promise<Paise> {
    const w = await sql.maybeOne<WalletRow>(`SELECT cash_paise::text, held_paise::text FROM wallet_balances WHERE user_id = $1`, [userId]);
    return w ? BigInt(w.cash_paise) : 0n;
  }

  async wallet(userId: UserId, sql: Sql = this.db.sql): Promise<Wallet | undefined> {
    const w = await sql.maybeOne<WalletRow>(`SELECT cash_paise::text, held_paise::text FROM wallet_balances WHERE user_id = $1`, [userId]);
    return w && toWallet(w);
  }
}

export interface EntryRow {
  id: string;
  transaction_id: string;
  account: string;
  type: LedgerEntry['type'];
  amount_paise: string;
  balance_after_paise: string | null;
  reference: string;
  created_at: Date;
}

export const toLedgerEntry = (r: EntryRow): LedgerEntry => ({
  id: r.id,
  transactionId: r.transaction_id,
  account: r.account,
  type: r.type,
  amount: formatMoney(BigInt(r.amount_paise)),
  balanceAfter: r.balance_after_paise === null ? null : formatMoney(BigInt(r.balance_after_paise)),
  reference: r.reference,
  createdAt: r.created_at.toISOString(),
});
