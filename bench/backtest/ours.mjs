// Our side of the proof against backtrader (docs/backtests.md "Proof against backtrader"): the
// built engine (`@tradeloop/domain` → libs/domain/dist) runs the live SmaCrossover over the same
// CSV backtrader reads — long only, quantity 1, market orders at the next bar's open, no fees —
// and reports what bench/backtest/backtrader_run.py reports, in the same shape.
//
//   node bench/backtest/ours.mjs BARS.csv [--fast 10] [--slow 30] [--runs 1]
import { fileURLToPath } from 'node:url';
import { DEFAULT_FEE_SCHEDULE, runBacktest, SmaCrossover } from '@tradeloop/domain';
import { readBarsCsv } from './data.mjs';

const FILL_MODEL = Object.freeze({ at: 'next_open', slippageBps: 0, maxParticipation: null });
const INITIAL_CAPITAL = 1_000_000_000n; // ₹1 crore in paise: far above one unit's price

function once(bars, fast, slow, fees = null) {
  const strategy = new SmaCrossover({ fast, slow, quantity: 1, allowShort: false });
  const series = [{ symbol: 'BT', ...bars }];
  const t0 = process.hrtime.bigint();
  const result = runBacktest({ strategy, series, fillModel: FILL_MODEL, fees, product: 'MIS', initialCapital: INITIAL_CAPITAL });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { result, seconds };
}

/**
 * Runs the engine `runs` times on fresh strategies (the first also warms the JIT when runs > 1)
 * and reports the fills of the last run and the best time of the timed runs.
 */
export function runOurs(bars, { fast = 10, slow = 30, runs = 1 } = {}) {
  let best = Infinity;
  let last;
  for (let r = 0; r < runs; r += 1) {
    last = once(bars, fast, slow);
    if (runs === 1 || r > 0) best = Math.min(best, last.seconds);
  }
  const { result } = last;
  if (result.status !== 'completed') throw new Error(`engine run ${result.status}`);
  if (result.refusals.length) throw new Error(`orders refused: ${JSON.stringify(result.refusals)}`);
  const n = bars.ts.length;
  const fills = result.trades.map((t) => ({ ts: t.ts, side: t.side, price: Number(t.price), quantity: Number(t.quantity) }));
  // P&L two ways, like backtrader_run.py: the equity curve's last value (cash + position at the last
  // close) over the initial equity, and the fills themselves; they must be one figure.
  const pnlTicks = result.equity.value[result.equity.value.length - 1] - result.initialEquity;
  let held = 0;
  let cash = 0;
  for (const f of fills) {
    const sign = f.side === 'BUY' ? 1 : -1;
    held += sign * f.quantity;
    cash -= sign * f.quantity * f.price;
  }
  if (cash + held * bars.close[n - 1] !== pnlTicks)
    throw new Error(`equity P&L ${pnlTicks} != fills P&L ${cash + held * bars.close[n - 1]}`);
  if (fills.some((f) => f.quantity !== 1)) throw new Error('a fill of other than 1 unit');
  return {
    engine: 'tradeloop',
    bars: n,
    fast,
    slow,
    count: fills.length,
    fills: fills.map(({ ts, side, price }) => ({ ts, side, price })),
    position: held,
    pnlTicks,
    seconds: best,
    barsPerSec: n / best,
  };
}

/**
 * The same run with the default fee schedule charged on every fill (the speed target is
 * "with fills and fees"); not compared with backtrader, which runs without commission here.
 */
export function timeOursWithFees(bars, { fast = 10, slow = 30, runs = 4 } = {}) {
  let best = Infinity;
  let last;
  for (let r = 0; r < runs; r += 1) {
    last = once(bars, fast, slow, DEFAULT_FEE_SCHEDULE);
    if (runs === 1 || r > 0) best = Math.min(best, last.seconds);
  }
  if (last.result.status !== 'completed') throw new Error(`engine run ${last.result.status}`);
  const n = bars.ts.length;
  return { bars: n, count: last.result.trades.length, feesPaise: last.result.feesPaid, seconds: best, barsPerSec: n / best };
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file || file.startsWith('--')) {
    console.error('usage: node bench/backtest/ours.mjs BARS.csv [--fast 10] [--slow 30] [--runs 1]');
    process.exit(2);
  }
  const out = runOurs(readBarsCsv(file), { fast: Number(arg('fast', 10)), slow: Number(arg('slow', 30)), runs: Number(arg('runs', 1)) });
  process.stdout.write(JSON.stringify(out) + '\n');
}
