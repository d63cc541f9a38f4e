import { Inject, Injectable } from '@nestjs/common';
import type { Paise, Position, Product, TradeValue, UserId } from '@tradeloop/domain';
import { Db, type Sql } from '@tradeloop/platform';
import {
  DEFAULT_RISK_LIMITS,
  LIMITS_COLUMNS,
  limitsFromRow,
  type LimitsRow,
  type UserRiskLimits,
  toPosition,
  type PositionRow,
} from '@tradeloop/trading';

export type MonitoredPosition = Position & { accountId: string; symbol: string; product: Product };

/** What the risk monitor knows about one user in a round (read in bulk, outside any lock). */
export interface WatchedUser {
  userId: UserId;
  /** Open positions only (net quantity ≠ 0). */
  positions: MonitoredPosition[];
  realizedToday: TradeValue;
  limits: UserRiskLimits;
  switchEngaged: boolean;
  tripsToday: { rule: string; limit: Paise }[];
  /** The best day P&L recorded today (0 when none yet). */
  peakDayPnl: Paise;
}

export interface TripRow {
  id: string;
  user_id: UserId;
  rule: string;
  reason: string;
  square_off: boolean;
  tripped_at: Date;
  square_off_attempts: number;
}

/**
 * The risk monitor's reads and its trip records. The round's reads are a handful of set-based
 * queries (not one per user): they run twice a second.
 */
