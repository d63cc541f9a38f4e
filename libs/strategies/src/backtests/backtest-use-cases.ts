import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  BACKTEST_DEFAULT_OUT_OF_SAMPLE,
  BACKTEST_FINAL_STATUSES,
  type BacktestStatus,
  JOBS,
  type BacktestCreated,
  type BacktestDto,
  type BacktestEquity,
  type BacktestSummaryDto,
  type BacktestTradeDto,
  type CreateBacktestRequest,
  type Page,
  type PageQuery,
} from '@tradeloop/contracts';
import {
  DomainError,
  formatMoney,
  formatPrice,
  parsePositiveMoney,
  valueToPaise,
  type FieldError,
  type TradeValue,
  type UserId,
} from '@tradeloop/domain';
import { APP_CONFIG, cursorCodec, CursorKeys, Db, JobProducer, type AppConfig } from '@tradeloop/platform';
import { CandlesRepository, InstrumentsRepository } from '@tradeloop/market';
import { compileModel, ModelsRepository, toLiveModel } from '@tradeloop/ml';
import { strategyParams } from '../strategy-params';
import { StrategiesRepository } from '../strategies.repository';
import { BacktestsRepository, type BacktestRow, type StoredBacktestRequest } from './backtests.repository';

/** Who may see a backtest: its owner, or an admin. */
export interface BacktestViewer {
  userId: UserId;
  admin: boolean;
}

/** Tick-units (ticks × units; 1 tick = ₹0.0001) → rupees, 2 places, by the domain's one rounding (valueToPaise: half away from zero). */
export function tickUnitsToMoney(v: bigint): string {
  return formatMoney(valueToPaise(v as TradeValue));
}

/** A sweep's status and progress are its children's (docs/backtests.md "Sweeps"). */
export function aggregateSweep(
  parent: Pick<BacktestRow, 'status' | 'progress' | 'cancel_requested'>,
  children: readonly { status: BacktestStatus; progress: number }[],
): { status: BacktestStatus; progress: number } {
  if (children.length === 0) return { status: parent.status, progress: parent.progress };
  const final = (c: { status: BacktestStatus }) => BACKTEST_FINAL_STATUSES.includes(c.status);
  const progress = children.reduce((a, c) => a + (final(c) ? 1 : c.progress), 0) / children.length;
  let status: BacktestStatus;
  if (children.every((c) => c.status === 'queued')) status = 'queued';
  else if (!children.every(final)) status = 'running';
  else if (children.every((c) => c.status === 'completed')) status = 'completed';
  else if (parent.cancel_requested || children.some((c) => c.status === 'cancelled')) status = 'cancelled';
  else status = 'failed';
  return { status, progress: Math.min(1, progress) };
}

export function backtestDto(r: BacktestRow, children: readonly BacktestRow[] = []): BacktestDto {
  const { strategy, symbols, timeframe, from, to, fees, initialCapitalPaise, strategyId } = r.request;
  const { status, progress } = r.sweep ? aggregateSweep(r, children) : r;
  const failed = r.sweep ? children.filter((c) => c.status === 'failed').length : 0;
  return {
    id: r.id,
    status,
    progress,
    error: r.sweep ? (failed > 0 ? `${failed} of ${children.length} runs failed` : null) : r.error,
    request: {
      strategy: { kind: strategy.kind, params: strategy.params, ...(strategy.modelId ? { modelId: strategy.modelId } : {}) },
      symbols,
      timeframe,
      from,
      to,
      fillModel: r.fill_model,
      fees,
      initialCapital: formatMoney(BigInt(initialCapitalPaise)),
      ...(strategyId ? { strategyId } : {}),
    },
    modelVersion: r.model_version,
    featureSetVersion: r.feature_set_version,
    metrics: r.status === 'completed' ? r.metrics : null,
    parentId: r.parent_id,
    splitAt: r.split_at?.toISOString() ?? null,
    outOfSampleMetrics: r.status === 'completed' ? r.oos_metrics : null,
    children: r.sweep
      ? children.map((c) => ({
          id: c.id,
          status: c.status,
          progress: c.progress,
          params: c.request.strategy.params,
          metrics: c.status === 'completed' ? c.metrics : null,
          outOfSampleMetrics: c.status === 'completed' ? c.oos_metrics : null,
        }))
      : null,
    sweep: r.sweep,
    barsProcessed: r.sweep ? children.reduce((a, c) => a + Number(c.bars_processed), 0) : Number(r.bars_processed),
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
  };
}

