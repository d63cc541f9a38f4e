// Deterministic bars for the proof against backtrader (docs/backtests.md "Proof against
// backtrader"): N 1-minute bars from a seed, integer price ticks on the 5-paise grid (500 ticks),
// a mean-reverting random walk driven by a PRNG of our own (no Math.random: the same seed gives
// the same bytes on every machine).
//
// Tie-robust by construction: once both windows are full, every bar's close is nudged up by 5
// paise until the fast and slow SMAs of the close differ by at least MIN_GAP_TICKS — computed
// exactly on integer window sums (fast == slow ⇔ sumFast·slow == sumSlow·fast). Two SMA
// implementations (backtrader's fsum-per-bar, our rolling update) then can never disagree on
// the sign of fast − slow, so a cross is a cross in both.
//
//   node bench/backtest/data.mjs --bars 5000 --seed 17 --fast 10 --slow 30 --out bars.csv
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const STEP = 500; // 5 paise in ticks (1 tick = ₹0.0001)
/** The least |fast − slow| in ticks on any bar (rolling-mean float error is far below 1e-6 tick). */
export const MIN_GAP_TICKS = 1;
export const CSV_HEADER = 'ts,open,high,low,close,volume';
const MINUTE = 60_000;

/** mulberry32: a 32-bit state PRNG, uniform in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `bars` 1-minute bars (columnar Float64Arrays, as the engine's BarSeries) and how many closes
 * were nudged off a tie. Prices stay between ₹500 and ₹5,000 (a pull back toward ₹2,500).
 */
export function makeBars({ bars, seed = 17, fast = 10, slow = 30, start = Date.UTC(2026, 0, 5, 3, 45), price = 25_000_000 }) {
  if (!(Number.isInteger(bars) && bars > 0)) throw new RangeError('bars must be a positive integer');
  if (!(Number.isInteger(fast) && Number.isInteger(slow) && fast >= 1 && slow > fast)) throw new RangeError('need 1 <= fast < slow');
  const rand = prng(seed);
  const ts = new Float64Array(bars);
  const open = new Float64Array(bars);
  const high = new Float64Array(bars);
  const low = new Float64Array(bars);
  const close = new Float64Array(bars);
  const volume = new Float64Array(bars);
  let sumFast = 0;
  let sumSlow = 0;
  let nudged = 0;
  let prev = price;
  for (let i = 0; i < bars; i += 1) {
    // Steps of 5 paise: −4..+4 (sum of two dice), a gap of −1..+1 at the open, and a pull of
    // one step toward ₹2,500 when the price has wandered more than ₹1,000 from it.
    const pull = prev > 35_000_000 ? -1 : prev < 15_000_000 ? 1 : 0;
    const o = Math.max(STEP, prev + STEP * (Math.floor(rand() * 3) - 1));
    let c = Math.max(STEP, o + STEP * (Math.floor(rand() * 5) + Math.floor(rand() * 5) - 4 + pull));
    const outFast = i >= fast ? close[i - fast] : 0;
    const outSlow = i >= slow ? close[i - slow] : 0;
    if (i >= slow - 1) {
      // fast − slow = (sumFast·slow − sumSlow·fast) / (fast·slow); each nudge moves it by
      // STEP·(1/fast − 1/slow) > 0, so the loop ends.
      const gap = (x) => Math.abs((sumFast - outFast + x) * slow - (sumSlow - outSlow + x) * fast);
      while (gap(c) < MIN_GAP_TICKS * fast * slow) {
        c += STEP;
        nudged += 1;
      }
    }
    sumFast += c - outFast;
    sumSlow += c - outSlow;
    ts[i] = start + i * MINUTE;
    open[i] = o;
    close[i] = c;
    high[i] = Math.max(o, c) + STEP * Math.floor(rand() * 3);
    low[i] = Math.max(STEP, Math.min(o, c) - STEP * Math.floor(rand() * 3));
    volume[i] = 1_000 + Math.floor(rand() * 9_000);
    prev = c;
  }
  return { ts, open, high, low, close, volume, nudged };
}

export function barsToCsv(s) {
  const n = s.ts.length;
  const lines = new Array(n + 1);
  lines[0] = CSV_HEADER;
  for (let i = 0; i < n; i += 1) lines[i + 1] = `${s.ts[i]},${s.open[i]},${s.high[i]},${s.low[i]},${s.close[i]},${s.volume[i]}`;
  return lines.join('\n') + '\n';
}

export function writeBarsCsv(path, s) {
  writeFileSync(path, barsToCsv(s));
}

/** The CSV back as columnar Float64Arrays (what both engines read: the same file). */
export function readBarsCsv(path) {
  const text = readFileSync(path, 'ascii');
  const rows = text.split('\n');
  if (rows[0] !== CSV_HEADER) throw new Error(`unexpected CSV header ${JSON.stringify(rows[0])}`);
  const n = rows.at(-1) === '' ? rows.length - 2 : rows.length - 1;
  const cols = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(n));
  for (let i = 0; i < n; i += 1) {
    const parts = rows[i + 1].split(',');
    if (parts.length !== 6) throw new Error(`line ${i + 2}: expected 6 fields`);
    for (let j = 0; j < 6; j += 1) {
      const v = Number(parts[j]);
      if (!Number.isSafeInteger(v)) throw new Error(`line ${i + 2}: ${parts[j]} is not an integer`);
      cols[j][i] = v;
    }
  }
  const [ts, open, high, low, close, volume] = cols;
  return { ts, open, high, low, close, volume };
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = arg('out');
  if (!out) {
    console.error('usage: node bench/backtest/data.mjs --bars N [--seed S] [--fast F] [--slow L] --out FILE.csv');
    process.exit(2);
  }
  const s = makeBars({
    bars: Number(arg('bars', 5000)),
    seed: Number(arg('seed', 17)),
    fast: Number(arg('fast', 10)),
    slow: Number(arg('slow', 30)),
  });
  writeBarsCsv(out, s);
  console.log(JSON.stringify({ out, bars: s.ts.length, nudged: s.nudged }));
}
