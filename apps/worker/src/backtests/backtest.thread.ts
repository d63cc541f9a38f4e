// One backtest's replay, off the worker's event loop (docs/backtests.md "Runs, storage and API"):
// the engine is synchronous and CPU-bound, so it runs here while the main thread keeps the job's
// lock, the heartbeat, progress events and cancel checks going.
import { parentPort, workerData } from 'node:worker_threads';
import { createStrategy, DEFAULT_FEE_SCHEDULE, runBacktest, type BarSeries, type SignalInput, type StrategyKind } from '@tradeloop/domain';
import type { Paise } from '@tradeloop/domain';

export interface BacktestThreadInput {
  kind: StrategyKind;
  params: Record<string, unknown>;
  series: BarSeries[];
  /** ml-signal: the signals scored ahead of the replay, per symbol, ascending ts. */
  signals?: Record<string, SignalInput[]>;
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

if (parentPort) {
  const input = workerData as BacktestThreadInput;
  const port = parentPort;
  let last = 0;
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
      const now = Date.now();
      if (now - last < input.progressMs) return;
      last = now;
      port.postMessage({ type: 'progress', done, total } satisfies BacktestThreadMessage);
    },
    shouldStop: () => Atomics.load(input.stop, 0) === 1,
  });
  port.postMessage({ type: 'result', result } satisfies BacktestThreadMessage);
}
