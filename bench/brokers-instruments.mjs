// The instrument-master figure of `npm run bench -- brokers` (issue 15): a master of 100,000 rows
// (2,000 NSE equities + 98,000 NFO options) served gzipped from a loopback HTTP server and imported
// end to end as ImportInstrumentMasterUseCase does it — fetch, gunzip, streaming parse, the diff
// against what is stored, one transaction of set-based writes — into a fresh migrated database:
//   kite first:   Kite's CSV into an empty instruments table (100,000 added, 100,000 keys)
//   kite again:   the same file (everything unchanged: the idempotent daily re-run)
//   kite changed: 1 % tick-size changes and 1 % of the rows gone (updates, deactivations)
//   upstox:       Upstox's BOD JSON of the same contracts (matched by contract, 100,000 keys added)
// Target: each import of 100,000 rows ≤ 10 s. Peak RSS is printed (the parse streams; what grows
// is the parsed rows and the stored picture the diff needs, not the file). It runs in a child
// process with the worker's production flag (--max-semi-space-size=32, docker-compose.yml), as the
// worker's daily job does.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Db, createDataSource } from '@tradeloop/platform';
import { optionSymbol } from '@tradeloop/domain';
import {
  InstrumentMastersRepository,
  InstrumentsRepository,
  istToday,
  parseKiteInstruments,
  parseUpstoxInstruments,
} from '@tradeloop/market';
import { createBenchDatabase, dropDatabase, fmt } from './lib/bench-kit.mjs';

const ROWS = Number(process.env.BENCH_MASTER_ROWS ?? 100_000);
const EQUITIES = 2_000;
const UNDERLYINGS = 49;
const EXPIRIES = 4;

const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The contracts: equities, then options over UNDERLYINGS × EXPIRIES × strikes × CE/PE, ROWS in all. */
function contracts(asOf) {
  const out = [];
  for (let i = 0; i < EQUITIES; i += 1)
    out.push({ kind: 'EQ', symbol: `EQ${String(i).padStart(5, '0')}`, isin: `INE${String(i).padStart(9, '0')}` });
  const strikes = Math.ceil((ROWS - EQUITIES) / (UNDERLYINGS * EXPIRIES * 2));
  const expiries = Array.from({ length: EXPIRIES }, (_, e) => addDays(asOf, 3 + 7 * e));
  outer: for (let u = 0; u < UNDERLYINGS; u += 1)
    for (const expiry of expiries)
      for (let s = 0; s < strikes; s += 1)
        for (const type of ['CE', 'PE']) {
          if (out.length >= ROWS) break outer;
          const underlying = `UND${String(u).padStart(2, '0')}`;
          const strike = (10_000 + s * 50) * 10_000;
          out.push({ kind: type, underlying, expiry, strike, symbol: optionSymbol(underlying, expiry, strike, type, false) });
        }
  return out;
}

const KITE_HEADER =
  'instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange';
function kiteCsv(list, { tickChangeEvery = 0, dropEvery = 0 } = {}) {
  const lines = [KITE_HEADER];
  list.forEach((c, i) => {
    if (dropEvery && i % dropEvery === dropEvery - 1) return;
    const tick = tickChangeEvery && i % tickChangeEvery === 0 ? '0.1' : '0.05';
    if (c.kind === 'EQ') lines.push(`${1_000_000 + i},${i},${c.symbol},${c.symbol} LTD,0,,,${tick},1,EQ,NSE,NSE`);
    else
      lines.push(`${1_000_000 + i},${i},${c.symbol},${c.underlying},0,${c.expiry},${c.strike / 10_000},${tick},75,${c.kind},NFO-OPT,NFO`);
  });
  return gzipSync(`${lines.join('\n')}\n`);
}

function upstoxJson(list) {
  const records = list.map((c, i) =>
    c.kind === 'EQ'
      ? {
          segment: 'NSE_EQ',
          name: `${c.symbol} LIMITED`,
          exchange: 'NSE',
          instrument_type: 'EQ',
          instrument_key: `NSE_EQ|${c.isin}`,
          exchange_token: String(i),
          trading_symbol: c.symbol,
          lot_size: 1,
          tick_size: 5.0,
        }
      : {
          segment: 'NSE_FO',
          name: c.underlying,
          exchange: 'NSE',
          instrument_type: c.kind,
          instrument_key: `NSE_FO|${i}`,
          exchange_token: String(i),
          trading_symbol: `${c.underlying} ${c.strike / 10_000} ${c.kind} ${c.expiry}`,
          lot_size: 75,
          tick_size: 5.0,
          strike_price: c.strike / 10_000,
          expiry: Date.parse(`${c.expiry}T15:30:00+05:30`),
          weekly: true,
          underlying_symbol: c.underlying,
        },
  );
  return gzipSync(JSON.stringify(records));
}

