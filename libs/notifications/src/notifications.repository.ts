import { Inject, Injectable } from '@nestjs/common';
import type { Notification, NotificationChannel, NotificationDelivery, Page } from '@tradeloop/contracts';
import type {
  NotificationChannelKind,
  NotificationDeliveryStatus,
  NotificationEventKind,
  NotificationFacts,
  NotificationMessage,
  NotificationWebhookFormat,
} from '@tradeloop/domain';
import { maskTelegramTarget } from '@tradeloop/domain';
import { CursorKeys, Db, cursorCodec, type Sql } from '@tradeloop/platform';

/** Newest first on (created_at, id); created_at as Postgres prints it in UTC, microseconds kept. */
const NOTIFICATIONS_CURSOR = cursorCodec('notifications', [CursorKeys.pgTimestampUtc, CursorKeys.uuid]);
const DELIVERIES_CURSOR = cursorCodec('notification-deliveries', [CursorKeys.pgTimestampUtc, CursorKeys.uuid]);

const EXACT = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'`;

export interface ChannelRow {
  id: string;
  user_id: string;
  kind: NotificationChannelKind;
  name: string;
  target: string;
  format: NotificationWebhookFormat | null;
  chat_id: string | null;
  secret_ciphertext: string | null;
  events: NotificationEventKind[];
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

interface ChannelStatsRow extends ChannelRow {
  queued: number;
  sent: number;
  failed: number;
  last_sent_at: Date | null;
  last_error: string | null;
}

interface NotificationRow {
  id: string;
  user_id: string;
  event_key: string;
  kind: NotificationEventKind;
  title: string;
  body: string;
  severity: 'info' | 'warning' | 'critical';
  facts: NotificationFacts;
  created_at: Date;
  read_at: Date | null;
}

export interface DeliveryRow {
  id: string;
  notification_id: string;
  channel_id: string;
  user_id: string;
  status: NotificationDeliveryStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date | null;
  created_at: Date;
  sent_at: Date | null;
}

export const toNotification = (r: NotificationRow): Notification => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  body: r.body,
  severity: r.severity,
  createdAt: r.created_at.toISOString(),
  readAt: r.read_at?.toISOString() ?? null,
});

const toChannel = (r: ChannelStatsRow): NotificationChannel => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  // A Telegram bot token is never shown (also for a row from before tokens were encrypted).
  target: r.format === 'telegram' ? maskTelegramTarget(r.target) : r.target,
  format: r.format,
  chatId: r.chat_id,
  events: r.events,
  enabled: r.enabled,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  deliveries: {
    queued: Number(r.queued),
    sent: Number(r.sent),
    failed: Number(r.failed),
    lastSentAt: r.last_sent_at?.toISOString() ?? null,
    lastError: r.last_error,
  },
});

const CHANNEL_WITH_STATS = `
  SELECT c.*,
         COALESCE(s.queued, 0) AS queued, COALESCE(s.sent, 0) AS sent, COALESCE(s.failed, 0) AS failed,
         s.last_sent_at,
         (SELECT d.last_error FROM notification_deliveries d
           WHERE d.channel_id = c.id AND d.last_error IS NOT NULL ORDER BY d.updated_at DESC, d.id DESC LIMIT 1) AS last_error
  FROM notification_channels c
  LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE d.status = 'queued')::int AS queued,
           count(*) FILTER (WHERE d.status = 'sent')::int AS sent,
           count(*) FILTER (WHERE d.status = 'failed')::int AS failed,
           max(d.sent_at) AS last_sent_at
    FROM notification_deliveries d WHERE d.channel_id = c.id
  ) s ON true`;

/** A secret off the active key ($1), or a Telegram token still in clear in its target. */
const STALE_SECRET = `((secret_ciphertext IS NOT NULL AND split_part(secret_ciphertext, '.', 2) <> $1)
  OR (format = 'telegram' AND secret_ciphertext IS NULL AND target ~ '/bot[^/?#]+/' AND target !~ '/bot••••'))`;

/** One delivery with all a send needs: the notification and its channel. */
export interface DeliveryWork {
  delivery: DeliveryRow;
  notification: NotificationRow;
  channel: ChannelRow;
}

