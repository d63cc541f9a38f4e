import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type AlertEngine, type DeliveryStatus } from '@tradeloop/domain';
import { Db, type Sql } from '@tradeloop/platform';

/** One entry of a delivery's `steps` (docs/api.md: `steps: [{ step, at, outcome, detail }]`, plus its timing). */
export interface DeliveryStepRecord {
  step: DeliveryStatus;
  at: string;
  outcome: 'ok' | 'rejected' | 'duplicate';
  detail: string | null;
  /** Milliseconds since the delivery was received (fractional: the intake's steps take microseconds). */
  elapsedMs: number;
}

export interface DeliveryRow {
  id: string;
  sourceId: string;
  receivedAt: Date;
  status: DeliveryStatus;
  accepted: boolean;
  httpStatus: number;
  bodySha256: string | null;
  alertId: string | null;
  rawBody: string;
  rawBodyTruncated: boolean;
  payload: Record<string, unknown> | null;
  rejectReason: string | null;
  duplicateOf: string | null;
  engine: AlertEngine | null;
  decision: Record<string, unknown> | null;
  shadowDecision: Record<string, unknown> | null;
  orderIds: string[];
  steps: DeliveryStepRecord[];
}

interface Row {
  id: string;
  source_id: string;
  received_at: Date;
  status: DeliveryStatus;
  accepted: boolean;
  http_status: number;
  body_sha256: string | null;
  alert_id: string | null;
  raw_body: string;
  raw_body_truncated: boolean;
  payload: Record<string, unknown> | null;
  reject_reason: string | null;
  duplicate_of: string | null;
  engine: AlertEngine | null;
  decision: Record<string, unknown> | null;
  shadow_decision: Record<string, unknown> | null;
  order_ids: string[];
  steps: DeliveryStepRecord[];
}

const COLUMNS = `id, source_id, received_at, status, accepted, http_status, body_sha256, alert_id, raw_body, raw_body_truncated, payload,
  reject_reason, duplicate_of, engine, decision, shadow_decision, order_ids::text[] AS order_ids, steps`;

const toDelivery = (r: Row): DeliveryRow => ({
  id: r.id,
  sourceId: r.source_id,
  receivedAt: r.received_at,
  status: r.status,
  accepted: r.accepted,
  httpStatus: r.http_status,
  bodySha256: r.body_sha256,
  alertId: r.alert_id,
  rawBody: r.raw_body,
  rawBodyTruncated: r.raw_body_truncated,
  payload: r.payload,
  rejectReason: r.reject_reason,
  duplicateOf: r.duplicate_of,
  engine: r.engine,
  decision: r.decision,
  shadowDecision: r.shadow_decision,
  orderIds: r.order_ids,
  steps: r.steps,
});

/** A delivery as the intake writes it. */
export interface NewDelivery {
  id: string;
  sourceId: string;
  receivedAt: Date;
  status: Extract<DeliveryStatus, 'deduplicated' | 'intake_rejected' | 'duplicate'>;
  httpStatus: number;
  bodySha256: string | null;
  alertId: string | null;
  rawBody: string;
  rawBodyTruncated: boolean;
  payload: Record<string, unknown> | null;
  rejectReason: string | null;
  duplicateOf: string | null;
  steps: DeliveryStepRecord[];
}

const INSERT = `INSERT INTO webhook_deliveries (id, source_id, received_at, status, accepted, http_status, body_sha256, alert_id,
    raw_body, raw_body_truncated, payload, reject_reason, duplicate_of, steps)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14::jsonb)`;

const params = (d: NewDelivery, accepted: boolean) => [
  d.id,
  d.sourceId,
  d.receivedAt,
  d.status,
  accepted,
  d.httpStatus,
  d.bodySha256,
  d.alertId,
  d.rawBody,
  d.rawBodyTruncated,
  d.payload === null ? null : JSON.stringify(d.payload),
  d.rejectReason,
  d.duplicateOf,
  JSON.stringify(d.steps),
];

/** The source was deleted while its delivery was being written (a foreign key violation): as if it never existed. */
const sourceGone = (e: unknown): never => {
  if ((e as { code?: string }).code === '23503') throw new DomainError('NOT_FOUND', 'No such webhook source');
  throw e;
};

