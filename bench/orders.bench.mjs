// `npm run bench -- orders [--part ramp|stress|storm|scaleout|cpu]` — issue 20: this checkout
// beside the commit before the work (ff3614a, or BENCH_BASELINE_REF), both run by this same
// process on this machine, one after the other, each against its own fresh database with its own
// built API, worker and migrations (the baseline from a git worktree, bench/orders/baseline.mjs).
// 20 users place MARKET orders for 1 unit on 8 liquid names, open loop; each is timed from the
// HTTP POST to `order.updated` FILLED on the user's socket; invariants after every phase.
// Parts: ramp (500 ticks/s feed), stress (10,000 ticks/s), storm (2,000 positions squared off by
// the global kill switch), scaleout (2 APIs + 2 workers; this checkout only), cpu (CPU and
// statements per order at a fixed rate). BENCH_SKIP_BASELINE=1 runs this checkout only.
import { fmt, machine } from './lib/bench-kit.mjs';
import { ROOT } from './market/stack.mjs';
import { currentCommit, ensureBaselineTree } from './orders/baseline.mjs';
import * as parts from './orders/parts.mjs';

const PARTS = ['ramp', 'stress', 'storm', 'scaleout', 'cpu'];
const argPart = process.argv.indexOf('--part');
const only = argPart >= 0 ? process.argv[argPart + 1] : null;
if (only && !PARTS.includes(only)) {
  console.error(`usage: npm run bench -- orders [--part ${PARTS.join('|')}]`);
  process.exit(2);
}
const chosen = only ? [only] : PARTS;
const skipBaseline = process.env.BENCH_SKIP_BASELINE === '1';

const head = currentCommit(ROOT);
const commits = [{ label: 'current', sha: head.sha.slice(0, 12) + (head.dirty ? '+dirty' : ''), root: ROOT }];
if (!skipBaseline) {
  const b = ensureBaselineTree(ROOT);
  commits.push({ label: 'baseline', sha: b.sha.slice(0, 12), root: b.dir });
}
const { settings } = parts;
console.log(
  `bench orders: ${commits.map((c) => `${c.label} ${c.sha}`).join(' vs ')}; parts ${chosen.join(', ')}; on ${JSON.stringify(machine())}`,
);
console.log(`  settings ${JSON.stringify(settings)}`);

const line = (r) =>
  `${String(r.rate).padStart(4)}/s → sent ${fmt(r.achieved, 0).padStart(4)}/s  filled ${r.filled}/${r.sent} (${fmt(r.throughput, 0)}/s)  POST p50 ${fmt(r.post.p50)} ms  POST→FILLED p50 ${fmt(r.fill.p50)} p95 ${fmt(r.fill.p95)} p99 ${fmt(r.fill.p99)} max ${fmt(r.fill.max)} ms${r.refusals.length ? `  refusals ${r.refusals.join(', ')}${r.refusalExample ? ` (${r.refusalExample})` : ''}` : ''}${r.invariants ? `  invariants ${r.invariants.ok ? 'ok' : JSON.stringify(r.invariants)}` : ''}${extras(r)}`;

/** Event-loop lag (p99 / max, ms) and mean group-commit batch sizes over the phase, where the commit exposes them. */
const extras = (r) => {
  const lag = (l) => (l ? `${l.p99}/${l.max}` : '—');
  const gc = r.groupCommit && (r.groupCommit.intake || r.groupCommit.engine);
  const lagPart =
    r.eventLoopLag && (r.eventLoopLag.api || r.eventLoopLag.worker)
      ? `  loop lag p99/max api ${lag(r.eventLoopLag.api)} worker ${lag(r.eventLoopLag.worker)} ms`
      : '';
  const gcPart = gc ? `  batch mean intake ${r.groupCommit.intake?.mean ?? '—'} engine ${r.groupCommit.engine?.mean ?? '—'}` : '';
  return lagPart + gcPart;
};

const results = {};
for (const [i, part] of chosen.entries()) {
  results[part] = {};
  // Scale-out is this checkout's feature; the others alternate which commit goes first.
  const order = part === 'scaleout' ? commits.slice(0, 1) : i % 2 === 0 ? commits : [...commits].reverse();
  for (const c of order) {
    console.log(`\n[${part}] ${c.label} ${c.sha}`);
    const log = (r) =>
      console.log(
        `  ${r.rate !== undefined ? line(r) : JSON.stringify(r)}${r.holds === undefined || r.rate === undefined ? '' : r.holds ? '  holds' : '  does not hold'}${r.extra ? ' (extra 100/s phase)' : ''}`,
      );
    try {
      results[part][c.label] = await parts[part](c.root, log);
    } catch (err) {
      console.log(`  failed: ${err.stack ?? err}`);
      results[part][c.label] = { error: String(err.message ?? err) };
    }
  }
}

