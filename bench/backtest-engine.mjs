// The backtest engine alone (issue 17, "Performance": single symbol, 1,000,000 1-minute bars,
// sma-crossover with fills and fees, target >= 3,000,000 bars/s per core). Pure CPU, no services:
//
//   npm run build && node bench/backtest-engine.mjs [--bars 1000000] [--runs 11] [--fast 10] [--slow 30]
//
// The BUILT engine (`@tradeloop/domain` → libs/domain/dist) replays seeded bars (own PRNG, no
// Math.random: the same bytes on every machine) through the live SmaCrossover, quantity 10, long
// and short, market orders at the next bar's open with 2 bps slippage, the default MIS fee
// schedule. The first run warms the JIT; the figure is the median of the timed runs, with the best
// run beside it (on a machine shared with other work the best is the closest to an idle core) and
// the median of the CPU time the process used (bars per CPU-second). Prints one JSON line.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_FEE_SCHEDULE, runBacktest, SmaCrossover } from '@tradeloop/domain';
import { prng } from './backtest/data.mjs';

// The worker (which runs backtests in its threads) starts with this V8 flag (infra/scripts/serve.mjs):
// measure under the same young-generation size.
const NODE_FLAGS = ['--max-semi-space-size=32'];
if (!NODE_FLAGS.every((f) => process.execArgv.includes(f))) {
  const child = spawnSync(process.execPath, [...NODE_FLAGS, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}

const { values } = parseArgs({
  options: {
    bars: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '11' },
    fast: { type: 'string', default: '10' },
    slow: { type: 'string', default: '30' },
    seed: { type: 'string', default: '17' },
  },
});
const BARS = Number(values.bars);
const RUNS = Math.max(2, Number(values.runs));
const FAST = Number(values.fast);
const SLOW = Number(values.slow);
const TARGET = 3_000_000;

/** n 1-minute bars from 2026-01-05 09:15 IST: a random walk in 5-paise steps around ₹2,500, integer ticks. */
function makeBars(n, seed) {
  const rand = prng(seed);
  const STEP = 500;
  const ts = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  const start = Date.UTC(2026, 0, 5, 3, 45);
  let prev = 25_000_000;
  for (let i = 0; i < n; i += 1) {
    const pull = prev > 35_000_000 ? -1 : prev < 15_000_000 ? 1 : 0;
    const o = Math.max(STEP, prev + STEP * (Math.floor(rand() * 3) - 1));
    const c = Math.max(STEP, o + STEP * (Math.floor(rand() * 5) + Math.floor(rand() * 5) - 4 + pull));
    ts[i] = start + i * 60_000;
    open[i] = o;
    close[i] = c;
    high[i] = Math.max(o, c) + STEP * Math.floor(rand() * 3);
    low[i] = Math.max(STEP, Math.min(o, c) - STEP * Math.floor(rand() * 3));
    volume[i] = 100 + Math.floor(rand() * 10_000);
    prev = c;
  }
  return { symbol: 'BENCH', ts, open, high, low, close, volume };
}

const series = makeBars(BARS, Number(values.seed));
const fillModel = { at: 'next_open', slippageBps: 2, maxParticipation: null };

function once() {
  const strategy = new SmaCrossover({ fast: FAST, slow: SLOW, quantity: 10, allowShort: true });
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = runBacktest({
    strategy,
    series: [series],
    fillModel,
    fees: DEFAULT_FEE_SCHEDULE,
    product: 'MIS',
    initialCapital: 100_000_000n, // ₹10 lakh
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (result.status !== 'completed' || result.barsProcessed !== BARS) throw new Error('the run did not complete');
  return { seconds, cpuSeconds, result };
}

const times = [];
const cpuTimes = [];
let last;
for (let r = 0; r < RUNS; r += 1) {
  last = once();
  if (r > 0) {
    times.push(last.seconds);
    cpuTimes.push(last.cpuSeconds);
  }
}
times.sort((a, b) => a - b);
cpuTimes.sort((a, b) => a - b);
const cpuMedian = cpuTimes[Math.floor(cpuTimes.length / 2)];
const median = times[Math.floor(times.length / 2)];
const best = times[0];
const { result } = last;
const finalEquity = result.equity.value[result.equity.value.length - 1];
console.log(
  JSON.stringify({
    bench: 'backtest-engine',
    bars: BARS,
    strategy: `sma-crossover ${FAST}/${SLOW} qty 10 long/short`,
    fillModel,
    fills: result.trades.length,
    feesPaise: result.feesPaid.toString(),
    pnlPaise: Math.round((finalEquity - result.initialEquity) / 100),
    timedRuns: times.length,
    medianSeconds: Number(median.toFixed(4)),
    barsPerSecond: Math.round(BARS / median),
    bestBarsPerSecond: Math.round(BARS / best),
    // CPU time of the process (all its threads, GC included) over the same runs: bars per second
    // of one core even when other work shares the machine.
    cpuMedianSeconds: Number(cpuMedian.toFixed(4)),
    barsPerCpuSecond: Math.round(BARS / cpuMedian),
    target: TARGET,
    meetsTarget: BARS / median >= TARGET,
    node: process.version,
  }),
);
