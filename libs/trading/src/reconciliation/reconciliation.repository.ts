import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { ComplianceCase, ComplianceCaseQuery, ComplianceCaseKind, Page } from '@tradeloop/contracts';
import type { OrderSide, OrderStatus, Paise, PriceTicks, Product, Quantity } from '@tradeloop/domain';
import { Db, cursorCodec, CursorKeys, type Sql } from '@tradeloop/platform';

/** Newest first on the case id (uuid v7: time-ordered). */
const CASE_CURSOR = cursorCodec('compliance-case', [CursorKeys.uuid]);

export interface LiveAccountRow {
  id: string;
  kind: string;
  status: string;
  ownerUserId: string | null;
}

export interface DayOrderRow {
  id: string;
  userId: string;
  status: OrderStatus;
  quantity: Quantity;
  filledQuantity: Quantity;
  brokerOrderIds: string[];
  tradedQuantity: Quantity;
}

/** An account's opening holdings baseline (docs/brokers.md 4.12, "Opening holdings baseline"). */
export interface HoldingsBaselineRow {
  accountId: string;
  source: 'reconciliation' | 'compliance';
  /** Who re-captured it; null when the reconciliation captured it. */
  capturedBy: string | null;
  /** The IST trading day whose holdings it was read from (YYYY-MM-DD). */
  tradingDay: string;
  capturedAt: Date;
  /** In symbol order; quantity > 0. */
  items: { symbol: string; quantity: Quantity }[];
}

export type RunOutcome = 'matched' | 'differences' | 'skipped' | 'failed';

export interface FinishedRun {
  outcome: RunOutcome;
  error?: string | null;
  counts?: Record<string, number>;
  differences?: number;
  mirrorBefore?: Paise | null;
  expectedFlow?: Paise | null;
  reportedCash?: Paise | null;
  cashReadAt?: Date | null;
  /** The RECONCILE transaction the run posted to the account's cash mirror; null when nothing moved. */
  mirrorTransactionId?: string | null;
}

export interface NewCase {
  kind: ComplianceCaseKind;
  severity: 'discrepancy' | 'info';
  accountId: string;
  userId: string | null;
  tradingDay: string;
  subject: string;
  details: Record<string, unknown>;
}

interface CaseRow {
  id: string;
  kind: ComplianceCaseKind;
  severity: 'discrepancy' | 'info';
  account_id: string;
  user_id: string | null;
  trading_day: string;
  subject: string;
  details: Record<string, unknown>;
  status: 'open' | 'resolved';
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution_note: string | null;
}

const CASE_COLUMNS = `id, kind, severity, account_id, user_id, to_char(trading_day, 'YYYY-MM-DD') AS trading_day, subject, details, status,
  created_at, updated_at, resolved_at, resolved_by, resolution_note`;

const toCase = (r: CaseRow): ComplianceCase => ({
  id: r.id,
  kind: r.kind,
  severity: r.severity,
  accountId: r.account_id,
  userId: r.user_id,
  tradingDay: r.trading_day,
  subject: r.subject,
  details: r.details,
  status: r.status,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  resolvedAt: r.resolved_at?.toISOString() ?? null,
  resolvedBy: r.resolved_by,
  resolutionNote: r.resolution_note,
});

/**
 * The daily broker reconciliation's SQL (docs/domain.md, "Accounts and books (second wave)"):
 * what it reads of our books (orders, trades, positions of one account), its runs
 * (`broker_reconciliations`: what each compared, and the broker's cash it read) and the compliance
 * cases it records. The cash mirror itself is a ledger book (libs/wallet's repository). The live accounts are read here too (id, kind and status only; their secrets stay
 * with libs/accounts' directory).
 */