// Side by side.
const cur = (p) => results[p]?.current;
const base = (p) => results[p]?.baseline;
const pct = (r) => (r?.fill ? `${fmt(r.fill.p50)} / ${fmt(r.fill.p95)} / ${fmt(r.fill.p99)} ms` : r?.error ? `error` : '—');
const rows = [];
if (results.ramp) {
  rows.push([
    `max rate that holds (feed ${settings.feedTps}/s)`,
    `${cur('ramp')?.maxHolding ?? '—'}/s`,
    `${base('ramp')?.maxHolding ?? '—'}/s`,
  ]);
  rows.push(['100/s POST→FILLED p50 / p95 / p99', pct(cur('ramp')?.at100), pct(base('ramp')?.at100)]);
}
if (results.stress)
  rows.push([
    `stress ${settings.stressRate}/s on ${settings.stressFeedTps} ticks/s p50 / p95 / p99`,
    pct(cur('stress')),
    pct(base('stress')),
  ]);
if (results.storm) {
  const st = (r) =>
    r?.seconds !== undefined
      ? `${fmt(r.seconds, 2)} s, ${r.squareOffFilled}/${r.squareOffOrders} filled, ${r.openPositionsLeft} open left, ledger ${r.invariants.ledgerOk ? 'ok' : 'NOT ok'}`
      : r?.error
        ? 'error'
        : '—';
  rows.push([`square-off storm (${settings.stormUsers} users × 10)`, st(cur('storm')), st(base('storm'))]);
  rows.push(['  method', cur('storm')?.method ?? '—', base('storm')?.method ?? '—']);
}
if (results.scaleout) {
  const so = cur('scaleout');
  rows.push([
    `2 API + 2 workers at ${settings.scaleoutRate}/s`,
    so?.available === false
      ? `not yet available (${so.reason})`
      : so?.fill
        ? `${pct(so)}, filled ${so.filled}/${so.sent} (${so.throughput}/s filled), invariants ${so.invariants.ok ? 'ok' : 'NOT ok'}`
        : so?.error
          ? 'error'
          : '—',
    'n/a',
  ]);
}
if (results.cpu) {
  const c = (r, key) =>
    r?.[key]
      ? Object.entries(r[key])
          .map(([k, v]) => `${k} ${v ?? '—'}`)
          .join(', ')
      : '—';
  rows.push([`CPU ms per order at ${settings.cpuRate}/s`, c(cur('cpu'), 'cpuMsPerOrder'), c(base('cpu'), 'cpuMsPerOrder')]);
  rows.push(['  net of the idle feed', c(cur('cpu'), 'cpuMsPerOrderNet'), c(base('cpu'), 'cpuMsPerOrderNet')]);
  const st = (r) =>
    r?.commitsPerOrder !== undefined
      ? `${r.statementsPerOrder ?? '—'} statements, ${r.commitsPerOrder} commits (net ${r.statementsPerOrderNet ?? '—'}, ${r.commitsPerOrderNet})`
      : '—';
  rows.push(['statements, commits per order', st(cur('cpu')), st(base('cpu'))]);
}
const w0 = Math.max(...rows.map((r) => r[0].length), 10);
const w1 = Math.max(...rows.map((r) => r[1].length), `current ${commits[0].sha}`.length);
console.log(
  `\n${'side by side'.padEnd(w0)} | ${`current ${commits[0].sha}`.padEnd(w1)} | ${commits[1] ? `baseline ${commits[1].sha}` : 'baseline skipped'}`,
);
console.log(`${'-'.repeat(w0)}-+-${'-'.repeat(w1)}-+-${'-'.repeat(20)}`);
for (const r of rows) console.log(`${r[0].padEnd(w0)} | ${r[1].padEnd(w1)} | ${r[2]}`);

// Verdicts (null: the part did not run, or its comparison is missing).
const at100 = cur('ramp')?.at100;
const ratio =
  cur('ramp')?.rows && base('ramp')?.rows && base('ramp').maxHolding > 0 ? cur('ramp').maxHolding / base('ramp').maxHolding : null;
// A baseline that held no rate of the ramp: the target is met by holding any.
const twice = cur('ramp')?.rows && base('ramp')?.rows ? (ratio === null ? cur('ramp').maxHolding > 0 : ratio >= 2) : null;
const so = cur('scaleout');
const targets = {
  maxHoldingAtLeast2xBaseline: twice,
  at100PerSecP50AtMost15: at100?.fill ? at100.filled === at100.sent && at100.fill.p50 <= 15 : null,
  at100PerSecP99AtMost60: at100?.fill ? at100.filled === at100.sent && at100.fill.p99 <= 60 : null,
  stress10kAtLeast100PerSecP99AtMost150: cur('stress')?.fill ? cur('stress').holds && cur('stress').rate >= 100 : null,
  squareOffStormAtMost10s: cur('storm')?.seconds !== undefined ? cur('storm').holds && cur('storm').seconds <= 10 : null,
  scaleOut2x2InvariantsHold: so?.available ? so.holds : null,
};
console.log(`\ntargets (current; null = not measured): ${ratio === null ? '' : `max-rate ratio current/baseline ${fmt(ratio, 2)}×; `}`);
for (const [k, v] of Object.entries(targets)) console.log(`  ${k.padEnd(40)} ${v === null ? 'not measured' : v ? 'met' : 'NOT met'}`);
console.log(
  JSON.stringify({
    bench: 'orders',
    machine: machine(),
    commits: commits.map(({ label, sha }) => ({ label, sha })),
    settings,
    results,
    maxHoldingRatio: ratio,
    targets,
  }),
);
