import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { JOBS, REALTIME_EVENTS, type JobPayload } from '@tradeloop/contracts';
import { backtestMetrics, barsPerYear, paiseToValue, type BarSeries, type Paise } from '@tradeloop/domain';
import { LOGGER, RealtimePublisher, type JobHandler } from '@tradeloop/platform';
import { CandlesRepository } from '@tradeloop/market';
import { BatchScorer, compileModel, ModelsRepository, toLiveModel } from '@tradeloop/ml';
import { BacktestsRepository, type BacktestRow } from '@tradeloop/strategies';
import { BACKTEST_THREAD, type BacktestThreadInput, type BacktestThreadMessage } from './backtest.thread';
import { equityPerTime, positionBars, reportMetrics } from './backtest-results';
import { scoreHistory } from './score-history';

/** The engine consults shouldStop / onProgress every this many bars. */
const PROGRESS_EVERY = 4_096;
/** Progress (database row and the owner's socket) at most this often. */
const PROGRESS_MS = 250;
/** The running job's heartbeat and cancel check. */
const HEARTBEAT_MS = 1_000;
/** A run whose heartbeat is older than this has lost its worker. */
export const BACKTEST_STALE_MS = 15_000;
/** How often every worker looks for such runs. */
const SWEEP_MS = 5_000;

/**
 * Runs one stored backtest (docs/backtests.md "Runs, storage and API"): claims the queued row,
 * reads the candles, replays them through the engine in a worker thread (with the same strategy
 * constructor the live runner uses), and stores trades, equity and metrics in one transaction —
 * or ends cancelled / failed with nothing stored. Never retried: a redelivered job finds the row
 * no longer queued, and a run whose worker died is failed by {@link BacktestSweeper}.
 */
@Injectable()
export class RunBacktestHandler implements JobHandler<typeof JOBS.runBacktest> {
  readonly job = JOBS.runBacktest;

