import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { accountCode, formatMoney, walletDelta, type JournalTransaction } from '@tradeloop/domain';
import { Db } from '../db';
import { contentHash } from './ledger-hashing';
import { LedgerRepository, toWallet, type PostedTransaction } from './ledger.repository';

interface Pending {
  tx: JournalTransaction;
  resolve: (p: PostedTransaction) => void;
  reject: (e: unknown) => void;
}

const MAX_BATCH = 64;
const MAX_IN_FLIGHT = 2;

/**
 * Group commit for stand-alone postings. Postings that arrive while earlier ones are being
 * written are written together: one statement, one commit, one WAL flush for the whole batch.
 * Each transaction keeps its own guard (refused ones are answered on their own) and its own
 * content hash; a user appears at most once per batch so their balance moves in order.
 * If a batch fails as a whole (e.g. a deadlock with another process), each posting in it is
 * retried alone, so a batch can never take a good posting down with a bad one.
 */
@Injectable()
export class LedgerBatchWriter {
  private queue: Pending[] = [];
  private inFlight = 0;
  // Users with a batch in flight wait for it: their postings commit, and are announced, in the
  // order they were made, and two batches never queue on the same wallet row lock.
  private readonly busyUsers = new Set<string>();

  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
  ) {}

  post(tx: JournalTransaction): Promise<PostedTransaction> {
    return new Promise((resolve, reject) => {
      this.queue.push({ tx, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch: Pending[] = [];
      const rest: Pending[] = [];
      const users = new Set<string>();
      for (const p of this.queue) {
        if (batch.length < MAX_BATCH && !users.has(p.tx.userId) && !this.busyUsers.has(p.tx.userId)) {
          users.add(p.tx.userId);
          batch.push(p);
        } else rest.push(p);
      }
      if (batch.length === 0) return;
      this.queue = rest;
      this.inFlight += 1;
      for (const u of users) this.busyUsers.add(u);
      void this.write(batch).finally(() => {
        for (const u of users) this.busyUsers.delete(u);
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      const [only] = batch;
      await this.ledger.post(this.db.sql, only!.tx).then(only!.resolve, only!.reject);
      return;
    }
    let written: Map<string, PostedTransaction>;
    let ids: string[];
    try {
      ({ written, ids } = await this.writeBatch(batch.map((p) => p.tx)));
    } catch {
      // The whole batch failed (deadlock, lost connection…): nothing of it committed. Retry
      // each posting alone so every caller gets its own answer.
      await Promise.all(batch.map((p) => this.ledger.post(this.db.sql, p.tx).then(p.resolve, p.reject)));
      return;
    }
    await Promise.all(
      batch.map(async (p, i) => {
        const done = written.get(ids[i]!);
        if (done) return p.resolve(done);
        // Refused by its guard: explain why (insufficient funds, no wallet) on its own.
        try {
          p.resolve(await this.ledger.post(this.db.sql, p.tx));
        } catch (err) {
          p.reject(err);
        }
      }),
    );
  }

  private async writeBatch(txs: JournalTransaction[]): Promise<{ written: Map<string, PostedTransaction>; ids: string[] }> {
    const ids: string[] = [];
    const cols = { user: [] as string[], dcash: [] as string[], dheld: [] as string[], id: [] as string[], type: [] as string[], ref: [] as string[], at: [] as string[], hash: [] as Buffer[], ord: [] as number[] };
    const ent = { tx: [] as string[], pos: [] as number[], account: [] as string[], user: [] as (string | null)[], bucket: [] as (string | null)[], type: [] as string[], amount: [] as string[] };
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

    // The single-posting statement (LedgerRepository.post), over arrays: guarded balance
    // updates (rows locked in user order), then transactions, queue rows and entries only for
    // the postings whose guard passed.
    const rows = await this.db.sql.rows<{ id: string; cash_after: string; held_after: string; entry_ids: string[] }>(
      `WITH i AS (
         SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::bytea[], $9::int[])
           AS i(user_id, dcash, dheld, id, type, reference, created_at, content_hash, ord)
       ), w AS (
         UPDATE wallet_balances b SET cash_minor = b.cash_minor + i.dcash, held_minor = b.held_minor + i.dheld, updated_at = now()
         FROM (SELECT * FROM i ORDER BY user_id) i
         WHERE b.user_id = i.user_id AND b.cash_minor + i.dcash >= 0 AND b.held_minor + i.dheld >= 0
         RETURNING i.id, b.cash_minor, b.held_minor, i.dcash, i.dheld
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
         INSERT INTO ledger_entries (transaction_id, position, account, user_id, type, amount_minor, balance_after_minor, created_at)
         SELECT p.tx, p.position, p.account, p.user_id, p.type, p.amount,
                CASE p.bucket WHEN 'cash' THEN w.cash_minor - w.dcash + p.running WHEN 'held' THEN w.held_minor - w.dheld + p.running END,
                i.created_at
         FROM p JOIN w ON w.id = p.tx JOIN i ON i.id = p.tx ORDER BY i.ord, p.position
         RETURNING id, transaction_id, position
       )
       SELECT w.id, w.cash_minor::text AS cash_after, w.held_minor::text AS held_after,
              (SELECT array_agg(e.id::text ORDER BY e.position) FROM e WHERE e.transaction_id = w.id) AS entry_ids
       FROM w`,
      [cols.user, cols.dcash, cols.dheld, cols.id, cols.type, cols.ref, cols.at, cols.hash, cols.ord, ent.tx, ent.pos, ent.account, ent.user, ent.bucket, ent.type, ent.amount],
    );

    const written = new Map<string, PostedTransaction>();
    for (const row of rows) {
      const i = ids.indexOf(row.id);
      const tx = txs[i]!;
      const d = walletDelta(tx, tx.userId);
      const running = { cash: BigInt(row.cash_after) - d.cash, held: BigInt(row.held_after) - d.held };
      written.set(row.id, {
        wallet: toWallet({ cash_minor: row.cash_after, held_minor: row.held_after }),
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
            return { id: row.entry_ids[pos]!, account: accountCode(p.account), type: p.type, amount: formatMoney(p.amount), balanceAfter: after === null ? null : formatMoney(after) };
          }),
        },
      });
    }
    return { written, ids };
  }
}
