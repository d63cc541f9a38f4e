// ML benchmark, part "inference": the shipped demo model (LightGBM → ONNX) through our
// onnxruntime-node session (same options and call as InferenceService), on real feature rows.
// Targets: one symbol p99 <= 1 ms; a batch of 500 p99 <= 5 ms. Side by side: the 500 rows as ONE
// batched call vs 500 one-row calls.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeatureEngine, FEATURE_SET_V1 } from '@tradeloop/domain';
import { openSession, runScores } from '@tradeloop/ml';
import { fmt, machine } from '../lib/bench-kit.mjs';
import { makeSeries, percentile } from './series.mjs';

const MODEL_DIR = join(import.meta.dirname, '../../models/demo-momentum/1');
const SYMBOLS = 500;
const SINGLE_RUNS = Number(process.env.BENCH_INFER_SINGLE ?? 5_000);
const BATCH_RUNS = Number(process.env.BENCH_INFER_BATCH ?? 1_000);
const ONE_BY_ONE_RUNS = Number(process.env.BENCH_INFER_ONE_BY_ONE ?? 50);

/** 500 real feature rows (float32, card order): each symbol's row at its last bar. */
export function featureRows(card, symbols = SYMBOLS) {
  const width = card.features.length;
  const cols = card.features.map((n) => FEATURE_SET_V1.features.indexOf(n));
  const rows = new Float32Array(symbols * width);
  const engine = new FeatureEngine();
  const out = new Float64Array(FEATURE_SET_V1.features.length);
  let n = 0;
  for (const { symbol, columns: c } of makeSeries(symbols, 300, 5)) {
    let row = null;
    for (let i = 0; i < c.length; i += 1)
      row = engine.update(
        symbol,
        { ts: c.ts[i], open: c.open[i], high: c.high[i], low: c.low[i], close: c.close[i], volume: c.volume[i] },
        out,
      );
    if (!row) continue;
    for (let j = 0; j < width; j += 1) rows[n * width + j] = row[cols[j]];
    n += 1;
  }
  return { rows: rows.subarray(0, n * width), n, width };
}

const stats = (ms) => {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) };
};

export async function benchInference() {
  const card = JSON.parse(readFileSync(join(MODEL_DIR, 'card.json'), 'utf8'));
  const session = await openSession(new Uint8Array(readFileSync(join(MODEL_DIR, 'model.onnx'))));
  const { rows, n, width } = featureRows(card);
  for (let i = 0; i < 200; i += 1) await runScores(session, rows.subarray(0, width), 1, width); // warm-up
  for (let i = 0; i < 50; i += 1) await runScores(session, rows, n, width);

  const single = [];
  for (let i = 0; i < SINGLE_RUNS; i += 1) {
    const k = i % n;
    const row = rows.subarray(k * width, (k + 1) * width);
    const t0 = performance.now();
    await runScores(session, row, 1, width);
    single.push(performance.now() - t0);
  }
  const batch = [];
  for (let i = 0; i < BATCH_RUNS; i += 1) {
    const t0 = performance.now();
    await runScores(session, rows, n, width);
    batch.push(performance.now() - t0);
  }
  const oneByOne = [];
  for (let i = 0; i < ONE_BY_ONE_RUNS; i += 1) {
    const t0 = performance.now();
    for (let k = 0; k < n; k += 1) await runScores(session, rows.subarray(k * width, (k + 1) * width), 1, width);
    oneByOne.push(performance.now() - t0);
  }
  await session.release();
  const r = { rows: n, single: stats(single), batch: stats(batch), oneByOne: stats(oneByOne) };
  const trees = card.training?.lightgbm?.n_estimators ?? '?';
  console.log(
    `\nbench ml (inference): demo model (${width} inputs, ${trees} trees), onnxruntime-node, 1 intra-op thread, on ${JSON.stringify(machine())}`,
  );
  console.log(`  one symbol                p50 ${fmt(r.single.p50, 3)} ms   p99 ${fmt(r.single.p99, 3)} ms   (target p99 <= 1 ms)`);
  console.log(`  batch of ${n}, one call     p50 ${fmt(r.batch.p50, 3)} ms   p99 ${fmt(r.batch.p99, 3)} ms   (target p99 <= 5 ms)`);
  console.log(
    `  ${n} one-by-one calls      p50 ${fmt(r.oneByOne.p50, 2)} ms   p99 ${fmt(r.oneByOne.p99, 2)} ms   → batching is ${fmt(r.oneByOne.p50 / r.batch.p50, 1)}× faster`,
  );
  return { ...r, targets: { inferenceSingleP99: r.single.p99 <= 1, inferenceBatchP99: r.batch.p99 <= 5 } };
}
