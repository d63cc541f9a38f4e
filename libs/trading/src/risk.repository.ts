import { Inject, Injectable } from '@nestjs/common';
import type { KillSwitchState, OrderId, Paise, RiskLimits, UserId } from '@tradeloop/domain';
import { Db, type Sql } from '@tradeloop/platform';

/**
 * Limits a user has until an admin sets their own: generous enough for the demo, tight enough
 * that a fat finger is caught (₹10 lakh per order).
 */
export interface UserRiskLimits extends RiskLimits {
  readonly maxOrderValue: Paise;
  readonly maxPositionValue: Paise;
  readonly maxOpenOrders: number;
  readonly maxDailyLoss: Paise;
  readonly maxOrdersPerMinute: number;
  /** How much of the day's best P&L may be given back before the switch trips; null = no limit. */
  readonly maxDrawdown: Paise | null;
  /** An automatic trip also squares off the user's positions. */
  readonly squareOffOnTrip: boolean;
}

export const DEFAULT_RISK_LIMITS: UserRiskLimits = {
  maxOrderValue: 10_00_000_00n,
  maxPositionValue: 25_00_000_00n,
  maxOpenOrders: 50,
  maxDailyLoss: 50_000_00n,
  maxOrdersPerMinute: 120,
  maxDrawdown: null,
  squareOffOnTrip: false,
};

/** The columns `limitsFromRow` reads, aliased short (they also travel inside JSON). */
export const LIMITS_COLUMNS = `max_order_value_paise::text a, max_position_value_paise::text b, max_open_orders c, max_daily_loss_paise::text d, max_orders_per_minute e, square_off_on_trip f, max_drawdown_paise::text g`;
export interface LimitsRow {
  a: string;
  b: string;
  c: number;
  d: string;
  e: number;
  f: boolean;
  g: string | null;
}

/** A user's own limits, or the defaults when an admin never set any. */
export const limitsFromRow = (r: LimitsRow | null | undefined): UserRiskLimits =>
  r
    ? {
        maxOrderValue: BigInt(r.a),
        maxPositionValue: BigInt(r.b),
        maxOpenOrders: r.c,
        maxDailyLoss: BigInt(r.d),
        maxOrdersPerMinute: r.e,
        maxDrawdown: r.g === null ? null : BigInt(r.g),
        squareOffOnTrip: r.f,
      }
    : DEFAULT_RISK_LIMITS;

export interface SwitchRow {
  engaged: boolean;
  reason: string | null;
  changed_at: Date | null;
}

export type RiskEventKind = 'REJECTED' | 'TRIPPED' | 'SWITCH_ENGAGED' | 'SWITCH_RELEASED' | 'DRIFT' | 'RISK_EXIT';

