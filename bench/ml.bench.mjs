// `npm run bench -- ml [--part live|dataset|compare|db|inference|signals]` — the benchmarks of issue 6:
//   live:    FeatureEngine update for 500 symbols on a bar close (target p99 <= 2 ms)
//   dataset: candles in memory → features, labels, merge, Arrow file (target >= 1M rows/s)
//   compare: our streaming indicators vs the technicalindicators package on the same series
//   db:      the same build reading a year of stored 5m history from Postgres (figures only)
//   inference: the demo model, one symbol and a batch of 500 (targets p99 <= 1 ms / <= 5 ms), batched vs one-by-one
//   signals: bar close → 500 signals stored and pushed (target p99 <= 20 ms), batched vs one-by-one
import { benchCompare } from './features/compare.mjs';
import { benchDataset } from './features/dataset.mjs';
import { benchDb } from './features/db.mjs';
import { benchLive } from './features/live.mjs';
import { benchInference } from './features/inference.mjs';
import { benchSignals } from './features/signals.mjs';
import { machine } from './lib/bench-kit.mjs';

const i = process.argv.indexOf('--part');
const part = i > 0 ? process.argv[i + 1] : 'all';
const parts = {
  live: benchLive,
  dataset: benchDataset,
  compare: benchCompare,
  db: benchDb,
  inference: benchInference,
  signals: benchSignals,
};
if (part !== 'all' && !(part in parts)) {
  console.error('usage: npm run bench -- ml [--part live|dataset|compare|db|inference|signals]');
  process.exit(2);
}
const results = {};
for (const [name, run] of Object.entries(parts)) if (part === 'all' || part === name) results[name] = await run();
const targets = Object.fromEntries(Object.values(results).flatMap((r) => Object.entries(r.targets)));
console.log(`\nml targets: ${Object.values(targets).filter(Boolean).length}/${Object.keys(targets).length} met ${JSON.stringify(targets)}`);
console.log(JSON.stringify({ bench: 'ml', machine: machine(), results, allTargetsMet: Object.values(targets).every(Boolean) }));