/** SQL for `webhook_deliveries` (migration 1763825100000). Dedup is the unique indexes' job, never a read before the write. */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  /** A refusal or a duplicate: never accepted, so never in the dedup indexes. */
  async insertNotAccepted(d: NewDelivery, sql: Sql = this.db.sql): Promise<void> {
    await sql.rows(INSERT, params(d, false)).catch(sourceGone);
  }

  /**
   * The accepted delivery, unless the same alert was accepted before on this source — the same
   * alert_id ever (the partial unique index), or the same canonical hash within `windowSeconds`
   * (the `webhook_dedup` claim) — then nothing is written and the original is returned. One
   * statement, `accept_webhook_delivery`: delivery first, then the claim, always in this order (the
   * same hash implies the same alert_id, so two calls never wait on each other's keys). A loser's
   * insert waits for the winner to commit, so the original is visible to the lookup that follows.
   */
  async insertAccepted(
    d: NewDelivery & { bodySha256: string },
    windowSeconds: number,
  ): Promise<{ inserted: true } | { inserted: false; original: { id: string; status: DeliveryStatus; receivedAt: Date } }> {
    // One round trip (migration 1763827400000): the delivery, then the claim, as one statement.
    const r = await this.db.sql
      .maybeOne<{
        outcome: 'accepted' | 'alert_id' | 'window';
        original_id: string;
        original_status: DeliveryStatus;
        original_received_at: Date;
      }>(`SELECT * FROM accept_webhook_delivery($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12)`, [
        d.id,
        d.sourceId,
        d.receivedAt,
        d.status,
        d.httpStatus,
        d.bodySha256,
        d.alertId,
        d.rawBody,
        d.rawBodyTruncated,
        d.payload === null ? null : JSON.stringify(d.payload),
        JSON.stringify(d.steps),
        windowSeconds,
      ])
      .catch(sourceGone);
    if (r?.outcome === 'accepted') return { inserted: true };
    // No original found: the winner was deleted with its source meanwhile, so there is nothing to be a duplicate of.
    if (!r) throw new DomainError('NOT_FOUND', 'No such webhook source');
    return { inserted: false, original: { id: r.original_id, status: r.original_status, receivedAt: r.original_received_at } };
  }

  async byId(id: string, sql: Sql = this.db.sql): Promise<DeliveryRow | undefined> {
    const r = await sql.maybeOne<Row>(`SELECT ${COLUMNS} FROM webhook_deliveries WHERE id = $1`, [id]);
    return r && toDelivery(r);
  }

  /** A source's deliveries, newest first, keyset-paged on (received_at, id). */
  async listForSource(
    sourceId: string,
    limit: number,
    after: { receivedAt: string; id: string } | null,
    sql: Sql = this.db.sql,
  ): Promise<DeliveryRow[]> {
    const rows = await sql.rows<Row>(
      `SELECT ${COLUMNS} FROM webhook_deliveries
        WHERE source_id = $1 AND ($2::timestamptz IS NULL OR (received_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY received_at DESC, id DESC LIMIT $4`,
      [sourceId, after?.receivedAt ?? null, after?.id ?? null, limit],
    );
    return rows.map(toDelivery);
  }

  /**
   * Moves the delivery from `from` to `to` and appends its step, in one statement, only if it is
   * still `from` (the claim: a retried or concurrent job finds it moved and does nothing).
   */
  async advance(
    id: string,
    from: DeliveryStatus,
    to: DeliveryStatus,
    step: Pick<DeliveryStepRecord, 'outcome' | 'detail'>,
    changes: {
      engine?: AlertEngine;
      decision?: Record<string, unknown>;
      shadowDecision?: Record<string, unknown>;
      orderIds?: string[];
      rejectReason?: string;
    } = {},
    sql: Sql = this.db.sql,
  ): Promise<DeliveryRow | undefined> {
    const r = await sql.maybeOne<Row>(
      `UPDATE webhook_deliveries SET status = $3, engine = COALESCE($4, engine), updated_at = clock_timestamp(),
         decision = COALESCE($7::jsonb, decision), shadow_decision = COALESCE($8::jsonb, shadow_decision),
         order_ids = COALESCE($9::uuid[], order_ids), reject_reason = COALESCE($10, reject_reason),
         steps = steps || jsonb_build_array(jsonb_build_object('step', $3::text, 'at', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'outcome', $5::text, 'detail', $6::text,
           'elapsedMs', round((extract(epoch FROM clock_timestamp() - received_at) * 1000)::numeric, 3)))
       WHERE id = $1 AND status = $2
       RETURNING ${COLUMNS}`,
      [
        id,
        from,
        to,
        changes.engine ?? null,
        step.outcome,
        step.detail,
        changes.decision ? JSON.stringify(changes.decision) : null,
        changes.shadowDecision ? JSON.stringify(changes.shadowDecision) : null,
        changes.orderIds ?? null,
        changes.rejectReason ?? null,
      ],
    );
    return r && toDelivery(r);
  }

  /**
   * Deletes dedup windows that have ended (the hourly maintenance purge): an ended window is the
   * same as none (the next claim of its hash would take it over), so the table holds only live ones.
   */
  async purgeExpiredDedup(sql: Sql = this.db.sql): Promise<number> {
    const rows = await sql.rows(`DELETE FROM webhook_dedup WHERE expires_at <= now() RETURNING 1`);
    return rows.length;
  }

  /** A source's decided deliveries' decisions (the comparison), oldest first. */
  async decisionsOf(
    sourceId: string,
    sql: Sql = this.db.sql,
  ): Promise<
    {
      decision: { engine?: string; decision?: string; latencyMs?: number } | null;
      shadowDecision: { engine?: string; decision?: string; latencyMs?: number } | null;
    }[]
  > {
    const rows = await sql.rows<{ decision: Record<string, unknown> | null; shadow_decision: Record<string, unknown> | null }>(
      `SELECT jsonb_build_object('engine', decision->'engine', 'decision', decision->'decision', 'latencyMs', decision->'latencyMs') AS decision,
              jsonb_build_object('engine', shadow_decision->'engine', 'decision', shadow_decision->'decision', 'latencyMs', shadow_decision->'latencyMs') AS shadow_decision
         FROM webhook_deliveries WHERE source_id = $1 AND decision IS NOT NULL ORDER BY received_at, id`,
      [sourceId],
    );
    return rows.map((r) => ({ decision: r.decision as never, shadowDecision: r.shadow_decision as never }));
  }

  /** The delivery locked (FOR UPDATE) if it is `ordered`; undefined otherwise. */
  async lockOrdered(id: string, sql: Sql): Promise<DeliveryRow | undefined> {
    const r = await sql.maybeOne<Row>(`SELECT ${COLUMNS} FROM webhook_deliveries WHERE id = $1 AND status = 'ordered' FOR UPDATE`, [id]);
    return r && toDelivery(r);
  }

  /** The `ordered` delivery holding this order (the execution path's note names only the order). */
  async orderedHolding(orderId: string, sql: Sql = this.db.sql): Promise<string | undefined> {
    const r = await sql.maybeOne<{ id: string }>(
      `SELECT id FROM webhook_deliveries WHERE status = 'ordered' AND order_ids @> ARRAY[$1::uuid]`,
      [orderId],
    );
    return r?.id;
  }
}
