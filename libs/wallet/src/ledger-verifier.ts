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
  user_id: UserId;
  reference: string;
  created_at: string;
  content_hash: Buffer;
  accounts: string[] | null;
  types: string[] | null;
  amounts: string[] | null;
}

const MAX_PROBLEMS = 1000;

/**
 * Recomputes everything the ledger promises, from the rows themselves, in one streaming pass:
 * each transaction's content hash and its link in the chain, that each transaction and the
 * whole ledger sum to zero, that every transaction is chained, and that the stored wallet
 * balances equal the sum of their entries and are not negative.
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
      await this.checkBalances(sql, report);
      // The trial balance covers every committed entry, sealed or not.
      const all = await sql.one<{ total: string }>(`SELECT COALESCE(SUM(amount_paise), 0)::text AS total FROM ledger_entries`);
      const trial = BigInt(all.total);
      if (trial !== 0n) report({ kind: 'UNBALANCED_TRANSACTION', detail: `the whole ledger sums to ${formatMoney(trial)}` });
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

  /** Stored balances must equal the sum of entries (same snapshot), and never be negative. */
  private async checkBalances(sql: Sql, report: (p: VerifyProblem) => void) {
    const sums = await sql.rows<{ account: string; total: string }>(
      `SELECT account, SUM(amount_paise)::text AS total FROM ledger_entries WHERE user_id IS NOT NULL GROUP BY account`,
    );
    const userSums = new Map(sums.map((r) => [r.account, BigInt(r.total)]));
    const wallets = await sql.rows<{ user_id: UserId; cash_paise: string; held_paise: string }>(
      `SELECT user_id, cash_paise::text, held_paise::text FROM wallet_balances`,
    );
    for (const w of wallets) {
      for (const [bucket, stored] of [
        ['cash', BigInt(w.cash_paise)],
        ['held', BigInt(w.held_paise)],
      ] as const) {
        const fromEntries = userSums.get(`user:${w.user_id}:${bucket}`) ?? 0n;
        if (stored < 0n) report({ kind: 'NEGATIVE_BALANCE', userId: w.user_id, detail: `${bucket} is ${formatMoney(stored)}` });
        if (stored !== fromEntries) {
          report({
            kind: 'BALANCE_MISMATCH',
            userId: w.user_id,
            detail: `${bucket} is ${formatMoney(stored)} but its entries sum to ${formatMoney(fromEntries)}`,
          });
        }
      }
    }
  }
}
