// Feature benchmark, part "db": the ml:dataset path end to end on Postgres — a year of 5m bars
// for 50 symbols stored as chunks (as compaction leaves history), read through the candles
// repository, features and labels, then the Arrow file. Reported, no target: it shows how much
// of a real build is reading.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkStart, sliceColumns } from '@tradeloop/domain';
import { createDataSource, Db } from '@tradeloop/platform';
import { CandleChunksRepository, CandlesRepository, InstrumentsRepository } from '@tradeloop/market';
import { BuildDatasetUseCase, writeDatasetArrowFile } from '@tradeloop/ml';
import { createBenchDatabase, dropDatabase, fmt, machine } from '../lib/bench-kit.mjs';
import { makeSeries } from './series.mjs';

const SYMBOLS = Number(process.env.BENCH_DB_SYMBOLS ?? 50);
const BARS = 18_750;

/** Each symbol's bars cut into 5m chunk windows (5 IST days), as history generation writes them. */
function chunksOf(series) {
  const out = [];
  for (const { symbol, columns: c } of series) {
    let start = 0;
    for (let i = 1; i <= c.length; i += 1) {
      if (i < c.length && chunkStart(c.ts[i], '5m') === chunkStart(c.ts[start], '5m')) continue;
      out.push({ symbol, timeframe: '5m', start: chunkStart(c.ts[start], '5m'), columns: sliceColumns(c, start, i) });
      start = i;
    }
  }
  return out;
}

export async function benchDb() {
  const name = `tl_bench_ml_${Date.now().toString(36)}`;
  const url = await createBenchDatabase(name);
  const ds = createDataSource({ url, poolSize: 4, applicationName: 'bench-ml' });
  await ds.initialize();
  const dir = mkdtempSync(join(tmpdir(), 'tl-bench-ml-db-'));
  try {
    const db = new Db(ds);
    const series = makeSeries(SYMBOLS, BARS, 13);
    await new InstrumentsRepository(db).upsert(
      series.map((s) => ({ symbol: s.symbol, exchange: 'NSE', name: s.symbol, instrumentType: 'EQ', lotSize: 1, tickSize: 500 })),
    );
    const candles = new CandlesRepository(db, new CandleChunksRepository(db));
    const chunks = chunksOf(series);
    await candles.bulkLoad([series[0].columns.ts[0]], (io) => io.writeChunks(chunks));
    const c0 = series[0].columns;
    const req = { symbols: series.map((s) => s.symbol), from: c0.ts[0], to: c0.ts[c0.length - 1] + 300_000, timeframe: '5m', horizon: 12 };
    const build = async (useCase, file) => {
      const t0 = performance.now();
      const built = await useCase.execute(req);
      const t1 = performance.now();
      const written = writeDatasetArrowFile(join(dir, file), built.parts, built.description);
      return { rows: written.rows, buildMs: t1 - t0, writeMs: performance.now() - t1, totalMs: performance.now() - t0 };
    };
    // A fresh repository (empty chunk cache) is what the CLI process starts with.
    const cold = await build(
      new BuildDatasetUseCase(new InstrumentsRepository(db), new CandlesRepository(db, new CandleChunksRepository(db))),
      'cold.arrow',
    );
    const warm = await build(new BuildDatasetUseCase(new InstrumentsRepository(db), candles), 'warm.arrow');
    console.log(
      `\nbench ml (db): ${SYMBOLS} symbols × ${BARS.toLocaleString()} 5m bars (${chunks.length.toLocaleString()} chunks) in Postgres → Arrow file, on ${JSON.stringify(machine())}`,
    );
    for (const [label, r] of [
      ['cold (as the CLI runs)', cold],
      ['warm (chunks cached)', warm],
    ]) {
      console.log(
        `  ${label.padEnd(24)} read + features ${fmt(r.buildMs, 0).padStart(6)} ms   write ${fmt(r.writeMs, 0).padStart(5)} ms   total ${fmt(r.totalMs, 0).padStart(6)} ms   ${fmt((r.rows / r.totalMs) * 1000, 0).padStart(10)} rows/s (${r.rows.toLocaleString()} rows)`,
      );
    }
    return { cold, warm, targets: {} };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await ds.destroy();
    await dropDatabase(name);
  }
}