const refused = (message: string, field: string, fieldMessage: string): DomainError =>
  new DomainError('UNPROCESSABLE', message, { fieldErrors: [{ field, message: fieldMessage }] });

/**
 * A quant starts a backtest (docs/backtests.md "Runs, storage and API"). Everything a run could
 * be refused for is checked here, before a row exists: the kind's params (400 naming
 * `strategy.params.<field>`), the symbols (400 naming `symbols.<i>`), candles in the range for
 * every symbol and bars × symbols within BACKTEST_MAX_BARS (422, counted without reading them),
 * for ml-signal a model on this server's feature set and the backtest's timeframe (422).
 * Then one queued row and its job.
 */
@Injectable()
export class CreateBacktestUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(BacktestsRepository) private readonly backtests: BacktestsRepository,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(CandlesRepository) private readonly candles: CandlesRepository,
    @Inject(ModelsRepository) private readonly models: ModelsRepository,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(StrategiesRepository) private readonly strategies: StrategiesRepository,
  ) {}

  /** One combination's params, validated as a single backtest's (400 naming `strategy.params.<field>`). */
  private validParams(req: CreateBacktestRequest, raw: Record<string, unknown>): Record<string, unknown> {
    let params: Record<string, unknown>;
    try {
      params = strategyParams(req.strategy.kind, raw);
    } catch (err) {
      // strategyParams names `params.<field>`; here they sit under `strategy`.
      if (err instanceof DomainError && err.options.fieldErrors) {
        const fieldErrors = err.options.fieldErrors.map((f) => ({ ...f, field: `strategy.${f.field}` }));
        throw new DomainError('VALIDATION_FAILED', err.message.replace(/params\./g, 'strategy.params.'), { fieldErrors });
      }
      throw err;
    }
    // The live strategy's own timeframe param is the backtest's timeframe.
    if (req.strategy.kind === 'sma-crossover') {
      if ('timeframe' in raw && raw.timeframe !== req.timeframe)
        throw new DomainError('VALIDATION_FAILED', 'The strategy timeframe differs from the backtest timeframe', {
          fieldErrors: [{ field: 'strategy.params.timeframe', message: `must be the backtest's timeframe (${req.timeframe}) or left out` }],
        });
      params = { ...params, timeframe: req.timeframe };
    }
    return params;
  }

  async execute(userId: UserId, req: CreateBacktestRequest): Promise<BacktestCreated> {
    // Of one of the caller's strategies (it then lists among that strategy's runs); another user's is unknown here.
    if (req.strategyId !== undefined) {
      const s = await this.strategies.byId(req.strategyId);
      if (!s || s.user_id !== userId)
        throw new DomainError('VALIDATION_FAILED', 'No such strategy', {
          fieldErrors: [{ field: 'strategyId', message: 'not one of your strategies' }],
        });
    }
    // A params value that is an array makes a sweep (docs/backtests.md "Sweeps"): every
    // combination is validated here and any invalid one refuses the whole request, naming it.
    const grid = sweepCombinations(req.strategy.params);
    const sweep = grid.swept.length > 0;
    if (!sweep && req.outOfSample !== undefined)
      throw new DomainError('VALIDATION_FAILED', 'outOfSample applies to a sweep only', {
        fieldErrors: [{ field: 'outOfSample', message: 'only a sweep (a params value that is a list) has an out-of-sample part' }],
      });
    const maxSweep = this.config.BACKTEST_MAX_SWEEP;
    if (grid.count > maxSweep)
      throw refused(
        `The sweep has ${grid.count.toLocaleString('en')} combinations; BACKTEST_MAX_SWEEP is ${maxSweep}`,
        `strategy.params.${grid.swept[0]}`,
        `at most ${maxSweep} combinations (BACKTEST_MAX_SWEEP)`,
      );
    const combos: Record<string, unknown>[] = [];
    for (const raw of grid.combinations()) {
      try {
        combos.push(this.validParams(req, raw));
      } catch (err) {
        if (!sweep || !(err instanceof DomainError) || !err.options.fieldErrors) throw err;
        const which = grid.swept.map((k) => `${k} ${String(raw[k])}`).join(', ');
        throw new DomainError('VALIDATION_FAILED', `The combination ${which} is invalid: ${err.message}`, {
          fieldErrors: err.options.fieldErrors.map((f) => ({ ...f, message: `${which}: ${f.message}` })),
        });
      }
    }
    const params = combos[0]!;

    const unknown: FieldError[] = [];
    for (const [i, symbol] of req.symbols.entries())
      if (!(await this.instruments.cachedBySymbol(symbol))) unknown.push({ field: `symbols.${i}`, message: `no instrument ${symbol}` });
    if (unknown.length)
      throw new DomainError('VALIDATION_FAILED', `Unknown symbols: ${unknown.map((u) => u.message.slice(14)).join(', ')}`, {
        fieldErrors: unknown,
      });

    // ml-signal: the model must run on this server's feature set and on the backtest's timeframe
    // (docs/backtests.md "ml-signal over history"); the run names its model and feature-set versions.
    let model: { version: string; featureSetVersion: string } | null = null;
    if (req.strategy.kind === 'ml-signal') {
      const row = await this.models.byId(req.strategy.modelId!);
      if (!row)
        throw new DomainError('VALIDATION_FAILED', 'No such model', {
          fieldErrors: [{ field: 'strategy.modelId', message: 'no registered model has this id' }],
        });
      const compiled = compileModel(toLiveModel(row));
      if ('error' in compiled)
        throw new DomainError('MODEL_REJECTED', `This model cannot be backtested here: ${compiled.error}`, {
          fieldErrors: [{ field: 'strategy.modelId', message: compiled.error }],
        });
      if (compiled.timeframe !== req.timeframe)
        throw new DomainError('MODEL_REJECTED', `The model scores ${compiled.timeframe} bars; the backtest asks for ${req.timeframe}`, {
          fieldErrors: [{ field: 'timeframe', message: `must be the model's timeframe, ${compiled.timeframe}` }],
        });
      model = { version: `${row.name}@${row.version}`, featureSetVersion: row.feature_set_version };
    }

    const initialCapital = parsePositiveMoney(req.initialCapital, 'initialCapital');
    const from = Date.parse(req.from);
    const to = Date.parse(req.to);
    const limit = this.config.BACKTEST_MAX_BARS;
    const counts = await Promise.all(req.symbols.map((s) => this.candles.countRange(s, req.timeframe, from, to)));
    for (const [i, n] of counts.entries())
      if (n === 0)
        throw refused(
          `No ${req.timeframe} candles for ${req.symbols[i]} in ${req.from} – ${req.to}`,
          `symbols.${i}`,
          `no ${req.timeframe} candles in the range`,
        );
    const total = counts.reduce((a, b) => a + b, 0);
    if (total > limit)
      throw refused(
        `The backtest would replay ${total.toLocaleString('en')} bars (candles × symbols); BACKTEST_MAX_BARS is ${limit.toLocaleString('en')}`,
        'to',
        `narrow the range, the symbols or use a larger timeframe (BACKTEST_MAX_BARS ${limit})`,
      );

    // A sweep's split: the in-sample run replays [from, splitAt), the out-of-sample one [splitAt, to);
    // both must have bars for every symbol.
    const outOfSample = req.outOfSample ?? BACKTEST_DEFAULT_OUT_OF_SAMPLE;
    const splitAt = sweep ? from + Math.floor((to - from) * (1 - outOfSample)) : null;
    if (splitAt !== null)
      for (const [i, symbol] of req.symbols.entries())
        for (const [a, b, part] of [
          [from, splitAt, 'in-sample'],
          [splitAt, to, 'out-of-sample'],
        ] as const)
          if ((await this.candles.countRange(symbol, req.timeframe, a, b)) === 0)
            throw refused(
              `No ${req.timeframe} candles for ${symbol} in the ${part} part (${new Date(a).toISOString()} – ${new Date(b).toISOString()})`,
              'outOfSample',
              `the ${part} part has no ${req.timeframe} candles for ${req.symbols[i]}: move the split or widen the range`,
            );

    const fillModel = {
      at: req.fillModel?.at ?? 'next_open',
      slippageBps: req.fillModel?.slippageBps ?? 0,
      ...(req.fillModel?.maxParticipation !== undefined ? { maxParticipation: req.fillModel.maxParticipation } : {}),
    };
    const stored = (p: Record<string, unknown>): StoredBacktestRequest => ({
      strategy: { kind: req.strategy.kind, params: p, ...(req.strategy.modelId ? { modelId: req.strategy.modelId } : {}) },
      symbols: req.symbols,
      timeframe: req.timeframe,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      fees: req.fees,
      initialCapitalPaise: initialCapital.toString(),
      ...(req.strategyId ? { strategyId: req.strategyId } : {}),
    });
    const id = uuidv7();
    const children = sweep ? combos.map((p) => ({ id: uuidv7(), params: p })) : [];
    const row = await this.db.tx(async (sql) => {
      const parent = await this.backtests.insert(sql, {
        id,
        userId,
        request: stored(sweep ? (req.strategy.params as Record<string, unknown>) : params),
        fillModel,
        barsTotal: total * Math.max(1, children.length),
        model,
        sweep: sweep ? { combinations: children.length, outOfSample, splitAt: new Date(splitAt!).toISOString() } : null,
      });
      for (const c of children)
        await this.backtests.insert(sql, {
          id: c.id,
          userId,
          request: stored(c.params),
          fillModel,
          barsTotal: total,
          model,
          parentId: id,
          splitAt: new Date(splitAt!).toISOString(),
        });
      return parent;
    });
    const jobIds = sweep ? children.map((c) => c.id) : [id];
    try {
      for (const jobId of jobIds) await this.jobs.enqueue(JOBS.runBacktest, { backtestId: jobId }, { jobId, attempts: 1 });
    } catch (err) {
      // Never a queued row without its job: it would wait forever.
      for (const jobId of [id, ...jobIds]) await this.backtests.failQueued(jobId, 'could not be queued');
      throw new DomainError('SERVICE_UNAVAILABLE', `The backtest could not be queued: ${(err as Error).message}`);
    }
    return sweep ? { id: row.id, status: row.status, children } : { id: row.id, status: row.status };
  }
}

