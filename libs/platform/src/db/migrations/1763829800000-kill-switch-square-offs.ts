import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A kill switch that also squares off (docs/domain.md "Risk"; docs/api.md `POST
 * /api/v1/admin/risk/kill-switch` `squareOff`).
 *
 * - `kill_switches.engagement_id`: one id per engagement of a switch (set when it goes from
 *   released to engaged; a repeat keeps it). Square-offs and their Idempotency-Keys are per
 *   engagement, so a repeated engage squares off nothing twice.
 * - `kill_switch_square_offs`: one row per (engagement, covered user), written in the
 *   transaction that engages the switch, and carried out by the worker's risk monitor (the same
 *   follow-up as an automatic trip's: wait for the cancels, then square off through the normal
 *   intake, retried up to a few attempts) until `followed_up_at` says it is done, so a crash
 *   after the commit resumes it.
 */
export class KillSwitchSquareOffs1763829800000 implements MigrationInterface {
  name = 'KillSwitchSquareOffs1763829800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE kill_switches ADD COLUMN engagement_id uuid;

      CREATE TABLE kill_switch_square_offs (
        id uuid PRIMARY KEY,
        engagement_id uuid NOT NULL,
        scope text NOT NULL CHECK (scope IN ('global', 'user')),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        requested_by uuid REFERENCES users(id) ON DELETE SET NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        orders int NOT NULL DEFAULT 0 CHECK (orders >= 0),
        followed_up_at timestamptz,
        outcome text,
        CHECK ((followed_up_at IS NULL) = (outcome IS NULL)),
        UNIQUE (engagement_id, user_id)
      );
      CREATE INDEX kill_switch_square_offs_pending ON kill_switch_square_offs (requested_at) WHERE followed_up_at IS NULL;
      CREATE INDEX kill_switch_square_offs_user ON kill_switch_square_offs (user_id, requested_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE kill_switch_square_offs;
      ALTER TABLE kill_switches DROP COLUMN engagement_id;
    `);
  }
}
