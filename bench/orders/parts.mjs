// The parts of `npm run bench -- orders`, each run against one commit's fresh stack (openSession).
import { randomUUID } from 'node:crypto';
import { makeTokens } from '../market/stack.mjs';
import { openSession, pgLog, STORM_SYMBOLS } from './session.mjs';

const num = (name, fallback) => Number(process.env[name] ?? fallback);
export const settings = {
  feedTps: num('BENCH_FEED_TPS', 500),
  ramp: (process.env.BENCH_ORDER_RAMP ?? '25,50,75,100,150,200,250,300,400').split(',').map(Number),
  rampSeconds: num('BENCH_ORDER_RAMP_SECONDS', 15),
  stressFeedTps: num('BENCH_STRESS_FEED_TPS', 10_000),
  stressRate: num('BENCH_STRESS_RATE', 100),
  stressSeconds: num('BENCH_STRESS_SECONDS', 20),
  stormUsers: num('BENCH_STORM_USERS', 200),
  cpuRate: num('BENCH_CPU_RATE', 60),
  cpuSeconds: num('BENCH_CPU_SECONDS', 15),
  scaleoutRate: num('BENCH_SCALEOUT_RATE', 100),
  scaleoutSeconds: num('BENCH_SCALEOUT_SECONDS', 15),
};
const NON_TERMINAL = `('PENDING', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED')`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A phase holds when every order filled, p99 ≤ 300 ms, the sender kept the rate, and the invariants hold after it. */
const holds = (r, inv, p99 = 300) => r.failed === 0 && r.fill.p99 <= p99 && r.achieved >= r.rate * 0.95 && inv.ok;

