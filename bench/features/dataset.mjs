// Feature benchmark, part "dataset": the dataset builder from candles in memory to the Arrow
// file on disk — features and labels per symbol (the same FeatureState code as live), then the
// ts-then-symbol merge streamed through one reused batch into the Arrow IPC file writer.
// Target: >= 1,000,000 feature rows/s for the whole build. Reading candles from Postgres is not
// included (see bench/README.md for the CLI's end-to-end figure).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSymbolRows, FEATURE_SET_V1 } from '@tradeloop/domain';
import { writeDatasetArrowFile } from '@tradeloop/ml';
import { fmt, machine } from '../lib/bench-kit.mjs';
import { makeSeries } from './series.mjs';

const SYMBOLS = Number(process.env.BENCH_DATASET_SYMBOLS ?? 100);
const BARS = Number(process.env.BENCH_DATASET_BARS ?? 18_750); // a year of 5m NSE bars

function run(series, path) {
  const t0 = performance.now();
  const parts = series.map((s) => buildSymbolRows(s.symbol, s.columns, 12));
  const t1 = performance.now();
  const written = writeDatasetArrowFile(path, parts, {
    featureSet: FEATURE_SET_V1,
    timeframe: '5m',
    horizon: 12,
    symbols: series.map((s) => s.symbol),
    from: 0,
    to: 1,
    createdAt: Date.now(),
  });
  const t2 = performance.now();
  return { rows: written.rows, bytes: written.bytes, featuresMs: t1 - t0, writeMs: t2 - t1, totalMs: t2 - t0 };
}

export function benchDataset() {
  const dir = mkdtempSync(join(tmpdir(), 'tl-bench-ml-'));
  try {
    run(makeSeries(20, 2_000, 3), join(dir, 'warm.arrow')); // warm-up: let the JIT see every path
    const series = makeSeries(SYMBOLS, BARS, 5);
    const r = run(series, join(dir, 'bench.arrow'));
    const perSecond = (ms) => (r.rows / ms) * 1000;
    console.log(
      `\nbench ml (dataset): ${SYMBOLS} symbols × ${BARS.toLocaleString()} 5m bars, horizon 12, candles in memory → Arrow file in ${tmpdir()}, on ${JSON.stringify(machine())}`,
    );
    console.log(
      `  features + labels          ${fmt(r.featuresMs, 0).padStart(6)} ms   ${fmt(perSecond(r.featuresMs), 0).padStart(12)} rows/s`,
    );
    console.log(
      `  merge + Arrow + write      ${fmt(r.writeMs, 0).padStart(6)} ms   ${fmt(perSecond(r.writeMs), 0).padStart(12)} rows/s   (${(r.bytes / 2 ** 20).toFixed(0)} MiB)`,
    );
    console.log(
      `  whole build                ${fmt(r.totalMs, 0).padStart(6)} ms   ${fmt(perSecond(r.totalMs), 0).padStart(12)} rows/s   (${r.rows.toLocaleString()} rows)`,
    );
    return { ...r, rowsPerSecond: perSecond(r.totalMs), targets: { datasetAtLeast1MRowsPerSecond: perSecond(r.totalMs) >= 1_000_000 } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
