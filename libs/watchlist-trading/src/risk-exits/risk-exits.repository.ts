import { Inject, Injectable } from '@nestjs/common';
import type { ExitKind, PriceTicks, Product, TrailingState, UserId } from '@tradeloop/domain';
import { formatPrice } from '@tradeloop/domain';
import type { RiskExit } from '@tradeloop/contracts';
import { Db, type Sql } from '@tradeloop/platform';

/** The trigger id of a leg's risk exit for one opening of the leg (docs/watchlist-trading.md, "Per-unit exits"). */
export const riskExitTriggerId = (legId: string, generation: number): string => `exit:${legId}:${generation}`;

/** A leg as the exit engine needs it: identity, settings snapshot, generation and trailing-stop state. */
export interface ExitLegRow {
  legId: string;
  userId: UserId;
  symbol: string;
  product: Product;
  settings: Record<string, unknown>;
  generation: number;
  trailing: TrailingState;
}

export interface RiskExitRow {
  id: string;
  trigger_id: string;
  leg_id: string;
  user_id: UserId;
  symbol: string;
  product: Product;
  kind: ExitKind;
  trigger_price_ticks: string;
  level_ticks: string;
  reason: string;
  status: 'triggered' | 'sent';
  order_ids: string[];
  created_at: Date;
}

const EXIT_COLUMNS = `x.id, x.trigger_id, x.leg_id, x.user_id, l.symbol, l.product, x.kind, x.trigger_price_ticks::text, x.level_ticks::text,
  x.reason, x.status, x.order_ids::text[], x.created_at`;

export const toRiskExitDto = (r: RiskExitRow): RiskExit => ({
  id: r.id,
  triggerId: r.trigger_id,
  legId: r.leg_id,
  symbol: r.symbol,
  kind: r.kind,
  triggerPrice: formatPrice(Number(r.trigger_price_ticks)),
  level: formatPrice(Number(r.level_ticks)),
  reason: r.reason,
  status: r.status,
  orderIds: r.order_ids,
  createdAt: r.created_at.toISOString(),
});

interface LegRow {
  id: string;
  user_id: UserId;
  symbol: string;
  product: Product;
  settings: Record<string, unknown>;
  generation: number;
  tsl_armed: boolean;
  tsl_stop_ticks: string | null;
  tsl_best_ticks: string | null;
}
const toExitLeg = (r: LegRow): ExitLegRow => ({
  legId: r.id,
  userId: r.user_id,
  symbol: r.symbol,
  product: r.product,
  settings: r.settings,
  generation: r.generation,
  trailing: {
    armed: r.tsl_armed,
    stop: r.tsl_stop_ticks === null ? null : Number(r.tsl_stop_ticks),
    best: r.tsl_best_ticks === null ? null : Number(r.tsl_best_ticks),
  },
});

