import { Inject, Injectable } from '@nestjs/common';
import { formatMoney, type UserId } from '@tradeloop/domain';
import type { VerifyProblem, VerifyResult } from '@tradeloop/contracts';
import { Db, inSnapshot, type Sql } from '@tradeloop/platform';
import { chainHash, storedContentHash } from './ledger-hashing';
import { LedgerSealer } from './ledger-sealer';

interface Row {
  seq: string;
  transaction_id: string;
  prev_hash: Buffer;
  hash: Buffer;
  type: string;
  user_id: UserId | null;
  reference: string;
  created_at: string;
  content_hash: Buffer;
  accounts: string[] | null;
  types: string[] | null;
  amounts: string[] | null;
}

const MAX_PROBLEMS = 1000;
/** Longer than any house code (`house:clearing`, `paper:external`, `broker:external`): an owner's own account (`user:<uuid>:cash`). */
const OWN_ACCOUNT_MIN_LENGTH = 20;

/**
 * Recomputes everything the ledger promises, from the rows themselves, in one streaming pass:
 * each transaction's content hash and its link in the chain, that each transaction and the
 * whole ledger sum to zero, that every transaction is chained, and that the stored wallet
 * balances equal the sum of their entries and are not negative. Paper books and live accounts'
 * cash mirrors are covered exactly like the wallet (same chain, same hashes, same sums —
 * docs/domain.md, "Accounts and books"), plus what keeps them apart: each transaction stays in
 * one book, each entry's stored owner columns (`user_id`, `paper_account_id`,
 * `mirror_account_id`) agree with its account code, each kind of book sums to zero, a paper
 * book's or a mirror's transactions all belong to its owner, and only a mirror's may have no
 * user. A mirror may be negative (an account in debit at its broker); it must still equal its
 * entries.
 */
