import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook intake in one round trip (docs/alerts.md "Intake", "Performance"): the accepted
 * delivery and its dedup claim were a transaction of four statements (BEGIN, the delivery, the
 * claim, COMMIT). `accept_webhook_delivery` does the same in one call, with the same order and
 * the same outcomes. It inserts the delivery (a conflict on the source's alert_id: lost to it).
 * It then claims the canonical hash for the window (an unexpired claim: lost to it, and the
 * delivery just inserted is deleted again before anyone can see it). A loser gets its original
 * (id, status, received_at), read after the winner committed: the conflicting insert waited for
 * it, and each statement of the function reads with a fresh snapshot.
 */
export class AcceptWebhookDelivery1763827400000 implements MigrationInterface {
  name = 'AcceptWebhookDelivery1763827400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION accept_webhook_delivery(
        p_id uuid, p_source_id uuid, p_received_at timestamptz, p_status text, p_http_status smallint,
        p_body_sha256 text, p_alert_id text, p_raw_body text, p_raw_body_truncated boolean, p_payload jsonb,
        p_steps jsonb, p_window_seconds integer)
      RETURNS TABLE (outcome text, original_id uuid, original_status text, original_received_at timestamptz)
      LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO webhook_deliveries (id, source_id, received_at, status, accepted, http_status, body_sha256, alert_id,
                                        raw_body, raw_body_truncated, payload, reject_reason, duplicate_of, steps)
        VALUES (p_id, p_source_id, p_received_at, p_status, true, p_http_status, p_body_sha256, p_alert_id,
                p_raw_body, p_raw_body_truncated, p_payload, NULL, NULL, p_steps)
        ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
          RETURN QUERY SELECT 'alert_id'::text, d.id, d.status, d.received_at FROM webhook_deliveries d
            WHERE d.source_id = p_source_id AND d.accepted AND d.alert_id = p_alert_id;
          RETURN;
        END IF;
        INSERT INTO webhook_dedup (source_id, body_sha256, delivery_id, expires_at)
        VALUES (p_source_id, p_body_sha256, p_id, p_received_at + make_interval(secs => p_window_seconds))
        ON CONFLICT (source_id, body_sha256) DO UPDATE SET delivery_id = EXCLUDED.delivery_id, expires_at = EXCLUDED.expires_at
          WHERE webhook_dedup.expires_at <= p_received_at;
        IF NOT FOUND THEN
          DELETE FROM webhook_deliveries WHERE id = p_id;
          RETURN QUERY SELECT 'window'::text, d.id, d.status, d.received_at
            FROM webhook_dedup k JOIN webhook_deliveries d ON d.id = k.delivery_id
            WHERE k.source_id = p_source_id AND k.body_sha256 = p_body_sha256;
          RETURN;
        END IF;
        RETURN QUERY SELECT 'accepted'::text, p_id, p_status, p_received_at;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP FUNCTION accept_webhook_delivery(uuid, uuid, timestamptz, text, smallint, text, text, text, boolean, jsonb, jsonb, integer);`,
    );
  }
}
