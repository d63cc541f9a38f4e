import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  accountCode,
  bookDelta,
  DomainError,
  formatMoney,
  validateTransaction,
  type Book,
  type BrokerAccountId,
  type JournalTransaction,
  type LedgerBook,
  type MirrorBook,
  type PaperBook,
  type Paise,
  type UserId,
  type WalletBook,
} from '@tradeloop/domain';
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

/**
 * A posting as written. `balances` are those of the book posted to (the wallet, or the paper
 * account's); `wallet` is the real wallet after it — for a paper posting there is none, so paper
 * money can never be announced or answered as the wallet (docs/domain.md, "Accounts and books").
 */
export interface PostedTransaction<B extends LedgerBook = LedgerBook> {
  transaction: LedgerTransaction;
  book: B;
  balances: Wallet;
  wallet: B extends WalletBook ? Wallet : undefined;
}

/** A paper account's book: its owner and its balances (the same shape as a wallet). */
export interface PaperBalance {
  accountId: BrokerAccountId;
  userId: UserId;
  balances: Wallet;
  cash: Paise;
  held: Paise;
}

interface PaperRow extends WalletRow {
  user_id: UserId;
}

/** A live account's cash mirror: its balance and how far our fills are in it. */
export interface MirrorBalance {
  accountId: BrokerAccountId;
  userId: UserId | null;
  cash: Paise;
  /** Our fills on the account executed before this instant are in the mirror; null until the first reconciliation. */
  fillsThrough: Date | null;
}

/**
 * The first CTEs of a posting statement that moves several books: every balance row it moves is
 * locked here first, wallets by user, then paper and mirror books by account. An UPDATE … FROM
 * locks rows in whatever order its join reads them, and two statements touching the same two
 * books in opposite orders deadlocked (apps/api/test/ledger-lock-order.int-spec.ts).
 */
const LOCK_BOOKS_IN_ORDER = `       ), lw AS (
         SELECT 1 FROM wallet_balances b
         WHERE b.user_id IN (SELECT user_id FROM g WHERE paper_account_id IS NULL AND mirror_account_id IS NULL)
         ORDER BY b.user_id FOR UPDATE
       ), lp AS (
         SELECT 1 FROM paper_balances b WHERE b.account_id IN (SELECT paper_account_id FROM g) ORDER BY b.account_id FOR UPDATE
       ), lm AS (
         SELECT 1 FROM broker_cash_balances b WHERE b.account_id IN (SELECT mirror_account_id FROM g) ORDER BY b.account_id FOR UPDATE
       ), locked AS (
         SELECT (SELECT count(*) FROM lw) + (SELECT count(*) FROM lp) + (SELECT count(*) FROM lm) AS n
`;

/**
 * Writes ledger transactions. One call = one balance update (the user's wallet row, the paper
 * account's row for a paper posting, the live account's mirror row for a mirror posting), one
 * transaction row and its entries, and a row in the
 * sealer's queue — all inside the caller's database transaction, so they commit together or not
 * at all. The balance row lock serialises writers per book; writers for different books (two
 * users, or a user's wallet and their paper account) never wait for each other.
 */