/** SQL of notification_channels, notifications and notification_deliveries (migration 1763824500000). */
@Injectable()
export class NotificationsRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  get sql(): Sql {
    return this.db.sql;
  }

  tx<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.db.tx(work);
  }

  // ---- channels

  /**
   * Key rotation (the re-encrypt job, through ChannelSecretStore): channels whose secret is not under
   * `activeKeyId`, or Telegram channels whose bot token is still in clear in the target (rows from
   * before tokens were encrypted), ids above `afterId`, locked FOR UPDATE SKIP LOCKED.
   */
  lockStaleSecrets(
    sql: Sql,
    activeKeyId: string,
    limit: number,
    afterId: string | null,
  ): Promise<{ id: string; format: NotificationWebhookFormat | null; target: string; secret_ciphertext: string | null }[]> {
    return sql.rows(
      `SELECT id, format, target, secret_ciphertext FROM notification_channels
       WHERE ($3::uuid IS NULL OR id > $3::uuid) AND ${STALE_SECRET}
       ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [activeKeyId, limit, afterId],
    );
  }

  async countStaleSecrets(activeKeyId: string): Promise<number> {
    const r = await this.db.sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM notification_channels WHERE ${STALE_SECRET}`, [
      activeKeyId,
    ]);
    return r.n;
  }

  /** The secret under another key, and (a Telegram token moved out of the target) the masked target. */
  async rewriteSecret(sql: Sql, id: string, ciphertext: string, target: string | null): Promise<void> {
    await sql.rows(`UPDATE notification_channels SET secret_ciphertext = $2, target = COALESCE($3, target) WHERE id = $1`, [
      id,
      ciphertext,
      target,
    ]);
  }

  async listChannels(userId: string): Promise<NotificationChannel[]> {
    const rows = await this.db.sql.rows<ChannelStatsRow>(`${CHANNEL_WITH_STATS} WHERE c.user_id = $1 ORDER BY c.created_at, c.id`, [
      userId,
    ]);
    return rows.map(toChannel);
  }

  async channel(userId: string, id: string, sql: Sql = this.db.sql): Promise<NotificationChannel | undefined> {
    const r = await sql.maybeOne<ChannelStatsRow>(`${CHANNEL_WITH_STATS} WHERE c.user_id = $1 AND c.id = $2`, [userId, id]);
    return r && toChannel(r);
  }

  async countChannels(sql: Sql, userId: string): Promise<number> {
    const r = await sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM notification_channels WHERE user_id = $1`, [userId]);
    return r.n;
  }

  async insertChannel(
    sql: Sql,
    c: {
      id: string;
      userId: string;
      kind: NotificationChannelKind;
      name: string;
      target: string;
      format: NotificationWebhookFormat | null;
      chatId: string | null;
      secretCiphertext: string | null;
      events: readonly NotificationEventKind[];
      enabled: boolean;
    },
  ): Promise<void> {
    await sql.rows(
      `INSERT INTO notification_channels (id, user_id, kind, name, target, format, chat_id, secret_ciphertext, events, enabled)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10)`,
      [c.id, c.userId, c.kind, c.name, c.target, c.format, c.chatId, c.secretCiphertext, c.events, c.enabled],
    );
  }

  /** True when the user's channel existed (and was changed). */
  async updateChannel(
    sql: Sql,
    userId: string,
    id: string,
    patch: { events?: readonly NotificationEventKind[]; name?: string; enabled?: boolean },
  ): Promise<boolean> {
    const rows = await sql.rows(
      `UPDATE notification_channels
       SET events = COALESCE($3::text[], events), name = COALESCE($4, name), enabled = COALESCE($5, enabled), updated_at = now()
       WHERE user_id = $1 AND id = $2 RETURNING id`,
      [userId, id, patch.events ?? null, patch.name ?? null, patch.enabled ?? null],
    );
    return rows.length > 0;
  }

  async deleteChannel(userId: string, id: string): Promise<boolean> {
    const rows = await this.db.sql.rows(`DELETE FROM notification_channels WHERE user_id = $1 AND id = $2 RETURNING id`, [userId, id]);
    return rows.length > 0;
  }

  /** The user's enabled channels that get this kind of event. */
  async channelsFor(sql: Sql, userId: string, kind: NotificationEventKind): Promise<ChannelRow[]> {
    return sql.rows<ChannelRow>(
      `SELECT * FROM notification_channels WHERE user_id = $1 AND enabled AND $2 = ANY(events) ORDER BY created_at, id`,
      [userId, kind],
    );
  }

  // ---- notifications

  /** The event's notification: inserted, or the one already stored under the same key (`created` false). */
  async insertNotification(
    sql: Sql,
    n: { id: string; userId: string; key: string; facts: NotificationFacts; message: NotificationMessage },
  ): Promise<{ notification: NotificationRow; created: boolean }> {
    const inserted = await sql.maybeOne<NotificationRow>(
      `INSERT INTO notifications (id, user_id, event_key, kind, title, body, severity, facts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
       ON CONFLICT (user_id, event_key) DO NOTHING RETURNING *`,
      [n.id, n.userId, n.key, n.facts.kind, n.message.title, n.message.body, n.message.severity, JSON.stringify(n.facts)],
    );
    if (inserted) return { notification: inserted, created: true };
    const existing = await sql.one<NotificationRow>(`SELECT * FROM notifications WHERE user_id = $1 AND event_key = $2`, [n.userId, n.key]);
    return { notification: existing, created: false };
  }

  /**
   * Stores several events' notifications in ONE statement (the group commit of the event jobs,
   * ADR 0015): each inserted, or the one already stored under its key (`created` false), with the
   * ids of the user's enabled channels that take its kind. Results in the order given; an event
   * whose conflicting row committed after the statement's snapshot is read again on its own.
   */
  async storeNotifications(
    sql: Sql,
    items: readonly { id: string; userId: string; key: string; facts: NotificationFacts; message: NotificationMessage }[],
  ): Promise<{ notification: NotificationRow; created: boolean; channelIds: string[] }[]> {
    const rows = await sql.rows<NotificationRow & { n: number; created: boolean; channel_ids: string[] }>(
      `WITH x AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           WITH ORDINALITY AS x(id, user_id, event_key, kind, title, body, severity, facts, n)
       ), ins AS (
         INSERT INTO notifications (id, user_id, event_key, kind, title, body, severity, facts)
         SELECT id, user_id, event_key, kind, title, body, severity, facts::jsonb FROM x ORDER BY n
         ON CONFLICT (user_id, event_key) DO NOTHING RETURNING *
       ), found AS (
         SELECT x.n, true AS created, ins.* FROM ins JOIN x ON x.id = ins.id
         UNION ALL
         SELECT x.n, false, o.* FROM x JOIN notifications o ON o.user_id = x.user_id AND o.event_key = x.event_key
       )
       SELECT f.*, ARRAY(SELECT c.id FROM notification_channels c WHERE c.user_id = f.user_id AND c.enabled AND f.kind = ANY(c.events)
                         ORDER BY c.created_at, c.id) AS channel_ids
       FROM found f`,
      [
        items.map((i) => i.id),
        items.map((i) => i.userId),
        items.map((i) => i.key),
        items.map((i) => i.facts.kind),
        items.map((i) => i.message.title),
        items.map((i) => i.message.body),
        items.map((i) => i.message.severity),
        items.map((i) => JSON.stringify(i.facts)),
      ],
    );
    const byN = new Map(rows.map((r) => [Number(r.n), r]));
    return Promise.all(
      items.map(async (item, i) => {
        const r = byN.get(i + 1);
        if (r) {
          const { n: _n, created, channel_ids, ...notification } = r;
          return { notification: notification as NotificationRow, created, channelIds: channel_ids };
        }
        const { notification } = await this.insertNotification(sql, item);
        const channels = await this.channelsFor(sql, item.userId, item.facts.kind);
        return { notification, created: false, channelIds: channels.map((c) => c.id) };
      }),
    );
  }

  /**
   * One delivery per (notification, channel) — unique, so an event handled again adds none — for
   * several notifications in one statement; returns, per notification, its deliveries still
   * queued and never tried (new or earlier), ordered by id.
   */
  async queueDeliveries(
    sql: Sql,
    rows: readonly { id: string; notificationId: string; channelId: string; userId: string }[],
    notificationIds: readonly string[],
  ): Promise<Map<string, DeliveryRow[]>> {
    const found = await sql.rows<DeliveryRow>(
      `WITH d AS (
         INSERT INTO notification_deliveries (id, notification_id, channel_id, user_id)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[])
         ON CONFLICT (notification_id, channel_id) DO NOTHING RETURNING *
       )
       SELECT * FROM d
       UNION ALL
       SELECT * FROM notification_deliveries WHERE notification_id = ANY($5::uuid[]) AND status = 'queued' AND attempts = 0`,
      [rows.map((r) => r.id), rows.map((r) => r.notificationId), rows.map((r) => r.channelId), rows.map((r) => r.userId), notificationIds],
    );
    const out = new Map<string, DeliveryRow[]>(notificationIds.map((id) => [id, []]));
    for (const d of [...found].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) out.get(d.notification_id)?.push(d);
    return out;
  }

  /** One delivery per channel (unique: a replay adds none). Returns the deliveries still queued and never tried. */
  async insertDeliveries(
    sql: Sql,
    notificationId: string,
    userId: string,
    rows: { id: string; channelId: string }[],
  ): Promise<DeliveryRow[]> {
    if (rows.length > 0)
      await sql.rows(
        `INSERT INTO notification_deliveries (id, notification_id, channel_id, user_id)
         SELECT d.id, $1, d.channel_id, $2 FROM unnest($3::uuid[], $4::uuid[]) AS d(id, channel_id)
         ON CONFLICT (notification_id, channel_id) DO NOTHING`,
        [notificationId, userId, rows.map((r) => r.id), rows.map((r) => r.channelId)],
      );
    return sql.rows<DeliveryRow>(
      `SELECT * FROM notification_deliveries WHERE notification_id = $1 AND status = 'queued' AND attempts = 0 ORDER BY id`,
      [notificationId],
    );
  }

  async listNotifications(userId: string, q: { limit: number; cursor?: string; unread?: boolean }): Promise<Page<Notification>> {
    const params: unknown[] = [userId];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = ['user_id = $1'];
    if (q.unread) where.push('read_at IS NULL');
    if (q.cursor) {
      const [createdAt, id] = NOTIFICATIONS_CURSOR.decode(q.cursor);
      where.push(`(created_at, id) < (${p(createdAt)}::timestamptz, ${p(id)}::uuid)`);
    }
    const rows = await this.db.sql.rows<NotificationRow & { created_at_exact: string }>(
      `SELECT *, ${EXACT('created_at')} AS created_at_exact FROM notifications
       WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${p(q.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toNotification),
      nextCursor: rows.length > q.limit && last ? NOTIFICATIONS_CURSOR.encode([last.created_at_exact, last.id]) : null,
    };
  }

  async unreadCount(userId: string): Promise<number> {
    const r = await this.db.sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL`, [
      userId,
    ]);
    return r.n;
  }

  /** Marks the user's own notifications read (others' ids are ignored); returns how many changed. */
  async markRead(userId: string, ids: readonly string[] | 'all'): Promise<number> {
    const rows =
      ids === 'all'
        ? await this.db.sql.rows(`UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL RETURNING id`, [userId])
        : await this.db.sql.rows(
            `UPDATE notifications SET read_at = now() WHERE user_id = $1 AND id = ANY($2::uuid[]) AND read_at IS NULL RETURNING id`,
            [userId, ids],
          );
    return rows.length;
  }

  // ---- deliveries

  async listDeliveries(userId: string, channelId: string, q: { limit: number; cursor?: string }): Promise<Page<NotificationDelivery>> {
    const params: unknown[] = [userId, channelId];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = ['d.user_id = $1', 'd.channel_id = $2'];
    if (q.cursor) {
      const [createdAt, id] = DELIVERIES_CURSOR.decode(q.cursor);
      where.push(`(d.created_at, d.id) < (${p(createdAt)}::timestamptz, ${p(id)}::uuid)`);
    }
    const rows = await this.db.sql.rows<DeliveryRow & { kind: NotificationEventKind; title: string; created_at_exact: string }>(
      `SELECT d.*, n.kind, n.title, ${EXACT('d.created_at')} AS created_at_exact
       FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
       WHERE ${where.join(' AND ')} ORDER BY d.created_at DESC, d.id DESC LIMIT ${p(q.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.id,
        notificationId: r.notification_id,
        channelId: r.channel_id,
        kind: r.kind,
        title: r.title,
        status: r.status,
        attempts: r.attempts,
        lastError: r.last_error,
        nextAttemptAt: r.next_attempt_at?.toISOString() ?? null,
        createdAt: r.created_at.toISOString(),
        sentAt: r.sent_at?.toISOString() ?? null,
      })),
      nextCursor: rows.length > q.limit && last ? DELIVERIES_CURSOR.encode([last.created_at_exact, last.id]) : null,
    };
  }

  /** The delivery with its notification and channel, the delivery row locked (one send at a time). */
  async lockDelivery(sql: Sql, id: string): Promise<DeliveryWork | undefined> {
    const d = await sql.maybeOne<DeliveryRow>(`SELECT * FROM notification_deliveries WHERE id = $1 FOR UPDATE`, [id]);
    if (!d) return undefined;
    const notification = await sql.one<NotificationRow>(`SELECT * FROM notifications WHERE id = $1`, [d.notification_id]);
    const channel = await sql.one<ChannelRow>(`SELECT * FROM notification_channels WHERE id = $1`, [d.channel_id]);
    return { delivery: d, notification, channel };
  }

  async markSent(sql: Sql, id: string, attempts: number): Promise<void> {
    await sql.rows(
      `UPDATE notification_deliveries SET status = 'sent', attempts = $2, sent_at = now(), next_attempt_at = NULL, updated_at = now() WHERE id = $1`,
      [id, attempts],
    );
  }

  async markAttemptFailed(sql: Sql, id: string, attempts: number, error: string, nextAttemptAt: Date | null): Promise<void> {
    await sql.rows(
      `UPDATE notification_deliveries
       SET status = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'queued' END,
           attempts = $2, last_error = $3, next_attempt_at = $4, updated_at = now()
       WHERE id = $1`,
      [id, attempts, error.slice(0, 1_000), nextAttemptAt],
    );
  }

  /** Waiting for the user's send window (rate limit): not an attempt. */
  async markWaiting(sql: Sql, id: string, until: Date): Promise<void> {
    await sql.rows(`UPDATE notification_deliveries SET next_attempt_at = $2, updated_at = now() WHERE id = $1`, [id, until]);
  }
}
