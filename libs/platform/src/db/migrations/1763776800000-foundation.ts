import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users, roles, sessions with rotating refresh tokens, and the append-only audit log.
 * The audit log is protected by the database itself: no UPDATE, DELETE or TRUNCATE gets through,
 * whoever the application connects as.
 */
export class Foundation1763776800000 implements MigrationInterface {
  name = 'Foundation1763776800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE roles (
        name text PRIMARY KEY,
        description text NOT NULL
      );
      INSERT INTO roles (name, description) VALUES
        ('admin', 'Funds wallets, manages users and roles, sets risk limits, pulls kill switches'),
        ('trader', 'Places orders and watches orders, positions and P&L'),
        ('quant', 'Builds datasets, trains, registers and promotes models'),
        ('compliance', 'Reviews, verifies and exports the audit ledger'),
        ('viewer', 'Read-only access to portfolio views');

      CREATE TABLE users (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        mfa_enabled boolean NOT NULL DEFAULT false,
        mfa_secret_enc text,
        mfa_pending_secret_enc text,
        mfa_last_step bigint,
        disabled_at timestamptz,
        last_login_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_email_lowercase CHECK (email = lower(email)),
        CONSTRAINT users_mfa_secret_when_enabled CHECK (NOT mfa_enabled OR mfa_secret_enc IS NOT NULL)
      );
      CREATE UNIQUE INDEX users_email_key ON users (email);
      CREATE INDEX users_created_idx ON users (created_at DESC, id DESC);

      CREATE TABLE user_roles (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        role text NOT NULL REFERENCES roles (name),
        granted_at timestamptz NOT NULL DEFAULT now(),
        granted_by uuid REFERENCES users (id),
        PRIMARY KEY (user_id, role)
      );
      CREATE INDEX user_roles_role_idx ON user_roles (role);

      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text,
        ip inet,
        user_agent text
      );
      CREATE INDEX sessions_user_active_idx ON sessions (user_id) WHERE revoked_at IS NULL;
      CREATE INDEX sessions_expires_idx ON sessions (expires_at);

      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        rotated_at timestamptz,
        replaced_by uuid
      );
      CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash);
      CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

      CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_id uuid,
        action text NOT NULL,
        subject text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        request_id text,
        ip inet
      );
      CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id DESC);
      CREATE INDEX audit_events_action_idx ON audit_events (action, id DESC);
      CREATE INDEX audit_events_at_idx ON audit_events (at);

      -- Append-only tables: the database refuses changes, so a bug or a compromised app
      -- process cannot rewrite history. Corrections are new rows.
      CREATE FUNCTION reject_mutation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION reject_mutation();
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION reject_mutation();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE audit_events;
      DROP FUNCTION reject_mutation();
      DROP TABLE refresh_tokens;
      DROP TABLE sessions;
      DROP TABLE user_roles;
      DROP TABLE users;
      DROP TABLE roles;
    `);
  }
}
