import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The daily broker reconciliation and what it finds (docs/domain.md, "Accounts and books (second
 * wave)": "a daily reconciliation compares our orders, trades, positions and that mirror with the
 * broker's own books and records each difference as a compliance case").
 *
 * - `broker_reconciliations`: one run per live account per IST trading day (re-running the day
 *   updates that row): when it started and finished, its outcome (`running`, `matched`,
 *   `differences`, `skipped` when the account needs a login, `failed` with the error), what it
 *   compared (counts), and the account's cash mirror: the broker's reported total cash
 *   (available + used) and when it was read, the mirror before the run and our expected cash flow
 *   since it. The latest run of an earlier day holds the mirror the next day starts from, so the
 *   rows are the mirror's history of the broker's cash.
 * - `compliance_cases`: one per difference, keyed naturally by (account, trading day, kind,
 *   subject) so a re-run of the day updates the case instead of adding one; `open` until someone
 *   in compliance resolves it with a note. No foreign key to `broker_accounts`: a compliance record
 *   outlives the account it is about (and must not stop its deletion).
 */
export class ComplianceCases1763816400000 implements MigrationInterface {
  name = 'ComplianceCases1763816400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE broker_reconciliations (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL,
        trading_day date NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        outcome text NOT NULL CHECK (outcome IN ('running', 'matched', 'differences', 'skipped', 'failed')),
        error text CHECK (length(error) <= 1000),
        counts jsonb NOT NULL DEFAULT '{}',
        differences integer NOT NULL DEFAULT 0 CHECK (differences >= 0),
        mirror_before_paise bigint,
        expected_flow_paise bigint,
        reported_cash_paise bigint,
        cash_read_at timestamptz,
        CONSTRAINT broker_reconciliations_cash_shape CHECK ((reported_cash_paise IS NULL) = (cash_read_at IS NULL)),
        UNIQUE (account_id, trading_day)
      );
      CREATE INDEX broker_reconciliations_day_idx ON broker_reconciliations (trading_day DESC, account_id);

      CREATE TABLE compliance_cases (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind ~ '^[A-Z][A-Z_]{1,63}$'),
        severity text NOT NULL CHECK (severity IN ('discrepancy', 'info')),
        account_id uuid NOT NULL,
        user_id uuid REFERENCES users (id),
        trading_day date NOT NULL,
        subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
        details jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        resolved_by uuid REFERENCES users (id),
        resolution_note text CHECK (length(resolution_note) BETWEEN 1 AND 2000),
        CONSTRAINT compliance_cases_resolution_shape CHECK (
          (status = 'resolved') = (resolved_at IS NOT NULL) AND (status = 'resolved') = (resolution_note IS NOT NULL)
        ),
        UNIQUE (account_id, trading_day, kind, subject)
      );
      CREATE INDEX compliance_cases_list_idx ON compliance_cases (id DESC);
      CREATE INDEX compliance_cases_status_idx ON compliance_cases (status, id DESC);
      CREATE INDEX compliance_cases_account_idx ON compliance_cases (account_id, id DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE compliance_cases; DROP TABLE broker_reconciliations;`);
  }
}
