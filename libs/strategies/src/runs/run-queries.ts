import { Inject, Injectable } from '@nestjs/common';
import { RUNS_COMPARE_MAX, RUNS_COMPARE_MAX_POINTS, type RunDto, type RunList, type RunsCompare } from '@tradeloop/contracts';
import {
  divergence,
  DomainError,
  formatMoney,
  positionsAt,
  runMetrics,
  thinCurve,
  valueToPaise,
  type CompareCurve,
  type Paise,
  type RunPositions,
  type TradeValue,
  type UserId,
} from '@tradeloop/domain';
import { StrategiesRepository } from '../strategies.repository';
import { BacktestsRepository, type BacktestRow } from '../backtests/backtests.repository';
import { backtestDto } from '../backtests/backtest-use-cases';
import { StrategyRunsRepository, type StrategyRunRow } from './runs.repository';
import { reportMetrics } from './run-report';

/** Who may see a run: the owner of its strategy (or backtest), or an admin. */
export interface RunViewer {
  userId: UserId;
  admin: boolean;
}

/** A run with what comparing it needs: its DTO and its curve (ts, P&L paise, positions). */
interface LoadedRun {
  dto: RunDto;
  curve: CompareCurve;
  equity: Paise[];
}

/** Backtests in a comparison: at most this many of their fills are read for positions. */
const MAX_BACKTEST_FILLS = 100_000;

/**
 * Runs (docs/backtests.md "Strategy runs"): a strategy's paper and live runs, each with the same
 * report as a backtest (backtestMetrics over its minute snapshots and its fills), and runs
 * compared side by side. Another user's strategy or run is "not found".
 */
@Injectable()
export class RunQueries {
  constructor(
    @Inject(StrategyRunsRepository) private readonly runs: StrategyRunsRepository,
    @Inject(StrategiesRepository) private readonly strategies: StrategiesRepository,
    @Inject(BacktestsRepository) private readonly backtests: BacktestsRepository,
  ) {}

  /** The strategy's paper and live runs, newest first, then the backtests started for it (`strategyId`), newest first. */
  async list(viewer: RunViewer, strategyId: string): Promise<RunList> {
    const s = await this.strategies.byId(strategyId);
    if (!s || (s.user_id !== viewer.userId && !viewer.admin)) throw new DomainError('NOT_FOUND', 'No such strategy');
    const rows = await this.runs.ofStrategy(strategyId);
    const backtests = await this.runs.backtestIdsOfStrategy(strategyId);
    const strategyRuns = await Promise.all(rows.map(async (r) => (await this.strategyRun(r)).dto));
    const backtestRuns: RunDto[] = [];
    for (const id of backtests) {
      const b = await this.backtests.byId(id);
      if (b) backtestRuns.push(this.backtestDto(b));
    }
    return { items: [...strategyRuns, ...backtestRuns] };
  }

  async compare(viewer: RunViewer, ids: readonly string[]): Promise<RunsCompare> {
    if (ids.length < 2 || ids.length > RUNS_COMPARE_MAX)
      throw new DomainError('VALIDATION_FAILED', `Compare 2 to ${RUNS_COMPARE_MAX} runs`, {
        fieldErrors: [{ field: 'ids', message: `2 to ${RUNS_COMPARE_MAX} run ids` }],
      });
    const loaded: LoadedRun[] = [];
    for (const id of ids) loaded.push(await this.load(viewer, id));

    // What is drawn: each curve thinned to at most RUNS_COMPARE_MAX_POINTS (its ends and each
    // bucket's low and high kept); the divergences below read the full curves.
    const shown = loaded.map((r) => {
      const keep = thinCurve(r.equity, RUNS_COMPARE_MAX_POINTS);
      return { ts: keep.map((i) => r.curve.ts[i]!), equity: keep.map((i) => r.equity[i]!) };
    });
    const times = [...new Set(shown.flatMap((r) => r.ts))].sort((a, b) => a - b);
    const cursor = shown.map(() => -1);
    const equity = times.map((t) => ({
      ts: new Date(t).toISOString(),
      values: shown.map((r, k) => {
        while (cursor[k]! + 1 < r.ts.length && r.ts[cursor[k]! + 1]! <= t) cursor[k]! += 1;
        const i = cursor[k]!;
        // Inside the run: as of its last point at or before t; before its first or after its last point: null.
        if (i < 0 || t > r.ts[r.ts.length - 1]!) return null;
        return formatMoney(r.equity[i]!);
      }),
    }));
    const curves = loaded.map((r, k) => ({
      id: r.dto.id,
      points: r.equity.length,
      shown: shown[k]!.ts.length,
      thinned: shown[k]!.ts.length < r.equity.length,
    }));

    const divergences: RunsCompare['divergences'] = [];
    for (const a of loaded)
      for (const b of loaded)
        if (a.dto.kind !== 'backtest' && b.dto.kind === 'backtest') {
          const d = divergence(a.curve, b.curve);
          divergences.push({
            a: a.dto.id,
            b: b.dto.id,
            overlap: d.overlap && { from: new Date(d.overlap.from).toISOString(), to: new Date(d.overlap.to).toISOString() },
            firstPositionDifference: d.firstPositionDifference && {
              ts: new Date(d.firstPositionDifference.ts).toISOString(),
              a: d.firstPositionDifference.a,
              b: d.firstPositionDifference.b,
            },
            pnlDifferenceAtEnd: d.pnlDifferenceAtEnd === null ? null : formatMoney(d.pnlDifferenceAtEnd),
          });
        }
    return { runs: loaded.map((r) => r.dto), equity, curves, divergences };
  }

