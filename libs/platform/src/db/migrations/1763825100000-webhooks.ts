import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook intake (docs/alerts.md "Webhook sources", "Intake"; docs/api.md "Webhooks").
 *
 * - `webhook_sources`: a user's alert sources. The id is a random UUID v4 (the URL's unguessable
 *   part). The HMAC secret is stored encrypted with the credentials key ring (CredentialsCipher,
 *   AAD `tradeloop/webhook_sources/<id>/secret`); `secret_key_id` names the ring key. The
 *   passphrase (opt-in, weaker) is kept only as a salted hash. `split` is the percent routed to
 *   engine A; `account_ids` the accounts it trades; `symbols` (NULL: any) the allowed symbols;
 *   `limits` `{ perMinute, maxQuantity, maxOpenPositions }`.
 * - `webhook_deliveries`: every delivery that reached a known source, accepted or not. `status`
 *   follows libs/domain/src/alerts/delivery-transitions.ts. `steps` is a jsonb list of
 *   `{ step, at, outcome, detail, elapsedMs }` appended in the same UPDATE that moves the status
 *   (one row, no join to read a delivery with its timings; a delivery has at most ~8 steps).
 *   `raw_body` is bounded and never holds the passphrase (stripped before storing).
 *   A duplicate is stored too, not accepted, with `duplicate_of` naming the original; refusals
 *   are stored with `reject_reason`.
 * - Dedup, by unique keys (never a read before the write), in the transaction that writes the
 *   accepted delivery: the same `alert_id` on a source ever is the partial unique index over
 *   accepted deliveries; the same canonical payload hash within WEBHOOK_DEDUP_SECONDS is
 *   `webhook_dedup`, one row per (source, hash) holding the delivery that owns the window and
 *   when it ends. Claiming is an upsert that takes the row over only once it has expired, so of
 *   1,000 identical alerts at once exactly one claims it (the rest wait on its row lock, then see
 *   a window that has not ended). An expired row is reused by the next claim of the same hash.
 */
export class Webhooks1763825100000 implements MigrationInterface {
  name = 'Webhooks1763825100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_sources (
        id uuid PRIMARY KEY,
        owner_user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        secret_ciphertext text NOT NULL,
        secret_key_id text NOT NULL,
        passphrase_mode boolean NOT NULL DEFAULT false,
        passphrase_hash text,
        split numeric(5, 2) NOT NULL CHECK (split BETWEEN 0 AND 100),
        account_ids uuid[] NOT NULL CHECK (cardinality(account_ids) BETWEEN 1 AND 20),
        symbols text[] CHECK (symbols IS NULL OR cardinality(symbols) BETWEEN 1 AND 500),
        limits jsonb NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (passphrase_mode = (passphrase_hash IS NOT NULL))
      );
      CREATE INDEX webhook_sources_owner ON webhook_sources (owner_user_id, created_at, id);

      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        source_id uuid NOT NULL REFERENCES webhook_sources (id) ON DELETE CASCADE,
        received_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('received', 'authenticated', 'deduplicated', 'routed', 'decided', 'ordered',
          'filled', 'rejected', 'intake_rejected', 'duplicate')),
        accepted boolean NOT NULL,
        body_sha256 text CHECK (body_sha256 ~ '^[0-9a-f]{64}$'),
        alert_id text CHECK (length(alert_id) BETWEEN 1 AND 100),
        raw_body text NOT NULL CHECK (length(raw_body) <= 16384),
        raw_body_truncated boolean NOT NULL DEFAULT false,
        payload jsonb,
        reject_reason text CHECK (length(reject_reason) <= 500),
        http_status smallint NOT NULL,
        duplicate_of uuid REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        engine text CHECK (engine IN ('A', 'B')),
        decision jsonb,
        shadow_decision jsonb,
        order_ids uuid[] NOT NULL DEFAULT '{}',
        steps jsonb NOT NULL DEFAULT '[]',
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (NOT accepted OR (body_sha256 IS NOT NULL AND payload IS NOT NULL)),
        CHECK ((status = 'duplicate') = (duplicate_of IS NOT NULL)),
        CHECK (status NOT IN ('intake_rejected', 'rejected') OR reject_reason IS NOT NULL),
        CHECK (NOT accepted OR status NOT IN ('intake_rejected', 'duplicate'))
      );
      CREATE UNIQUE INDEX webhook_deliveries_alert_id ON webhook_deliveries (source_id, alert_id) WHERE accepted AND alert_id IS NOT NULL;
      CREATE INDEX webhook_deliveries_source_newest ON webhook_deliveries (source_id, received_at DESC, id DESC);
      CREATE INDEX webhook_deliveries_duplicate_of ON webhook_deliveries (duplicate_of) WHERE duplicate_of IS NOT NULL;

      CREATE TABLE webhook_dedup (
        source_id uuid NOT NULL REFERENCES webhook_sources (id) ON DELETE CASCADE,
        body_sha256 text NOT NULL CHECK (body_sha256 ~ '^[0-9a-f]{64}$'),
        delivery_id uuid NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (source_id, body_sha256)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_dedup; DROP TABLE webhook_deliveries; DROP TABLE webhook_sources;`);
  }
}