@Injectable()
export class RiskRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  async limits(userId: UserId, sql: Sql = this.db.sql): Promise<UserRiskLimits> {
    return limitsFromRow(await sql.maybeOne<LimitsRow>(`SELECT ${LIMITS_COLUMNS} FROM risk_limits WHERE user_id = $1`, [userId]));
  }

  async setLimits(sql: Sql, userId: UserId, l: UserRiskLimits, actorId: UserId): Promise<void> {
    await sql.rows(
      `INSERT INTO risk_limits (user_id, max_order_value_paise, max_position_value_paise, max_open_orders, max_daily_loss_paise, max_orders_per_minute, square_off_on_trip, max_drawdown_paise, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (user_id) DO UPDATE SET max_order_value_paise = EXCLUDED.max_order_value_paise, max_position_value_paise = EXCLUDED.max_position_value_paise,
         max_open_orders = EXCLUDED.max_open_orders, max_daily_loss_paise = EXCLUDED.max_daily_loss_paise,
         max_orders_per_minute = EXCLUDED.max_orders_per_minute, square_off_on_trip = EXCLUDED.square_off_on_trip,
         max_drawdown_paise = EXCLUDED.max_drawdown_paise, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [
        userId,
        l.maxOrderValue.toString(),
        l.maxPositionValue.toString(),
        l.maxOpenOrders,
        l.maxDailyLoss.toString(),
        l.maxOrdersPerMinute,
        l.squareOffOnTrip,
        l.maxDrawdown?.toString() ?? null,
        actorId,
      ],
    );
  }

  /** The global and the user's (and a strategy's) switches; absent rows are disengaged. */
  async switches(
    userId: UserId,
    strategyId: string | null = null,
    sql: Sql = this.db.sql,
  ): Promise<{ global: SwitchRow; user: SwitchRow; strategy: SwitchRow | null }> {
    const rows = await sql.rows<SwitchRow & { scope: string; scope_id: string }>(
      `SELECT scope, scope_id, engaged, reason, changed_at FROM kill_switches
       WHERE (scope = 'global' AND scope_id = '') OR (scope = 'user' AND scope_id = $1) OR (scope = 'strategy' AND scope_id = $2)`,
      [userId, strategyId ?? ''],
    );
    const off: SwitchRow = { engaged: false, reason: null, changed_at: null };
    const find = (scope: string) => rows.find((r) => r.scope === scope) ?? off;
    return { global: find('global'), user: find('user'), strategy: strategyId ? find('strategy') : null };
  }

  /** Sets a switch; returns whether it changed. */
  async setSwitch(
    sql: Sql,
    scope: 'global' | 'user' | 'strategy',
    scopeId: string,
    engaged: boolean,
    reason: string,
    actorId: string | null,
  ): Promise<boolean> {
    const before = await sql.maybeOne<{ engaged: boolean }>(
      `SELECT engaged FROM kill_switches WHERE scope = $1 AND scope_id = $2 FOR UPDATE`,
      [scope, scopeId],
    );
    await sql.rows(
      `INSERT INTO kill_switches (scope, scope_id, engaged, reason, changed_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (scope, scope_id) DO UPDATE SET engaged = EXCLUDED.engaged, reason = EXCLUDED.reason, changed_by = EXCLUDED.changed_by, changed_at = now()`,
      [scope, scopeId, engaged, reason, actorId],
    );
    return (before?.engaged ?? false) !== engaged;
  }

  async recordEvent(
    e: { userId: UserId | null; kind: RiskEventKind; rule: string; detail: string; orderId?: OrderId | null; context?: unknown },
    sql: Sql = this.db.sql,
  ): Promise<void> {
    await sql.rows(`INSERT INTO risk_events (user_id, kind, rule, detail, order_id, context) VALUES ($1, $2, $3, $4, $5, $6)`, [
      e.userId,
      e.kind,
      e.rule,
      e.detail,
      e.orderId ?? null,
      JSON.stringify(e.context ?? {}),
    ]);
  }

  /** Whether a drift alert for this model and feature was recorded on `day` (UTC, YYYY-MM-DD). */
  async hasDriftEvent(modelId: string, feature: string, day: string): Promise<boolean> {
    const row = await this.db.sql.maybeOne(
      `SELECT 1 FROM risk_events WHERE kind = 'DRIFT' AND context->>'modelId' = $1 AND context->>'feature' = $2 AND context->>'day' = $3 LIMIT 1`,
      [modelId, feature, day],
    );
    return row !== undefined;
  }

  async events(
    userId: UserId | null,
    limit: number,
  ): Promise<
    { id: string; user_id: UserId | null; kind: RiskEventKind; rule: string; detail: string; order_id: OrderId | null; at: Date }[]
  > {
    return userId
      ? this.db.sql.rows(
          `SELECT id::text, user_id, kind, rule, detail, order_id, at FROM risk_events WHERE user_id = $1 OR (user_id IS NULL AND kind <> 'DRIFT') ORDER BY id DESC LIMIT $2`,
          [userId, limit],
        )
      : this.db.sql.rows(`SELECT id::text, user_id, kind, rule, detail, order_id, at FROM risk_events ORDER BY id DESC LIMIT $1`, [limit]);
  }
}

export const switchState = (r: SwitchRow): KillSwitchState => ({ engaged: r.engaged, reason: r.reason });