async function withSession(opts, fn) {
  const s = await openSession(opts);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** (a) The ramp on the default feed, stopping at the first rate that does not hold; then 100/s if the ramp never ran it. */
export const ramp = (root, log) =>
  withSession({ root, feedTps: settings.feedTps }, async (s) => {
    await s.drive(20, 3); // warm-up
    const rows = [];
    for (const rate of settings.ramp) {
      const r = await s.drive(rate, settings.rampSeconds);
      const inv = await s.invariants();
      const row = { ...r, invariants: inv, holds: holds(r, inv) };
      rows.push(row);
      log(row);
      if (!row.holds) break;
    }
    let at100 = rows.find((r) => r.rate === 100) ?? null;
    if (!at100) {
      const r = await s.drive(100, settings.rampSeconds);
      const inv = await s.invariants();
      at100 = { ...r, invariants: inv, holds: holds(r, inv), extra: true };
      log(at100);
    }
    return { feedTps: settings.feedTps, rows, maxHolding: Math.max(0, ...rows.filter((r) => r.holds).map((r) => r.rate)), at100 };
  });

/** (b) A fixed rate on the 10,000 ticks/s feed. */
export const stress = (root, log) =>
  withSession({ root, feedTps: settings.stressFeedTps }, async (s) => {
    await s.drive(20, 3);
    const r = await s.drive(settings.stressRate, settings.stressSeconds);
    const inv = await s.invariants();
    const row = { feedTps: settings.stressFeedTps, ...r, invariants: inv, holds: holds(r, inv, 150) };
    log(row);
    return row;
  });

/**
 * CPU per order by process (from /proc) and statements / commits per order (Postgres log,
 * pg_stat_database) at a fixed rate. An idle window first (the feed running, no orders) gives what
 * the processes spend anyway; `net` subtracts it at the same rate over the phase's duration.
 *
 * CPU is measured with statement logging OFF: logging every statement (its text and its
 * parameters) costs Postgres CPU by the size of the statement, and the batched statements are
 * long, so measuring CPU while counting inflated the current commit's Postgres figure most (7.1 vs
 * 2.4 ms per order logged). Statements are then counted in a second idle + busy pair of windows with
 * `log_statement = 'all'` switched on for the server (ALTER SYSTEM + reload, reset afterwards; it
 * needs a superuser, as the local stack's role is — else the counts are null).
 * BENCH_PG_DURATIONS=1 logs each statement with its server time instead (`log_min_duration_statement
 * = 0`), for finding the statements that cost Postgres the most.
 */
export const cpu = (root, log) =>
  withSession({ root, feedTps: settings.feedTps }, async (s) => {
    await s.drive(20, 3);
    const window = async (fn) => {
      const a = await s.cpuSnapshot();
      const tx = await s.transactions();
      const mark = pgLog.mark();
      const t = performance.now();
      const r = await fn();
      const b = await s.cpuSnapshot();
      return {
        r,
        seconds: (performance.now() - t) / 1000,
        cpu: s.cpuDelta(a, b),
        commits: (await s.transactions()) - tx,
        statements: pgLog.count(mark, [...b.postgres.keys()]),
      };
    };
    const pause = (seconds) => () => new Promise((r) => setTimeout(r, seconds * 1000));
    const idle = await window(pause(Math.min(settings.cpuSeconds, 10)));
    const busy = await window(() => s.drive(settings.cpuRate, settings.cpuSeconds));
    const setting = process.env.BENCH_PG_DURATIONS === '1' ? ['log_min_duration_statement', '0'] : ['log_statement', 'all'];
    const logging = async (on) => {
      await s.db.sql.rows(on ? `ALTER SYSTEM SET ${setting[0]} = '${setting[1]}'` : `ALTER SYSTEM RESET ${setting[0]}`);
      await s.db.sql.rows(`SELECT pg_reload_conf()`);
      await pause(0.5)();
    };
    let counted = null;
    try {
      await logging(true);
      const idleLog = await window(pause(Math.min(settings.cpuSeconds, 10)));
      const busyLog = await window(() => s.drive(settings.cpuRate, settings.cpuSeconds));
      counted = { idle: idleLog, busy: busyLog };
    } catch (err) {
      log({ statementCount: `not measured: ${err.message}` });
    } finally {
      await logging(false).catch(() => undefined);
    }
    const inv = await s.invariants();
    const per = (w, idleW) => {
      const k = w.seconds / idleW.seconds;
      return {
        ms: (v, idleV = 0) => (v === null || idleV === null ? null : Math.round(((v - idleV * k) / w.r.sent) * 1e4) / 10),
        n: (v, idleV = 0) => (v === null || idleV === null ? null : Math.round(((v - idleV * k) / w.r.sent) * 10) / 10),
      };
    };
    const c = per(busy, idle);
    const cpuMs = (net) => {
      const o = Object.fromEntries(Object.entries(busy.cpu).map(([p, v]) => [p, c.ms(v, net ? idle.cpu[p] : 0)]));
      o.total = Math.round(Object.values(o).reduce((t, v) => t + (v ?? 0), 0) * 10) / 10;
      return o;
    };
    const n = counted && per(counted.busy, counted.idle);
    const out = {
      feedTps: settings.feedTps,
      ...busy.r,
      invariants: inv,
      phaseSeconds: Math.round(busy.seconds * 10) / 10,
      idleSeconds: Math.round(idle.seconds * 10) / 10,
      cpuMsPerOrder: cpuMs(false),
      cpuMsPerOrderNet: cpuMs(true),
      statementsPerOrder: n ? n.n(counted.busy.statements) : null,
      statementsPerOrderNet: n ? n.n(counted.busy.statements, counted.idle.statements) : null,
      commitsPerOrder: n ? n.n(counted.busy.commits) : null,
      commitsPerOrderNet: n ? n.n(counted.busy.commits, counted.idle.commits) : null,
    };
    log(out);
    return out;
  });

/**
 * (c) The square-off storm: `stormUsers` users each buy 1 of the ten large caps (MIS, market),
 * then an admin engages the global kill switch with `squareOff: true`. A commit whose API refuses
 * that field (400) is squared off the way it can be: engage, then every user's
 * `POST /positions/square-off` (16 at a time). Timed from the engage call until every bench
 * position is flat, no order is working and every order placed since is FILLED; then the ledger.
 */
export const storm = (root, log) =>
  withSession({ root, feedTps: settings.feedTps, users: settings.stormUsers, sockets: false }, async (s) => {
    const base = s.bases[0];
    const authOf = (token) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    const [adminToken] = await makeTokens(base, 1);
    const admin = await s.db.sql.one(`SELECT id FROM users ORDER BY created_at DESC LIMIT 1`);
    await s.db.sql.rows(`INSERT INTO user_roles (user_id, role) VALUES ($1, 'admin') ON CONFLICT DO NOTHING`, [admin.id]);
    const ids = s.users.map((u) => u.id);

    // Open the positions at whatever rate the system takes (16 requests in flight), then wait for every fill.
    const opening = s.users.flatMap((u) => STORM_SYMBOLS.map((symbol) => ({ u, symbol })));
    const refusals = new Map();
    const t0 = performance.now();
    await pool(opening, 16, async ({ u, symbol }) => {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const res = await fetch(`${base}/api/v1/orders`, {
          method: 'POST',
          headers: { ...authOf(u.token), 'idempotency-key': randomUUID() },
          body: JSON.stringify({ symbol, side: 'BUY', type: 'MARKET', quantity: 1, product: 'MIS' }),
        });
        const json = await res.json().catch(() => ({}));
        if (res.status === 202) return;
        refusals.set(`${res.status} ${json.code ?? ''}`, (refusals.get(`${res.status} ${json.code ?? ''}`) ?? 0) + 1);
        if (res.status !== 429 && res.status !== 503) return;
        await sleep(200);
      }
    });
    const placedSeconds = (performance.now() - t0) / 1000;
    const settled = await until(
      300_000,
      async () => Number((await s.db.sql.one(`SELECT count(*)::text n FROM orders WHERE status IN ${NON_TERMINAL}`)).n) === 0,
    );
    if (!settled) throw new Error('the opening orders were still working after 5 minutes');
    const openSeconds = (performance.now() - t0) / 1000;
    const openPositions = async () =>
      Number((await s.db.sql.one(`SELECT count(*)::text n FROM positions WHERE user_id = ANY($1::uuid[]) AND net_quantity <> 0`, [ids])).n);
    const opened = await openPositions();
    log({ step: 'opened', positions: opened, placedSeconds, openSeconds, refusals: Object.fromEntries(refusals) });
    await sleep(1000);

    const since = (await s.db.sql.one(`SELECT now() AS at`)).at;
    const engage = (extra) =>
      fetch(`${base}/api/v1/admin/risk/kill-switch`, {
        method: 'POST',
        headers: authOf(adminToken),
        body: JSON.stringify({ scope: 'global', engaged: true, reason: 'bench: square-off storm', ...extra }),
      });
    const started = performance.now();
    let method = 'kill switch { squareOff: true }';
    let res = await engage({ squareOff: true });
    const squareOffRefusals = new Map();
    if (res.status === 400) {
      method = 'kill switch engaged, then POST /positions/square-off per user (16 in flight)';
      res = await engage({});
      if (res.status !== 200) throw new Error(`engaging the global kill switch: ${res.status} ${await res.text()}`);
      await pool(s.users, 16, async (u) => {
        const r = await fetch(`${base}/api/v1/positions/square-off`, {
          method: 'POST',
          headers: { ...authOf(u.token), 'idempotency-key': randomUUID() },
          body: '{}',
        });
        if (r.status !== 202) {
          const k = `${r.status} ${(await r.json().catch(() => ({}))).code ?? ''}`;
          squareOffRefusals.set(k, (squareOffRefusals.get(k) ?? 0) + 1);
        } else await r.arrayBuffer();
      });
    } else if (res.status !== 200) throw new Error(`engaging the global kill switch with squareOff: ${res.status} ${await res.text()}`);
    const engagedMs = performance.now() - started;
    const squareOffOrders = () =>
      s.db.sql.one(
        `SELECT count(*)::int n, count(*) FILTER (WHERE status = 'FILLED')::int filled, count(*) FILTER (WHERE status IN ${NON_TERMINAL})::int working
         FROM orders WHERE user_id = ANY($1::uuid[]) AND created_at >= $2`,
        [ids, since],
      );
    const done = await until(120_000, async () => {
      const o = await squareOffOrders();
      return o.working === 0 && (await openPositions()) === 0;
    });
    const seconds = (performance.now() - started) / 1000;
    const orders = await squareOffOrders();
    const left = await openPositions();
    const inv = await s.invariants();
    const out = {
      users: settings.stormUsers,
      positions: opened,
      method,
      // The engage call (and, in the fallback, the per-user square-off calls).
      requestsMs: Math.round(engagedMs),
      seconds: Math.round(seconds * 100) / 100,
      flat: done && left === 0,
      openPositionsLeft: left,
      squareOffOrders: orders.n,
      squareOffFilled: orders.filled,
      squareOffRefusals: Object.fromEntries(squareOffRefusals),
      invariants: inv,
    };
    out.holds = out.flat && orders.n > 0 && orders.filled === orders.n && inv.ok;
    log(out);
    return out;
  });