@Injectable()
export class LedgerRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  /** Posts one transaction; throws INSUFFICIENT_FUNDS / NOT_FOUND when its guard refuses it. */
  async post<B extends LedgerBook>(sql: Sql, tx: JournalTransaction<B>): Promise<PostedTransaction<B>> {
    const { written, ids } = await this.postMany(sql, [tx]);
    const posted = written.get(ids[0]!);
    if (!posted) return this.explainRefusal(sql, tx);
    return posted as PostedTransaction<B>;
  }

  /**
   * Posts several transactions in ONE statement, so it is atomic even
   * outside an explicit transaction and costs one round trip. Several transactions on one book
   * (a fill's settlement and the release of the rest of its hold; two orders of one user in a
   * group commit) move its balance row once, by their sum, and apply in the order given: each
   * one's balance-after is its own, and the guard holds for every step (the lowest running
   * balance), so a book's transactions are written all or none. Guarded balance updates (wallet
   * rows locked in user order, paper and mirror rows in account order, each only for its owner;
   * the guard refuses an overdraft without raising, leaving the caller's transaction usable, and
   * the CHECK constraints stay as the last line of defence; a statement moving several books
   * locks all their rows first, in that order, so two statements never take the same books in
   * opposite orders; a mirror, which says what the broker says, may go below zero), then the
   * transaction rows, the
   * sealer's queue rows and the entries with each own-account entry's balance-after — only for
   * the postings whose guard passed. Every transaction is checked against the journal's rules
   * first (one book per transaction, sums to zero). Returns those written, keyed by the
   * generated ids (`ids[i]` belongs to `txs[i]`).
   */
  async postMany(sql: Sql, txs: JournalTransaction[]): Promise<{ written: Map<string, PostedTransaction>; ids: string[] }> {
    const ids: string[] = [];
    const cols = {
      user: [] as (string | null)[],
      dcash: [] as string[],
      dheld: [] as string[],
      id: [] as string[],
      type: [] as string[],
      ref: [] as string[],
      at: [] as string[],
      hash: [] as Buffer[],
      ord: [] as number[],
      paper: [] as (string | null)[],
      mirror: [] as (string | null)[],
    };
    const ent = {
      tx: [] as string[],
      pos: [] as number[],
      account: [] as string[],
      user: [] as (string | null)[],
      bucket: [] as (string | null)[],
      type: [] as string[],
      amount: [] as string[],
      paper: [] as (string | null)[],
      mirror: [] as (string | null)[],
    };
    txs.forEach((tx, ord) => {
      validateTransaction(tx);
      const id = uuidv7();
      const createdAt = new Date().toISOString();
      const d = bookDelta(tx);
      const paper = tx.book.kind === 'paper' ? tx.book.accountId : null;
      const mirror = tx.book.kind === 'mirror' ? tx.book.accountId : null;
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
      cols.paper.push(paper);
      cols.mirror.push(mirror);
      tx.postings.forEach((p, pos) => {
        ent.tx.push(id);
        ent.pos.push(pos);
        ent.account.push(accountCode(p.account));
        // user_id names the real wallet an entry is on: never set for paper money.
        ent.user.push(p.account.kind === 'user' ? p.account.userId : null);
        ent.bucket.push(p.account.kind === 'user' || p.account.kind === 'paper' || p.account.kind === 'mirror' ? p.account.bucket : null);
        ent.type.push(p.type);
        ent.amount.push(p.amount.toString());
        ent.paper.push(paper);
        ent.mirror.push(mirror);
      });
    });

    // Locking every row first, in order, matters only when the statement moves several books (a
    // statement moving one cannot take two rows in opposite orders); one book keeps it shorter.
    const books = new Set(txs.map((tx, i) => `${tx.userId}|${cols.paper[i] ?? ''}|${cols.mirror[i] ?? ''}`));
    const ordered = books.size > 1;
    const locks = ordered ? LOCK_BOOKS_IN_ORDER : '';
    const lockedGuard = ordered ? '           AND (SELECT n FROM locked) >= 0\n' : '';
    const rows = await sql.rows<{ id: string; cash_after: string; held_after: string; entry_ids: string[] }>(
      `WITH i AS (
         SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::bytea[], $9::int[], $17::uuid[], $19::uuid[])
           AS i(user_id, dcash, dheld, id, type, reference, created_at, content_hash, ord, paper_account_id, mirror_account_id)
       ), r AS (
         SELECT i.*, sum(i.dcash) OVER bk AS rcash, sum(i.dheld) OVER bk AS rheld
         FROM i WINDOW bk AS (PARTITION BY i.user_id, i.paper_account_id, i.mirror_account_id ORDER BY i.ord)
       ), g AS (
         SELECT user_id, paper_account_id, mirror_account_id, sum(dcash)::bigint AS dcash, sum(dheld)::bigint AS dheld,
                least(0, min(rcash))::bigint AS low_cash, least(0, min(rheld))::bigint AS low_held, bool_and(dheld = 0) AS no_held
         FROM r GROUP BY 1, 2, 3
${locks}       ), ww AS (
         UPDATE wallet_balances b SET cash_paise = b.cash_paise + g.dcash, held_paise = b.held_paise + g.dheld, updated_at = now()
         FROM (SELECT * FROM g WHERE g.paper_account_id IS NULL AND g.mirror_account_id IS NULL) g
         WHERE b.user_id = g.user_id AND b.cash_paise + g.low_cash >= 0 AND b.held_paise + g.low_held >= 0
${lockedGuard}         RETURNING g.user_id, g.paper_account_id, g.mirror_account_id, b.cash_paise, b.held_paise, g.dcash, g.dheld
       ), pw AS (
         UPDATE paper_balances b SET cash_paise = b.cash_paise + g.dcash, held_paise = b.held_paise + g.dheld, updated_at = now()
         FROM (SELECT * FROM g WHERE g.paper_account_id IS NOT NULL) g
         WHERE b.account_id = g.paper_account_id AND b.user_id = g.user_id
           AND b.cash_paise + g.low_cash >= 0 AND b.held_paise + g.low_held >= 0
${lockedGuard}         RETURNING g.user_id, g.paper_account_id, g.mirror_account_id, b.cash_paise, b.held_paise, g.dcash, g.dheld
       ), mw AS (
         UPDATE broker_cash_balances b SET cash_paise = b.cash_paise + g.dcash, updated_at = now()
         FROM (SELECT * FROM g WHERE g.mirror_account_id IS NOT NULL) g
         WHERE b.account_id = g.mirror_account_id AND b.user_id IS NOT DISTINCT FROM g.user_id AND g.no_held
${lockedGuard}         RETURNING g.user_id, g.paper_account_id, g.mirror_account_id, b.cash_paise, 0::bigint AS held_paise, g.dcash, g.dheld
       ), bw AS (
         SELECT * FROM ww UNION ALL SELECT * FROM pw UNION ALL SELECT * FROM mw
       ), w AS (
         -- Each transaction's balances after it: the book's final balance less what later transactions on it moved.
         SELECT r.id, bw.cash_paise - bw.dcash + r.rcash AS cash_paise, bw.held_paise - bw.dheld + r.rheld AS held_paise, r.dcash, r.dheld
         FROM r JOIN bw ON bw.user_id IS NOT DISTINCT FROM r.user_id AND bw.paper_account_id IS NOT DISTINCT FROM r.paper_account_id
           AND bw.mirror_account_id IS NOT DISTINCT FROM r.mirror_account_id
       ), t AS (
         INSERT INTO ledger_transactions (id, type, user_id, reference, created_at, content_hash)
         SELECT i.id, i.type, i.user_id, i.reference, i.created_at, i.content_hash FROM i JOIN w ON w.id = i.id ORDER BY i.ord
         RETURNING id, ingest_id
       ), q AS (
         INSERT INTO ledger_unsealed (transaction_id, ingest_id) SELECT id, ingest_id FROM t
       ), p AS (
         SELECT e.*, sum(e.amount) OVER (PARTITION BY e.tx, e.bucket ORDER BY e.position) AS running
         FROM unnest($10::uuid[], $11::smallint[], $12::text[], $13::uuid[], $14::text[], $15::text[], $16::bigint[], $18::uuid[], $20::uuid[])
           AS e(tx, position, account, user_id, bucket, type, amount, paper_account_id, mirror_account_id)
       ), e AS (
         INSERT INTO ledger_entries (transaction_id, position, account, user_id, type, amount_paise, balance_after_paise, created_at, paper_account_id, mirror_account_id)
         SELECT p.tx, p.position, p.account, p.user_id, p.type, p.amount,
                CASE p.bucket WHEN 'cash' THEN w.cash_paise - w.dcash + p.running WHEN 'held' THEN w.held_paise - w.dheld + p.running END,
                i.created_at, p.paper_account_id, p.mirror_account_id
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
        cols.paper,
        ent.paper,
        cols.mirror,
        ent.mirror,
      ],
    );

    const written = new Map<string, PostedTransaction>();
    for (const row of rows) {
      const i = ids.indexOf(row.id);
      const tx = txs[i]!;
      const d = bookDelta(tx);
      const running = { cash: BigInt(row.cash_after) - d.cash, held: BigInt(row.held_after) - d.held };
      const balances = toWallet({ cash_paise: row.cash_after, held_paise: row.held_after });
      written.set(row.id, {
        book: tx.book,
        balances,
        wallet: tx.book.kind === 'wallet' ? balances : undefined,
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
            if (p.account.kind === 'user' || p.account.kind === 'paper' || p.account.kind === 'mirror') {
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
      } as PostedTransaction);
    }
    return { written, ids };
  }

  /** Why `tx`'s guard refused it (INSUFFICIENT_FUNDS, NOT_FOUND), read inside the caller's transaction: always throws. */
  async explainRefusal(sql: Sql, tx: JournalTransaction): Promise<never> {
    const delta = bookDelta(tx);
    let w: WalletRow;
    let what = 'balance';
    // A mirror has no guard: only a book never opened, or opened for another owner, refuses it.
    if (tx.book.kind === 'mirror') throw new DomainError('NOT_FOUND', 'That cash mirror was not opened for this owner');
    if (tx.book.kind === 'wallet') {
      const row = await sql.maybeOne<WalletRow>(`SELECT cash_paise::text, held_paise::text FROM wallet_balances WHERE user_id = $1`, [
        tx.userId,
      ]);
      if (!row) throw new DomainError('NOT_FOUND', 'User has no wallet');
      w = row;
    } else {
      // A paper account whose balance was never set has nothing in it: a refusal for funds.
      const row = await this.paperRow(sql, tx.book.accountId);
      if (row && row.user_id !== tx.userId) throw new DomainError('NOT_FOUND', 'No such paper account');
      w = row ?? { cash_paise: '0', held_paise: '0' };
      what = 'paper balance';
    }
    const shortCash = -(BigInt(w.cash_paise) + delta.cash);
    if (shortCash > 0n) {
      throw new DomainError(
        'INSUFFICIENT_FUNDS',
        `Available ${what} is ${formatMoney(BigInt(w.cash_paise))}; this needs ${formatMoney(shortCash)} more`,
      );
    }
    throw new DomainError('INSUFFICIENT_FUNDS', `Held ${what} is ${formatMoney(BigInt(w.held_paise))}, less than this movement needs`);
  }

  /** The user's available (not held) real cash, in paise; 0 when the user has no wallet. */
  async availableCash(sql: Sql, userId: UserId): Promise<Paise> {
    const w = await sql.maybeOne<WalletRow>(`SELECT cash_paise::text, held_paise::text FROM wallet_balances WHERE user_id = $1`, [userId]);
    return w ? BigInt(w.cash_paise) : 0n;
  }

  /** The user's real wallet. Never paper money: paper balances live in their own table. */
  async wallet(userId: UserId, sql: Sql = this.db.sql): Promise<Wallet | undefined> {
    const w = await sql.maybeOne<WalletRow>(`SELECT cash_paise::text, held_paise::text FROM wallet_balances WHERE user_id = $1`, [userId]);
    return w && toWallet(w);
  }

  /** Cash and held of a book: the wallet, or the paper account (zero when its book was never opened). */
  async bookBalances(sql: Sql, book: Book): Promise<{ cash: Paise; held: Paise } | undefined> {
    if (book.kind === 'wallet') {
      const w = await sql.maybeOne<WalletRow>(`SELECT cash_paise::text, held_paise::text FROM wallet_balances WHERE user_id = $1`, [
        book.userId,
      ]);
      return w && { cash: BigInt(w.cash_paise), held: BigInt(w.held_paise) };
    }
    const p = await this.paperRow(sql, book.accountId);
    if (p && p.user_id !== book.userId) return undefined;
    return p ? { cash: BigInt(p.cash_paise), held: BigInt(p.held_paise) } : { cash: 0n, held: 0n };
  }

  /** A paper account's book, or undefined when it was never opened. */
  async paperBalance(accountId: BrokerAccountId, sql: Sql = this.db.sql): Promise<PaperBalance | undefined> {
    const p = await this.paperRow(sql, accountId);
    return p && toPaperBalance(accountId, p);
  }

  /**
   * Opens a paper account's book (idempotent) and locks its balance row for the rest of the
   * caller's transaction. NOT_FOUND when the account's book belongs to another user: a paper
   * book has one owner for ever. `opened` is true when this call created it (then it is empty).
   */
  async lockPaperBook(sql: Sql, book: PaperBook): Promise<PaperBalance & { opened: boolean }> {
    const created = await sql.rows(
      `INSERT INTO paper_balances (account_id, user_id) VALUES ($1, $2) ON CONFLICT (account_id) DO NOTHING RETURNING account_id`,
      [book.accountId, book.userId],
    );
    const p = await sql.one<PaperRow>(
      `SELECT user_id, cash_paise::text, held_paise::text FROM paper_balances WHERE account_id = $1 FOR UPDATE`,
      [book.accountId],
    );
    if (p.user_id !== book.userId) throw new DomainError('NOT_FOUND', 'No such paper account');
    return { ...toPaperBalance(book.accountId, p), opened: created.length > 0 };
  }

  /**
   * Opens a live account's cash mirror (idempotent: empty, its fills not taken yet) and locks it
   * for the rest of the caller's transaction, so one reconciliation at a time reads and moves it.
   * NOT_FOUND when the mirror was opened for another owner: an account's owner never changes.
   */
  async lockMirrorBook(sql: Sql, book: MirrorBook): Promise<MirrorBalance> {
    await sql.rows(`INSERT INTO broker_cash_balances (account_id, user_id) VALUES ($1, $2) ON CONFLICT (account_id) DO NOTHING`, [
      book.accountId,
      book.userId,
    ]);
    const row = await sql.one<MirrorRow>(`SELECT ${MIRROR_COLUMNS} FROM broker_cash_balances WHERE account_id = $1 FOR UPDATE`, [
      book.accountId,
    ]);
    if (row.user_id !== book.userId) throw new DomainError('NOT_FOUND', 'No such cash mirror');
    return toMirrorBalance(row);
  }

  /** Records that our fills executed before `through` are in the mirror (never moves back). */
  async mirrorFillsThrough(sql: Sql, accountId: BrokerAccountId, through: Date): Promise<void> {
    await sql.rows(
      `UPDATE broker_cash_balances SET fills_through = GREATEST(COALESCE(fills_through, $2), $2), updated_at = now() WHERE account_id = $1`,
      [accountId, through],
    );
  }

  /** A live account's cash mirror, or undefined before its first reconciliation. */
  async mirrorBalance(accountId: BrokerAccountId, sql: Sql = this.db.sql): Promise<MirrorBalance | undefined> {
    const row = await sql.maybeOne<MirrorRow>(`SELECT ${MIRROR_COLUMNS} FROM broker_cash_balances WHERE account_id = $1`, [accountId]);
    return row && toMirrorBalance(row);
  }

  private paperRow(sql: Sql, accountId: BrokerAccountId): Promise<PaperRow | undefined> {
    return sql.maybeOne<PaperRow>(`SELECT user_id, cash_paise::text, held_paise::text FROM paper_balances WHERE account_id = $1`, [
      accountId,
    ]);
  }
}

interface MirrorRow {
  account_id: BrokerAccountId;
  user_id: UserId | null;
  cash_paise: string;
  fills_through: Date | null;
}
const MIRROR_COLUMNS = `account_id, user_id, cash_paise::text, fills_through`;
const toMirrorBalance = (r: MirrorRow): MirrorBalance => ({
  accountId: r.account_id,
  userId: r.user_id,
  cash: BigInt(r.cash_paise),
  fillsThrough: r.fills_through,
});

const toPaperBalance = (accountId: BrokerAccountId, p: PaperRow): PaperBalance => ({
  accountId,
  userId: p.user_id,
  balances: toWallet(p),
  cash: BigInt(p.cash_paise),
  held: BigInt(p.held_paise),
});

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
