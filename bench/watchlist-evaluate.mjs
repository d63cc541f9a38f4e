// The exit engine's evaluation on its own (issue 16: "risk exits evaluated for 5,000 open legs at
// 10,000 ticks/s with the evaluation p99 ≤ 1 ms per tick batch"), beside the seed's design — a
// poller that looks at every leg once a second against the latest quotes.
//
// The ExitEvaluator (libs/watchlist-trading) is the worker engine's own index and evaluation, free
// of I/O; the worker calls `evaluate` once per tick batch the feed publishes. The simulated feed
// wakes every 10 ms, so 10,000 ticks/s arrive as batches of 100 ticks. Legs: 5,000 over the 500
// most-ticked symbols (10 per symbol), long and short, TP / SL / trailing on, levels far enough that
// a random walk rarely breaches (breached legs are re-added, as a new opening would be). Prices: a
// seeded random walk per symbol, 0.05 a step. Both sides see the same tick stream.
//
// Figures: the evaluation's own time per batch (p50 / p99 / max), and the breach detection delay —
// from the tick that breached to the moment the engine knew — for the event-driven engine (the
// batch is evaluated as it arrives: the delay is the evaluation) and for a 1 s poller (the delay
// is the wait for the next poll, plus the poll's own pass over all legs).
import { ExitEvaluator } from '@tradeloop/watchlist-trading';
import { exitPlan, exitSettingsOf, stepExit, UNARMED } from '@tradeloop/domain';

const LEGS = Number(process.env.BENCH_EXIT_LEGS ?? 5_000);
const SYMBOLS = Number(process.env.BENCH_EXIT_SYMBOLS ?? 500);
const TPS = Number(process.env.BENCH_EXIT_TPS ?? 10_000);
const SECONDS = Number(process.env.BENCH_EXIT_SECONDS ?? 20);
const STEP_MS = 10;
const POLL_MS = 1_000;

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const summary = (xs) => {
  const s = Float64Array.from(xs).sort();
  return { n: s.length, p50: pct(s, 50), p99: pct(s, 99), max: s[s.length - 1] };
};

let seed = 20261206;
const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const symbols = Array.from({ length: SYMBOLS }, (_, i) => `SYM${String(i).padStart(4, '0')}`);
const price = new Map(symbols.map((s) => [s, 1_000_0000 + Math.floor(rand() * 200) * 500]));
const settings = {
  tpPerUnit: { value: '1.5', source: 'index' },
  slPerUnit: { value: '1', source: 'index' },
  tslEnabled: { value: true, source: 'index' },
  tslArmAfter: { value: '0.5', source: 'index' },
  tslTrailBy: { value: '0.75', source: 'index' },
  tslStep: { value: '0.25', source: 'index' },
};
let generation = 0;
const legFor = (k) => {
  const symbol = symbols[k % SYMBOLS];
  const long = k % 2 === 0;
  return {
    legId: `leg-${k}`,
    userId: 'bench',
    symbol,
    generation: (generation += 1),
    settings,
    netQuantity: long ? 65 : -65,
    averageEntry: price.get(symbol),
    trailing: UNARMED,
  };
};

/** One run: the tick stream of SECONDS, batch by batch, through `onBatch(ticks, at)`; breach detection delays collected by the callee. */
function stream(onBatch) {
  seed = 777;
  for (const s of symbols) price.set(s, 1_000_0000);
  const batches = Math.round((SECONDS * 1_000) / STEP_MS);
  const perBatch = Math.round((TPS * STEP_MS) / 1_000);
  for (let b = 0; b < batches; b += 1) {
    const at = b * STEP_MS;
    const ticks = new Array(perBatch);
    for (let i = 0; i < perBatch; i += 1) {
      const symbol = symbols[Math.floor(rand() * SYMBOLS)];
      const next = Math.max(500, price.get(symbol) + (rand() < 0.5 ? -500 : 500));
      price.set(symbol, next);
      ticks[i] = { symbol, ltp: next, at: at + (i * STEP_MS) / perBatch };
    }
    onBatch(ticks, at + STEP_MS);
  }
}