@Injectable()
export class LedgerVerifier {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(LedgerSealer) private readonly sealer: LedgerSealer,
  ) {}

  async verify(): Promise<VerifyResult> {
    const started = performance.now();
    await this.sealer.sealAll({ wait: true });
    const problems: VerifyProblem[] = [];
    const report = (p: VerifyProblem) => {
      if (problems.length < MAX_PROBLEMS) problems.push(p);
    };

    const { head, transactions, entries, trial } = await inSnapshot(this.db, async (sql, openStream) => {
      let prev: Buffer = Buffer.alloc(32);
      let expectedSeq = 0n;
      let transactions = 0;
      let entries = 0;
      // Paper account / live account's mirror → the users its transactions were made for (one
      // expected: its owner; null for a firm account's mirror).
      const paperUsers = new Map<string, Set<string | null>>();
      const mirrorUsers = new Map<string, Set<string | null>>();
      const check = (row: Row) => {
        // A transaction whose entries were all deleted aggregates to NULL.
        const accounts = row.accounts ?? [];
        const types = row.types ?? [];
        const amounts = row.amounts ?? [];
        transactions += 1;
        expectedSeq += 1n;
        entries += amounts.length;
        const seq = BigInt(row.seq);
        const text = {
          id: row.transaction_id,
          createdAt: row.created_at,
          type: row.type,
          userId: row.user_id,
          reference: row.reference,
          entries: accounts.map((a, i) => [a, types[i]!, amounts[i]!] as const),
        };
        if (!storedContentHash(text).equals(row.content_hash)) {
          report({
            kind: 'BROKEN_CONTENT_HASH',
            transactionId: row.transaction_id,
            detail: 'the transaction or its entries differ from what was hashed at commit',
          });
        }
        const link = chainHash(prev, seq, row.content_hash);
        if (seq !== expectedSeq || !row.prev_hash.equals(prev) || !row.hash.equals(link)) {
          report({
            kind: 'BROKEN_CHAIN',
            transactionId: row.transaction_id,
            detail: `chain link ${seq} does not follow from the one before it`,
          });
        }
        prev = row.hash;
        let sum = 0n;
        for (const a of amounts) sum += BigInt(a);
        if (sum !== 0n)
          report({ kind: 'UNBALANCED_TRANSACTION', transactionId: row.transaction_id, detail: `entries sum to ${formatMoney(sum)}` });
        checkBook(row, accounts);
      };
      // One book per transaction, from the account codes alone (they are in the content hash):
      // `user:<id>:…`, `paper:<account>:…` and `broker:<account>:cash` are an owner's own accounts
      // (longer than any house code), `house:…`, `paper:<name>` and `broker:<name>` the houses.
      // Cheap string tests: this runs per entry.
      const checkBook = (row: Row, accounts: string[]) => {
        let kind: 'wallet' | 'paper' | 'mirror' | null = null;
        let owner: string | null = null;
        let mixed = false;
        for (const code of accounts) {
          const k = code.startsWith('paper:') ? 'paper' : code.startsWith('broker:') ? 'mirror' : 'wallet';
          if (kind === null) kind = k;
          else if (k !== kind) mixed = true;
          if (code.length > OWN_ACCOUNT_MIN_LENGTH) {
            const own = code.slice(0, code.lastIndexOf(':'));
            if (owner === null) owner = own;
            else if (own !== owner) mixed = true;
          }
        }
        if (owner !== null && kind === 'wallet' && owner !== `user:${row.user_id}`) mixed = true;
        if (row.user_id === null && kind !== 'mirror') mixed = true;
        if (mixed) {
          report({ kind: 'BOOK_MISMATCH', transactionId: row.transaction_id, detail: 'its entries are not all in one book of its user' });
        } else if (owner !== null && kind !== 'wallet') {
          const users = kind === 'paper' ? paperUsers : mirrorUsers;
          const account = owner.slice(owner.indexOf(':') + 1);
          const seen = users.get(account) ?? new Set<string | null>();
          seen.add(row.user_id);
          users.set(account, seen);
        }
      };

      // One row per transaction in chain order, its entries aggregated in posting order; the
      // time as the exact ISO text that was hashed (no Date round trip).
      const stream = await openStream(
        `SELECT c.seq::text, c.transaction_id, c.prev_hash, c.hash, t.type, t.user_id, t.reference,
                to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at, t.content_hash,
                e.accounts, e.types, e.amounts
         FROM ledger_chain c
         JOIN ledger_transactions t ON t.id = c.transaction_id
         CROSS JOIN LATERAL (
           SELECT array_agg(account ORDER BY position) AS accounts, array_agg(type ORDER BY position) AS types,
                  array_agg(amount_paise::text ORDER BY position) AS amounts
           FROM ledger_entries WHERE transaction_id = c.transaction_id
         ) e
         ORDER BY c.seq`,
        [],
      );
      try {
        for await (const row of stream as AsyncIterable<Row>) check(row);
      } finally {
        // Leaving the loop early would otherwise keep the cursor open on this connection.
        (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      }

      await this.checkCoverage(sql, report);
      const head = await sql.one<{ seq: string; hash: Buffer }>(`SELECT seq::text, hash FROM ledger_chain_head WHERE id = 1`);
      if (BigInt(head.seq) !== expectedSeq || !head.hash.equals(prev)) {
        report({ kind: 'CHAIN_HEAD_MISMATCH', detail: `head says ${head.seq}, the chain ends at ${expectedSeq}` });
      }
      await this.checkBalances(sql, report, paperUsers, mirrorUsers);
      // The trial balance covers every committed entry, sealed or not; each kind of book on its own
      // too. The same scan checks each entry's stored owner columns against its account code
      // (compared as text: a tampered code must not make verify fail with a cast error): user_id
      // names the wallet of a user:… entry and nothing else; paper_account_id is set exactly on
      // paper entries, to the account of a paper:<account>:… code; mirror_account_id likewise on
      // broker:… entries.
      const all = await sql.one<{ total: string; paper: string; mirror: string; mismatched: string[] | null }>(
        `SELECT COALESCE(SUM(amount_paise), 0)::text AS total,
                COALESCE(SUM(amount_paise) FILTER (WHERE account LIKE 'paper:%'), 0)::text AS paper,
                COALESCE(SUM(amount_paise) FILTER (WHERE account LIKE 'broker:%'), 0)::text AS mirror,
                (array_agg(DISTINCT transaction_id::text) FILTER (WHERE
                   user_id::text IS DISTINCT FROM (CASE WHEN account LIKE 'user:%' THEN substr(account, 6, 36) END)
                   OR (paper_account_id IS NULL) = (account LIKE 'paper:%')
                   OR (account LIKE 'paper:%:%' AND paper_account_id::text IS DISTINCT FROM substr(account, 7, 36))
                   OR (mirror_account_id IS NULL) = (account LIKE 'broker:%')
                   OR (account LIKE 'broker:%:%' AND mirror_account_id::text IS DISTINCT FROM substr(account, 8, 36))
                ))[1:100] AS mismatched
         FROM ledger_entries`,
      );
      for (const id of all.mismatched ?? []) {
        report({
          kind: 'BOOK_MISMATCH',
          transactionId: id,
          detail: "an entry's stored user or paper account differs from its account code",
        });
      }
      // A paper or mirror transaction's house legs carry the same account as its own entries.
      const split = await sql.rows<{ transaction_id: string }>(
        `SELECT transaction_id FROM ledger_entries WHERE paper_account_id IS NOT NULL OR mirror_account_id IS NOT NULL
         GROUP BY transaction_id HAVING count(DISTINCT paper_account_id) > 1 OR count(DISTINCT mirror_account_id) > 1 LIMIT 100`,
      );
      for (const r of split) {
        report({ kind: 'BOOK_MISMATCH', transactionId: r.transaction_id, detail: 'its entries name different broker accounts' });
      }
      const trial = BigInt(all.total);
      const paperTrial = BigInt(all.paper);
      const mirrorTrial = BigInt(all.mirror);
      if (trial !== 0n) report({ kind: 'UNBALANCED_TRANSACTION', detail: `the whole ledger sums to ${formatMoney(trial)}` });
      if (paperTrial !== 0n || mirrorTrial !== 0n) {
        report({
          kind: 'UNBALANCED_TRANSACTION',
          detail: `the paper books sum to ${formatMoney(paperTrial)}, the cash mirrors to ${formatMoney(mirrorTrial)}, the wallet book to ${formatMoney(trial - paperTrial - mirrorTrial)}`,
        });
      }
      return { head, transactions, entries, trial };
    });
    return {
      ok: problems.length === 0,
      transactionsChecked: transactions,
      entriesChecked: entries,
      chainHead: { seq: head.seq, hash: head.hash.toString('hex') },
      trialBalance: formatMoney(trial),
      problems,
      durationMs: Math.round(performance.now() - started),
    };
  }

  /** Every committed transaction is in the chain (or just committed and queued for it). */
  private async checkCoverage(sql: Sql, report: (p: VerifyProblem) => void) {
    const missing = await sql.rows<{ id: string; queued: boolean }>(
      `SELECT t.id, EXISTS (SELECT 1 FROM ledger_unsealed u WHERE u.transaction_id = t.id) AS queued
       FROM ledger_transactions t LEFT JOIN ledger_chain c ON c.transaction_id = t.id
       WHERE c.transaction_id IS NULL AND t.created_at < now() - interval '5 seconds' LIMIT 100`,
    );
    for (const m of missing) {
      report({
        kind: 'UNSEALED_TRANSACTION',
        transactionId: m.id,
        detail: m.queued ? 'committed but not sealed after 5 s' : 'not in the chain and not queued for it',
      });
    }
  }

  /**
   * Stored balances — wallets, paper books and cash mirrors alike — must equal the sum of their
   * entries (same snapshot) and, but for a mirror, never be negative; an account with entries has
   * a balance row; a paper book or a mirror belongs to the user its transactions were made for.
   */
  private async checkBalances(
    sql: Sql,
    report: (p: VerifyProblem) => void,
    paperUsers: Map<string, Set<string | null>>,
    mirrorUsers: Map<string, Set<string | null>>,
  ) {
    const sums = await sql.rows<{ account: string; total: string }>(
      `SELECT account, SUM(amount_paise)::text AS total FROM ledger_entries WHERE account NOT LIKE 'house:%' GROUP BY account`,
    );
    const ownSums = new Map(sums.map((r) => [r.account, BigInt(r.total)]));
    const compare = (code: string, stored: bigint, owner: UserId | null, what: string, mayBeNegative = false) => {
      const fromEntries = ownSums.get(code) ?? 0n;
      const userId = owner ?? undefined;
      ownSums.delete(code);
      if (stored < 0n && !mayBeNegative) report({ kind: 'NEGATIVE_BALANCE', userId, detail: `${what} is ${formatMoney(stored)}` });
      if (stored !== fromEntries) {
        report({
          kind: 'BALANCE_MISMATCH',
          userId,
          detail: `${what} is ${formatMoney(stored)} but its entries sum to ${formatMoney(fromEntries)}`,
        });
      }
    };
    const sameOwner = (users: Set<string | null> | undefined, owner: string | null) => !users || (users.size === 1 && users.has(owner));
    const wallets = await sql.rows<{ user_id: UserId; cash_paise: string; held_paise: string }>(
      `SELECT user_id, cash_paise::text, held_paise::text FROM wallet_balances`,
    );
    for (const w of wallets) {
      compare(`user:${w.user_id}:cash`, BigInt(w.cash_paise), w.user_id, 'cash');
      compare(`user:${w.user_id}:held`, BigInt(w.held_paise), w.user_id, 'held');
    }
    const papers = await sql.rows<{ account_id: string; user_id: UserId; cash_paise: string; held_paise: string }>(
      `SELECT account_id, user_id, cash_paise::text, held_paise::text FROM paper_balances`,
    );
    for (const p of papers) {
      compare(`paper:${p.account_id}:cash`, BigInt(p.cash_paise), p.user_id, `paper account ${p.account_id} cash`);
      compare(`paper:${p.account_id}:held`, BigInt(p.held_paise), p.user_id, `paper account ${p.account_id} held`);
      const users = paperUsers.get(p.account_id);
      paperUsers.delete(p.account_id);
      if (!sameOwner(users, p.user_id)) {
        report({ kind: 'BOOK_MISMATCH', userId: p.user_id, detail: `paper account ${p.account_id} has transactions of another user` });
      }
    }
    for (const account of paperUsers.keys()) {
      report({ kind: 'BOOK_MISMATCH', detail: `paper account ${account} has transactions but no paper balance` });
    }
    const mirrors = await sql.rows<{ account_id: string; user_id: UserId | null; cash_paise: string }>(
      `SELECT account_id, user_id, cash_paise::text FROM broker_cash_balances`,
    );
    for (const m of mirrors) {
      compare(`broker:${m.account_id}:cash`, BigInt(m.cash_paise), m.user_id, `the cash mirror of ${m.account_id}`, true);
      const users = mirrorUsers.get(m.account_id);
      mirrorUsers.delete(m.account_id);
      if (!sameOwner(users, m.user_id)) {
        report({
          kind: 'BOOK_MISMATCH',
          userId: m.user_id ?? undefined,
          detail: `the cash mirror of ${m.account_id} has transactions of another owner`,
        });
      }
    }
    for (const account of mirrorUsers.keys()) {
      report({ kind: 'BOOK_MISMATCH', detail: `the cash mirror of ${account} has transactions but no balance` });
    }
    // What is left has entries but no balance row (the paper and broker houses' accounts are not stored).
    for (const [code, total] of ownSums) {
      if (/^(paper|broker):[a-z]+$/.test(code)) continue;
      if (total !== 0n) report({ kind: 'BALANCE_MISMATCH', detail: `${code} has entries summing to ${formatMoney(total)} but no balance` });
    }
  }
}
