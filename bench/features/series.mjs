// Deterministic OHLCV walks for the feature benchmarks (typed arrays: no generation in the timed loops).

/** `symbols` × `bars` 5m bars, NSE-session spaced (75 bars a day), as one set of columns per symbol. */
export function makeSeries(symbols, bars, seed = 7) {
  let s = seed >>> 0;
  const rand = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const first = Date.UTC(2025, 0, 6, 3, 45); // a Monday, 09:15 IST
  const out = [];
  for (let k = 0; k < symbols; k += 1) {
    const ts = new Float64Array(bars);
    const open = new Float64Array(bars);
    const high = new Float64Array(bars);
    const low = new Float64Array(bars);
    const close = new Float64Array(bars);
    const volume = new Float64Array(bars);
    let c = 1_000_000 + Math.floor(rand() * 50_000_000);
    for (let i = 0; i < bars; i += 1) {
      const day = Math.floor(i / 75);
      ts[i] = first + (Math.floor(day / 5) * 7 + (day % 5)) * 86_400_000 + (i % 75) * 300_000;
      const o = c;
      c = Math.max(100, Math.round(o * (1 + (rand() - 0.5) * 0.006)));
      open[i] = o;
      close[i] = c;
      high[i] = Math.max(o, c) + Math.round(rand() * o * 0.001);
      low[i] = Math.max(1, Math.min(o, c) - Math.round(rand() * o * 0.001));
      volume[i] = 100 + Math.floor(rand() * 10_000);
    }
    out.push({ symbol: `SYM${String(k).padStart(3, '0')}`, columns: { ts, open, high, low, close, volume, length: bars } });
  }
  return out;
}

export const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