/** The engine: every batch evaluated when it arrives; the delay of a breach is the evaluation's time. */
function eventDriven() {
  const ev = new ExitEvaluator();
  for (let k = 0; k < LEGS; k += 1) ev.upsert(legFor(k));
  const evalMs = [];
  const delays = [];
  let breaches = 0;
  let reopened = 0;
  // Warm the JIT on a copy of the stream's shape first.
  stream((ticks) => ev.evaluate(ticks));
  ev.clear();
  for (let k = 0; k < LEGS; k += 1) ev.upsert(legFor(k));
  stream((ticks) => {
    const t0 = performance.now();
    const r = ev.evaluate(ticks);
    const ms = performance.now() - t0;
    evalMs.push(ms);
    for (const { leg } of r.breaches) {
      breaches += 1;
      delays.push(ms);
      // A new opening of the leg, as the trader would click again: the engine watches it afresh.
      ev.upsert({ ...legFor(Number(leg.legId.slice(4))), averageEntry: price.get(leg.symbol) });
      reopened += 1;
    }
  });
  return { evalMs: summary(evalMs), delayMs: summary(delays), breaches, reopened, watched: ev.size };
}

/**
 * The seed's design: every second, a pass over every leg against the latest price of its symbol.
 * A shadow of each leg steps through every tick (not timed) to know when its breach truly
 * happened: the poller's delay is from then to the poll that saw it. A breach the price took back
 * before the poll is not seen at that poll at all ("missed": the leg rides on past its level).
 */
function polled() {
  const planOf = (l) => exitPlan(exitSettingsOf(l.settings), l.averageEntry, l.netQuantity > 0 ? 'LONG' : 'SHORT');
  const fresh = () => ({ trailing: UNARMED, breach: null });
  const legs = [];
  const bySymbol = new Map();
  const open = (leg, l) => {
    leg.l = l;
    leg.plan = planOf(l);
    leg.state = fresh();
    leg.shadow = fresh();
    leg.breachAt = null;
  };
  for (let k = 0; k < LEGS; k += 1) {
    const leg = {};
    open(leg, legFor(k));
    legs.push(leg);
    if (!bySymbol.has(leg.l.symbol)) bySymbol.set(leg.l.symbol, []);
    bySymbol.get(leg.l.symbol).push(leg);
  }
  const latest = new Map();
  const pollMs = [];
  const delays = [];
  let nextPoll = POLL_MS;
  let breaches = 0;
  let missed = 0;
  stream((ticks, arrived) => {
    for (const t of ticks) {
      latest.set(t.symbol, t);
      for (const leg of bySymbol.get(t.symbol) ?? []) {
        if (leg.breachAt !== null) continue;
        const step = stepExit(leg.plan, leg.shadow, t.ltp);
        leg.shadow = step.state;
        if (step.breach) leg.breachAt = t.at;
      }
    }
    if (arrived < nextPoll) return;
    const t0 = performance.now();
    const seen = [];
    for (const leg of legs) {
      const t = latest.get(leg.l.symbol);
      if (!t) continue;
      const step = stepExit(leg.plan, leg.state, t.ltp);
      leg.state = step.state;
      if (step.breach) seen.push(leg);
      else if (leg.breachAt !== null) missed += 1;
    }
    const ms = performance.now() - t0;
    pollMs.push(ms);
    for (const leg of seen) {
      breaches += 1;
      delays.push(nextPoll - (leg.breachAt ?? nextPoll) + ms);
      open(leg, { ...legFor(Number(leg.l.legId.slice(4))), averageEntry: latest.get(leg.l.symbol).ltp });
    }
    nextPoll += POLL_MS;
  });
  return { pollMs: summary(pollMs), delayMs: summary(delays), breaches, missedAtAPoll: missed };
}

export function benchExitEvaluation() {
  const engine = eventDriven();
  const poller = polled();
  return {
    legs: LEGS,
    symbols: SYMBOLS,
    ticksPerSecond: TPS,
    batchTicks: Math.round((TPS * STEP_MS) / 1_000),
    seconds: SECONDS,
    engine,
    poller,
  };
}
