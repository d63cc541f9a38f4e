// Feature benchmark, part "compare": our streaming indicators beside the technicalindicators
// package on the same series — their batch `calculate` (their fastest path), their streaming
// `nextValue`, and what a live loop without incremental state would do: recompute over a
// trailing window on every bar. Values are checked to agree before anything is timed.
import { Atr, Bollinger, Ema, Macd, Rsi } from '@tradeloop/domain';
import { ATR, BollingerBands, EMA, MACD, RSI } from 'technicalindicators';
import { fmt, machine } from '../lib/bench-kit.mjs';
import { makeSeries } from './series.mjs';

const N = Number(process.env.BENCH_COMPARE_BARS ?? 200_000);
const NAIVE_BARS = 2_000;
const NAIVE_WINDOW = 100;

const MACD_IN = { fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false };

/** Per indicator: ours (one update per bar), theirs batch, theirs streaming, theirs recomputed per bar. */
function indicators(c) {
  const closes = Array.from(c.close);
  const highs = Array.from(c.high);
  const lows = Array.from(c.low);
  return [
    {
      name: 'EMA(21)',
      ours: () => {
        const e = new Ema(21);
        let v = 0;
        for (let i = 0; i < N; i += 1) v = e.update(closes[i]);
        return v;
      },
      batch: () => EMA.calculate({ period: 21, values: closes }).at(-1),
      stream: () => {
        const e = new EMA({ period: 21, values: [] });
        let v;
        for (let i = 0; i < N; i += 1) v = e.nextValue(closes[i]);
        return v;
      },
      naive: (i) => EMA.calculate({ period: 21, values: closes.slice(i - NAIVE_WINDOW, i) }).at(-1),
    },
    {
      name: 'RSI(14)',
      ours: () => {
        const r = new Rsi(14);
        let v = 0;
        for (let i = 0; i < N; i += 1) v = r.update(closes[i]);
        return v;
      },
      batch: () => RSI.calculate({ period: 14, values: closes }).at(-1),
      stream: () => {
        const r = new RSI({ period: 14, values: [] });
        let v;
        for (let i = 0; i < N; i += 1) v = r.nextValue(closes[i]);
        return v;
      },
      naive: (i) => RSI.calculate({ period: 14, values: closes.slice(i - NAIVE_WINDOW, i) }).at(-1),
    },
    {
      name: 'MACD(12,26,9)',
      ours: () => {
        const m = new Macd(12, 26, 9);
        let v = 0;
        for (let i = 0; i < N; i += 1) v = m.update(closes[i]);
        return v;
      },
      batch: () => MACD.calculate({ ...MACD_IN, values: closes }).at(-1).histogram,
      stream: () => {
        const m = new MACD({ ...MACD_IN, values: [] });
        let v;
        for (let i = 0; i < N; i += 1) v = m.nextValue(closes[i]);
        return v?.histogram;
      },
      naive: (i) => MACD.calculate({ ...MACD_IN, values: closes.slice(i - NAIVE_WINDOW, i) }).at(-1),
    },
    {
      name: 'Bollinger %B(20,2)',
      ours: () => {
        const b = new Bollinger(20, 2);
        let v = 0;
        for (let i = 0; i < N; i += 1) v = b.update(closes[i]);
        return v;
      },
      batch: () => BollingerBands.calculate({ period: 20, stdDev: 2, values: closes }).at(-1).pb,
      stream: () => {
        const b = new BollingerBands({ period: 20, stdDev: 2, values: [] });
        let v;
        for (let i = 0; i < N; i += 1) v = b.nextValue(closes[i]);
        return v?.pb;
      },
      naive: (i) => BollingerBands.calculate({ period: 20, stdDev: 2, values: closes.slice(i - NAIVE_WINDOW, i) }).at(-1),
    },
    {
      name: 'ATR(14)',
      ours: () => {
        const a = new Atr(14);
        let v = 0;
        for (let i = 0; i < N; i += 1) v = a.update(highs[i], lows[i], closes[i]);
        return v;
      },
      batch: () => ATR.calculate({ period: 14, high: highs, low: lows, close: closes }).at(-1),
      stream: () => {
        const a = new ATR({ period: 14, high: [], low: [], close: [] });
        let v;
        for (let i = 0; i < N; i += 1) v = a.nextValue({ high: highs[i], low: lows[i], close: closes[i] });
        return v;
      },
      naive: (i) =>
        ATR.calculate({
          period: 14,
          high: highs.slice(i - NAIVE_WINDOW, i),
          low: lows.slice(i - NAIVE_WINDOW, i),
          close: closes.slice(i - NAIVE_WINDOW, i),
        }).at(-1),
    },
  ];
}

const timed = (fn) => {
  fn(); // warm-up
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
};

export function benchCompare() {
  const [s] = makeSeries(1, N, 9);
  console.log(
    `\nbench ml (compare): ${N.toLocaleString()} bars, ours vs technicalindicators 3.1 (updates per second; higher is better), on ${JSON.stringify(machine())}`,
  );
  console.log(
    `  indicator            ours (stream)    theirs batch   theirs stream   theirs per-bar recompute (${NAIVE_WINDOW}-bar window)   agree`,
  );
  const rows = [];
  for (const ind of indicators(s.columns)) {
    const ours = timed(ind.ours);
    const batch = timed(ind.batch);
    const stream = timed(ind.stream);
    const t0 = performance.now();
    for (let i = NAIVE_WINDOW; i < NAIVE_WINDOW + NAIVE_BARS; i += 1) ind.naive(i);
    const naiveMs = performance.now() - t0;
    const rate = (ms, n = N) => (n / ms) * 1000;
    const tol = ind.name.startsWith('RSI') ? 0.005 : 1e-6 * Math.max(1, Math.abs(ours.value));
    const agree = Math.abs(ours.value - batch.value) <= tol && Math.abs(ours.value - stream.value) <= tol;
    const r = {
      name: ind.name,
      ours: rate(ours.ms),
      batch: rate(batch.ms),
      stream: rate(stream.ms),
      naive: rate(naiveMs, NAIVE_BARS),
      agree,
    };
    rows.push(r);
    console.log(
      `  ${r.name.padEnd(20)} ${fmt(r.ours, 0).padStart(13)}   ${fmt(r.batch, 0).padStart(13)}   ${fmt(r.stream, 0).padStart(13)}   ${fmt(r.naive, 0).padStart(13)}${' '.repeat(30)}${agree ? 'yes' : 'NO'}`,
    );
  }
  return { rows, targets: { valuesAgree: rows.every((r) => r.agree) } };
}
