// `npm run bench -- market [--part aggregator|candles|feed]` — the market-data benchmark
// (issue 4), all three parts by default:
//   aggregator: ticks → candles on one core vs naive re-bucketing (target ≥ 500,000 ticks/s)
//   candles:    100,000 1m bars in one request, Arrow vs JSON (target Arrow ≤ 50 ms)
//   feed:       10,000 ticks/s × 500 instruments, 20 clients × 25 symbols (target p99 ≤ 50 ms)
import { benchAggregator } from './market/aggregator.mjs';
import { benchCandles } from './market/candles-query.mjs';
import { benchFeed } from './market/feed-e2e.mjs';
import { createMarketStack } from './market/stack.mjs';

const i = process.argv.indexOf('--part');
const part = i > 0 ? process.argv[i + 1] : 'all';
if (!['all', 'aggregator', 'candles', 'feed'].includes(part)) {
  console.error('usage: npm run bench -- market [--part aggregator|candles|feed]');
  process.exit(2);
}
const results = {};
if (part === 'all' || part === 'aggregator') results.aggregator = (await benchAggregator()).targets;
if (part === 'all' || part === 'candles' || part === 'feed') {
  const stack = await createMarketStack(500);
  try {
    // Candles first, on a quiet machine; then the feed.
    if (part !== 'feed') results.candles = (await benchCandles(stack)).targets;
    if (part !== 'candles') results.feed = (await benchFeed(stack)).targets;
  } finally {
    await stack.close();
  }
}
const all = Object.values(results).flatMap((t) => Object.values(t));
console.log(`\nmarket targets: ${all.filter(Boolean).length}/${all.length} met ${JSON.stringify(results)}`);
