// Market-data benchmark, part "aggregator" (issue 4): the candle aggregator alone, on one core,
// over 500 instruments × 5 timeframes, beside a naive implementation that keeps each symbol's
// ticks and re-buckets them on every update. Target: >= 500,000 ticks/s.
import { bucketStart, CandleAggregator, TIMEFRAMES } from '@tradeloop/domain';
import { fmt, machine } from '../lib/bench-kit.mjs';

const INSTRUMENTS = 500;
const TICKS = Number(process.env.BENCH_TICKS ?? 5_000_000);
const NAIVE_TICKS = Number(process.env.BENCH_NAIVE_TICKS ?? 50_000);
const symbols = Array.from({ length: INSTRUMENTS }, (_, i) => `SYM${i}`);

/** A seeded random walk: deterministic input for comparable runs. */
function makeTicks(n) {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const sym = new Uint16Array(n);
  const ts = new Float64Array(n);
  const price = new Float64Array(n);
  const qty = new Uint32Array(n);
  const last = Array.from({ length: INSTRUMENTS }, () => 1_000_000 + Math.floor(rand() * 50_000_000));
  let t = Date.UTC(2026, 10, 23, 3, 45);
  for (let i = 0; i < n; i += 1) {
    const s = Math.floor(rand() * INSTRUMENTS);
    t += Math.floor(rand() * 4); // ~2 ms apart on average: a busy feed spanning hours
    last[s] = Math.max(100, last[s] + Math.round((rand() - 0.5) * 500));
    sym[i] = s;
    ts[i] = t;
    price[i] = last[s];
    qty[i] = 1 + Math.floor(rand() * 100);
  }
  return { sym, ts, price, qty, n };
}

function runAggregator(data) {
  let closed = 0;
  const agg = new CandleAggregator(() => {
    closed += 1;
  });
  const started = performance.now();
  for (let i = 0; i < data.n; i += 1) agg.onTick(symbols[data.sym[i]], data.ts[i], data.price[i], data.qty[i]);
  const seconds = (performance.now() - started) / 1000;
  return { ticksPerSecond: data.n / seconds, seconds, closed };
}

function runNaive(data) {
  const history = new Map();
  const started = performance.now();
  for (let i = 0; i < data.n; i += 1) {
    const s = symbols[data.sym[i]];
    let h = history.get(s);
    if (!h) history.set(s, (h = []));
    h.push({ ts: data.ts[i], price: data.price[i], quantity: data.qty[i] });
    // Re-bucket everything this symbol has seen, for every timeframe, on every tick.
    for (const tf of TIMEFRAMES) {
      const candles = new Map();
      for (const t of h) {
        const b = bucketStart(t.ts, tf);
        const c = candles.get(b);
        if (!c) candles.set(b, { open: t.price, high: t.price, low: t.price, close: t.price, volume: t.quantity });
        else {
          if (t.price > c.high) c.high = t.price;
          if (t.price < c.low) c.low = t.price;
          c.close = t.price;
          c.volume += t.quantity;
        }
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { ticksPerSecond: data.n / seconds, seconds };
}

export async function benchAggregator() {
  console.log(`bench market (aggregator): ${INSTRUMENTS} instruments × ${TIMEFRAMES.length} timeframes, on ${JSON.stringify(machine())}`);
  const data = makeTicks(TICKS);
  runAggregator(makeTicks(200_000)); // warm-up
  const agg = runAggregator(data);
  console.log(
    `incremental aggregator   ${fmt(agg.ticksPerSecond, 0).padStart(12)} ticks/s   (${TICKS.toLocaleString()} ticks in ${fmt(agg.seconds, 2)} s, ${agg.closed.toLocaleString()} candles closed)`,
  );
  const naive = runNaive(makeTicks(NAIVE_TICKS));
  console.log(
    `naive re-bucketing       ${fmt(naive.ticksPerSecond, 0).padStart(12)} ticks/s   (${NAIVE_TICKS.toLocaleString()} ticks in ${fmt(naive.seconds, 2)} s; its cost grows with history)`,
  );
  console.log(`ratio: ${fmt(agg.ticksPerSecond / naive.ticksPerSecond, 0)}×`);
  const targets = { aggregatorAtLeast500kTicksPerSecond: agg.ticksPerSecond >= 500_000 };
  console.log(
    JSON.stringify({
      bench: 'market',
      part: 'aggregator',
      machine: machine(),
      instruments: INSTRUMENTS,
      timeframes: TIMEFRAMES,
      aggregator: agg,
      naive: { ...naive, ticks: NAIVE_TICKS },
      targets,
      allTargetsMet: Object.values(targets).every(Boolean),
    }),
  );
  return { aggregator: agg, naive, targets };
}
