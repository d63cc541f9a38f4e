import { Inject, Injectable } from '@nestjs/common';
import { bookKey, type JournalTransaction, type LedgerBook } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerRepository, type PostedTransaction } from './ledger.repository';

interface Pending {
  tx: JournalTransaction;
  resolve: (p: PostedTransaction) => void;
  reject: (e: unknown) => void;
}

const MAX_BATCH = 64;
// One batch at a time: measured at least as fast as two, with a tighter tail (bench/README.md).
const MAX_IN_FLIGHT = 1;

/**
 * Group commit for stand-alone postings. Postings that arrive while earlier ones are being
 * written are written together: one statement, one commit, one WAL flush for the whole batch.
 * Each transaction keeps its own guard (refused ones are answered on their own) and its own
 * content hash; a book (a user's wallet, or a paper account) appears at most once per batch so
 * its balance moves in order.
 * If a batch fails as a whole (e.g. a deadlock with another process), each posting in it is
 * retried alone, so a batch can never take a good posting down with a bad one.
 */
@Injectable()
export class LedgerBatchWriter {
  private queue: Pending[] = [];
  private inFlight = 0;
  // Books with a batch in flight wait for it: their postings commit, and are announced, in the
  // order they were made, and two batches never queue on the same balance row lock.
  private readonly busyBooks = new Set<string>();

  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
  ) {}

  post<B extends LedgerBook>(tx: JournalTransaction<B>): Promise<PostedTransaction<B>> {
    return new Promise((resolve, reject) => {
      this.queue.push({ tx, resolve: resolve as (p: PostedTransaction) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch: Pending[] = [];
      const rest: Pending[] = [];
      const books = new Set<string>();
      for (const p of this.queue) {
        const key = bookKey(p.tx.book);
        if (batch.length < MAX_BATCH && !books.has(key) && !this.busyBooks.has(key)) {
          books.add(key);
          batch.push(p);
        } else rest.push(p);
      }
      if (batch.length === 0) return;
      this.queue = rest;
      this.inFlight += 1;
      for (const b of books) this.busyBooks.add(b);
      void this.write(batch).finally(() => {
        for (const b of books) this.busyBooks.delete(b);
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
      ({ written, ids } = await this.ledger.postMany(
        this.db.sql,
        batch.map((p) => p.tx),
      ));
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
}
