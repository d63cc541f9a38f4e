// Feature benchmark, part "live": the FeatureEngine as the live loop uses it — on each bar close,
// one update per symbol for 500 symbols — timed per bar close. Target: <= 2 ms per close.
import { FeatureEngine, FEATURE_SET_V1 } from '@tradeloop/domain';
import { fmt, machine } from '../lib/bench-kit.mjs';
import { makeSeries, percentile } from './series.mjs';

const SYMBOLS = 500;
const PRIME = 200; // history fed before timing (past the 100-bar warm-up)
const CLOSES = Number(process.env.BENCH_CLOSES ?? 2_000);

export function benchLive() {
  const series = makeSeries(SYMBOLS, PRIME + CLOSES, 11);
  const engine = new FeatureEngine();
  const out = new Float64Array(FEATURE_SET_V1.features.length);
  // One reusable bar object per symbol, filled before the timed loop (the feed hands us objects).
  const bars = series.map(() => ({ ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 }));
  const fill = (i) => {
    for (let k = 0; k < SYMBOLS; k += 1) {
      const c = series[k].columns;
      const b = bars[k];
      b.ts = c.ts[i];
      b.open = c.open[i];
      b.high = c.high[i];
      b.low = c.low[i];
      b.close = c.close[i];
      b.volume = c.volume[i];
    }
  };
  for (let i = 0; i < PRIME; i += 1) {
    fill(i);
    for (let k = 0; k < SYMBOLS; k += 1) engine.update(series[k].symbol, bars[k], out);
  }
  const ms = [];
  let rows = 0;
  for (let i = PRIME; i < PRIME + CLOSES; i += 1) {
    fill(i);
    const t0 = performance.now();
    for (let k = 0; k < SYMBOLS; k += 1) if (engine.update(series[k].symbol, bars[k], out)) rows += 1;
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const r = { p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms.at(-1), mean: ms.reduce((a, b) => a + b, 0) / ms.length, rows };
  console.log(
    `\nbench ml (live): FeatureEngine, ${SYMBOLS} symbols per bar close, ${CLOSES.toLocaleString()} closes after ${PRIME} bars of priming, on ${JSON.stringify(machine())}`,
  );
  console.log(
    `  per bar close   p50 ${fmt(r.p50, 3)} ms   p99 ${fmt(r.p99, 3)} ms   max ${fmt(r.max, 3)} ms   mean ${fmt(r.mean, 3)} ms (${fmt((r.mean * 1000) / SYMBOLS, 2)} µs per symbol)`,
  );
  return { ...r, targets: { liveP99AtMost2ms: r.p99 <= 2 } };
}
