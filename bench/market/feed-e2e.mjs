// Market-data benchmark, part "feed": the real worker runs the simulated feed at 10,000 ticks/s
// over 500 instruments for 60 s; the real API fans out to 20 Socket.IO clients subscribed to 25
// symbols each. Measured at the clients: tick latency (receive time − the tick's generation
// time), updates per stream per second (coalescing ≤ ~10/s), seq gaps. Measured in the
// processes: ticks generated vs dropped, event-loop lag, candle-write backlog.
// Targets: no process falls behind; client-observed tick latency p99 <= 50 ms.
import { fmt, machine } from '../lib/bench-kit.mjs';
import { makeTokens } from './stack.mjs';
import { latencySummary, openTickClients, pickSymbols } from './tick-clients.mjs';

const RATE = Number(process.env.BENCH_FEED_RATE ?? 10_000);
const SECONDS = Number(process.env.BENCH_FEED_SECONDS ?? 60);
const CLIENTS = 20;
const PER_CLIENT = 25;
const WARMUP_MS = 5_000;

export async function benchFeed(stack) {
  const api = await stack.startApi();
  const tokens = await makeTokens(api.base, CLIENTS);
  const worker = await stack.startWorker({
    MARKET_FEED: 'simulated',
    MARKET_FEED_TICKS_PER_SECOND: String(RATE),
    MARKET_FEED_HOURS: 'always',
  });
  const perStreamSecond = new Map(); // `${client}|${symbol}|${second}` → count
  const { sockets, stats } = await openTickClients(
    api.base,
    tokens,
    (c) => pickSymbols(stack.universe, 1000 + c, PER_CLIENT),
    (c, t, now) => {
      const key = `${c}|${t.symbol}|${Math.floor(now / 1000)}`;
      perStreamSecond.set(key, (perStreamSecond.get(key) ?? 0) + 1);
    },
  );
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const [w0, a0] = await Promise.all([worker.metrics(), api.metrics()]);
  stats.measuring = true;
  const t0 = Date.now();
  let maxBacklog = 0;
  const lagW = [];
  const lagA = [];
  while (Date.now() - t0 < SECONDS * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    const [w, a] = await Promise.all([worker.metrics(), api.metrics()]);
    maxBacklog = Math.max(maxBacklog, w.market_feed_persist_backlog ?? 0);
    lagW.push(w.nodejs_eventloop_lag_p99_seconds * 1000);
    lagA.push(a.nodejs_eventloop_lag_p99_seconds * 1000);
  }
  stats.measuring = false;
  const elapsed = (Date.now() - t0) / 1000;
  const [w1, a1] = await Promise.all([worker.metrics(), api.metrics()]);
  sockets.forEach((s) => s.close());
  await worker.proc.stop();
  await api.proc.stop();

  const generated = (w1.market_feed_ticks_total - w0.market_feed_ticks_total) / elapsed;
  const dropped = w1.market_feed_source_dropped_ticks ?? 0;
  const written = (w1.market_feed_candles_written_total - w0.market_feed_candles_written_total) / elapsed;
  const publishFailures = Object.entries(w1)
    .filter(([k]) => k.startsWith('market_feed_publish_failures_total'))
    .reduce((s, [, v]) => s + v, 0);
  const delivered =
    (a1['market_updates_delivered_total{channel="ticks"}'] - (a0['market_updates_delivered_total{channel="ticks"}'] ?? 0)) / elapsed;
  const lat = latencySummary(stats.latencies);
  const { events, gaps } = stats;
  const maxPerStreamSecond = Math.max(0, ...perStreamSecond.values());
  const streamSeconds = perStreamSecond.size;
  const meanPerStreamSecond = events / Math.max(1, streamSeconds);
  const maxLag = { worker: Math.max(...lagW), api: Math.max(...lagA) };

  console.log(
    `\nbench market (feed): ${RATE.toLocaleString()} ticks/s over ${stack.universe.length} instruments for ${SECONDS} s; ${CLIENTS} clients × ${PER_CLIENT} symbols; on ${JSON.stringify(machine())}`,
  );
  console.log(
    `  feed (worker)   generated ${fmt(generated, 0)} ticks/s, dropped ${dropped}, publish failures ${publishFailures}, candles written ${fmt(written, 0)}/s (max backlog ${maxBacklog}), event-loop lag p99 max ${fmt(maxLag.worker)} ms`,
  );
  console.log(`  fan-out (API)   delivered ${fmt(delivered, 0)} tick events/s, event-loop lag p99 max ${fmt(maxLag.api)} ms`);
  console.log(
    `  clients         ${events.toLocaleString()} live ticks; latency p50 ${lat.p50} ms, p95 ${lat.p95} ms, p99 ${lat.p99} ms, max ${lat.max} ms; max ${maxPerStreamSecond} updates in any clock second of one stream (mean ${fmt(meanPerStreamSecond)} over active stream-seconds); seq gaps ${gaps}`,
  );
  const targets = {
    feedKeepsUp: generated >= RATE * 0.98 && dropped === 0,
    noProcessBehind: maxLag.worker < 100 && maxLag.api < 100 && maxBacklog < 20_000,
    latencyP99AtMost50ms: lat.p99 <= 50,
    coalescedToAbout10PerSecond: maxPerStreamSecond <= 13, // 10/s plus a burst of 3
    noSeqGaps: gaps === 0,
  };
  console.log(
    JSON.stringify({
      bench: 'market',
      part: 'feed',
      machine: machine(),
      rate: RATE,
      seconds: SECONDS,
      instruments: stack.universe.length,
      clients: CLIENTS,
      perClient: PER_CLIENT,
      generated,
      dropped,
      publishFailures,
      candlesWrittenPerSecond: written,
      maxBacklog,
      maxLag,
      delivered,
      latency: lat,
      events,
      maxPerStreamSecond,
      gaps,
      targets,
    }),
  );
  return { targets };
}