/** The params grid: the keys whose value is a list, and every combination (first key slowest). */
export function sweepCombinations(params: Record<string, unknown>): {
  swept: string[];
  count: number;
  combinations(): Generator<Record<string, unknown>>;
} {
  const swept = Object.keys(params).filter((k) => Array.isArray(params[k]));
  const count = swept.reduce((n, k) => n * (params[k] as unknown[]).length, 1);
  function* combinations(): Generator<Record<string, unknown>> {
    const idx = swept.map(() => 0);
    for (let n = 0; n < count; n += 1) {
      const c: Record<string, unknown> = { ...params };
      swept.forEach((k, j) => (c[k] = (params[k] as unknown[])[idx[j]!]));
      yield c;
      for (let j = swept.length - 1; j >= 0; j -= 1) {
        idx[j]! += 1;
        if (idx[j]! < (params[swept[j]!] as unknown[]).length) break;
        idx[j] = 0;
      }
    }
  }
  return { swept, count, combinations };
}

abstract class BacktestRead {
  constructor(protected readonly backtests: BacktestsRepository) {}

  /** The backtest if the viewer may see it; 404 otherwise (another user's is not revealed). */
  protected async visible(viewer: BacktestViewer, id: string): Promise<BacktestRow> {
    const row = await this.backtests.byId(id);
    if (!row || (row.user_id !== viewer.userId && !viewer.admin)) throw new DomainError('NOT_FOUND', 'No such backtest');
    return row;
  }
}