@Injectable()
export class ReconciliationRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  /** Live accounts that are not disabled (connected or not: one that needs a login is a skipped run), or the one named. */
  async liveAccounts(accountId?: string): Promise<LiveAccountRow[]> {
    return this.db.sql.rows<LiveAccountRow>(
      `SELECT id, kind, status, owner_user_id AS "ownerUserId" FROM broker_accounts
       WHERE kind <> 'paper' AND NOT disabled AND ($1::uuid IS NULL OR id = $1::uuid) ORDER BY id`,
      [accountId ?? null],
    );
  }

  /** The account's orders placed in [from, to), with the quantity of their trades. */
  async ordersBetween(sql: Sql, accountId: string, from: Date, to: Date): Promise<DayOrderRow[]> {
    return sql.rows<DayOrderRow>(
      `SELECT o.id, o.user_id AS "userId", o.status, o.quantity, o.filled_quantity AS "filledQuantity",
              o.broker_order_ids AS "brokerOrderIds",
              COALESCE((SELECT sum(t.quantity) FROM trades t WHERE t.order_id = o.id), 0)::int AS "tradedQuantity"
       FROM orders o WHERE o.account_id = $1 AND o.created_at >= $2 AND o.created_at < $3 ORDER BY o.id`,
      [accountId, from, to],
    );
  }

  /** The account's net quantity per (symbol, product), summed over the users who trade it. */
  async netPositions(sql: Sql, accountId: string): Promise<{ symbol: string; product: Product; netQuantity: Quantity }[]> {
    return sql.rows(
      `SELECT symbol, product, sum(net_quantity)::int AS "netQuantity" FROM positions WHERE account_id = $1
       GROUP BY symbol, product ORDER BY symbol, product`,
      [accountId],
    );
  }

  /** A live account (not paper), disabled or not; undefined when there is none of that id. */
  async liveAccount(accountId: string): Promise<(LiveAccountRow & { disabled: boolean }) | undefined> {
    return this.db.sql.maybeOne<LiveAccountRow & { disabled: boolean }>(
      `SELECT id, kind, status, owner_user_id AS "ownerUserId", disabled FROM broker_accounts WHERE id = $1 AND kind <> 'paper'`,
      [accountId],
    );
  }

  /** The account's opening holdings baseline; undefined when none was captured yet. */
  async holdingsBaseline(sql: Sql, accountId: string): Promise<HoldingsBaselineRow | undefined> {
    const head = await sql.maybeOne<Omit<HoldingsBaselineRow, 'items'>>(
      `SELECT account_id AS "accountId", source, captured_by AS "capturedBy", to_char(trading_day, 'YYYY-MM-DD') AS "tradingDay",
              captured_at AS "capturedAt"
       FROM broker_holdings_baselines WHERE account_id = $1`,
      [accountId],
    );
    if (!head) return undefined;
    const items = await sql.rows<{ symbol: string; quantity: Quantity }>(
      `SELECT symbol, quantity FROM broker_holdings_baseline_items WHERE account_id = $1 ORDER BY symbol`,
      [accountId],
    );
    return { ...head, items };
  }

  /** Stores the account's baseline, replacing any earlier one whole; answers it as stored. */
  async replaceHoldingsBaseline(
    sql: Sql,
    baseline: Omit<HoldingsBaselineRow, 'capturedAt' | 'accountId'> & { accountId: string; capturedAt: Date },
  ): Promise<HoldingsBaselineRow> {
    await sql.rows(
      `INSERT INTO broker_holdings_baselines (account_id, source, captured_by, trading_day, captured_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (account_id) DO UPDATE SET source = EXCLUDED.source, captured_by = EXCLUDED.captured_by,
         trading_day = EXCLUDED.trading_day, captured_at = EXCLUDED.captured_at`,
      [baseline.accountId, baseline.source, baseline.capturedBy, baseline.tradingDay, baseline.capturedAt],
    );
    await sql.rows(`DELETE FROM broker_holdings_baseline_items WHERE account_id = $1`, [baseline.accountId]);
    if (baseline.items.length > 0)
      await sql.rows(
        `INSERT INTO broker_holdings_baseline_items (account_id, symbol, quantity)
         SELECT $1, * FROM unnest($2::text[], $3::int[])`,
        [baseline.accountId, baseline.items.map((i) => i.symbol), baseline.items.map((i) => i.quantity)],
      );
    return (await this.holdingsBaseline(sql, baseline.accountId))!;
  }

  /** The account's fills executed in [from, to): what moved its cash at the broker. */
  async fillsBetween(
    sql: Sql,
    accountId: string,
    from: Date,
    to: Date,
  ): Promise<{ side: OrderSide; quantity: Quantity; price: PriceTicks }[]> {
    const rows = await sql.rows<{ side: OrderSide; quantity: Quantity; price: string }>(
      `SELECT t.side, t.quantity, t.price_ticks::text AS price FROM trades t JOIN orders o ON o.id = t.order_id
       WHERE o.account_id = $1 AND t.executed_at >= $2 AND t.executed_at < $3 ORDER BY t.executed_at, t.id`,
      [accountId, from, to],
    );
    return rows.map((r) => ({ side: r.side, quantity: r.quantity, price: Number(r.price) }));
  }

  /** The day's run of the account, (re)started: one row per account and day. */
  async startRun(accountId: string, tradingDay: string, at: Date): Promise<string> {
    const row = await this.db.sql.one<{ id: string }>(
      `INSERT INTO broker_reconciliations (id, account_id, trading_day, started_at, outcome) VALUES ($1, $2, $3::date, $4, 'running')
       ON CONFLICT (account_id, trading_day) DO UPDATE SET started_at = EXCLUDED.started_at, finished_at = NULL, outcome = 'running', error = NULL
       RETURNING id`,
      [uuidv7(), accountId, tradingDay, at],
    );
    return row.id;
  }

  async finishRun(sql: Sql, runId: string, run: FinishedRun, at: Date): Promise<void> {
    await sql.rows(
      `UPDATE broker_reconciliations SET finished_at = $2, outcome = $3, error = $4, counts = $5::jsonb, differences = $6,
         mirror_before_paise = $7, expected_flow_paise = $8, reported_cash_paise = $9, cash_read_at = $10, mirror_transaction_id = $11
       WHERE id = $1`,
      [
        runId,
        at,
        run.outcome,
        run.error?.slice(0, 1000) ?? null,
        JSON.stringify(run.counts ?? {}),
        run.differences ?? 0,
        run.mirrorBefore?.toString() ?? null,
        run.expectedFlow?.toString() ?? null,
        run.reportedCash?.toString() ?? null,
        run.cashReadAt ?? null,
        run.mirrorTransactionId ?? null,
      ],
    );
  }

  /**
   * Records the day's cases: one per (account, day, kind, subject). A case found again updates its
   * details and stays as it is (open, or resolved with its note); returns how many were new.
   */
  async upsertCases(sql: Sql, cases: readonly NewCase[]): Promise<number> {
    if (cases.length === 0) return 0;
    const rows = await sql.rows<{ inserted: boolean }>(
      `INSERT INTO compliance_cases (id, kind, severity, account_id, user_id, trading_day, subject, details)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::date[], $7::text[], $8::jsonb[])
       ON CONFLICT (account_id, trading_day, kind, subject)
       DO UPDATE SET details = EXCLUDED.details, severity = EXCLUDED.severity, user_id = EXCLUDED.user_id, updated_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [
        cases.map(() => uuidv7()),
        cases.map((c) => c.kind),
        cases.map((c) => c.severity),
        cases.map((c) => c.accountId),
        cases.map((c) => c.userId),
        cases.map((c) => c.tradingDay),
        cases.map((c) => c.subject),
        cases.map((c) => JSON.stringify(c.details)),
      ],
    );
    return rows.filter((r) => r.inserted).length;
  }

  async listCases(query: ComplianceCaseQuery): Promise<Page<ComplianceCase>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (query.cursor) add('id < ?::uuid', CASE_CURSOR.decode(query.cursor)[0]);
    if (query.status) add('status = ?', query.status);
    if (query.accountId) add('account_id = ?::uuid', query.accountId);
    if (query.kind) add('kind = ?', query.kind);
    if (query.from) add('trading_day >= ?::date', query.from);
    if (query.to) add('trading_day <= ?::date', query.to);
    params.push(query.limit + 1);
    const rows = await this.db.sql.rows<CaseRow>(
      `SELECT ${CASE_COLUMNS} FROM compliance_cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    return {
      items: page.map(toCase),
      nextCursor: rows.length > query.limit ? CASE_CURSOR.encode([page[page.length - 1]!.id]) : null,
    };
  }

  /** The case, locked for the resolution; undefined when unknown. */
  async lockCase(sql: Sql, id: string): Promise<ComplianceCase | undefined> {
    const row = await sql.maybeOne<CaseRow>(`SELECT ${CASE_COLUMNS} FROM compliance_cases WHERE id = $1 FOR UPDATE`, [id]);
    return row ? toCase(row) : undefined;
  }

  async resolveCase(sql: Sql, id: string, by: string, note: string): Promise<ComplianceCase> {
    const row = await sql.one<CaseRow>(
      `UPDATE compliance_cases SET status = 'resolved', resolved_at = now(), resolved_by = $2, resolution_note = $3, updated_at = now()
       WHERE id = $1 RETURNING ${CASE_COLUMNS}`,
      [id, by, note],
    );
    return toCase(row);
  }
}
