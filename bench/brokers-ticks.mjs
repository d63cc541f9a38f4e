// Brokers benchmark, part "ticks" (issue 14): Kite's binary ticker frames decoded by
// libs/brokers/src/kite/kite-ticks.ts. Two measurements:
//   feed:   the fake Kite's ticker sends 10,000 full-mode ticks/s (500 instruments, a frame every
//           10 ms) over a loopback WebSocket; the client decodes every frame as it arrives. We
//           report the rate received and the time spent decoding.
//   decode: the frames captured from that feed decoded in a tight loop on one core, through the
//           reusable view (`readKiteTickFrame`) and as fresh objects (`decodeKiteTickFrame`).
// Target: >= 200,000 ticks/s per core decoded (both paths). Run alone with
// `node bench/brokers-ticks.mjs` (after `npx tsc -b tsconfig.build.json`), or through the
// `brokers` bench, which calls `benchDecodeTicks()`.
import WebSocket from 'ws';
import { decodeKiteTickFrame, KiteTickView, readKiteTickFrame } from '@tradeloop/brokers';
import { fmt, machine } from './lib/bench-kit.mjs';
import { loadKiteFake } from './lib/load-kite-fake.mjs';

const FEED_TICKS_PER_SECOND = Number(process.env.BENCH_FEED_TICKS ?? 10_000);
const FEED_SECONDS = Number(process.env.BENCH_FEED_SECONDS ?? 5);
const DECODE_SECONDS = Number(process.env.BENCH_DECODE_SECONDS ?? 2);
const INSTRUMENTS = 500;
const TARGET = 200_000;

async function runFeed(FakeKite) {
  const kite = new FakeKite({ heartbeatMs: 1000 });
  const { wsUrl } = await kite.start();
  const token = kite.createSession();
  const ws = new WebSocket(`${wsUrl}?api_key=${kite.apiKey}&access_token=${token}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  // Synthetic NSE tokens (segment 1): exchange tokens 100001… in full mode.
  const tokens = Array.from({ length: INSTRUMENTS }, (_, i) => (100_001 + i) * 256 + 1);
  const subscribed = kite.waitFor('ticker', (e) => e.kind === 'message' && e.action === 'mode');
  ws.send(JSON.stringify({ a: 'mode', v: ['full', tokens] }));
  await subscribed;

  const view = new KiteTickView();
  let sink = 0;
  const onTick = (t) => {
    sink += t.lastPrice + t.depthPrice[5];
  };
  const captured = [];
  let ticks = 0;
  let frames = 0;
  let heartbeats = 0;
  let errors = 0;
  let decodeMs = 0;
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return;
    const started = performance.now();
    const r = readKiteTickFrame(data, onTick, view);
    decodeMs += performance.now() - started;
    if (!r.ok) errors += 1;
    else if (r.heartbeat) heartbeats += 1;
    else {
      ticks += r.ticks;
      frames += 1;
      if (captured.length < 400) captured.push(Buffer.from(data));
    }
  });
  const startedAt = performance.now();
  const feed = kite.feedTicks({ ticksPerSecond: FEED_TICKS_PER_SECOND, intervalMs: 10 });
  await new Promise((r) => setTimeout(r, FEED_SECONDS * 1000));
  const sent = feed.stop();
  // Let the frames in flight arrive (loopback: well under a second).
  const deadline = performance.now() + 2000;
  while (ticks < sent && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const seconds = (performance.now() - startedAt) / 1000;
  ws.close();
  await kite.stop();
  return {
    sent,
    received: ticks,
    frames,
    heartbeats,
    errors,
    receivedPerSecond: ticks / FEED_SECONDS,
    decodeMs,
    decodeShareOfWallClock: decodeMs / 1000 / seconds,
    decodeTicksPerSecond: ticks / (decodeMs / 1000),
    captured,
    sink,
  };
}

function decodeLoop(frames, decodeOne) {
  // warm-up
  for (let i = 0; i < 2000; i += 1) decodeOne(frames[i % frames.length]);
  let ticks = 0;
  let n = 0;
  const started = performance.now();
  const until = started + DECODE_SECONDS * 1000;
  while (performance.now() < until) {
    for (let k = 0; k < 100; k += 1) ticks += decodeOne(frames[n++ % frames.length]);
  }
  const seconds = (performance.now() - started) / 1000;
  return { ticksPerSecond: ticks / seconds, ticks, seconds };
}

export async function benchDecodeTicks() {
  console.log(
    `bench brokers (ticks): fake Kite ticker ${FEED_TICKS_PER_SECOND.toLocaleString()} full ticks/s × ${FEED_SECONDS} s, ${INSTRUMENTS} instruments, on ${JSON.stringify(machine())}`,
  );
  const { FakeKite } = await loadKiteFake();
  const feed = await runFeed(FakeKite);
  console.log(
    `feed: ${feed.received.toLocaleString()} of ${feed.sent.toLocaleString()} ticks received (${fmt(feed.receivedPerSecond, 0)}/s) in ${feed.frames.toLocaleString()} frames, ${feed.heartbeats} heartbeats, ${feed.errors} bad frames; decoding took ${fmt(feed.decodeMs, 1)} ms (${fmt(feed.decodeShareOfWallClock * 100, 2)}% of one core) = ${fmt(feed.decodeTicksPerSecond, 0)} ticks/s while receiving`,
  );
  if (feed.captured.length === 0) throw new Error('the feed delivered no frames');
  const view = new KiteTickView();
  let sink = 0;
  const onTick = (t) => {
    sink += t.lastPrice;
  };
  const viaView = decodeLoop(feed.captured, (f) => readKiteTickFrame(f, onTick, view).ticks);
  const viaObjects = decodeLoop(feed.captured, (f) => {
    const r = decodeKiteTickFrame(f);
    sink += r.ticks[0].lastPrice;
    return r.ticks.length;
  });
  console.log(`decode, reusable view (readKiteTickFrame)    ${fmt(viaView.ticksPerSecond, 0).padStart(12)} ticks/s per core`);
  console.log(`decode, fresh objects (decodeKiteTickFrame)  ${fmt(viaObjects.ticksPerSecond, 0).padStart(12)} ticks/s per core`);
  const targets = {
    feedAt10kTicksPerSecond: feed.errors === 0 && feed.receivedPerSecond >= FEED_TICKS_PER_SECOND * 0.95,
    decodeViewAtLeast200kTicksPerSecond: viaView.ticksPerSecond >= TARGET,
    decodeObjectsAtLeast200kTicksPerSecond: viaObjects.ticksPerSecond >= TARGET,
  };
  const { captured: _captured, sink: _sink, ...feedFigures } = feed;
  console.log(
    JSON.stringify({
      bench: 'brokers',
      part: 'ticks',
      machine: machine(),
      feed: feedFigures,
      decode: { view: viaView, objects: viaObjects },
      targets,
      allTargetsMet: Object.values(targets).every(Boolean),
      sink: sink === 0 ? 0 : 1,
    }),
  );
  return { feed: feedFigures, decode: { view: viaView, objects: viaObjects }, targets };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { targets } = await benchDecodeTicks();
  process.exit(Object.values(targets).every(Boolean) ? 0 : 1);
}