/** SQL of the per-unit exits: legs still armed for an exit, their fills, and `risk_exits`. */
@Injectable()
export class RiskExitsRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  /**
   * Legs to watch (all of them, or those named): some account still targets a position (a leg
   * being exited by a click, target 0, is not watched) and the current generation has not exited
   * yet. Whether a leg is open is its fills' business (WatchlistTradingRepository.fills).
   */
  async exitableLegs(legIds: readonly string[] | null = null, sql: Sql = this.db.sql): Promise<ExitLegRow[]> {
    const rows = await sql.rows<LegRow>(
      `SELECT l.id, l.user_id, l.symbol, l.product, l.settings, l.generation, l.tsl_armed, l.tsl_stop_ticks::text, l.tsl_best_ticks::text
       FROM trade_legs l
       WHERE ($1::uuid[] IS NULL OR l.id = ANY($1::uuid[]))
         AND EXISTS (SELECT 1 FROM trade_leg_accounts a WHERE a.leg_id = l.id AND a.target_quantity <> 0)
         AND NOT EXISTS (SELECT 1 FROM risk_exits x WHERE x.trigger_id = 'exit:' || l.id || ':' || l.generation)`,
      [legIds],
    );
    return rows.map(toExitLeg);
  }

  async leg(legId: string, sql: Sql = this.db.sql, lock = false): Promise<ExitLegRow | undefined> {
    const r = await sql.maybeOne<LegRow>(
      `SELECT id, user_id, symbol, product, settings, generation, tsl_armed, tsl_stop_ticks::text, tsl_best_ticks::text
       FROM trade_legs WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [legId],
    );
    return r && toExitLeg(r);
  }

  /** The accounts a leg fans out to (trade_leg_accounts) and any other account its orders went to. */
  async legAccounts(legId: string, sql: Sql = this.db.sql): Promise<string[]> {
    const rows = await sql.rows<{ account_id: string }>(
      `SELECT account_id FROM trade_leg_accounts WHERE leg_id = $1
       UNION SELECT DISTINCT account_id FROM orders WHERE leg_id = $1
       ORDER BY account_id`,
      [legId],
    );
    return rows.map((r) => r.account_id);
  }

  /** The exit order a previous attempt placed for this account (found when its key cannot replay). */
  async exitOrderOf(legId: string, accountId: string, tag: string, since: Date, sql: Sql = this.db.sql): Promise<string | undefined> {
    const r = await sql.maybeOne<{ id: string }>(
      `SELECT id FROM orders WHERE leg_id = $1 AND account_id = $2 AND client_tag = $3 AND created_at >= $4 ORDER BY created_at LIMIT 1`,
      [legId, accountId, tag, since],
    );
    return r?.id;
  }

  /** Records the trigger once: false when this trigger id already fired. */
  async insertTrigger(
    sql: Sql,
    e: {
      id: string;
      triggerId: string;
      legId: string;
      userId: string;
      kind: ExitKind;
      price: PriceTicks;
      level: PriceTicks;
      reason: string;
    },
  ): Promise<boolean> {
    const rows = await sql.rows(
      `INSERT INTO risk_exits (id, trigger_id, leg_id, user_id, kind, trigger_price_ticks, level_ticks, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (trigger_id) DO NOTHING RETURNING id`,
      [e.id, e.triggerId, e.legId, e.userId, e.kind, e.price, e.level, e.reason],
    );
    return rows.length === 1;
  }

  /** Every account's target of the leg to 0, and the trailing state cleared for the leg's next opening. */
  async flattenTargets(sql: Sql, legId: string): Promise<void> {
    await sql.rows(`UPDATE trade_leg_accounts SET target_quantity = 0, updated_at = now() WHERE leg_id = $1`, [legId]);
    await sql.rows(
      `UPDATE trade_legs SET tsl_armed = false, tsl_stop_ticks = NULL, tsl_best_ticks = NULL, updated_at = now() WHERE id = $1`,
      [legId],
    );
  }

  async exit(id: string, sql: Sql = this.db.sql): Promise<RiskExitRow | undefined> {
    return sql.maybeOne<RiskExitRow>(`SELECT ${EXIT_COLUMNS} FROM risk_exits x JOIN trade_legs l ON l.id = x.leg_id WHERE x.id = $1`, [id]);
  }

  async markSent(id: string, orderIds: readonly string[], sql: Sql = this.db.sql): Promise<RiskExitRow | undefined> {
    await sql.rows(
      `UPDATE risk_exits SET status = 'sent', sent_at = now(), order_ids = $2::uuid[] WHERE id = $1 AND status = 'triggered'`,
      [id, orderIds],
    );
    return this.exit(id, sql);
  }

  /** Exits triggered but not (yet) sent, oldest first. */
  async pending(sql: Sql = this.db.sql): Promise<RiskExitRow[]> {
    return sql.rows<RiskExitRow>(
      `SELECT ${EXIT_COLUMNS} FROM risk_exits x JOIN trade_legs l ON l.id = x.leg_id WHERE x.status = 'triggered' ORDER BY x.created_at, x.id`,
    );
  }

  /**
   * Persists trailing states (armed, stop, best) of several legs in one statement; a leg whose
   * generation moved on (it exited and reopened) is left alone.
   */
  async saveTrailing(
    states: readonly { legId: string; generation: number; trailing: TrailingState }[],
    sql: Sql = this.db.sql,
  ): Promise<void> {
    if (states.length === 0) return;
    await sql.rows(
      `UPDATE trade_legs l SET tsl_armed = s.armed, tsl_stop_ticks = s.stop, tsl_best_ticks = s.best, updated_at = now()
       FROM unnest($1::uuid[], $2::int[], $3::boolean[], $4::bigint[], $5::bigint[]) AS s(id, generation, armed, stop, best)
       WHERE l.id = s.id AND l.generation = s.generation`,
      [
        states.map((s) => s.legId),
        states.map((s) => s.generation),
        states.map((s) => s.trailing.armed),
        states.map((s) => s.trailing.stop),
        states.map((s) => s.trailing.best),
      ],
    );
  }
}
