// `npm run bench -- orders` — issue 5: orders through the queue, the execution engine and the mock
// broker (zero latency), from 20 users over Socket.IO: HTTP POST → `order.updated` FILLED on the
// user's socket. Phase 1: 200 orders/s for 60 s (targets p50 ≤ 15 ms, p99 ≤ 60 ms). Phase 2: a
// ramp to find the highest rate that holds with every invariant (target ≥ 500/s). Baseline: the
// same intake + placement + fill done synchronously in one in-process call, no queue.
// Market orders fill at the NEXT tick of their symbol: the feed runs at 10,000 ticks/s and the
// orders use the most liquid names, so the wait for a tick is part of every figure.
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { createDataSource, Db } from '@tradeloop/platform';
import { LedgerVerifier, LedgerSealer } from '@tradeloop/wallet';
import { shortMargin } from '@tradeloop/domain';
import { fmt, machine } from './lib/bench-kit.mjs';
import { createMarketStack, makeTokens, percentile } from './market/stack.mjs';
import { inRequestPath } from './orders/in-request-baseline.mjs';

const USERS = 20;
const RATE = Number(process.env.BENCH_ORDER_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_ORDER_SECONDS ?? 60);
const RAMP = (process.env.BENCH_ORDER_RAMP ?? '25,50,75,100,150,200,300,400,500').split(',').map(Number);
const RAMP_SECONDS = Number(process.env.BENCH_ORDER_RAMP_SECONDS ?? 15);
const SYMBOLS = ['RELIANCE', 'TCS', 'HDFCBANK', 'INFY', 'ICICIBANK', 'SBIN', 'ITC', 'LT'];

