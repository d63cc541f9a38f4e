import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Several paper accounts per user (docs/domain.md "Accounts and books", docs/api.md "Broker
 * accounts"): every user keeps one automatic *primary* paper account, created on first use as
 * before (`ensurePaperAccount`), and may add more of their own.
 *
 * - `primary_paper` marks the automatic one: true for every existing paper account (until now each
 *   user had exactly one), false for the rest. At most one per user (partial unique index, which
 *   `ensurePaperAccount` conflicts on); only a user's own paper account can be it (CHECK).
 * - `broker_accounts_one_paper` (one paper account per user) goes.
 * - A paper account always has an owner (CHECK; it was part of the shape constraint dropped by
 *   1763817000000).
 *
 * Down refuses while a user has more than one paper account (the old index could not be built).
 */
export class PaperAccounts1763820000000 implements MigrationInterface {
  name = 'PaperAccounts1763820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE broker_accounts ADD COLUMN primary_paper boolean NOT NULL DEFAULT false;
      UPDATE broker_accounts SET primary_paper = true WHERE kind = 'paper';
      ALTER TABLE broker_accounts ADD CONSTRAINT broker_accounts_primary_paper_kind
        CHECK (NOT primary_paper OR (kind = 'paper' AND owner_user_id IS NOT NULL));
      ALTER TABLE broker_accounts ADD CONSTRAINT broker_accounts_paper_owner CHECK (kind <> 'paper' OR owner_user_id IS NOT NULL);
      DROP INDEX broker_accounts_one_paper;
      CREATE UNIQUE INDEX broker_accounts_primary_paper ON broker_accounts (owner_user_id) WHERE primary_paper;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM broker_accounts WHERE kind = 'paper' GROUP BY owner_user_id HAVING count(*) > 1) THEN
          RAISE EXCEPTION 'users have more than one paper account: delete the added ones before reverting 1763820000000';
        END IF;
      END $$;
      DROP INDEX broker_accounts_primary_paper;
      CREATE UNIQUE INDEX broker_accounts_one_paper ON broker_accounts (owner_user_id) WHERE kind = 'paper';
      ALTER TABLE broker_accounts DROP CONSTRAINT broker_accounts_paper_owner;
      ALTER TABLE broker_accounts DROP CONSTRAINT broker_accounts_primary_paper_kind;
      ALTER TABLE broker_accounts DROP COLUMN primary_paper;
    `);
  }
}