  constructor(
    @Inject(BacktestsRepository) private readonly backtests: BacktestsRepository,
    @Inject(CandlesRepository) private readonly candles: CandlesRepository,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(ModelsRepository) private readonly models: ModelsRepository,
    @Inject(BatchScorer) private readonly scorer: BatchScorer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(payload: JobPayload<typeof JOBS.runBacktest>): Promise<{ status: string }> {
    const row = await this.backtests.claim(payload.backtestId);
    if (!row) return { status: 'not queued' };
    try {
      return { status: await this.run(row) };
    } catch (err) {
      const message = (err as Error).message;
      this.logger.warn({ backtest: row.id, err: message }, 'backtest failed');
      await this.backtests.finishWithout(row.id, 'failed', message.slice(0, 500), null);
      return { status: 'failed' };
    }
  }

  private async run(row: BacktestRow): Promise<string> {
    const { request } = row;
    const from = Date.parse(request.from);
    const to = Date.parse(request.to);
    const series: BarSeries[] = [];
    for (const symbol of request.symbols) {
      const c = await this.candles.readRange(symbol, request.timeframe, from, to);
      // Copies of exactly the bars: a view would clone its whole buffer into the thread.
      series.push({
        symbol,
        ts: c.ts.slice(0, c.length),
        open: c.open.slice(0, c.length),
        high: c.high.slice(0, c.length),
        low: c.low.slice(0, c.length),
        close: c.close.slice(0, c.length),
        volume: c.volume.slice(0, c.length),
      });
    }
    let signals: BacktestThreadInput['signals'];
    if (request.strategy.kind === 'ml-signal') {
      const model = await this.models.byId(request.strategy.modelId!);
      if (!model) throw new Error('the model was deleted');
      const live = toLiveModel(model);
      const compiled = compileModel(live);
      if ('error' in compiled) throw new Error(`the model cannot run: ${compiled.error}`);
      // Scoring threads for this run only (docs/backtests.md "ml-signal over history").
      const pool = await this.scorer.open(live);
      try {
        signals = await scoreHistory(compiled, pool, series);
      } finally {
        await pool.close();
      }
    }
    const initialCapital = BigInt(request.initialCapitalPaise) as Paise;
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const base = {
      kind: request.strategy.kind,
      params: request.strategy.params,
      fillModel: {
        at: row.fill_model.at,
        slippageBps: row.fill_model.slippageBps,
        maxParticipation: row.fill_model.maxParticipation ?? null,
      },
      fees: request.fees,
      initialCapitalPaise: initialCapital,
      stop,
      progressEvery: PROGRESS_EVERY,
      progressMs: PROGRESS_MS,
    };
    // A sweep child (docs/backtests.md "Sweeps"): two replays in this job, in-sample [from, split)
    // then out-of-sample [split, to), each from the initial capital with a fresh strategy.
    const split = row.split_at?.getTime() ?? null;
    const parts: { series: BarSeries[]; signals: BacktestThreadInput['signals'] }[] =
      split === null
        ? [{ series, signals }]
        : [
            { series: series.map((x) => sliceSeries(x, from, split)), signals: signals && sliceSignals(signals, from, split) },
            { series: series.map((x) => sliceSeries(x, split, to)), signals: signals && sliceSignals(signals, split, to) },
          ];
    const grandTotal = parts.reduce((a, p) => a + p.series.reduce((b, x) => b + x.ts.length, 0), 0);

    let done = 0;
    let progress = 0;
    let beating: Promise<void> | null = null;
    const beat = () => {
      if (beating) return;
      beating = this.backtests
        .beat(row.id, progress, done)
        .then((b) => {
          if (b.cancelRequested || !b.running) Atomics.store(stop, 0, 1);
        })
        .catch((err: unknown) => this.logger.warn({ backtest: row.id, err: (err as Error).message }, 'backtest heartbeat failed'))
        .finally(() => (beating = null));
    };
    const timer = setInterval(beat, HEARTBEAT_MS);
    const started = Date.now();
    type Result = Extract<BacktestThreadMessage, { type: 'result' }>['result'];
    const results: Result[] = [];
    let offset = 0;
    try {
      for (const part of parts) {
        const input: BacktestThreadInput = { ...base, series: part.series, signals: part.signals };
        const result: Result = await new Promise((resolve, reject) => {
          const thread = new Worker(join(__dirname, 'backtest.thread.js'), { workerData: { ...input, marker: BACKTEST_THREAD } });
          thread.on('message', (m: BacktestThreadMessage) => {
            if (m.type === 'result') return resolve(m.result);
            // 1 is announced once the results are stored, not when the replay ends.
            if (offset + m.done >= grandTotal) return;
            done = offset + m.done;
            progress = grandTotal > 0 ? Math.min(1, done / grandTotal) : 0;
            beat();
            void this.realtime.toUser(row.user_id, REALTIME_EVENTS.backtestProgress, { id: row.id, progress });
          });
          thread.on('error', reject);
          thread.on('exit', (code) => reject(new Error(`the backtest thread exited (${code}) without a result`)));
        });
        results.push(result);
        offset += result.barsProcessed;
        if (result.status === 'cancelled') break;
      }
    } finally {
      clearInterval(timer);
      await beating;
    }

    const barsProcessed = results.reduce((a, r) => a + r.barsProcessed, 0);
    if (results.some((r) => r.status === 'cancelled')) {
      await this.backtests.finishWithout(row.id, 'cancelled', null, barsProcessed);
      this.logger.info({ backtest: row.id, bars: barsProcessed }, 'backtest cancelled');
      return 'cancelled';
    }
    const report = (result: Result) => {
      const equity = equityPerTime(result.equity);
      const metrics = backtestMetrics({
        equity,
        initialCapital: paiseToValue(initialCapital),
        trades: result.trades,
        barsPerYear: barsPerYear(request.timeframe),
        positionBars: positionBars(equity.ts, result.trades),
      });
      const trades = result.trades.map((t) => ({
        ts: t.ts,
        symbol: t.symbol,
        side: t.side,
        quantity: t.quantity,
        priceTicks: t.price,
        feesPaise: t.fees,
        realizedTickUnits: t.realisedPnl,
      }));
      return { equity, metrics: reportMetrics(metrics), trades };
    };
    const first = report(results[0]!);
    const oos = results[1] ? report(results[1]) : null;
    const status = await this.backtests.complete(row.id, {
      trades: first.trades,
      equityTs: first.equity.ts,
      equityValue: first.equity.value,
      metrics: first.metrics,
      barsProcessed,
      ...(oos ? { outOfSample: { trades: oos.trades, metrics: oos.metrics } } : {}),
    });
    const result = { barsProcessed, trades: results.flatMap((r) => r.trades) };
    if (status === 'completed') void this.realtime.toUser(row.user_id, REALTIME_EVENTS.backtestProgress, { id: row.id, progress: 1 });
    this.logger.info(
      { backtest: row.id, status, bars: result.barsProcessed, trades: result.trades.length, ms: Date.now() - started },
      'backtest finished',
    );
    return status;
  }
}

/**
 * Fails runs whose worker stopped mid-run (killed, crashed): on start and every few seconds, any
 * run still marked running without a heartbeat for {@link BACKTEST_STALE_MS}. Idempotent, so
 * every worker runs it.
 */
@Injectable()
export class BacktestSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(
    @Inject(BacktestsRepository) private readonly backtests: BacktestsRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.sweep();
    this.timer = setInterval(() => this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
  }

  private sweep(): void {
    if (this.sweeping) return;
    this.sweeping = this.backtests
      .failStale(BACKTEST_STALE_MS)
      .then((ids) => {
        if (ids.length) this.logger.warn({ backtests: ids }, 'backtests failed: worker stopped during the run');
      })
      .catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'backtest sweep failed'))
      .finally(() => (this.sweeping = null));
  }
}

/** The bars of a series in [from, to) (copies, as the thread takes them). */
export function sliceSeries(x: BarSeries, from: number, to: number): BarSeries {
  let a = 0;
  while (a < x.ts.length && x.ts[a]! < from) a += 1;
  let b = a;
  while (b < x.ts.length && x.ts[b]! < to) b += 1;
  return {
    symbol: x.symbol,
    ts: x.ts.slice(a, b),
    open: x.open.slice(a, b),
    high: x.high.slice(a, b),
    low: x.low.slice(a, b),
    close: x.close.slice(a, b),
    volume: x.volume.slice(a, b),
  };
}

function sliceSignals(
  signals: NonNullable<BacktestThreadInput['signals']>,
  from: number,
  to: number,
): NonNullable<BacktestThreadInput['signals']> {
  const out: NonNullable<BacktestThreadInput['signals']> = {};
  for (const [symbol, c] of Object.entries(signals)) {
    // Columns are ascending by ts: [a, b) is the signals in [from, to).
    let a = 0;
    while (a < c.ts.length && c.ts[a]! < from) a += 1;
    let b = a;
    while (b < c.ts.length && c.ts[b]! < to) b += 1;
    out[symbol] = { ts: c.ts.slice(a, b), verdict: c.verdict.slice(a, b), score: c.score.slice(a, b) };
  }
  return out;
}
