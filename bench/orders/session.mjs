// One commit's run of `npm run bench -- orders`: a fresh stack (database migrated by that commit,
// its API and worker processes), bench users funded and unthrottled, their sockets, the open-loop
// order schedule (HTTP POST → `order.updated` FILLED on the user's socket) and the invariants.
// The client code is the same for every commit; only the processes and the migrations differ.
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { cpuSeconds } from '../lib/bench-kit.mjs';
import { createMarketStack, importFrom, makeTokens, percentile } from '../market/stack.mjs';

export const SYMBOLS = ['RELIANCE', 'TCS', 'HDFCBANK', 'INFY', 'ICICIBANK', 'SBIN', 'ITC', 'LT'];
/** The simulator's ten large caps (the most liquid names): the square-off storm's symbols. */
export const STORM_SYMBOLS = [...SYMBOLS, 'BHARTIARTL', 'AXISBANK'];
const NON_TERMINAL = `('PENDING', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED')`;

/**
 * Starts `root`'s stack: `apis` API processes and `workers` workers (feed `feedTps` ticks/s), then
 * `users` bench users spread over the APIs. `sockets: false` skips the realtime sockets (the storm
 * watches the database instead). `databaseSettings` as in createMarketStack.
 */
export async function openSession({ root, feedTps, users: userCount = 20, apis = 1, workers = 1, sockets = true, databaseSettings }) {
  const platform = await importFrom(root, 'platform');
  const wallet = await importFrom(root, 'wallet');
  const domain = await importFrom(root, 'domain');
  const stack = await createMarketStack(500, { root, databaseSettings });
  const ds = platform.createDataSource({ url: stack.databaseUrl, poolSize: 4, applicationName: 'bench-orders' });
  await ds.initialize();
  const db = new platform.Db(ds);
  const socketList = [];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    socketList.forEach((s) => s.close());
    await ds.destroy().catch(() => undefined);
    await stack.close();
  };
  try {
    const apiProcs = [];
    for (let i = 0; i < apis; i += 1) apiProcs.push(await stack.startApi({ DATABASE_POOL_SIZE: '30', AUTH_CACHE_TTL_MS: '5000' }));
    const workerProcs = [];
    for (let i = 0; i < workers; i += 1) {
      workerProcs.push(
        await stack.startWorker({ MARKET_FEED_TICKS_PER_SECOND: String(feedTps), WORKER_CONCURRENCY: '32', DATABASE_POOL_SIZE: '30' }),
      );
    }
    const bases = apiProcs.map((a) => a.base);
    const tokens = await makeTokens(bases[0], userCount, userCount > 20 ? 4 : 1);
    const users = [];
    let u = 0;
    await Promise.all(
      Array.from({ length: Math.min(8, userCount) }, async () => {
        for (let i = u++; i < userCount; i = u++) users[i] = await prepareUser(bases[i % bases.length], tokens[i], db);
      }),
    );
    const filledAt = new Map();
    const waiters = new Map();
    if (sockets) {
      // User i's socket is on API i mod N; its orders go to every API in turn (orderAt), so with
      // two APIs an order placed on one is seen FILLED through the other (the cross-process fan-out).
      for (const [i, user] of users.entries()) {
        const s = io(`${bases[i % bases.length]}/realtime`, { path: '/socket.io', auth: { token: user.token }, transports: ['websocket'] });
        socketList.push(s);
        await new Promise((res, rej) => {
          s.once('ready', res);
          s.once('connect_error', rej);
        });
        s.on('order.updated', ({ order }) => {
          if (order.status !== 'FILLED' || filledAt.has(order.id)) return;
          filledAt.set(order.id, performance.now());
          waiters.get(order.id)?.();
        });
      }
    }
    // Let quotes flow first.
    await new Promise((r) => setTimeout(r, 3000));

    /** Order k of a run: user, API, symbol and side (each user alternates buy and sell so positions and cash stay bounded). */
    const orderAt = (k) => {
      const round = Math.floor(k / userCount);
      return {
        user: users[k % userCount],
        base: bases[round % bases.length],
        body: { symbol: SYMBOLS[k % SYMBOLS.length], side: round % 2 === 0 ? 'BUY' : 'SELL', type: 'MARKET', quantity: 1, product: 'MIS' },
      };
    };

    /** One order through the product path, timed from the POST to FILLED on the user's socket. */
    async function placeAndWait(k) {
      const { user, base, body } = orderAt(k);
      const t0 = performance.now();
      let res;
      let json;
      try {
        res = await fetch(`${base}/api/v1/orders`, {
          method: 'POST',
          headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
        json = await res.json();
      } catch (err) {
        return { ok: false, status: 'network', code: err.cause?.code ?? err.name };
      }
      const t1 = performance.now();
      if (res.status !== 202) return { ok: false, status: res.status, code: json.code, detail: json.detail };
      const id = json.order.id;
      if (!filledAt.has(id))
        await new Promise((res2) => {
          waiters.set(id, res2);
          setTimeout(res2, 10_000);
        });
      waiters.delete(id);
      const t2 = filledAt.get(id);
      return {
        ok: t2 !== undefined,
        status: t2 === undefined ? 'no FILLED in 10 s' : undefined,
        post: t1 - t0,
        filled: t2 === undefined ? Infinity : t2 - t0,
      };
    }

    /** `rate`/s for `seconds`, open loop (late answers do not slow the sender); the timings summarised. */
    async function drive(rate, seconds) {
      const before = await processStats();
      const results = [];
      const started = performance.now();
      const total = Math.round(rate * seconds);
      const inflight = [];
      const filledTimes = [];
      for (let k = 0; k < total; k += 1) {
        const wait = started + (k * 1000) / rate - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        inflight.push(
          placeAndWait(k).then((r) => {
            results.push(r);
            if (r.ok) filledTimes.push(performance.now());
          }),
        );
      }
      const sendSeconds = (performance.now() - started) / 1000;
      await Promise.all(inflight);
      const after = await processStats();
      const ok = results.filter((r) => r.ok);
      const filled = ok.map((r) => r.filled).sort((a, b) => a - b);
      const post = ok.map((r) => r.post).sort((a, b) => a - b);
      const round = (n) => (Number.isFinite(n) ? Math.round(n * 10) / 10 : n);
      return {
        rate,
        seconds,
        sent: total,
        // Orders sent per second of the schedule (the sender keeps up unless the client is starved).
        achieved: round(total / Math.max(sendSeconds, seconds - 1 / rate)),
        filled: ok.length,
        // Orders filled per second, from the first send until 99 % of the filled ones had filled (a few stragglers aside).
        throughput: round(ok.length ? Math.ceil(ok.length * 0.99) / Math.max((percentile(filledTimes, 99) - started) / 1000, 1e-3) : 0),
        failed: results.length - ok.length,
        refusals: [...new Set(results.filter((r) => !r.ok && r.status).map((r) => `${r.status} ${r.code ?? ''}`.trim()))],
        refusalExample: results.find((r) => !r.ok && r.detail)?.detail,
        post: { p50: round(percentile(post, 50)), p99: round(percentile(post, 99)) },
        fill: {
          p50: round(percentile(filled, 50)),
          p95: round(percentile(filled, 95)),
          p99: round(percentile(filled, 99)),
          max: round(filled.at(-1) ?? NaN),
        },
        // Over the phase, from the processes' own histograms (null on a commit without them).
        eventLoopLag: { api: lagOf(before.api, after.api), worker: lagOf(before.worker, after.worker) },
        groupCommit: { intake: batchOf(before.api, after.api, 'intake'), engine: batchOf(before.worker, after.worker, 'engine') },
      };
    }

    /** The metrics of every API and worker process (summed per kind), for deltas over a phase. */
    async function processStats() {
      const sumOf = async (procs) => {
        const out = {};
        for (const p of procs) for (const [k, v] of Object.entries(await p.metrics().catch(() => ({})))) out[k] = (out[k] ?? 0) + v;
        return out;
      };
      return { api: await sumOf(apiProcs), worker: await sumOf(workerProcs) };
    }

    /** Waits (≤ 60 s) until no bench order is working, then checks the ledger, holds and positions. */
    async function invariants() {
      const deadline = Date.now() + 60_000;
      await new Promise((r) => setTimeout(r, 1500));
      const working = async () => Number((await db.sql.one(`SELECT count(*)::text n FROM orders WHERE status IN ${NON_TERMINAL}`)).n);
      while (Date.now() < deadline && (await working()) > 0) await new Promise((r) => setTimeout(r, 1000));
      const stuck = await working();
      const ids = users.map((x) => x.id);
      // Ledger invariant 2, per paper book (bench orders are paper orders): held = Σ reservations of
      // the open orders holding in it + the margin of the account's open shorts.
      const books = await db.sql.rows(
        `SELECT p.account_id, p.held_paise::text held, (SELECT coalesce(sum(reserved_paise), 0) FROM orders o WHERE o.account_id = p.account_id AND o.hold_book = 'paper' AND o.status IN ${NON_TERMINAL})::text reserved
         FROM paper_balances p WHERE p.user_id = ANY($1::uuid[])`,
        [ids],
      );
      const positions = await db.sql.rows(
        `SELECT account_id, product, net_quantity, lot_cost_tick_units::text, lot_quantity, lot_closed_quantity, lot_closed_cash_flow_tick_units::text, realized_before_lot_tick_units::text FROM positions WHERE user_id = ANY($1::uuid[])`,
        [ids],
      );
      const margin = new Map();
      for (const p of positions) {
        const pos = {
          netQuantity: p.net_quantity,
          lotCost: BigInt(p.lot_cost_tick_units),
          lotQuantity: p.lot_quantity,
          lotClosedQuantity: p.lot_closed_quantity,
          lotClosedCashFlow: BigInt(p.lot_closed_cash_flow_tick_units),
          realizedBeforeLot: BigInt(p.realized_before_lot_tick_units),
        };
        margin.set(p.account_id, (margin.get(p.account_id) ?? 0n) + domain.shortMargin(pos, p.product));
      }
      const held = books.filter((b) => BigInt(b.held) !== BigInt(b.reserved) + (margin.get(b.account_id) ?? 0n));
      const pos = await db.sql.rows(
        `SELECT p.user_id FROM positions p LEFT JOIN (SELECT user_id, symbol, product, sum(CASE WHEN side = 'BUY' THEN quantity ELSE -quantity END) q FROM trades GROUP BY 1, 2, 3) t USING (user_id, symbol, product) WHERE p.net_quantity <> coalesce(t.q, 0)`,
      );
      const verify = await new wallet.LedgerVerifier(db, new wallet.LedgerSealer(db)).verify();
      const out = { stuckOrders: stuck, heldMismatches: held.length, positionMismatches: pos.length, ledgerOk: verify.ok };
      return { ...out, ok: stuck === 0 && held.length === 0 && pos.length === 0 && verify.ok };
    }

    /** CPU seconds so far of each process of this stack, its Postgres backends and the client. */
    async function cpuSnapshot() {
      const backends = await db.sql.rows(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
      const sum = (pids) => pids.reduce((s, pid) => s + (cpuSeconds(pid) ?? 0), 0);
      const c = process.cpuUsage();
      return {
        api: sum(apiProcs.map((a) => a.proc.child.pid)),
        worker: sum(workerProcs.map((w) => w.proc.child.pid)),
        postgres: new Map(backends.map((b) => [b.pid, cpuSeconds(b.pid) ?? 0])),
        redis: redisPid() === null ? null : cpuSeconds(redisPid()),
        client: (c.user + c.system) / 1e6,
      };
    }
    /** CPU seconds by process between two snapshots (Postgres: the backends alive in both). */
    function cpuDelta(a, b) {
      let postgres = 0;
      for (const [pid, t] of b.postgres) if (a.postgres.has(pid)) postgres += t - a.postgres.get(pid);
      return {
        api: b.api - a.api,
        worker: b.worker - a.worker,
        postgres,
        redis: a.redis === null || b.redis === null ? null : b.redis - a.redis,
        client: b.client - a.client,
      };
    }
    async function transactions() {
      return Number((await db.sql.one(`SELECT xact_commit::text n FROM pg_stat_database WHERE datname = current_database()`)).n);
    }

    return {
      root,
      stack,
      db,
      users,
      bases,
      apiProcs,
      workerProcs,
      drive,
      invariants,
      cpuSnapshot,
      cpuDelta,
      transactions,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Funds the user's paper book, lifts their risk limits for the bench; `{ id, token, paperAccountId }`. */
async function prepareUser(base, token, db) {
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const me = await (await fetch(`${base}/api/v1/auth/me`, { headers: auth })).json();
  const id = me.user?.id ?? me.id;
  // Bench orders are paper orders: they hold and settle in the user's paper book, funded through its owner's endpoint.
  const accounts = await (await fetch(`${base}/api/v1/broker-accounts`, { headers: auth })).json();
  const paper = accounts.items.find((a) => a.kind === 'paper');
  const funded = await fetch(`${base}/api/v1/broker-accounts/${paper.id}/paper-balance`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ amount: '100000000.00' }),
  });
  if (funded.status !== 200) throw new Error(`funding the paper book: ${funded.status}`);
  // Bench users trade far more than the demo's per-user limits allow (120 orders/min).
  await db.sql.rows(
    `INSERT INTO risk_limits (user_id, max_order_value_paise, max_position_value_paise, max_open_orders, max_daily_loss_paise, max_orders_per_minute)
     VALUES ($1, 100000000000, 100000000000, 10000, 100000000000, 100000)`,
    [id],
  );
  return { id, token, paperAccountId: paper.id };
}

const STATE_DIR = process.env.TRADELOOP_STATE_DIR ?? join(import.meta.dirname, '../../.local');

/** The local Redis server's pid (shared with everyone else's tests, so its CPU is indicative). */
function redisPid() {
  try {
    return Number(readFileSync(join(STATE_DIR, 'redis/redis.pid'), 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

/**
 * Statements a set of Postgres backends ran, counted in the local server's log (the stack's
 * database logs every statement with `databaseSettings: { log_statement: 'all' }`; the log line
 * prefix carries the backend's pid). `mark()` → later `count(mark, pids)`; null without the log.
 */
export const pgLog = {
  path: join(STATE_DIR, 'pg/server.log'),
  mark() {
    try {
      return statSync(this.path).size;
    } catch {
      return null;
    }
  },
  count(from, pids) {
    if (from === null) return null;
    const to = this.mark();
    const fd = openSync(this.path, 'r');
    try {
      const buf = Buffer.alloc(to - from);
      readSync(fd, buf, 0, buf.length, from);
      const wanted = new Set(pids.map(String));
      let n = 0;
      for (const m of buf.toString().matchAll(/\[(\d+)\] LOG: {2}(?:statement|execute [^:]*):/g)) if (wanted.has(m[1])) n += 1;
      return n;
    } finally {
      closeSync(fd);
    }
  },
};

/** Bucket counts of a histogram over a phase (before/after scrapes): [le, count] ascending. */
function bucketsOf(before, after, name, labels = '') {
  const out = [];
  for (const [k, v] of Object.entries(after)) {
    const m = k.match(new RegExp(`^${name}_bucket\\{(.*)\\}$`));
    const le = m?.[1].match(/le="([^"]+)"/)?.[1];
    if (!m || le === undefined || (labels && !m[1].includes(labels))) continue;
    out.push([le === '+Inf' ? Infinity : Number(le), v - (before[k] ?? 0)]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** p99 and the worst bucket of the event-loop lag over a phase, in ms (bucket upper bounds); null without the histogram. */
function lagOf(before, after) {
  const b = bucketsOf(before, after, 'nodejs_event_loop_lag_seconds');
  const total = b.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  const at = (q) => b.find(([, n]) => n >= q * total)?.[0] ?? Infinity;
  const worst = b.find(([, n]) => n === total)?.[0] ?? Infinity;
  const ms = (s) => (Number.isFinite(s) ? s * 1000 : '>2000');
  return { samples: total, p99: ms(at(0.99)), p999: ms(at(0.999)), max: ms(worst) };
}

/** Mean orders per group-committed transaction over a phase; null without the histogram. */
function batchOf(before, after, path) {
  const key = (suffix) => Object.keys(after).find((k) => k.startsWith(`group_commit_batch_size_${suffix}`) && k.includes(`path="${path}"`));
  const sum = key('sum');
  const count = key('count');
  if (!sum || !count) return null;
  const n = after[count] - (before[count] ?? 0);
  return n > 0 ? { batches: n, mean: Math.round(((after[sum] - (before[sum] ?? 0)) / n) * 100) / 100 } : { batches: 0, mean: null };
}
