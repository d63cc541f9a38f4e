// Issue 17 "Performance" (c): 500 symbols × 1 year of 5-minute bars in ONE run, target <= 30 s.
// NSE sessions: 75 five-minute bars from 09:15 IST (03:45 UTC), 250 weekday sessions a year
// (18,750 bars a symbol, 9,375,000 in all). Each symbol's prices come from bench/backtest/data.mjs
// with its own seed; the timestamps are put on the session grid. The run is the backtest thread's
// `replay` (apps/worker/dist/backtests/backtest.thread.js: createStrategy('sma-crossover') →
// runBacktest over every series merged by ts), fees on (the default schedule on every fill),
// market orders at the next open, called in this thread.
//
//   npm run build && node --max-semi-space-size=32 bench/backtest/wide.mjs [--symbols 500] [--sessions 250] [--seed 17]
//
// Prints one JSON line: wall seconds of the run, bars/s, fills, and the process's peak RSS
// (before the run, with the bars in memory, and after it).
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeBars } from './data.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const { replay } = await import(join(ROOT, 'apps/worker/dist/backtests/backtest.thread.js'));

export const WIDE_TARGET_SECONDS = 30;
const BARS_PER_SESSION = 75;
const FIVE_MINUTES = 300_000;
const DAY = 86_400_000;

/** Session start times (03:45 UTC) of `sessions` weekdays from Monday 2026-01-05. */
function sessionStarts(sessions) {
  const out = [];
  for (let d = Date.UTC(2026, 0, 5, 3, 45); out.length < sessions; d += DAY) {
    const wd = new Date(d).getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d);
  }
  return out;
}

export function wideSeries({ symbols = 500, sessions = 250, seed = 17 } = {}) {
  const starts = sessionStarts(sessions);
  const n = sessions * BARS_PER_SESSION;
  const ts = new Float64Array(n);
  for (let s = 0; s < sessions; s += 1)
    for (let k = 0; k < BARS_PER_SESSION; k += 1) ts[s * BARS_PER_SESSION + k] = starts[s] + k * FIVE_MINUTES;
  const series = [];
  for (let i = 0; i < symbols; i += 1) {
    const g = makeBars({ bars: n, seed: seed * 1_000 + i, price: 5_000_000 + 500 * ((i * 7_919) % 60_000) });
    series.push({
      symbol: `SYM${String(i).padStart(3, '0')}`,
      ts: ts.slice(),
      open: g.open,
      high: g.high,
      low: g.low,
      close: g.close,
      volume: g.volume,
    });
  }
  return series;
}

export function benchWide({ symbols = 500, sessions = 250, seed = 17 } = {}) {
  const mib = () => Math.round(process.resourceUsage().maxRSS / 1024);
  const rssBefore = mib();
  const t0 = performance.now();
  const series = wideSeries({ symbols, sessions, seed });
  const dataSeconds = (performance.now() - t0) / 1000;
  const rssWithBars = mib();
  const bars = series.reduce((n, s) => n + s.ts.length, 0);
  let result = null;
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  replay(
    {
      kind: 'sma-crossover',
      params: { fast: 10, slow: 30, quantity: 1, allowShort: false },
      series,
      fillModel: { at: 'next_open', slippageBps: 0, maxParticipation: null },
      fees: true,
      initialCapitalPaise: 100_000_000_000n, // ₹100 crore: room for a unit of all 500 at once
      stop: new Int32Array(new SharedArrayBuffer(4)),
      progressEvery: 4_096,
      progressMs: 250,
    },
    (m) => {
      if (m.type === 'result') result = m.result;
    },
  );
  const seconds = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (!result || result.status !== 'completed') throw new Error(`replay ${result?.status ?? 'gave no result'}`);
  return {
    symbols,
    barsPerSymbol: sessions * BARS_PER_SESSION,
    bars,
    dataSeconds,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    barsPerSec: Math.round(bars / seconds),
    fills: result.trades.length,
    feesPaise: String(result.feesPaid),
    refusals: result.refusals.length,
    equityPoints: result.equity.ts.length,
    rssMiB: { before: rssBefore, withBars: rssWithBars, peak: mib() },
    target: WIDE_TARGET_SECONDS,
    met: seconds <= WIDE_TARGET_SECONDS,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      symbols: { type: 'string', default: '500' },
      sessions: { type: 'string', default: '250' },
      seed: { type: 'string', default: '17' },
    },
  });
  const out = benchWide({ symbols: Number(values.symbols), sessions: Number(values.sessions), seed: Number(values.seed) });
  process.stdout.write(JSON.stringify({ part: 'wide', ...out }) + '\n');
}
