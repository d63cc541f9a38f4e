import { Inject, Injectable } from '@nestjs/common';
import type { AuditAction, AuditEvent, AuditExportQuery, AuditQuery, Page } from '@tradeloop/contracts';
import { Db, type Sql, cursorCodec, CursorKeys, streamQuery } from '@tradeloop/platform';

/** Newest first on the event id. */
const AUDIT_CURSOR = cursorCodec('audit', [CursorKeys.bigintId]);

/** Who did something and from where: captured at the edge, written with the event. */
export interface RequestMeta {
  requestId?: string;
  ip?: string;
  userAgent?: string;
}

export interface AuditRecord {
  actorId: string | null;
  action: AuditAction;
  subject?: string | null;
  details?: Record<string, unknown>;
  meta?: RequestMeta;
}

export interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  action: AuditAction;
  subject: string | null;
  details: Record<string, unknown>;
}

/**
 * The append-only audit log compliance reads. Write it inside the same transaction as the
 * change it describes (pass that transaction's `sql`), so an event exists if and only if the
 * change happened.
 */
@Injectable()
export class AuditRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  async append(record: AuditRecord, sql: Sql = this.db.sql): Promise<void> {
    const { text, params } = auditInsert(record, 1);
    await sql.rows(text, params);
  }

  async list(query: AuditQuery): Promise<Page<AuditEvent>> {
    const { where, params } = auditFilters(query);
    if (query.cursor) {
      const [id] = AUDIT_CURSOR.decode(query.cursor);
      params.push(id);
      where.push(`audit_events.id < $${params.length}::bigint`);
    }
    params.push(query.limit + 1);
    const rows = await this.db.sql.rows<AuditRow>(
      `SELECT audit_events.id::text AS id, at, actor_id, action, subject, details FROM audit_events
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY audit_events.id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actorId: r.actor_id,
        action: r.action,
        subject: r.subject,
        details: r.details,
      })),
      nextCursor: rows.length > query.limit ? AUDIT_CURSOR.encode([page[page.length - 1]!.id]) : null,
    };
  }

  /**
   * Every event the filters match, oldest first, with the actor's email and the request's id and
   * address, streamed row by row (memory stays flat for any size). Call `done` when finished.
   */
  stream(query: AuditExportQuery): Promise<{ stream: NodeJS.ReadableStream; done: () => void }> {
    const { where, params } = auditFilters(query);
    return streamQuery(
      this.db,
      `SELECT audit_events.id::text AS id, at, actor_id, u.email AS actor_email, action, subject, details,
              request_id, host(ip) AS ip
       FROM audit_events LEFT JOIN users u ON u.id = audit_events.actor_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY audit_events.id`,
      params,
    );
  }
}

/** One row of the audit export. */
export interface AuditExportRow extends AuditRow {
  actor_email: string | null;
  request_id: string | null;
  ip: string | null;
}

/** The WHERE of the list and the export: one place for what each filter means. */
function auditFilters(query: AuditExportQuery): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (query.action) add('action = ?', query.action);
  if (query.actorId) add('actor_id = ?', query.actorId);
  if (query.from) add('at >= ?', query.from);
  if (query.to) add('at < ?', query.to);
  return { where, params };
}

/**
 * The INSERT of one audit event with its parameters numbered from `first`: a statement of its
 * own, or a data-modifying CTE inside the statement that makes the change (one round trip).
 */
export function auditInsert(record: AuditRecord, first: number): { text: string; params: unknown[] } {
  const n = (i: number) => `$${first + i}`;
  return {
    text: `INSERT INTO audit_events (actor_id, action, subject, details, request_id, ip) VALUES (${n(0)}, ${n(1)}, ${n(2)}, ${n(3)}::jsonb, ${n(4)}, ${n(5)}::inet)`,
    params: [
      record.actorId,
      record.action,
      record.subject ?? null,
      JSON.stringify(record.details ?? {}),
      record.meta?.requestId ?? null,
      normaliseIp(record.meta?.ip),
    ],
  };
}

/** auditInsert for several records (parameters numbered from `first`): a statement, or a CTE. */
export function auditInsertMany(records: readonly AuditRecord[], first: number): { text: string; params: unknown[] } {
  const n = (i: number) => `$${first + i}`;
  return {
    text: `INSERT INTO audit_events (actor_id, action, subject, details, request_id, ip)
       SELECT a, b, c, d::jsonb, e, f::inet FROM unnest(${n(0)}::uuid[], ${n(1)}::text[], ${n(2)}::text[], ${n(3)}::text[], ${n(4)}::text[], ${n(5)}::text[]) WITH ORDINALITY AS x(a, b, c, d, e, f, o) ORDER BY o`,
    params: [
      records.map((r) => r.actorId),
      records.map((r) => r.action),
      records.map((r) => r.subject ?? null),
      records.map((r) => JSON.stringify(r.details ?? {})),
      records.map((r) => r.meta?.requestId ?? null),
      records.map((r) => normaliseIp(r.meta?.ip)),
    ],
  };
}

function normaliseIp(ip: string | undefined): string | null {
  if (!ip) return null;
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is stored as plain IPv4.
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
