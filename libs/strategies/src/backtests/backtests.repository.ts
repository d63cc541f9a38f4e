import { Inject, Injectable } from '@nestjs/common';
import type { BacktestMetrics, BacktestStatus } from '@tradeloop/contracts';
import type { UserId } from '@tradeloop/domain';
import { Db, type Sql } from '@tradeloop/platform';

/** The request as stored (defaults filled in, initial capital in paise as a string). */
export interface StoredBacktestRequest {
  strategy: { kind: 'sma-crossover' | 'ml-signal'; params: Record<string, unknown>; modelId?: string };
  symbols: string[];
  timeframe: '1m' | '5m' | '15m' | '1h' | '1d';
  from: string;
  to: string;
  fees: boolean;
  initialCapitalPaise: string;
  /** The caller's strategy it was started for (docs/backtests.md "Strategy runs"). */
  strategyId?: string;
}
export interface StoredFillModel {
  at: 'next_open' | 'close';
  slippageBps: number;
  maxParticipation?: number;
}

export interface BacktestRow {
  id: string;
  user_id: UserId;
  status: BacktestStatus;
  progress: number;
  request: StoredBacktestRequest;
  fill_model: StoredFillModel;
  model_version: string | null;
  feature_set_version: string | null;
  error: string | null;
  metrics: BacktestMetrics | null;
  bars_total: string;
  bars_processed: string;
  cancel_requested: boolean;
  /** Sweeps (docs/backtests.md "Sweeps"): a child's parent and split, its out-of-sample metrics; a parent's grid. */
  parent_id: string | null;
  split_at: Date | null;
  oos_metrics: BacktestMetrics | null;
  sweep: { combinations: number; outOfSample: number; splitAt: string } | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** One fill as stored: price ticks, fees paise, realised P&L tick-units (decimal strings from bigint columns). */
export interface BacktestTradeRow {
  seq: number;
  ts: Date;
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: string;
  price_ticks: string;
  fees_paise: string;
  realized_tick_units: string;
  sample: 'in' | 'out';
}

export interface StoredTrade {
  ts: number;
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  priceTicks: number;
  feesPaise: bigint;
  realizedTickUnits: bigint;
}

/** One run's results: in-sample (or the whole range) and, for a sweep child, out-of-sample. */
export interface StoredRun {
  trades: readonly StoredTrade[];
  metrics: BacktestMetrics;
}

const COLUMNS = `id, user_id, status, progress, request, fill_model, model_version, feature_set_version, error, metrics,
  bars_total::text, bars_processed::text, cancel_requested, parent_id, split_at, oos_metrics, sweep, created_at, started_at, finished_at`;

const TRADE_BATCH = 5_000;
const EQUITY_BATCH = 20_000;

/** Stored backtests (docs/backtests.md "Runs, storage and API"): the API's reads and the worker's job state. */
@Injectable()
export class BacktestsRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  async insert(
    sql: Sql,
    b: {
      id: string;
      userId: UserId;
      request: StoredBacktestRequest;
      fillModel: StoredFillModel;
      barsTotal: number;
      model: { version: string; featureSetVersion: string } | null;
      sweep?: { combinations: number; outOfSample: number; splitAt: string } | null;
      parentId?: string;
      splitAt?: string;
    },
  ): Promise<BacktestRow> {
    return sql.one<BacktestRow>(
      `INSERT INTO backtests (id, user_id, request, fill_model, bars_total, model_version, feature_set_version, sweep, parent_id, split_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [
        b.id,
        b.userId,
        JSON.stringify(b.request),
        JSON.stringify(b.fillModel),
        b.barsTotal,
        b.model?.version ?? null,
        b.model?.featureSetVersion ?? null,
        b.sweep ? JSON.stringify(b.sweep) : null,
        b.parentId ?? null,
        b.splitAt ?? null,
      ],
    );
  }

  /** A sweep's children, in the order they were created (the grid's order). */
  async children(parentId: string): Promise<BacktestRow[]> {
    return this.db.sql.rows<BacktestRow>(`SELECT ${COLUMNS} FROM backtests WHERE parent_id = $1 ORDER BY id`, [parentId]);
  }

  /** The children of these sweeps: status and progress, for aggregating. */
  async childStates(parentIds: readonly string[]): Promise<{ parent_id: string; status: BacktestStatus; progress: number }[]> {
    if (parentIds.length === 0) return [];
    return this.db.sql.rows(`SELECT parent_id, status, progress FROM backtests WHERE parent_id = ANY($1::uuid[])`, [parentIds]);
  }

  async byId(id: string, sql: Sql = this.db.sql): Promise<BacktestRow | undefined> {
    return sql.maybeOne<BacktestRow>(`SELECT ${COLUMNS} FROM backtests WHERE id = $1`, [id]);
  }

  /**
   * A queued run becomes cancelled at once; a running one is asked to stop (the worker ends it).
   * A sweep's cancel reaches every child (and the parent row itself is marked cancel-requested).
   */
  async requestCancel(id: string): Promise<BacktestRow | undefined> {
    return this.db.tx(async (sql) => {
      await sql.rows(
        `UPDATE backtests SET cancel_requested = true,
           status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
           finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END
         WHERE parent_id = $1 AND status IN ('queued', 'running')`,
        [id],
      );
      return sql.maybeOne<BacktestRow>(
        `UPDATE backtests SET cancel_requested = true,
           status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
           finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [id],
      );
    });
  }

  /** The worker claims a queued run (once: a redelivered job finds it no longer queued). */
  async claim(id: string): Promise<BacktestRow | undefined> {
    return this.db.sql.maybeOne<BacktestRow>(
      `UPDATE backtests SET status = 'running', started_at = now(), heartbeat_at = now()
       WHERE id = $1 AND status = 'queued' AND NOT cancel_requested RETURNING ${COLUMNS}`,
      [id],
    );
  }

  /** Progress and heartbeat of a running run; returns whether a cancel was requested. */
  async beat(id: string, progress: number | null, barsProcessed: number | null): Promise<{ cancelRequested: boolean; running: boolean }> {
    const r = await this.db.sql.maybeOne<{ cancel_requested: boolean; status: string }>(
      `UPDATE backtests SET heartbeat_at = now(),
         progress = coalesce($2, progress), bars_processed = coalesce($3, bars_processed)
       WHERE id = $1 RETURNING cancel_requested, status`,
      [id, progress, barsProcessed],
    );
    return { cancelRequested: r?.cancel_requested ?? true, running: r?.status === 'running' };
  }

  /** Ends a run that never started (its job could not be queued). */
  async failQueued(id: string, error: string): Promise<void> {
    await this.db.sql.rows(`UPDATE backtests SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status = 'queued'`, [
      id,
      error,
    ]);
  }

  /** Ends a running run without results (failed or cancelled). */
  async finishWithout(id: string, status: 'failed' | 'cancelled', error: string | null, barsProcessed: number | null): Promise<boolean> {
    const r = await this.db.sql.maybeOne(
      `UPDATE backtests SET status = $2, error = $3, finished_at = now(), bars_processed = coalesce($4, bars_processed)
       WHERE id = $1 AND status = 'running' RETURNING 1`,
      [id, status, error, barsProcessed],
    );
    return r !== undefined;
  }

  /**
   * Stores a run's trades, equity and metrics and marks it completed, in one transaction — unless a
   * cancel arrived meanwhile (then cancelled, nothing stored) or the run is no longer running
   * (the stale-run sweep failed it). Returns the status it ended with.
   */
  async complete(
    id: string,
    r: {
      trades: readonly StoredTrade[];
      equityTs: Float64Array;
      equityValue: Float64Array;
      metrics: BacktestMetrics;
      barsProcessed: number;
      /** A sweep child's out-of-sample run: its fills follow the in-sample ones (sample 'out'); its equity is not stored. */
      outOfSample?: StoredRun;
    },
  ): Promise<BacktestStatus> {
    return this.db.tx(async (sql) => {
      const row = await sql.maybeOne<{ status: BacktestStatus; cancel_requested: boolean }>(
        `SELECT status, cancel_requested FROM backtests WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!row || row.status !== 'running') return row?.status ?? 'failed';
      if (row.cancel_requested) {
        await sql.rows(`UPDATE backtests SET status = 'cancelled', finished_at = now(), bars_processed = $2 WHERE id = $1`, [
          id,
          r.barsProcessed,
        ]);
        return 'cancelled';
      }
      const all = [...r.trades.map((t) => ({ t, sample: 'in' })), ...(r.outOfSample?.trades ?? []).map((t) => ({ t, sample: 'out' }))];
      for (let i = 0; i < all.length; i += TRADE_BATCH) {
        const batch = all.slice(i, i + TRADE_BATCH);
        await sql.rows(
          `INSERT INTO backtest_trades (backtest_id, seq, ts, symbol, side, quantity, price_ticks, fees_paise, realized_tick_units, sample)
           SELECT $1, seq, to_timestamp(t / 1000.0), s, sd, q, p, f, pnl, sm
           FROM unnest($2::int[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::text[])
             AS x(seq, t, s, sd, q, p, f, pnl, sm)`,
          [
            id,
            batch.map((_, j) => i + j + 1),
            batch.map(({ t }) => t.ts),
            batch.map(({ t }) => t.symbol),
            batch.map(({ t }) => t.side),
            batch.map(({ t }) => t.quantity),
            batch.map(({ t }) => t.priceTicks),
            batch.map(({ t }) => t.feesPaise.toString()),
            batch.map(({ t }) => t.realizedTickUnits.toString()),
            batch.map(({ sample }) => sample),
          ],
        );
      }
      for (let i = 0; i < r.equityTs.length; i += EQUITY_BATCH) {
        const end = Math.min(r.equityTs.length, i + EQUITY_BATCH);
        await sql.rows(
          `INSERT INTO backtest_equity (backtest_id, ts, equity_tick_units)
           SELECT $1, to_timestamp(t / 1000.0), v FROM unnest($2::bigint[], $3::bigint[]) AS x(t, v)`,
          [id, Array.from(r.equityTs.subarray(i, end)), Array.from(r.equityValue.subarray(i, end))],
        );
      }
      await sql.rows(
        `UPDATE backtests SET status = 'completed', progress = 1, metrics = $2, bars_processed = $3, oos_metrics = $4, finished_at = now() WHERE id = $1`,
        [id, JSON.stringify(r.metrics), r.barsProcessed, r.outOfSample ? JSON.stringify(r.outOfSample.metrics) : null],
      );
      return 'completed';
    });
  }

  /**
   * Runs still marked running whose worker has not beaten for `staleMs` end failed: a worker
   * killed mid-run never leaves one stuck running. Returns their ids.
   */
  async failStale(staleMs: number): Promise<string[]> {
    const rows = await this.db.sql.rows<{ id: string }>(
      `UPDATE backtests SET status = 'failed', error = 'worker stopped during the run', finished_at = now()
       WHERE status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < now() - $1 * interval '1 millisecond') RETURNING id`,
      [staleMs],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The owner's backtests (sweep children are their parent's), newest first on (created_at, id), after the keyset `before`
   * (created_at as Postgres prints it in UTC, microseconds kept). `created_exact` is that key.
   */
  async listByUser(
    userId: UserId,
    limit: number,
    before?: { createdAt: string; id: string },
  ): Promise<(BacktestRow & { created_exact: string })[]> {
    return this.db.sql.rows<BacktestRow & { created_exact: string }>(
      `SELECT ${COLUMNS}, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' AS created_exact
       FROM backtests WHERE user_id = $1 AND parent_id IS NULL AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [userId, before?.createdAt ?? null, before?.id ?? null, limit],
    );
  }

  /** Trades in fill order, after `afterSeq`. */
  async trades(id: string, afterSeq: number, limit: number): Promise<BacktestTradeRow[]> {
    return this.db.sql.rows<BacktestTradeRow>(
      `SELECT seq, ts, symbol, side, quantity::text, price_ticks::text, fees_paise::text, realized_tick_units::text, sample
       FROM backtest_trades WHERE backtest_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [id, afterSeq, limit],
    );
  }

  /** The equity curve: epoch ms and tick-units, as columns. */
  async equity(id: string): Promise<{ ts: Float64Array; value: Float64Array }> {
    const rows = await this.db.sql.rows<{ t: string; v: string }>(
      `SELECT (extract(epoch FROM ts) * 1000)::int8::text AS t, equity_tick_units::text AS v FROM backtest_equity WHERE backtest_id = $1 ORDER BY ts`,
      [id],
    );
    const ts = new Float64Array(rows.length);
    const value = new Float64Array(rows.length);
    rows.forEach((r, i) => {
      ts[i] = Number(r.t);
      value[i] = Number(r.v);
    });
    return { ts, value };
  }
}
