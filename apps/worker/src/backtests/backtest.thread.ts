// One backtest's replay, off the worker's event loop (docs/backtests.md "Runs as built"): the
// engine is synchronous and CPU-bound, so it runs in a worker thread while the main thread keeps
// the job's lock, the heartbeat, progress events and cancel checks going.
import { parentPort, workerData } from 'node:worker_threads';
import {
  createStrategy,
  DEFAULT_FEE_SCHEDULE,
  runBacktest,
  type BarSeries,
  type Paise,
  type SignalColumns,
  type StrategyKind,
} from '@tradeloop/domain';

export interface BacktestThreadInput {
  kind: StrategyKind;
  params: Record<string, unknown>;
  series: BarSeries[];
  /** ml-signal: the signals scored ahead of the replay, per symbol, as columns (ascending ts). */
  signals?: Record<string, SignalColumns> | undefined;
  fillModel: { at: 'next_open' | 'close'; slippageBps: number; maxParticipation: number | null };
  fees: boolean;
  initialCapitalPaise: bigint;
  /** Int32Array over a SharedArrayBuffer: [0] = 1 asks the replay to stop. */
  stop: Int32Array;
  progressEvery: number;
  /** Progress messages at most this often. */
  progressMs: number;
}

export type BacktestThreadMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'result'; result: ReturnType<typeof runBacktest> };

/** The replay itself: a fresh strategy from createStrategy (as the live runner builds it), the engine, messages out. */
export function replay(input: BacktestThreadInput, post: (m: BacktestThreadMessage) => void, now: () => number = Date.now): void {
  let last = Number.NEGATIVE_INFINITY;
  const result = runBacktest({
    strategy: createStrategy(input.kind, input.params),
    series: input.series,
    ...(input.signals ? { signals: input.signals } : {}),
    fillModel: input.fillModel,
    fees: input.fees ? DEFAULT_FEE_SCHEDULE : null,
    // The live runner's product (apps/worker/src/strategies/strategy-runner.ts).
    product: 'MIS',
    initialCapital: input.initialCapitalPaise as Paise,
    progressEvery: input.progressEvery,
    onProgress: (done, total) => {
      const t = now();
      if (t - last < input.progressMs) return;
      last = t;
      post({ type: 'progress', done, total });
    },
    shouldStop: () => Atomics.load(input.stop, 0) === 1,
  });
  post({ type: 'result', result });
}

/** Set in the thread's workerData, so importing this module elsewhere (a test runner's own worker thread) runs nothing. */
export const BACKTEST_THREAD = 'tradeloop-backtest-thread';

if (parentPort && (workerData as { marker?: unknown } | null)?.marker === BACKTEST_THREAD) {
  const port = parentPort;
  replay(workerData as BacktestThreadInput, (m) => port.postMessage(m));
}
