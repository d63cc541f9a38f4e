import { Inject, Injectable } from '@nestjs/common';
import { Db, type Sql } from '@tradeloop/platform';

/** The trigger id of a position's exit: unique in alert_exits, so a position exits once (docs/alerts.md "Exit engine"). */
export const alertExitTriggerId = (positionId: string): string => `alert-exit:${positionId}`;

/** An open alert position as the exit engine loads it, with its entry order's state (real rows). */
export interface OpenAlertPositionRow {
  id: string;
  user_id: string;
  account_id: string | null;
  shadow: boolean;
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: string;
  entry_price: string;
  opened_at: Date;
  exit_config: unknown;
  entry_order_status: string | null;
  entry_order_reject_reason: string | null;
  entry_order_created_at: Date | null;
}

export interface AlertExitRow {
  id: string;
  trigger_id: string;
  position_id: string;
  user_id: string;
  shadow: boolean;
  symbol: string;
  tier: number;
  rule: string;
  reason: string;
  flagged: boolean;
  trigger_price: string;
  status: 'triggered' | 'sent' | 'closed';
  attempt: number;
  order_id: string | null;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
  closed_at: Date | null;
}

/** A pending real exit with what sending and closing it needs (its position, the entry order's product). */
export interface PendingAlertExitRow extends AlertExitRow {
  account_id: string | null;
  side: 'BUY' | 'SELL';
  quantity: string;
  entry_price: string;
  product: string | null;
  position_status: 'open' | 'closed';
}

/** The exit order as the closer reads it. */
export interface ExitOrderState {
  status: string;
  filled_quantity: number;
  filled_value_tick_units: string;
  reject_reason: string | null;
}

const EXIT_COLS = `e.id, e.trigger_id, e.position_id, e.user_id, e.shadow, e.symbol, e.tier, e.rule, e.reason, e.flagged,
  e.trigger_price::text, e.status, e.attempt, e.order_id, e.last_error, e.created_at, e.sent_at, e.closed_at`;