const stack = await createMarketStack(500);
const ds = createDataSource({ url: stack.databaseUrl, poolSize: 4, applicationName: 'bench-orders' });
await ds.initialize();
const db = new Db(ds);
try {
  const api = await stack.startApi({ DATABASE_POOL_SIZE: '30', AUTH_CACHE_TTL_MS: '5000' });
  const worker = await stack.startWorker({
    MARKET_FEED_TICKS_PER_SECOND: process.env.BENCH_FEED_TPS ?? '10000',
    WORKER_CONCURRENCY: '32',
    DATABASE_POOL_SIZE: '30',
  });
  const tokens = await makeTokens(api.base, USERS);
  const users = [];
  for (const token of tokens) {
    const me = await (await fetch(`${api.base}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } })).json();
    // Bench orders are paper orders: they hold and settle in the user's paper book, funded through its owner's endpoint.
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const accounts = await (await fetch(`${api.base}/api/v1/broker-accounts`, { headers: auth })).json();
    const paper = accounts.items.find((a) => a.kind === 'paper');
    const funded = await fetch(`${api.base}/api/v1/broker-accounts/${paper.id}/paper-balance`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ amount: '100000000.00' }),
    });
    if (funded.status !== 200) throw new Error(`funding the paper book: ${funded.status}`);
    users.push({ id: me.user?.id ?? me.id, token });
    // Bench users trade far more than the demo's per-user limits allow (120 orders/min).
    await db.sql.rows(
      `INSERT INTO risk_limits (user_id, max_order_value_paise, max_position_value_paise, max_open_orders, max_daily_loss_paise, max_orders_per_minute)
       VALUES ($1, 100000000000, 100000000000, 10000, 100000000000, 100000)`,
      [me.user?.id ?? me.id],
    );
  }
  const filledAt = new Map();
  const waiters = new Map();
  const sockets = await Promise.all(
    users.map(async (u) => {
      const s = io(`${api.base}/realtime`, { path: '/socket.io', auth: { token: u.token }, transports: ['websocket'] });
      await new Promise((res, rej) => {
        s.once('ready', res);
        s.once('connect_error', rej);
      });
      s.on('order.updated', ({ order }) => {
        if (order.status !== 'FILLED' || filledAt.has(order.id)) return;
        filledAt.set(order.id, performance.now());
        waiters.get(order.id)?.();
      });
      return s;
    }),
  );
  // Let quotes flow first.
  await new Promise((r) => setTimeout(r, 3000));

  /** Order k of a run: user, symbol and side (each user alternates buy and sell so positions and cash stay bounded). */
  const orderAt = (k) => ({
    user: users[k % USERS],
    body: {
      symbol: SYMBOLS[k % SYMBOLS.length],
      side: Math.floor(k / USERS) % 2 === 0 ? 'BUY' : 'SELL',
      type: 'MARKET',
      quantity: 1,
      product: 'MIS',
    },
  });

  /** Starts `one(k)` at `rate`/s for `seconds` (open loop: late answers do not slow the sender); summarises the timings. */
  async function schedule(rate, seconds, one) {
    const results = [];
    const started = performance.now();
    const total = Math.round(rate * seconds);
    const inflight = [];
    for (let k = 0; k < total; k += 1) {
      const wait = started + (k * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inflight.push(one(k).then((r) => results.push(r)));
    }
    await Promise.all(inflight);
    const elapsed = (performance.now() - started) / 1000;
    const ok = results.filter((r) => r.ok);
    const filled = ok.map((r) => r.filled).sort((a, b) => a - b);
    const post = ok.map((r) => r.post).sort((a, b) => a - b);
    return {
      rate,
      seconds,
      sent: total,
      achieved: total / elapsed,
      filled: ok.length,
      failed: results.length - ok.length,
      refusals: [...new Set(results.filter((r) => !r.ok && r.status).map((r) => `${r.status} ${r.code}`))],
      post: { p50: percentile(post, 50), p99: percentile(post, 99) },
      fill: { p50: percentile(filled, 50), p95: percentile(filled, 95), p99: percentile(filled, 99), max: filled.at(-1) },
    };
  }

  /** The product path: HTTP POST → queue → engine → mock broker → FILLED on the user's socket. */
  const drive = (rate, seconds) =>
    schedule(rate, seconds, async (k) => {
      const { user: u, body } = orderAt(k);
      const t0 = performance.now();
      let res;
      let json;
      try {
        res = await fetch(`${api.base}/api/v1/orders`, {
          method: 'POST',
          headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
        json = await res.json();
      } catch (err) {
        return { ok: false, status: 'network', code: err.cause?.code ?? err.name };
      }
      const t1 = performance.now();
      if (res.status !== 202) return { ok: false, status: res.status, code: json.code };
      const id = json.order.id;
      if (!filledAt.has(id))
        await new Promise((res2) => {
          waiters.set(id, res2);
          setTimeout(res2, 10_000);
        });
      waiters.delete(id);
      const t2 = filledAt.get(id);
      return { ok: t2 !== undefined, post: t1 - t0, filled: t2 === undefined ? Infinity : t2 - t0 };
    });

  /** The in-request baseline: the same intake, placement and fill in one synchronous call, no queue. */
  const baseDs = createDataSource({ url: stack.databaseUrl, poolSize: 30, applicationName: 'bench-orders-baseline' });
  await baseDs.initialize();
  const baselinePath = await inRequestPath({ db: new Db(baseDs), redisUrl: process.env.REDIS_URL, redisPrefix: stack.redisPrefix });
  const baseline = (rate, seconds) =>
    schedule(rate, seconds, async (k) => {
      const { user, body } = orderAt(k);
      const t0 = performance.now();
      try {
        const status = await baselinePath.placeAndFill(user.id, body);
        const t = performance.now() - t0;
        return status === 'FILLED' ? { ok: true, post: t, filled: t } : { ok: false, status: 'not filled', code: status };
      } catch (err) {
        return { ok: false, status: 'error', code: err.code ?? err.message };
      }
    });

  async function invariants() {
    // Let the backlog drain (at most a minute): a run's invariants are checked once its orders settled.
    const deadline = Date.now() + 60_000;
    await new Promise((r) => setTimeout(r, 1500));
    while (
      Date.now() < deadline &&
      Number((await db.sql.one(`SELECT count(*)::text n FROM orders WHERE status IN ('PENDING', 'OPEN', 'PARTIALLY_FILLED')`)).n) > 0
    ) {
      await new Promise((r) => setTimeout(r, 1000));
    }
    const stuck = await db.sql.one(`SELECT count(*)::text n FROM orders WHERE status IN ('PENDING', 'OPEN', 'PARTIALLY_FILLED')`);
    // Ledger invariant 2, per paper book (bench orders are paper orders): held = Σ reservations of
    // the open orders holding in it + the margin of the account's open shorts.
    const books = await db.sql.rows(
      `SELECT p.account_id, p.held_paise::text held, (SELECT coalesce(sum(reserved_paise), 0) FROM orders o WHERE o.account_id = p.account_id AND o.hold_book = 'paper' AND o.status IN ('PENDING', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED'))::text reserved
       FROM paper_balances p WHERE p.user_id = ANY($1::uuid[])`,
      [users.map((u) => u.id)],
    );
    const positions = await db.sql.rows(
      `SELECT account_id, product, net_quantity, lot_cost_tick_units::text, lot_quantity, lot_closed_quantity, lot_closed_cash_flow_tick_units::text, realized_before_lot_tick_units::text FROM positions WHERE user_id = ANY($1::uuid[])`,
      [users.map((u) => u.id)],
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
      margin.set(p.account_id, (margin.get(p.account_id) ?? 0n) + shortMargin(pos, p.product));
    }
    const held = books.filter((b) => BigInt(b.held) !== BigInt(b.reserved) + (margin.get(b.account_id) ?? 0n));
    const pos = await db.sql.rows(
      `SELECT p.user_id FROM positions p LEFT JOIN (SELECT user_id, symbol, product, sum(CASE WHEN side = 'BUY' THEN quantity ELSE -quantity END) q FROM trades GROUP BY 1, 2, 3) t USING (user_id, symbol, product) WHERE p.net_quantity <> coalesce(t.q, 0)`,
    );
    const verify = await new LedgerVerifier(db, new LedgerSealer(db)).verify();
    return { stuckOrders: Number(stuck.n), heldMismatches: held.length, positionMismatches: pos.length, ledgerOk: verify.ok };
  }

  console.log(
    `bench orders: ${USERS} users, MARKET orders on ${SYMBOLS.length} liquid symbols, mock broker latency 0, feed ${process.env.BENCH_FEED_TPS ?? '10000'} ticks/s; on ${JSON.stringify(machine())}`,
  );
  await drive(20, 3); // warm-up
  const line = (r) =>
    `${String(r.rate).padStart(4)}/s → achieved ${fmt(r.achieved, 0).padStart(4)}/s  filled ${r.filled}/${r.sent}  POST p50 ${fmt(r.post.p50)} ms  POST→FILLED p50 ${fmt(r.fill.p50)} p95 ${fmt(r.fill.p95)} p99 ${fmt(r.fill.p99)} max ${fmt(r.fill.max)} ms${r.refusals.length ? `  refusals ${r.refusals.join(', ')}` : ''}`;
  // The ramp first, on a quiet system: the highest rate that holds (every order filled, p99 ≤ 300 ms, invariants).
  const ramp = [];
  for (const rate of RAMP) {
    const r = await drive(rate, RAMP_SECONDS);
    const inv = await invariants();
    const holds =
      r.failed === 0 &&
      r.fill.p99 <= 300 &&
      inv.ledgerOk &&
      inv.heldMismatches === 0 &&
      inv.positionMismatches === 0 &&
      r.achieved >= rate * 0.95;
    ramp.push({ ...r, invariants: inv, holds });
    console.log(`  ramp ${line(r)}  ${holds ? 'holds' : 'does not hold'}`);
    if (!holds) break;
  }
  const maxSustained = Math.max(0, ...ramp.filter((r) => r.holds).map((r) => r.rate));
  const main = await drive(RATE, SECONDS);
  const mainInv = await invariants();
  console.log(`\n  sustained ${SECONDS} s:`);
  console.log(`  ${line(main)}`);
  console.log(`  invariants: ${JSON.stringify(mainInv)}`);
  // Side by side at the main rate: the in-request baseline (intake + broker + fill in one call).
  await baseline(20, 2); // warm-up
  const base = await baseline(RATE, Math.min(SECONDS, 20));
  const baseInv = await invariants();
  console.log(`\n  side by side at ${RATE}/s (fill latency from the call; the queued path from the HTTP POST to FILLED on the socket):`);
  console.log(
    `  queued path        p50 ${fmt(main.fill.p50).padStart(7)}  p99 ${fmt(main.fill.p99).padStart(7)} ms  achieved ${fmt(main.achieved, 0)}/s`,
  );
  console.log(
    `  in-request (base)  p50 ${fmt(base.fill.p50).padStart(7)}  p99 ${fmt(base.fill.p99).padStart(7)} ms  achieved ${fmt(base.achieved, 0)}/s  ${base.refusals.join(', ')}`,
  );
  console.log(`  comparable target  p99 ≤ 300 ms;  ours p50 ≤ 15 / p99 ≤ 60 ms.  baseline invariants: ${JSON.stringify(baseInv)}`);
  const calm = ramp.filter((r) => r.holds).at(-1);
  let calmBase = null;
  if (calm) {
    calmBase = await baseline(calm.rate, RAMP_SECONDS);
    console.log(`  and at ${calm.rate}/s, the highest rate that holds:`);
    console.log(`  queued path        p50 ${fmt(calm.fill.p50).padStart(7)}  p99 ${fmt(calm.fill.p99).padStart(7)} ms`);
    console.log(
      `  in-request (base)  p50 ${fmt(calmBase.fill.p50).padStart(7)}  p99 ${fmt(calmBase.fill.p99).padStart(7)} ms  ${calmBase.refusals.join(', ')}`,
    );
  }
  await baselinePath.close();
  await baseDs.destroy();
  sockets.forEach((s) => s.close());
  await worker.proc.stop();
  await api.proc.stop();
  const targets = {
    p50AtMost15ms: main.fill.p50 <= 15,
    p99AtMost60ms: main.fill.p99 <= 60,
    invariantsHold: mainInv.ledgerOk && mainInv.heldMismatches === 0 && mainInv.positionMismatches === 0,
    maxSustainedAtLeast500: maxSustained >= 500,
    under300msComparableTarget: main.fill.p99 <= 300,
  };
  console.log(`\n  max sustained rate with invariants holding and p99 ≤ 300 ms: ${maxSustained}/s`);
  console.log(
    JSON.stringify({
      bench: 'orders',
      machine: machine(),
      main,
      mainInvariants: mainInv,
      ramp,
      maxSustained,
      baseline: base,
      baselineInvariants: baseInv,
      baselineAtMaxSustained: calmBase,
      targets,
    }),
  );
  console.log(
    `\norders targets: ${Object.values(targets).filter(Boolean).length}/${Object.keys(targets).length} met ${JSON.stringify(targets)}`,
  );
} finally {
  await ds.destroy();
  await stack.close();
}