/**
 * (d) Two APIs and two workers on one database: users' sockets on one API, their orders on both.
 * Needs the scale-out work (one worker at a time runs the feed and the paper exchange): when both
 * workers print ticks, the feed runs twice and the part reports itself not available.
 */
export const scaleout = (root, log) =>
  withSession({ root, feedTps: settings.feedTps, apis: 2, workers: 2 }, async (s) => {
    const ticks = async () => Promise.all(s.workerProcs.map(async (w) => (await w.metrics()).market_feed_ticks_total ?? 0));
    const a = await ticks();
    await sleep(3000);
    const b = await ticks();
    const feeding = b.map((t, i) => t > a[i]).filter(Boolean).length;
    if (feeding !== 1 && process.env.BENCH_SCALEOUT_FORCE !== '1') {
      const out = { available: false, reason: `${feeding} of 2 workers run the market feed (needs exactly 1: the scale-out leases)` };
      log(out);
      return out;
    }
    await s.drive(20, 3);
    const r = await s.drive(settings.scaleoutRate, settings.scaleoutSeconds);
    const inv = await s.invariants();
    const out = { available: feeding === 1, feedingWorkers: feeding, apis: 2, workers: 2, ...r, invariants: inv };
    out.holds = r.failed === 0 && inv.ok;
    log(out);
    return out;
  });

async function pool(items, width, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i]);
    }),
  );
}

/** Polls `check` every 100 ms until it is true (→ true) or `ms` pass (→ false). */
async function until(ms, check) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}