  private async load(viewer: RunViewer, id: string): Promise<LoadedRun> {
    const visible = (userId: UserId) => userId === viewer.userId || viewer.admin;
    const run = await this.runs.byId(id);
    if (run && visible(run.user_id)) return this.strategyRun(run);
    const bt = run ? undefined : await this.backtests.byId(id);
    if (bt && visible(bt.user_id)) return this.backtestRun(bt);
    throw new DomainError('NOT_FOUND', `No such run: ${id}`, { fieldErrors: [{ field: 'ids', message: `no run ${id}` }] });
  }

  private async strategyRun(r: StrategyRunRow): Promise<LoadedRun> {
    const capital = BigInt(r.capital_paise) as Paise;
    const [points, fills] = await Promise.all([this.runs.snapshots(r.id), this.runs.fills(r)]);
    const dto: RunDto = {
      id: r.id,
      kind: r.mode,
      status: r.stopped_at ? 'stopped' : 'running',
      strategyId: r.strategy_id,
      from: r.started_at.toISOString(),
      to: r.stopped_at?.toISOString() ?? null,
      stopReason: r.stop_reason,
      capital: formatMoney(capital),
      config: r.config,
      metrics: reportMetrics(runMetrics(points, fills, capital)),
      points: points.length,
    };
    return {
      dto,
      equity: points.map((p) => p.equity),
      curve: {
        ts: points.map((p) => p.ts),
        pnl: points.map((p) => (p.equity - capital) as Paise),
        positions: points.map((p): RunPositions => p.positions),
      },
    };
  }

  private backtestDto(b: BacktestRow): RunDto {
    const d = backtestDto(b);
    return {
      id: b.id,
      kind: 'backtest',
      status: b.status,
      strategyId: b.request.strategyId ?? null,
      from: d.request.from,
      to: d.request.to,
      stopReason: null,
      capital: d.request.initialCapital,
      config: d.request as unknown as Record<string, unknown>,
      metrics: d.metrics,
      points: Number(b.status === 'completed' ? b.bars_processed : 0),
    };
  }

  private async backtestRun(b: BacktestRow): Promise<LoadedRun> {
    const capital = BigInt(b.request.initialCapitalPaise) as Paise;
    const curve = b.status === 'completed' ? await this.backtests.equity(b.id) : { ts: new Float64Array(0), value: new Float64Array(0) };
    // A sweep child's out-of-sample fills are a separate replay; its stored equity is the in-sample one.
    const trades = (b.status === 'completed' ? await this.backtests.trades(b.id, 0, MAX_BACKTEST_FILLS) : []).filter(
      (t) => t.sample !== 'out',
    );
    const ts = Array.from(curve.ts);
    const equity = Array.from(curve.value, (v) => valueToPaise(BigInt(v) as TradeValue));
    const positions = positionsAt(
      ts,
      trades.map((t) => ({ ts: t.ts.getTime(), symbol: t.symbol, side: t.side, quantity: Number(t.quantity) })),
    );
    const dto: RunDto = { ...this.backtestDto(b), points: ts.length };
    return { dto, equity, curve: { ts, pnl: equity.map((e) => (e - capital) as Paise), positions } };
  }
}
