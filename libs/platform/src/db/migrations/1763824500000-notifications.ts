import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications (docs/alerts.md "Notifications"; docs/api.md "Notifications").
 *
 * - `notification_channels`: a user's email and outgoing webhook channels and the events each
 *   gets. In-app is every user's implicit channel (no row). A signed webhook's secret is
 *   encrypted with the broker credentials key ring (CredentialsCipher), never stored in clear.
 * - `notifications`: one per user and event (`event_key` unique per user: the same event emitted
 *   twice is one notification) — the in-app notification itself, with its read mark.
 * - `notification_deliveries`: the outbox, one row per notification × external channel (unique):
 *   queued → sent | failed, with attempts, the last error and when it is next tried.
 */
export class Notifications1763824500000 implements MigrationInterface {
  name = 'Notifications1763824500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_channels (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('email', 'webhook')),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        target text NOT NULL CHECK (length(target) BETWEEN 1 AND 2000),
        format text CHECK (format IN ('telegram', 'signed')),
        chat_id text CHECK (length(chat_id) BETWEEN 1 AND 100),
        secret_ciphertext text,
        events text[] NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'email') = (format IS NULL)),
        CHECK (format IS DISTINCT FROM 'signed' OR secret_ciphertext IS NOT NULL),
        CHECK (format IS DISTINCT FROM 'telegram' OR chat_id IS NOT NULL)
      );
      CREATE INDEX notification_channels_user ON notification_channels (user_id, created_at, id);

      CREATE TABLE notifications (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        event_key text NOT NULL CHECK (length(event_key) BETWEEN 1 AND 300),
        kind text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        facts jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz,
        UNIQUE (user_id, event_key)
      );
      CREATE INDEX notifications_user_newest ON notifications (user_id, created_at DESC, id DESC);
      CREATE INDEX notifications_user_unread ON notifications (user_id) WHERE read_at IS NULL;

      CREATE TABLE notification_deliveries (
        id uuid PRIMARY KEY,
        notification_id uuid NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
        channel_id uuid NOT NULL REFERENCES notification_channels(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error text,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        UNIQUE (notification_id, channel_id)
      );
      CREATE INDEX notification_deliveries_channel ON notification_deliveries (channel_id, created_at DESC);
      CREATE INDEX notification_deliveries_queued ON notification_deliveries (next_attempt_at) WHERE status = 'queued';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE notification_deliveries;
      DROP TABLE notifications;
      DROP TABLE notification_channels;
    `);
  }
}
