import { Inject, Injectable } from '@nestjs/common';
import type { OrderSide, Paise, RunFill, RunPoint, RunPositions, RunSnapshot, UserId } from '@tradeloop/domain';
import { Db, type Sql } from '@tradeloop/platform';

export interface StrategyRunRow {
  id: string;
  strategy_id: string;
  user_id: UserId;
  mode: 'paper' | 'live';
  config: Record<string, unknown>;
  capital_paise: string;
  started_at: Date;
  stopped_at: Date | null;
  stop_reason: 'user' | 'kill_switch' | 'error' | null;
}

/** A strategy_runs row as StrategyRunRow (also in RETURNING clauses). */
export const RUN_COLUMNS = `id, strategy_id, user_id, mode, config, capital_paise::text, started_at, stopped_at, stop_reason`;
const COLUMNS = RUN_COLUMNS;

/** The run's fills, oldest first: trades of the strategy's orders created while the run was open (in `sql`'s transaction). */
export async function runFills(sql: Sql, run: Pick<StrategyRunRow, 'strategy_id' | 'started_at' | 'stopped_at'>): Promise<RunFill[]> {
  const rows = await sql.rows<{
    ms: string;
    symbol: string;
    side: OrderSide;
    quantity: number;
    price_ticks: string;
    charges: string;
  }>(
    `SELECT (extract(epoch FROM t.executed_at) * 1000)::int8::text AS ms, t.symbol, t.side, t.quantity, t.price_ticks::text,
            (t.fees_paise + t.taxes_paise)::text AS charges
       FROM trades t JOIN orders o ON o.id = t.order_id
      WHERE o.strategy_id = $1 AND o.created_at >= $2 AND ($3::timestamptz IS NULL OR o.created_at < $3)
      ORDER BY t.executed_at, t.id`,
    [run.strategy_id, run.started_at, run.stopped_at],
  );
  return rows.map((r) => ({
    ts: Number(r.ms),
    symbol: r.symbol,
    side: r.side,
    quantity: r.quantity,
    price: Number(r.price_ticks),
    charges: BigInt(r.charges),
  }));
}

const snapshotValues = (s: RunSnapshot) => [
  s.equity.toString(),
  s.realized.toString(),
  s.unrealized.toString(),
  s.charges.toString(),
  JSON.stringify(s.positions),
];

/**
 * The run's final snapshot, at its `stopped_at` (docs/backtests.md "Strategy runs"), in the
 * transaction that closed it: the P&L at the stop, not only as of the last minute. A minute
 * snapshot at that very instant gives way to it; a second final snapshot of a run is refused by
 * a unique index (closeRun writes one only when it closed the run).
 */
export async function writeFinalSnapshot(sql: Sql, runId: string, s: RunSnapshot): Promise<void> {
  await sql.rows(
    `INSERT INTO strategy_run_snapshots (run_id, ts, equity_paise, realized_paise, unrealized_paise, charges_paise, positions, final)
     SELECT id, stopped_at, $2, $3, $4, $5, $6, true FROM strategy_runs WHERE id = $1 AND stopped_at IS NOT NULL
     ON CONFLICT (run_id, ts) DO UPDATE SET equity_paise = EXCLUDED.equity_paise, realized_paise = EXCLUDED.realized_paise,
       unrealized_paise = EXCLUDED.unrealized_paise, charges_paise = EXCLUDED.charges_paise, positions = EXCLUDED.positions, final = true`,
    [runId, ...snapshotValues(s)],
  );
}

/**
 * Paper and live strategy runs (docs/backtests.md "Strategy runs"). Runs are opened and closed by
 * StrategiesRepository.setStatus with the strategy's status; this reads them, their fills (the
 * strategy's orders created in [started_at, stopped_at)) and writes their minute snapshots.
 */
@Injectable()
export class StrategyRunsRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  async byId(id: string): Promise<StrategyRunRow | undefined> {
    return this.db.sql.maybeOne<StrategyRunRow>(`SELECT ${COLUMNS} FROM strategy_runs WHERE id = $1`, [id]);
  }

  async ofStrategy(strategyId: string): Promise<StrategyRunRow[]> {
    return this.db.sql.rows<StrategyRunRow>(`SELECT ${COLUMNS} FROM strategy_runs WHERE strategy_id = $1 ORDER BY started_at DESC, id`, [
      strategyId,
    ]);
  }

  /** Backtests started for the strategy (their request names it), newest first; sweep parents are left out (their children are the runs). */
  async backtestIdsOfStrategy(strategyId: string): Promise<string[]> {
    const rows = await this.db.sql.rows<{ id: string }>(
      `SELECT id FROM backtests WHERE request->>'strategyId' = $1 AND sweep IS NULL ORDER BY created_at DESC, id DESC LIMIT 200`,
      [strategyId],
    );
    return rows.map((r) => r.id);
  }

  async open(): Promise<StrategyRunRow[]> {
    return this.db.sql.rows<StrategyRunRow>(`SELECT ${COLUMNS} FROM strategy_runs WHERE stopped_at IS NULL ORDER BY started_at, id`);
  }

  /** The run's fills, oldest first: trades of the strategy's orders created while the run was open. */
  async fills(run: StrategyRunRow): Promise<RunFill[]> {
    return runFills(this.db.sql, run);
  }

  /**
   * One snapshot for (run, minute): a second write for the same minute changes nothing, and a
   * closed run takes none at or after its stop (its final snapshot is there). Returns whether it was written.
   */
  async writeSnapshot(runId: string, minute: Date, s: RunSnapshot): Promise<boolean> {
    const r = await this.db.sql.rows(
      `INSERT INTO strategy_run_snapshots (run_id, ts, equity_paise, realized_paise, unrealized_paise, charges_paise, positions)
       SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM strategy_runs WHERE id = $1 AND (stopped_at IS NULL OR $2::timestamptz < stopped_at))
       ON CONFLICT (run_id, ts) DO NOTHING RETURNING 1`,
      [runId, minute, ...snapshotValues(s)],
    );
    return r.length > 0;
  }

  async snapshots(runId: string): Promise<RunPoint[]> {
    const rows = await this.db.sql.rows<{ ms: string; equity: string; positions: RunPositions }>(
      `SELECT (extract(epoch FROM ts) * 1000)::int8::text AS ms, equity_paise::text AS equity, positions
         FROM strategy_run_snapshots WHERE run_id = $1 ORDER BY ts`,
      [runId],
    );
    return rows.map((r) => ({ ts: Number(r.ms), equity: BigInt(r.equity) as Paise, positions: r.positions }));
  }
}
