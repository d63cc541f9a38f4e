import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Temporary passwords (docs/api.md "Auth and users"): a password an admin issued — to a user they
 * created, or in a reset — is marked, and the user is asked to choose their own at the next sign-in.
 * Changing the password (`POST /api/v1/auth/password`) clears the mark.
 */
export class PasswordChangeRequired1763828600000 implements MigrationInterface {
  name = 'PasswordChangeRequired1763828600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN password_change_required boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN password_change_required`);
  }
}
