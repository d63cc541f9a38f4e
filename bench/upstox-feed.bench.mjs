// `npm run bench -- upstox-feed` (issue 15): Upstox market feed v3 frames (protobuf `FeedResponse`)
// decoded by libs/brokers/src/upstox/upstox-market-feed.ts on one core. Frames are built with the
// decoder's own schema the way the v3 feed sends them in `full` mode (five depth levels, day and
// one-minute OHLC per instrument), 50 instruments a frame, then decoded in a tight loop through
// `UpstoxFeedDecoder` (normalised ticks: prices to ticks, depth, OHLC). Reports ticks/s and frames/s.
// Needs the build (`npx tsc -b tsconfig.build.json`). Prints a table and one JSON line. Not part of `npm test`.
import { UpstoxFeedDecoder, upstoxFeedResponseType } from '@tradeloop/brokers';
import { fmt, machine } from './lib/bench-kit.mjs';

const SECONDS = Number(process.env.BENCH_DECODE_SECONDS ?? 3);
const PER_FRAME = Number(process.env.BENCH_UPSTOX_PER_FRAME ?? 50);
const FRAMES = 200;

function frame(seq) {
  const feeds = {};
  for (let i = 0; i < PER_FRAME; i += 1) {
    const ltp = 1000 + ((seq * 7 + i * 13) % 500) / 20;
    const levels = Array.from({ length: 5 }, (_, l) => ({
      bidQ: 100 + l,
      bidP: ltp - 0.05 * (l + 1),
      askQ: 90 + l,
      askP: ltp + 0.05 * (l + 1),
    }));
    feeds[`NSE_EQ|INE${String(100000 + i).padStart(6, '0')}A01010`] = {
      requestMode: 'full_d5',
      fullFeed: {
        marketFF: {
          ltpc: { ltp, ltt: 1765000000000 + seq, ltq: 5, cp: 990.5 },
          marketLevel: { bidAskQuote: levels },
          marketOHLC: {
            ohlc: [
              { interval: '1d', open: 995, high: 1030.25, low: 990.1, close: ltp, vol: 1234567, ts: 1764979200000 },
              { interval: 'I1', open: ltp, high: ltp + 0.5, low: ltp - 0.5, close: ltp, vol: 1500, ts: 1764999960000 },
            ],
          },
          atp: 1001.33,
          vtt: 1234567 + seq,
          oi: 0,
          tbq: 55000,
          tsq: 61000,
        },
      },
    };
  }
  const type = upstoxFeedResponseType();
  return type.encode(type.fromObject({ type: 'live_feed', currentTs: 1765000000000 + seq, feeds })).finish();
}

const frames = Array.from({ length: FRAMES }, (_, s) => frame(s));
const bytes = frames.reduce((n, f) => n + f.length, 0);
const decoder = new UpstoxFeedDecoder();
let sink = 0;
// Warm-up.
for (let i = 0; i < 2_000; i += 1) sink += decoder.decode(frames[i % FRAMES])?.ticks.length ?? 0;
const before = decoder.stats;
const started = performance.now();
let n = 0;
while (performance.now() - started < SECONDS * 1000) {
  for (let i = 0; i < FRAMES; i += 1) {
    const m = decoder.decode(frames[i]);
    sink += m ? m.ticks[0].ltp : 0;
  }
  n += FRAMES;
}
const elapsedS = (performance.now() - started) / 1000;
const ticks = decoder.stats.ticks - before.ticks;
const result = {
  bench: 'upstox-feed',
  machine: machine(),
  instrumentsPerFrame: PER_FRAME,
  averageFrameBytes: Math.round(bytes / FRAMES),
  frames: n,
  framesPerSecond: Math.round(n / elapsedS),
  ticksPerSecond: Math.round(ticks / elapsedS),
  malformed: decoder.stats.malformed,
  sink: sink > 0,
};
console.log(`Upstox v3 feed decode (${PER_FRAME} full-mode instruments a frame, ${result.averageFrameBytes} bytes):`);
console.log(`  ${fmt(result.framesPerSecond)} frames/s, ${fmt(result.ticksPerSecond)} ticks/s on one core`);
console.log(JSON.stringify(result));