@Injectable()
export class GetBacktestQuery extends BacktestRead {
  constructor(@Inject(BacktestsRepository) backtests: BacktestsRepository) {
    super(backtests);
  }

  async execute(viewer: BacktestViewer, id: string): Promise<BacktestDto> {
    const row = await this.visible(viewer, id);
    return backtestDto(row, row.sweep ? await this.backtests.children(id) : []);
  }
}

/** A completed run's fills in order, a page at a time (cursor: the last seq seen). */
@Injectable()
export class ListBacktestTradesQuery extends BacktestRead {
  constructor(@Inject(BacktestsRepository) backtests: BacktestsRepository) {
    super(backtests);
  }

  async execute(viewer: BacktestViewer, id: string, q: PageQuery): Promise<Page<BacktestTradeDto>> {
    await this.visible(viewer, id);
    let after = 0;
    if (q.cursor !== undefined) {
      after = Number(q.cursor);
      if (!Number.isSafeInteger(after) || after < 0 || String(after) !== q.cursor)
        throw new DomainError('VALIDATION_FAILED', 'Invalid cursor', {
          fieldErrors: [{ field: 'cursor', message: 'not a cursor this list gave' }],
        });
    }
    const rows = await this.backtests.trades(id, after, q.limit + 1);
    const items = rows.slice(0, q.limit).map(
      (t): BacktestTradeDto => ({
        seq: t.seq,
        ts: t.ts.toISOString(),
        symbol: t.symbol,
        side: t.side,
        quantity: Number(t.quantity),
        price: formatPrice(Number(t.price_ticks)),
        fees: formatMoney(BigInt(t.fees_paise)),
        realizedPnl: tickUnitsToMoney(BigInt(t.realized_tick_units)),
        sample: t.sample,
      }),
    );
    return { items, nextCursor: rows.length > q.limit ? String(items[items.length - 1]!.seq) : null };
  }
}

