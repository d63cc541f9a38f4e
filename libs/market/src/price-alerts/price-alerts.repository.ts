import { Injectable } from '@nestjs/common';
import type { PriceAlert } from '@tradeloop/contracts';
import { formatPrice, type PriceAlertCondition, type PriceAlertStatus, type PriceTicks, type WatchedPriceAlert } from '@tradeloop/domain';
import type { Sql } from '@tradeloop/platform';

/** A price_alerts row as read (ticks as numbers: exact below 2^53). */
export interface PriceAlertRow {
  id: string;
  user_id: string;
  symbol: string;
  condition: PriceAlertCondition;
  price_ticks: PriceTicks;
  note: string | null;
  status: PriceAlertStatus;
  created_at: Date;
  triggered_at: Date | null;
  trigger_price_ticks: PriceTicks | null;
}

const COLUMNS = `id, user_id, symbol, condition, price_ticks::float8 AS price_ticks, note, status, created_at, triggered_at,
  trigger_price_ticks::float8 AS trigger_price_ticks`;

export const toPriceAlert = (r: PriceAlertRow): PriceAlert => ({
  id: r.id,
  symbol: r.symbol,
  condition: r.condition,
  price: formatPrice(r.price_ticks),
  note: r.note,
  status: r.status,
  createdAt: r.created_at.toISOString(),
  triggeredAt: r.triggered_at?.toISOString() ?? null,
  triggerPrice: r.trigger_price_ticks === null ? null : formatPrice(r.trigger_price_ticks),
});

export const toWatchedPriceAlert = (r: PriceAlertRow): WatchedPriceAlert => ({
  id: r.id,
  userId: r.user_id,
  symbol: r.symbol,
  condition: r.condition,
  price: r.price_ticks,
});

/** How long a triggered alert stays in the owner's list. */
export const PRICE_ALERT_TRIGGERED_KEPT_DAYS = 7;
/** At most this many triggered alerts in the list (the newest). */
export const PRICE_ALERT_TRIGGERED_LISTED = 50;

/** SQL for price alerts (docs/alerts.md "Price alerts"). Every method runs on the caller's `Sql`. */
@Injectable()
export class PriceAlertsRepository {
  /** Serialises one user's creations, so the active count is checked against a settled state. */
  async lockUser(sql: Sql, userId: string): Promise<void> {
    await sql.advisoryLock(`tradeloop:price-alerts:${userId}`);
  }

  async countActive(sql: Sql, userId: string): Promise<number> {
    const row = await sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM price_alerts WHERE user_id = $1 AND status = 'active'`, [
      userId,
    ]);
    return row.n;
  }

  async insert(
    sql: Sql,
    a: { id: string; userId: string; symbol: string; condition: PriceAlertCondition; price: PriceTicks; note: string | null },
  ): Promise<PriceAlertRow> {
    return sql.one<PriceAlertRow>(
      `INSERT INTO price_alerts (id, user_id, symbol, condition, price_ticks, note) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [a.id, a.userId, a.symbol, a.condition, a.price, a.note],
    );
  }

  /** The user's active alerts and their recently triggered ones: active first (newest first), then triggered (latest first). */
  async listForUser(sql: Sql, userId: string): Promise<PriceAlertRow[]> {
    return sql.rows<PriceAlertRow>(
      `(SELECT ${COLUMNS} FROM price_alerts WHERE user_id = $1 AND status = 'active' ORDER BY created_at DESC, id DESC)
       UNION ALL
       (SELECT ${COLUMNS} FROM price_alerts
        WHERE user_id = $1 AND status = 'triggered' AND triggered_at > now() - make_interval(days => $2)
        ORDER BY triggered_at DESC, id DESC LIMIT $3)`,
      [userId, PRICE_ALERT_TRIGGERED_KEPT_DAYS, PRICE_ALERT_TRIGGERED_LISTED],
    );
  }

  /** Deletes one of the user's alerts; false when there is none of theirs with that id. */
  async delete(sql: Sql, userId: string, id: string): Promise<boolean> {
    return (await sql.rows(`DELETE FROM price_alerts WHERE id = $1 AND user_id = $2 RETURNING id`, [id, userId])).length === 1;
  }

  /** Active alerts (all, or those of `ids` still active), for the engine's book. */
  async active(sql: Sql, ids: readonly string[] | null): Promise<PriceAlertRow[]> {
    return sql.rows<PriceAlertRow>(
      `SELECT ${COLUMNS} FROM price_alerts WHERE status = 'active' AND ($1::uuid[] IS NULL OR id = ANY($1::uuid[]))`,
      [ids === null ? null : [...ids]],
    );
  }

  /**
   * The trigger: the one UPDATE that finds the alert still active and reached by `ltp` marks it
   * triggered at `ltp` and `at`, and returns it; every other attempt (another engine, a replayed
   * tick, a deleted alert) finds nothing and returns undefined.
   */
  async trigger(sql: Sql, id: string, ltp: PriceTicks, at: Date): Promise<PriceAlertRow | undefined> {
    return sql.maybeOne<PriceAlertRow>(
      `UPDATE price_alerts SET status = 'triggered', trigger_price_ticks = $2, triggered_at = $3
       WHERE id = $1 AND status = 'active'
         AND (CASE condition WHEN 'above' THEN $2 >= price_ticks ELSE $2 <= price_ticks END)
       RETURNING ${COLUMNS}`,
      [id, ltp, at],
    );
  }

  async markNotified(sql: Sql, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await sql.rows(`UPDATE price_alerts SET notified_at = now() WHERE id = ANY($1::uuid[]) AND notified_at IS NULL`, [[...ids]]);
  }

  /** Triggered alerts whose notification was not handed over (a worker died in between), triggered before `before`. */
  async unnotified(sql: Sql, before: Date, limit = 200): Promise<PriceAlertRow[]> {
    return sql.rows<PriceAlertRow>(
      `SELECT ${COLUMNS} FROM price_alerts WHERE status = 'triggered' AND notified_at IS NULL AND triggered_at < $1
       ORDER BY triggered_at LIMIT $2`,
      [before, limit],
    );
  }
}
