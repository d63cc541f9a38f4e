import { Inject, Injectable } from '@nestjs/common';
import type { OrderSide, Paise, PriceTicks, Quantity, UserId } from '@tradeloop/domain';
import { v7 as uuidv7 } from 'uuid';
import { Db, type Sql } from '@tradeloop/platform';
import { QuotesStore } from '@tradeloop/market';
import { RUN_COLUMNS, runFills, writeFinalSnapshot, type StrategyRunRow } from './runs/runs.repository';
import { snapshotAtQuotes } from './runs/run-snapshots';

/** Why a strategy run ended (docs/backtests.md "Strategy runs"). */
export type StopReason = 'user' | 'kill_switch' | 'error';

/**
 * The capital a paper or live run's returns are measured against (₹1,00,000): a strategy has a
 * position limit, not a capital, so its run's equity is this plus its P&L (docs/backtests.md
 * "Strategy runs"). Stored on each run.
 */
export const RUN_CAPITAL_PAISE = 10_000_000n;

export interface StrategyRow {
  id: string;
  user_id: UserId;
  name: string;
  kind: 'ml-signal' | 'sma-crossover';
  symbols: string[];
  params: Record<string, unknown>;
  model_id: string | null;
  mode: 'paper' | 'live';
  account_id: string | null;
  status: 'stopped' | 'running';
  max_position_units: number;
  last_error: string | null;
  last_error_at: Date | null;
  created_at: Date;
  updated_at: Date;
  switch_engaged: boolean;
  switch_reason: string | null;
}

const COLUMNS = `s.id, s.user_id, s.name, s.kind, s.symbols, s.params, s.model_id, s.mode, s.account_id, s.status, s.max_position_units, s.last_error, s.last_error_at, s.created_at, s.updated_at,
  coalesce(k.engaged, false) AS switch_engaged, k.reason AS switch_reason`;
const FROM = `strategies s LEFT JOIN kill_switches k ON k.scope = 'strategy' AND k.scope_id = s.id::text`;