@Injectable()
export class RiskMonitorRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  /** Everyone with an open position or a fill today, with what the trip decision needs. */
  async watched(dayStart: number): Promise<WatchedUser[]> {
    const sql = this.db.sql;
    const positions = await sql.rows<PositionRow & { user_id: UserId }>(
      `SELECT user_id, account_id, symbol, product, net_quantity, lot_cost_tick_units::text, lot_quantity, lot_closed_quantity, lot_closed_cash_flow_tick_units::text, realized_before_lot_tick_units::text
       FROM positions WHERE net_quantity <> 0 ORDER BY user_id, symbol, product, account_id`,
    );
    const realized = await sql.rows<{ user_id: UserId; v: string }>(
      `SELECT user_id, sum(realized_delta_tick_units)::text AS v FROM trades WHERE executed_at >= $1 GROUP BY user_id`,
      [new Date(dayStart).toISOString()],
    );
    const users = new Map<UserId, WatchedUser>();
    const user = (id: UserId): WatchedUser => {
      let u = users.get(id);
      if (!u)
        users.set(
          id,
          (u = {
            userId: id,
            positions: [],
            realizedToday: 0n,
            limits: DEFAULT_RISK_LIMITS,
            switchEngaged: false,
            tripsToday: [],
            peakDayPnl: 0n,
          }),
        );
      return u;
    };
    for (const r of positions)
      user(r.user_id).positions.push({ ...toPosition(r), accountId: r.account_id, symbol: r.symbol, product: r.product });
    for (const r of realized) user(r.user_id).realizedToday = BigInt(r.v);
    if (users.size === 0) return [];

    const state = await sql.rows<{
      user_id: UserId;
      limits: LimitsRow | null;
      engaged: boolean;
      trips: { rule: string; limit: string }[];
      peak: string | null;
    }>(
      `SELECT u.id AS user_id, (SELECT row_to_json(l) FROM (SELECT ${LIMITS_COLUMNS} FROM risk_limits WHERE user_id = u.id) l) AS limits,
         coalesce(k.engaged, false) AS engaged,
         coalesce((SELECT json_agg(json_build_object('rule', t.rule, 'limit', t.limit_paise::text)) FROM risk_trips t WHERE t.user_id = u.id AND t.day_start = $2), '[]') AS trips,
         (SELECT p.peak_paise::text FROM risk_pnl_peaks p WHERE p.user_id = u.id AND p.day_start = $2) AS peak
       FROM unnest($1::uuid[]) AS u(id)
       LEFT JOIN kill_switches k ON k.scope = 'user' AND k.scope_id = u.id::text`,
      [[...users.keys()], new Date(dayStart).toISOString()],
    );
    for (const r of state) {
      const u = user(r.user_id);
      u.limits = limitsFromRow(r.limits);
      u.switchEngaged = r.engaged;
      u.tripsToday = r.trips.map((t) => ({ rule: t.rule, limit: BigInt(t.limit) }));
      u.peakDayPnl = r.peak === null ? 0n : BigInt(r.peak);
    }
    return [...users.values()];
  }

  /**
   * Raises users' recorded day peaks to the given values (never lowers one: two monitors or a
   * late round cannot undo a higher peak), in one statement.
   */
  async raisePeaks(dayStart: number, peaks: readonly { userId: UserId; peak: Paise }[], sql: Sql = this.db.sql): Promise<void> {
    if (peaks.length === 0) return;
    await sql.rows(
      `INSERT INTO risk_pnl_peaks (user_id, day_start, peak_paise)
       SELECT u, $1, p FROM unnest($2::uuid[], $3::bigint[]) AS t(u, p)
       ON CONFLICT (user_id, day_start) DO UPDATE SET peak_paise = EXCLUDED.peak_paise, updated_at = now()
       WHERE risk_pnl_peaks.peak_paise < EXCLUDED.peak_paise`,
      [new Date(dayStart).toISOString(), peaks.map((p) => p.userId), peaks.map((p) => p.peak.toString())],
    );
  }

  /** The user's recorded best day P&L today (0 when none). */
  async peakDayPnl(sql: Sql, userId: UserId, dayStart: number): Promise<Paise> {
    const r = await sql.maybeOne<{ p: string }>(`SELECT peak_paise::text AS p FROM risk_pnl_peaks WHERE user_id = $1 AND day_start = $2`, [
      userId,
      new Date(dayStart).toISOString(),
    ]);
    return r ? BigInt(r.p) : 0n;
  }

  async tripsToday(sql: Sql, userId: UserId, dayStart: number): Promise<{ rule: string; limit: Paise }[]> {
    const rows = await sql.rows<{ rule: string; limit: string }>(
      `SELECT rule, limit_paise::text AS limit FROM risk_trips WHERE user_id = $1 AND day_start = $2`,
      [userId, new Date(dayStart).toISOString()],
    );
    return rows.map((r) => ({ rule: r.rule, limit: BigInt(r.limit) }));
  }

  /** Records a trip; false when this (user, day, rule, limit) has tripped already. */
  async insertTrip(
    sql: Sql,
    t: { id: string; userId: UserId; rule: string; dayStart: number; limit: Paise; dayPnl: Paise; reason: string; squareOff: boolean },
  ): Promise<boolean> {
    const rows = await sql.rows(
      `INSERT INTO risk_trips (id, user_id, rule, day_start, limit_paise, day_pnl_paise, reason, square_off) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (user_id, day_start, rule, limit_paise) DO NOTHING RETURNING 1`,
      [t.id, t.userId, t.rule, new Date(t.dayStart).toISOString(), t.limit.toString(), t.dayPnl.toString(), t.reason, t.squareOff],
    );
    return rows.length === 1;
  }

  /** Trips whose follow-up (cancels, square-off) has not finished, oldest first. */
  async pendingTrips(limit = 50): Promise<TripRow[]> {
    return this.db.sql.rows<TripRow>(
      `SELECT id, user_id, rule, reason, square_off, tripped_at, square_off_attempts FROM risk_trips WHERE followed_up_at IS NULL ORDER BY tripped_at LIMIT $1`,
      [limit],
    );
  }

  /** Counts a square-off attempt before it is made; returns the attempt's number (1, 2, …). */
  async countSquareOffAttempt(tripId: string): Promise<number> {
    const r = await this.db.sql.one<{ n: number }>(
      `UPDATE risk_trips SET square_off_attempts = square_off_attempts + 1 WHERE id = $1 RETURNING square_off_attempts AS n`,
      [tripId],
    );
    return r.n;
  }

  async finish(tripId: string, outcome: string): Promise<void> {
    await this.db.sql.rows(`UPDATE risk_trips SET followed_up_at = now(), outcome = $2 WHERE id = $1 AND followed_up_at IS NULL`, [
      tripId,
      outcome,
    ]);
  }
}
