// Issue 17 "Performance" (b): ml-signal with the demo model over 1,000,000 1-minute bars, target
// >= 500,000 bars/s including feature computation and batched inference. Production code only:
// the worker's own `scoreHistory` (apps/worker/dist/backtests/score-history.js: FeatureState
// features in this thread, pipelined with onnxruntime batches of 16,384 on the scoring threads, the
// card's thresholds) over the registry's `BatchScorer` (a pool of scoring threads opened on
// models/demo-momentum/1/model.onnx stored in a temporary registry directory and read back by
// checksum, as the worker does; opening it is timed) and `compileModel`, then the backtest
// thread's `replay` (createStrategy('ml-signal') → runBacktest), called in this thread.
// No database: the model row is the one the registry would hold (toLiveModel of its fields).
//
//   npm run build && node --max-semi-space-size=32 bench/backtest/ml.mjs [--bars 1000000] [--seed 17] [--runs 2] [--threads 0]
//
// Prints one JSON line: bars/s over features + scoring + replay, and the parts' seconds.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BatchScorer, compileModel, ModelArtifactStore, toLiveModel } from '@tradeloop/ml';
import { makeBars } from './data.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const { scoreHistory } = await import(join(ROOT, 'apps/worker/dist/backtests/score-history.js'));
const { replay } = await import(join(ROOT, 'apps/worker/dist/backtests/backtest.thread.js'));

export const ML_TARGET_BARS_PER_SEC = 500_000;
/** Scoring threads (BACKTEST_SCORING_THREADS; 0: one per core, the worker's default). */
let THREADS = 0;
const MODEL_DIR = join(ROOT, 'models/demo-momentum/1');

/** The demo model as the registry would serve it: stored by checksum, compiled against FEATURE_SET_V1. */
async function demoModel(registryDir) {
  const store = new ModelArtifactStore({ MODEL_REGISTRY_DIR: registryDir });
  await store.onModuleInit();
  const card = JSON.parse(readFileSync(join(MODEL_DIR, 'card.json'), 'utf8'));
  const { artifact, checksum } = await store.put(card.name, card.version, readFileSync(join(MODEL_DIR, 'model.onnx')));
  const row = {
    id: '00000000-0000-4000-8000-000000000017',
    name: card.name,
    version: card.version,
    stage: 'production',
    card,
    checksum,
    artifact,
  };
  const compiled = compileModel(toLiveModel(row));
  if ('error' in compiled) throw new Error(`the demo model cannot run: ${compiled.error}`);
  const live = toLiveModel(row);
  const scorer = new BatchScorer(store, { BACKTEST_SCORING_THREADS: THREADS });
  return { compiled, live, scorer, card };
}

/**
 * The pool, counted: batches and rows, and the seconds in which at least one batch was in flight
 * (scoring overlaps the features now, so the two parts no longer add up to the whole).
 */
function countedScorer(pool) {
  const t = { busySeconds: 0, batches: 0, rows: 0 };
  let open = 0;
  let since = 0;
  return {
    t,
    parallelism: pool.parallelism,
    score: async (rows, n) => {
      if (open++ === 0) since = performance.now();
      try {
        return await pool.score(rows, n);
      } finally {
        t.batches += 1;
        t.rows += n;
        if (--open === 0) t.busySeconds += (performance.now() - since) / 1000;
      }
    },
  };
}

async function once(model, series) {
  // Opening the pool (threads, sessions) is part of every run, as in the worker.
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const pool = await model.scorer.open(model.live);
  const scorer = countedScorer(pool);
  let signals;
  try {
    signals = await scoreHistory(model.compiled, scorer, series);
  } finally {
    await pool.close();
  }
  const t1 = performance.now();
  let result = null;
  let progress = 0;
  replay(
    {
      kind: 'ml-signal',
      params: { quantity: 1, allowShort: true },
      series,
      signals,
      fillModel: { at: 'next_open', slippageBps: 0, maxParticipation: null },
      fees: true,
      initialCapitalPaise: 1_000_000_000n,
      stop: new Int32Array(new SharedArrayBuffer(4)),
      progressEvery: 4_096,
      progressMs: 250,
    },
    (m) => (m.type === 'result' ? (result = m.result) : (progress += 1)),
  );
  const t2 = performance.now();
  if (!result || result.status !== 'completed') throw new Error(`replay ${result?.status ?? 'gave no result'}`);
  return {
    seconds: (t2 - t0) / 1000,
    // Every thread of the process (this one and the scoring threads): the work, whatever the load.
    cpuSeconds: ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(c0)),
    featuresAndScoring: (t1 - t0) / 1000,
    scoringBusy: scorer.t.busySeconds,
    replay: (t2 - t1) / 1000,
    threads: pool.parallelism,
    batches: scorer.t.batches,
    rowsScored: scorer.t.rows,
    signals: Object.values(signals).reduce((n, s) => n + s.ts.length, 0),
    fills: result.trades.length,
    feesPaise: String(result.feesPaid),
    refusals: result.refusals.length,
  };
}

/** A warm-up on the first 50,000 bars (JIT, the onnxruntime session), then `runs` timed runs; the best is the figure. */
export async function benchMl({ bars = 1_000_000, seed = 17, runs = 2, threads = 0 } = {}) {
  THREADS = threads;
  const registryDir = mkdtempSync(join(tmpdir(), 'tradeloop-bench-models-'));
  try {
    const model = await demoModel(registryDir);
    const gen = makeBars({ bars, seed });
    const cols = ['ts', 'open', 'high', 'low', 'close', 'volume'];
    const series = [{ symbol: 'BENCH', ...Object.fromEntries(cols.map((k) => [k, gen[k]])) }];
    const warm = [{ symbol: 'BENCH', ...Object.fromEntries(cols.map((k) => [k, gen[k].slice(0, Math.min(bars, 50_000))])) }];
    await once(model, warm);
    let best = null;
    for (let r = 0; r < runs; r += 1) {
      const x = await once(model, series);
      if (!best || x.seconds < best.seconds) best = x;
    }
    const share = (s) => Math.round((1000 * s) / best.seconds) / 10;
    return {
      model: `${model.card.name}@${model.card.version}`,
      featureSetVersion: model.card.featureSetVersion,
      inputs: model.card.features.length,
      bars,
      ...best,
      barsPerSec: Math.round(bars / best.seconds),
      sharePct: { featuresAndScoring: share(best.featuresAndScoring), replay: share(best.replay) },
      target: ML_TARGET_BARS_PER_SEC,
      met: bars / best.seconds >= ML_TARGET_BARS_PER_SEC,
    };
  } finally {
    rmSync(registryDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      bars: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '17' },
      runs: { type: 'string', default: '2' },
      threads: { type: 'string', default: '0' },
    },
  });
  const out = await benchMl({
    bars: Number(values.bars),
    seed: Number(values.seed),
    runs: Math.max(1, Number(values.runs)),
    threads: Math.max(0, Number(values.threads)),
  });
  process.stdout.write(JSON.stringify({ part: 'ml', ...out, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
}