@Injectable()
export class StrategiesRepository {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
  ) {}

  async insert(
    sql: Sql,
    s: {
      id: string;
      userId: UserId;
      name: string;
      kind: string;
      symbols: string[];
      params: object;
      modelId: string | null;
      mode: string;
      accountId: string;
      maxPositionUnits: number;
    },
  ): Promise<StrategyRow | null> {
    const inserted = await sql.maybeOne<{ id: string }>(
      `INSERT INTO strategies (id, user_id, name, kind, symbols, params, model_id, mode, max_position_units, account_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (user_id, name) DO NOTHING RETURNING id`,
      [s.id, s.userId, s.name, s.kind, s.symbols, JSON.stringify(s.params), s.modelId, s.mode, s.maxPositionUnits, s.accountId],
    );
    return inserted ? (await this.byId(s.id, sql))! : null;
  }

  async byId(id: string, sql: Sql = this.db.sql): Promise<StrategyRow | undefined> {
    return sql.maybeOne<StrategyRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE s.id = $1`, [id]);
  }

  async ofUser(userId: UserId): Promise<StrategyRow[]> {
    return this.db.sql.rows<StrategyRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE s.user_id = $1 ORDER BY s.created_at DESC`, [userId]);
  }

  async running(): Promise<StrategyRow[]> {
    return this.db.sql.rows<StrategyRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE s.status = 'running' ORDER BY s.created_at`);
  }

  /**
   * Starts or stops the strategy; returns whether its status changed. A start opens a run (its
   * configuration snapshot, docs/backtests.md "Strategy runs") and a stop closes the open one with
   * `reason`, in the caller's transaction with the status change.
   */
  async setStatus(sql: Sql, id: string, status: 'stopped' | 'running', reason: StopReason = 'user'): Promise<boolean> {
    const r = await sql.rows(`UPDATE strategies SET status = $2, updated_at = now() WHERE id = $1 AND status <> $2 RETURNING id`, [
      id,
      status,
    ]);
    if (r.length === 0) return false;
    if (status === 'running') await this.openRun(sql, id);
    else await this.closeRun(sql, id, reason);
    return true;
  }

  /** Opens a run of the strategy if it is running and has none open (its configuration as of now). */
  async openRun(sql: Sql, id: string): Promise<void> {
    await sql.rows(
      `INSERT INTO strategy_runs (id, strategy_id, user_id, mode, config, capital_paise)
       SELECT $2, id, user_id, mode,
              jsonb_build_object('name', name, 'kind', kind, 'symbols', to_jsonb(symbols), 'params', params, 'modelId', model_id,
                                 'accountId', account_id, 'maxPositionUnits', max_position_units),
              $3
         FROM strategies s WHERE id = $1 AND status = 'running'
          AND NOT EXISTS (SELECT 1 FROM strategy_runs r WHERE r.strategy_id = s.id AND r.stopped_at IS NULL)`,
      [id, uuidv7(), RUN_CAPITAL_PAISE.toString()],
    );
  }

  /**
   * Closes the strategy's open run, if any, with `reason`, and takes its final P&L snapshot at
   * the stop (docs/backtests.md "Strategy runs"), in the caller's transaction. With no open run
   * (a stop replayed, a second switch) nothing is written.
   */
  async closeRun(sql: Sql, id: string, reason: StopReason): Promise<void> {
    const run = await sql.maybeOne<StrategyRunRow>(
      `UPDATE strategy_runs SET stopped_at = greatest(date_trunc('milliseconds', clock_timestamp()), started_at), stop_reason = $2
        WHERE strategy_id = $1 AND stopped_at IS NULL RETURNING ${RUN_COLUMNS}`,
      [id, reason],
    );
    if (!run) return;
    await writeFinalSnapshot(sql, run.id, await snapshotAtQuotes(this.quotes, run, await runFills(sql, run)));
  }

  /** The runner could not run it: stopped, its run closed with reason `error`, the error recorded (one transaction). */
  async stopForError(id: string, message: string): Promise<boolean> {
    return this.db.tx(async (sql) => {
      const changed = await this.setStatus(sql, id, 'stopped', 'error');
      await sql.rows(`UPDATE strategies SET last_error = $2, last_error_at = now() WHERE id = $1`, [id, message]);
      return changed;
    });
  }

  /** An order went: the last refusal no longer describes the strategy (its time stays, for the record). No write when there is none. */
  async clearError(id: string): Promise<void> {
    await this.db.sql.rows(`UPDATE strategies SET last_error = NULL WHERE id = $1 AND last_error IS NOT NULL`, [id]);
  }

  async recordError(id: string, message: string | null): Promise<void> {
    await this.db.sql.rows(
      `UPDATE strategies SET last_error = $2, last_error_at = CASE WHEN $2::text IS NULL THEN last_error_at ELSE now() END WHERE id = $1`,
      [id, message],
    );
  }

  /**
   * The strategy's net units per symbol: filled quantity of its orders plus what its working
   * orders would still add, so an intent is never sized twice while an order is in flight.
   */
  async exposure(id: string): Promise<Map<string, number>> {
    const rows = await this.db.sql.rows<{ symbol: string; net: string }>(
      `SELECT symbol, sum(CASE side WHEN 'BUY' THEN 1 ELSE -1 END *
               (filled_quantity + CASE WHEN status IN ('PENDING', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED') AND NOT cancel_requested THEN quantity - filled_quantity ELSE 0 END))::text AS net
         FROM orders WHERE strategy_id = $1 GROUP BY symbol`,
      [id],
    );
    return new Map(rows.map((r) => [r.symbol, Number(r.net)]));
  }

  /** The strategy's fills, oldest first, and their charges. */
  async fills(id: string): Promise<{ symbol: string; side: OrderSide; quantity: Quantity; price: PriceTicks; charges: Paise }[]> {
    const rows = await this.db.sql.rows<{ symbol: string; side: OrderSide; quantity: number; price_ticks: string; charges: string }>(
      `SELECT t.symbol, t.side, t.quantity, t.price_ticks::text, (t.fees_paise + t.taxes_paise)::text AS charges
         FROM trades t JOIN orders o ON o.id = t.order_id WHERE o.strategy_id = $1 ORDER BY t.executed_at, t.id`,
      [id],
    );
    return rows.map((r) => ({
      symbol: r.symbol,
      side: r.side,
      quantity: r.quantity,
      price: Number(r.price_ticks),
      charges: BigInt(r.charges),
    }));
  }

  async orderCount(id: string): Promise<number> {
    return Number((await this.db.sql.one<{ n: string }>(`SELECT count(*)::text AS n FROM orders WHERE strategy_id = $1`, [id])).n);
  }
}
