// The Upstox row of `npm run bench -- brokers --part ticks` (issue 15): Upstox market feed v3
// frames (protobuf `FeedResponse`, full mode: five depth levels and day OHLC per instrument,
// 50 instruments a frame, built with the decoder's own schema) read the way UpstoxFeedSource reads
// them — the entry count from the top-level tags (the shed check), then decodeUpstoxFeedFrame —
// on one core. Target ≥ 200,000 ticks/s per core. bench/upstox-feed.bench.mjs measures the
// decoder alone in more detail.
import { countUpstoxFeedEntries, decodeUpstoxFeedFrame, upstoxFeedResponseType } from '@tradeloop/brokers';
import { fmt } from './lib/bench-kit.mjs';

const SECONDS = Number(process.env.BENCH_DECODE_SECONDS ?? 2);
const PER_FRAME = 50;
const FRAMES = 200;
const TARGET = 200_000;

function frame(seq) {
  const feeds = {};
  for (let i = 0; i < PER_FRAME; i += 1) {
    const ltp = 1000 + ((seq * 7 + i * 13) % 500) / 20;
    feeds[`NSE_EQ|INE${String(100000 + i).padStart(6, '0')}A01010`] = {
      requestMode: 'full_d5',
      fullFeed: {
        marketFF: {
          ltpc: { ltp, ltt: 1765000000000 + seq, ltq: 5, cp: 990.5 },
          marketLevel: {
            bidAskQuote: Array.from({ length: 5 }, (_, l) => ({
              bidQ: 100 + l,
              bidP: ltp - 0.05 * (l + 1),
              askQ: 90 + l,
              askP: ltp + 0.05 * (l + 1),
            })),
          },
          marketOHLC: { ohlc: [{ interval: '1d', open: 995, high: 1030.25, low: 990.1, close: ltp, vol: 1234567, ts: 1764979200000 }] },
          atp: 1001.33,
          vtt: 1234567 + seq,
        },
      },
    };
  }
  const type = upstoxFeedResponseType();
  return type.encode(type.fromObject({ type: 'live_feed', currentTs: 1765000000000 + seq, feeds })).finish();
}

export function benchUpstoxTicks() {
  const frames = Array.from({ length: FRAMES }, (_, s) => frame(s));
  let sink = 0;
  const readOne = (f) => {
    if (countUpstoxFeedEntries(f) < 0) return 0;
    const r = decodeUpstoxFeedFrame(f);
    if (!r.ok) return 0;
    sink += r.message.ticks[0].ltp + r.message.ticks[0].bids.length;
    return r.message.ticks.length;
  };
  for (let i = 0; i < 1_000; i += 1) readOne(frames[i % FRAMES]); // warm-up
  let ticks = 0;
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < SECONDS * 1000) for (let k = 0; k < 100; k += 1) ticks += readOne(frames[n++ % FRAMES]);
  const seconds = (performance.now() - started) / 1000;
  const result = {
    instrumentsPerFrame: PER_FRAME,
    ticksPerSecond: Math.round(ticks / seconds),
    framesPerSecond: Math.round(n / seconds),
    sink: sink > 0,
  };
  console.log(`decode, Upstox v3 protobuf (count + decode)   ${fmt(result.ticksPerSecond, 0).padStart(12)} ticks/s per core`);
  return { result, targets: { upstoxDecodeAtLeast200kTicksPerSecond: result.ticksPerSecond >= TARGET } };
}