/** A completed run's equity per bar: tick-units as stored (the controller encodes JSON or Arrow). */
@Injectable()
export class BacktestEquityQuery extends BacktestRead {
  constructor(@Inject(BacktestsRepository) backtests: BacktestsRepository) {
    super(backtests);
  }

  async execute(viewer: BacktestViewer, id: string): Promise<{ ts: Float64Array; value: Float64Array }> {
    await this.visible(viewer, id);
    return this.backtests.equity(id);
  }

  static toJson(c: { ts: Float64Array; value: Float64Array }): BacktestEquity {
    const points = new Array<BacktestEquity['points'][number]>(c.ts.length);
    for (let i = 0; i < c.ts.length; i += 1)
      points[i] = { ts: new Date(c.ts[i]!).toISOString(), equity: tickUnitsToMoney(BigInt(c.value[i]!)) };
    return { points };
  }
}

/** DELETE: a queued run is cancelled at once; a running one is asked to stop; a finished one stays as it is. */
@Injectable()
export class CancelBacktestUseCase extends BacktestRead {
  constructor(@Inject(BacktestsRepository) backtests: BacktestsRepository) {
    super(backtests);
  }

  async execute(viewer: BacktestViewer, id: string): Promise<BacktestCreated> {
    const row = await this.visible(viewer, id);
    if (row.sweep) {
      // A sweep: every unfinished child is cancelled (queued at once, running within moments).
      const before = aggregateSweep(row, await this.backtests.children(id));
      if (BACKTEST_FINAL_STATUSES.includes(before.status)) return { id, status: before.status };
      const after = await this.backtests.requestCancel(id);
      return { id, status: aggregateSweep(after ?? row, await this.backtests.children(id)).status };
    }
    if (row.status !== 'queued' && row.status !== 'running') return { id, status: row.status };
    const after = await this.backtests.requestCancel(id);
    return { id, status: after?.status ?? row.status };
  }
}

/** Newest first on (created_at as Postgres prints it in UTC, id). */
const BACKTESTS_CURSOR = cursorCodec('backtests', [CursorKeys.pgTimestampUtc, CursorKeys.uuid]);

export function backtestSummary(
  r: BacktestRow,
  children: readonly { status: BacktestStatus; progress: number }[] = [],
): BacktestSummaryDto {
  const { strategy, symbols, timeframe, from, to } = r.request;
  const { status, progress } = r.sweep ? aggregateSweep(r, children) : r;
  return {
    id: r.id,
    status,
    progress,
    strategy: { kind: strategy.kind, params: strategy.params, ...(strategy.modelId ? { modelId: strategy.modelId } : {}) },
    symbols,
    timeframe,
    from,
    to,
    createdAt: r.created_at.toISOString(),
    metrics: r.status === 'completed' ? r.metrics : null,
    children: r.sweep ? children.length : null,
  };
}

/** The caller's own backtests, newest first, a page at a time (docs/api.md `GET /api/v1/backtests`). */
@Injectable()
export class ListBacktestsQuery {
  constructor(@Inject(BacktestsRepository) private readonly backtests: BacktestsRepository) {}

  async execute(userId: UserId, q: PageQuery): Promise<Page<BacktestSummaryDto>> {
    let before: { createdAt: string; id: string } | undefined;
    if (q.cursor !== undefined) {
      const [createdAt, id] = BACKTESTS_CURSOR.decode(q.cursor);
      before = { createdAt, id };
    }
    const rows = await this.backtests.listByUser(userId, q.limit + 1, before);
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const states = await this.backtests.childStates(page.filter((r) => r.sweep).map((r) => r.id));
    return {
      items: page.map((r) =>
        backtestSummary(
          r,
          states.filter((c) => c.parent_id === r.id),
        ),
      ),
      nextCursor: rows.length > q.limit && last ? BACKTESTS_CURSOR.encode([last.created_exact, last.id]) : null,
    };
  }
}
