// Issue 17 "Performance" (b): ml-signal with the demo model over 1,000,000 1-minute bars, target
// >= 500,000 bars/s including feature computation and batched inference. Production code only:
// the worker's own `scoreHistory` (apps/worker/dist/backtests/score-history.js: FeatureState
// features, onnxruntime batches of 8,192, the card's thresholds) with the registry's
// `InferenceService` over a `ModelArtifactStore` (models/demo-momentum/1/model.onnx stored in a
// temporary registry directory, read back by checksum, as the worker does) and `compileModel`, then
// the backtest thread's `replay` (createStrategy('ml-signal') → runBacktest), called in this thread.
// No database: the model row is the one the registry would hold (toLiveModel of its fields).
//
//   npm run build && node --max-semi-space-size=32 bench/backtest/ml.mjs [--bars 1000000] [--seed 17] [--runs 2]
//
// Prints one JSON line: bars/s over features + scoring + replay, and each part's seconds.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { compileModel, InferenceService, ModelArtifactStore, toLiveModel } from '@tradeloop/ml';
import { makeBars } from './data.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const { scoreHistory } = await import(join(ROOT, 'apps/worker/dist/backtests/score-history.js'));
const { replay } = await import(join(ROOT, 'apps/worker/dist/backtests/backtest.thread.js'));

export const ML_TARGET_BARS_PER_SEC = 500_000;
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
  const inference = new InferenceService(store, { registry: new Registry() });
  return { compiled, inference, card };
}

/** The scorer, timed: seconds spent awaiting onnxruntime (the rest of scoreHistory is features). */
function timedScorer(inner) {
  const t = { seconds: 0, batches: 0, rows: 0 };
  return {
    t,
    score: async (model, rows, n) => {
      const t0 = performance.now();
      const out = await inner.score(model, rows, n);
      t.seconds += (performance.now() - t0) / 1000;
      t.batches += 1;
      t.rows += n;
      return out;
    },
  };
}

async function once(model, series) {
  const scorer = timedScorer(model.inference);
  const t0 = performance.now();
  const signals = await scoreHistory(model.compiled, scorer, series);
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
  const scoring = scorer.t.seconds;
  const scoreAll = (t1 - t0) / 1000;
  return {
    seconds: (t2 - t0) / 1000,
    features: scoreAll - scoring,
    scoring,
    replay: (t2 - t1) / 1000,
    batches: scorer.t.batches,
    rowsScored: scorer.t.rows,
    signals: Object.values(signals).reduce((n, s) => n + s.length, 0),
    fills: result.trades.length,
    feesPaise: String(result.feesPaid),
    refusals: result.refusals.length,
  };
}

/** A warm-up on the first 50,000 bars (JIT, the onnxruntime session), then `runs` timed runs; the best is the figure. */
export async function benchMl({ bars = 1_000_000, seed = 17, runs = 2 } = {}) {
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
      sharePct: { features: share(best.features), scoring: share(best.scoring), replay: share(best.replay) },
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
    },
  });
  const out = await benchMl({ bars: Number(values.bars), seed: Number(values.seed), runs: Math.max(1, Number(values.runs)) });
  process.stdout.write(JSON.stringify({ part: 'ml', ...out, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
}