/** All SQL of the alert exit engine (alert_exits, and the alert_positions columns it closes). */
@Injectable()
export class AlertExitsRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  /** Open positions without an exit (the named ones, or all), with their entry order's state. */
  openPositions(ids: readonly string[] | null, sql: Sql = this.db.sql): Promise<OpenAlertPositionRow[]> {
    return sql.rows<OpenAlertPositionRow>(
      `SELECT p.id, p.user_id, p.account_id, p.shadow, p.symbol, p.side, p.quantity::text, p.entry_price::text, p.opened_at, p.exit_config,
              o.status AS entry_order_status, o.reject_reason AS entry_order_reject_reason, o.created_at AS entry_order_created_at
       FROM alert_positions p LEFT JOIN orders o ON o.id = p.entry_order_id
       WHERE p.status = 'open' AND ($1::uuid[] IS NULL OR p.id = ANY($1::uuid[]))
         AND NOT EXISTS (SELECT 1 FROM alert_exits e WHERE e.position_id = p.id)`,
      [ids === null ? null : [...ids]],
    );
  }

  /** Locks an open position (the trigger's transaction); undefined when it is closed or gone. */
  lockOpen(sql: Sql, positionId: string): Promise<{ id: string; user_id: string; symbol: string } | undefined> {
    return sql.maybeOne(`SELECT id, user_id, symbol FROM alert_positions WHERE id = $1 AND status = 'open' FOR UPDATE`, [positionId]);
  }

  /** Records the trigger; undefined when the position already has one (it exits once). */
  insertTrigger(
    sql: Sql,
    e: {
      id: string;
      positionId: string;
      userId: string;
      shadow: boolean;
      symbol: string;
      tier: number;
      rule: string;
      reason: string;
      flagged: boolean;
      price: number;
      status: 'triggered' | 'closed';
    },
  ): Promise<AlertExitRow | undefined> {
    return sql.maybeOne<AlertExitRow>(
      `INSERT INTO alert_exits AS e (id, trigger_id, position_id, user_id, shadow, symbol, tier, rule, reason, flagged, trigger_price, status, closed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, CASE WHEN $12 = 'closed' THEN now() END)
       ON CONFLICT DO NOTHING RETURNING ${EXIT_COLS}`,
      [
        e.id,
        alertExitTriggerId(e.positionId),
        e.positionId,
        e.userId,
        e.shadow,
        e.symbol,
        e.tier,
        e.rule,
        e.reason.slice(0, 500),
        e.flagged,
        String(e.price),
        e.status,
      ],
    );
  }

  /**
   * Closes an open position with its exit (status-guarded: two closers close once); the realized
   * P&L in paise is computed by the caller in bigint. False when it was no longer open.
   */
  async closePosition(
    sql: Sql,
    positionId: string,
    c: { tier: number; rule: string; reason: string; price: number; realizedPaise: bigint },
  ): Promise<boolean> {
    const rows = await sql.rows(
      `UPDATE alert_positions SET status = 'closed', exit_tier = $2, exit_rule = $3, exit_reason = $4, exit_price = $5,
              closed_at = now(), realized_pnl_paise = $6, mark_price = CASE WHEN shadow THEN $5 ELSE mark_price END,
              marked_at = CASE WHEN shadow THEN now() ELSE marked_at END
       WHERE id = $1 AND status = 'open' RETURNING 1`,
      [positionId, c.tier, c.rule, c.reason.slice(0, 500), String(c.price), c.realizedPaise.toString()],
    );
    return rows.length > 0;
  }

  /** Real exits not closed yet, with their position and the entry order's product. */
  pending(ids: readonly string[] | null = null): Promise<PendingAlertExitRow[]> {
    return this.db.sql.rows<PendingAlertExitRow>(
      `SELECT ${EXIT_COLS}, p.account_id, p.side, p.quantity::text, p.entry_price::text, o.product, p.status AS position_status
       FROM alert_exits e JOIN alert_positions p ON p.id = e.position_id LEFT JOIN orders o ON o.id = p.entry_order_id
       WHERE e.status <> 'closed' AND ($1::uuid[] IS NULL OR e.id = ANY($1::uuid[]))
       ORDER BY e.created_at`,
      [ids === null ? null : [...ids]],
    );
  }

  /** The exits whose current order is one of these. */
  async byOrders(orderIds: readonly string[]): Promise<string[]> {
    if (orderIds.length === 0) return [];
    const rows = await this.db.sql.rows<{ id: string }>(
      `SELECT id FROM alert_exits WHERE order_id = ANY($1::uuid[]) AND status <> 'closed'`,
      [[...orderIds]],
    );
    return rows.map((r) => r.id);
  }

  /** The exit's order was placed under `attempt`'s key. */
  markSent(id: string, attempt: number, orderId: string): Promise<AlertExitRow | undefined> {
    return this.db.sql.maybeOne<AlertExitRow>(
      `UPDATE alert_exits e SET status = 'sent', order_id = $3, sent_at = now(), last_error = NULL
       WHERE id = $1 AND attempt = $2 AND status = 'triggered' RETURNING ${EXIT_COLS}`,
      [id, attempt, orderId],
    );
  }

  /** Notes why the attempt did not go; `nextAttempt` (a refusal: nothing was placed under its key) sends the next one with a new key. */
  async markFailed(id: string, attempt: number, error: string, nextAttempt: boolean): Promise<void> {
    await this.db.sql.rows(
      `UPDATE alert_exits SET last_error = $3, attempt = attempt + CASE WHEN $4 THEN 1 ELSE 0 END, status = 'triggered', order_id = NULL, sent_at = NULL
       WHERE id = $1 AND attempt = $2 AND status <> 'closed'`,
      [id, attempt, error.slice(0, 500), nextAttempt],
    );
  }

  /** Notes a problem without moving the exit (an exit order that ended partly filled). */
  async note(id: string, error: string): Promise<void> {
    await this.db.sql.rows(`UPDATE alert_exits SET last_error = $2 WHERE id = $1 AND last_error IS DISTINCT FROM $2`, [
      id,
      error.slice(0, 500),
    ]);
  }

  exitOrder(orderId: string): Promise<ExitOrderState | undefined> {
    return this.db.sql.maybeOne<ExitOrderState>(
      `SELECT status, filled_quantity, filled_value_tick_units::text, reject_reason FROM orders WHERE id = $1`,
      [orderId],
    );
  }

  /** Closes the exit (its position closed in the same transaction by the caller). */
  async markClosed(sql: Sql, id: string): Promise<AlertExitRow | undefined> {
    return sql.maybeOne<AlertExitRow>(
      `UPDATE alert_exits e SET status = 'closed', closed_at = now() WHERE id = $1 AND status <> 'closed' RETURNING ${EXIT_COLS}`,
      [id],
    );
  }

  byPosition(positionId: string): Promise<AlertExitRow | undefined> {
    return this.db.sql.maybeOne<AlertExitRow>(`SELECT ${EXIT_COLS} FROM alert_exits e WHERE position_id = $1`, [positionId]);
  }
}