async function runInstrumentMasterBench() {
  const asOf = istToday();
  const list = contracts(asOf);
  const files = new Map();
  const server = createServer((req, res) => {
    const body = files.get(req.url);
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  files.set('/kite/1', kiteCsv(list));
  files.set('/kite/2', kiteCsv(list, { tickChangeEvery: 100, dropEvery: 100 }));
  files.set('/upstox', upstoxJson(list));

  const dbName = `tl_bench_masters_${Date.now().toString(36)}`;
  const url = await createBenchDatabase(dbName);
  const ds = createDataSource({ url, poolSize: 4, applicationName: 'bench-masters' });
  await ds.initialize();
  const db = new Db(ds);
  const masters = new InstrumentMastersRepository(db, new InstrumentsRepository(db));
  const parsers = { kite: parseKiteInstruments, upstox: parseUpstoxInstruments };

  const runs = [];
  // What ImportInstrumentMasterUseCase does (fetch → streaming parse → one transaction), with the
  // two phases timed apart.
  const timed = async (name, broker, path) => {
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    const t0 = performance.now();
    const res = await fetch(`${base}${path}`);
    const parsed = await parsers[broker](res.body, { asOf });
    const t1 = performance.now();
    const report = await masters.apply(parsed, asOf);
    const t2 = performance.now();
    const ms = t2 - t0;
    clearInterval(sampler);
    const { examples: _e, ...counts } = report;
    runs.push({
      name,
      ms,
      parseMs: t1 - t0,
      applyMs: t2 - t1,
      fileBytes: files.get(path).length,
      peakRssMb: peak / 2 ** 20,
      report: counts,
    });
  };
  try {
    await timed('kite first (empty table)', 'kite', '/kite/1');
    await timed('kite again (unchanged)', 'kite', '/kite/1');
    await timed('kite changed (1 % ticks, 1 % gone)', 'kite', '/kite/2');
    await timed('upstox (same contracts)', 'upstox', '/upstox');
  } finally {
    await ds.destroy();
    await dropDatabase(dbName);
    server.close();
  }
  console.log(
    `instrument masters: ${ROWS.toLocaleString()} rows per file, imported end to end (HTTP, gunzip, parse, diff, one transaction)`,
  );
  console.log(
    '| run | gz size | time | fetch + parse | diff + write | peak RSS | added | updated | deactivated | unchanged | keys +/~/− |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of runs)
    console.log(
      `| ${r.name} | ${fmt(r.fileBytes / 2 ** 20, 1)} MiB | ${fmt(r.ms / 1000, 2)} s | ${fmt(r.parseMs / 1000, 2)} s | ${fmt(r.applyMs / 1000, 2)} s | ${fmt(r.peakRssMb, 0)} MiB | ${r.report.added} | ${r.report.updated} | ${r.report.deactivated} | ${r.report.unchanged} | ${r.report.keys.added}/${r.report.keys.changed}/${r.report.keys.removed} |`,
    );
  const [first, again, changed, upstox] = runs;
  const correct =
    first.report.added === ROWS &&
    again.report.unchanged === ROWS &&
    again.report.added + again.report.updated + again.report.deactivated === 0 &&
    changed.report.deactivated === ROWS / 100 &&
    // Upstox lists again what Kite's changed file dropped, at the original ticks: those come back.
    upstox.report.added === 0 &&
    upstox.report.updated === (2 * ROWS) / 100 &&
    upstox.report.keys.added === ROWS;
  return {
    results: runs.map((r) => ({
      name: r.name,
      ms: Math.round(r.ms),
      parseMs: Math.round(r.parseMs),
      applyMs: Math.round(r.applyMs),
      peakRssMb: Math.round(r.peakRssMb),
      report: r.report,
    })),
    targets: { instrumentMaster100kRowsAtMost10s: correct && runs.every((r) => r.ms <= 10_000) },
  };
}

/** Runs the import figures in a child process with the worker's V8 flags; resolves with its results and targets. */
export function benchInstrumentMaster() {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child'], {
      execArgv: ['--max-semi-space-size=32'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', resolve);
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`instrument master bench exited with ${code}`))));
  });
}

if (process.argv.includes('--child') && process.send) {
  const r = await runInstrumentMasterBench();
  process.send(r, () => process.exit(0));
}
