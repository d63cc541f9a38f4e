// `npm run bench -- watchlist [--part click|evaluate|exit]` — issue 16's figures (docs/watchlist-trading.md):
//   click:    one quick order (BUY_CE / SELL_CE of NIFTY's ATM call, ANCHOR) fanned out to the mock
//             brokers of 3 paper accounts, from the HTTP POST until every account's order is
//             accepted by its broker (the engine's record of the acceptance: the order's first
//             history entry past PENDING). Target p99 ≤ 50 ms. Also shown: until the trader's
//             socket hears of it, and where the time goes (intake, engine, socket).
//             Baseline: the same three orders as a client would send them without fan-out — three
//             plain POST /api/v1/orders at once, until all three are accepted.
//   evaluate: the exit engine's evaluation of 5,000 open legs at 10,000 ticks/s, per tick batch
//             (bench/watchlist-evaluate.mjs). Target p99 ≤ 1 ms. Baseline: the seed's 1 s poller.
//   exit:     breach → exit orders sent: legs on 3 paper accounts, each symbol's price steered
//             through its SL (MARKET_STEERING); from the trigger (risk_exits.created_at: the start
//             of the transaction the breaching tick began) until every account's exit order has
//             left for its broker (the order's SENDING history entry). Target p99 ≤ 20 ms. Also
//             shown: until every broker's acceptance is recorded (OPEN/FILLED).
// Real API and worker processes (built dist), Postgres and Redis; the simulated feed at 500 ticks/s.
// Prints a table and ends with one JSON line. Not part of `npm test`.
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { fmt, machine } from './lib/bench-kit.mjs';
import { createMarketStack, percentile } from './market/stack.mjs';
import { benchExitEvaluation } from './watchlist-evaluate.mjs';

const part = process.argv.includes('--part') ? process.argv[process.argv.indexOf('--part') + 1] : 'all';
const CLICKS = Number(process.env.BENCH_CLICKS ?? 300);
const EXIT_LEGS = Number(process.env.BENCH_EXIT_LEGS_E2E ?? 100);
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.at(-1) };
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function http(base, method, path, token, body) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A user registered through the API, with `roles` granted in the database before the login (roles ride in the token). */
async function user(stack, base, roles) {
  const email = `bench-wl-${randomUUID().slice(0, 8)}@example.test`;
  const password = 'bench-password-1';
  const post = (path, body) =>
    fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const reg = await post('/api/v1/auth/register', { email, password, displayName: 'Bench watchlist' });
  if (reg.status !== 201) throw new Error(`register: ${reg.status}`);
  const { rows } = await stack.db.query(`SELECT id FROM users WHERE email = $1`, [email]);
  const id = rows[0].id;
  for (const role of roles)
    await stack.db.query(`INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [id, role]);
  const token = (await (await post('/api/v1/auth/login', { email, password })).json()).accessToken;
  // Far above the demo's per-user limits: the bench measures the path, not the limits.
  await stack.db.query(
    `INSERT INTO risk_limits (user_id, max_order_value_paise, max_position_value_paise, max_open_orders, max_daily_loss_paise, max_orders_per_minute)
     VALUES ($1, 100000000000, 100000000000, 10000, 100000000000, 100000)`,
    [id],
  );
  return { id, token };
}

/** The trader's three paper accounts (the primary and two added), each funded. */
async function threePaperAccounts(base, token) {
  for (const name of ['Bench paper 2', 'Bench paper 3']) {
    const r = await http(base, 'POST', '/api/v1/broker-accounts', token, { kind: 'paper', name });
    if (r.status !== 201) throw new Error(`paper account: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const list = await http(base, 'GET', '/api/v1/broker-accounts', token);
  const ids = list.body.items.filter((a) => a.kind === 'paper').map((a) => a.id);
  for (const id of ids) {
    const r = await http(base, 'POST', `/api/v1/broker-accounts/${id}/paper-balance`, token, { amount: '100000000.00' });
    if (r.status !== 200) throw new Error(`funding: ${r.status}`);
  }
  return ids;
}

/** The trader's socket: resolves waiters when an order is accepted by its broker (any status past PENDING). */
async function acceptanceSocket(base, token) {
  const acceptedAt = new Map();
  const waiters = new Map();
  const s = io(`${base}/realtime`, { path: '/socket.io', auth: { token }, transports: ['websocket'] });
  await new Promise((res, rej) => {
    s.once('ready', res);
    s.once('connect_error', rej);
  });
  s.on('order.updated', ({ order }) => {
    if (order.status === 'PENDING' || acceptedAt.has(order.id)) return;
    acceptedAt.set(order.id, performance.now());
    waiters.get(order.id)?.();
  });
  const accepted = (id) => (acceptedAt.has(id) ? Promise.resolve() : new Promise((r) => waiters.set(id, r)));
  return { socket: s, accepted, acceptedAt };
}

async function benchClick(stack, api) {
  const trader = await user(stack, api.base, ['trader']);
  const accounts = await threePaperAccounts(api.base, trader.token);
  const wl = await http(api.base, 'POST', '/api/v1/watchlists', trader.token, { name: 'Bench NIFTY', symbols: ['NIFTY'] });
  if (wl.status !== 201) throw new Error(`watchlist: ${wl.status}`);
  const set = await http(api.base, 'PUT', '/api/v1/settings/user', trader.token, {
    values: { accountIds: accounts, strikePolicy: 'ANCHOR', stepLots: 1, maxLotsPerLeg: 100, product: 'MIS' },
  });
  if (set.status !== 200) throw new Error(`settings: ${set.status} ${JSON.stringify(set.body)}`);
  const { socket, accepted } = await acceptanceSocket(api.base, trader.token);
  const click = (action) => ({
    intentId: randomUUID(),
    watchlistId: wl.body.id,
    symbol: 'NIFTY',
    action,
    tradeMode: 'OPTIONS',
    optionLeg: 'ATM',
    expiry: 'weekly',
  });
  const fanOut = [];
  const posts = [];
  const baseline = [];
  let contract = null;
  const failures = [];
  // Where a click's time goes (wall clock, this machine): POST → intake commit of the last order → broker accepted → socket.
  const stages = [];
  const baseStages = [];
  // Interleaved: a quick click, then the baseline's three orders, so both see the same market and load.
  for (let k = 0; k < CLICKS + 20; k += 1) {
    const t0 = performance.now();
    const r = await http(api.base, 'POST', '/api/v1/orders/quick', trader.token, click(k % 2 === 0 ? 'BUY_CE' : 'SELL_CE'));
    if (r.status !== 202 || r.body.summary.accepted !== 3) {
      failures.push(`${r.status} ${JSON.stringify(r.body?.intent?.results ?? r.body)}`);
      continue;
    }
    contract = r.body.intent.instrument.symbol;
    const answered = performance.now() - t0;
    await Promise.all(r.body.intent.results.filter((x) => x.orderId).map((x) => accepted(x.orderId)));
    const ms = performance.now() - t0;
    const side = k % 2 === 0 ? 'BUY' : 'SELL';
    const b0 = performance.now();
    const placed = await Promise.all(
      accounts.map((accountId) =>
        http(api.base, 'POST', '/api/v1/orders', trader.token, {
          symbol: contract,
          side,
          type: 'MARKET',
          quantity: 65,
          product: 'MIS',
          accountId,
        }),
      ),
    );
    if (placed.some((p) => p.status !== 202)) {
      failures.push(`baseline ${placed.map((p) => `${p.status} ${JSON.stringify(p.body)}`).join(',')}`);
      continue;
    }
    await Promise.all(placed.map((p) => accepted(p.body.order.id)));
    const bms = performance.now() - b0;
    if (k >= 20) baseStages.push({ t0: performance.timeOrigin + b0, ids: placed.map((p) => p.body.order.id) });
    // The baseline's orders net out by the next pair; undo them now so the leg's account positions stay the quick path's.
    await Promise.all(
      accounts.map((accountId) =>
        http(api.base, 'POST', '/api/v1/orders', trader.token, {
          symbol: contract,
          side: side === 'BUY' ? 'SELL' : 'BUY',
          type: 'MARKET',
          quantity: 65,
          product: 'MIS',
          accountId,
        }),
      ),
    );
    if (k >= 20) {
      stages.push({ t0: performance.timeOrigin + t0, answered, ms, ids: r.body.intent.results.map((x) => x.orderId).filter(Boolean) });
      fanOut.push(ms);
      posts.push(answered);
      baseline.push(bms);
    }
    await sleep(20);
  }
  socket.close();
  const breakdown = await stageBreakdown(stack, stages);
  const baselineBreakdown = await stageBreakdown(stack, baseStages);
  return {
    clicks: fanOut.length,
    toAccepted: breakdown.toAccepted,
    breakdown,
    baselineToAccepted: baselineBreakdown.toAccepted,
    contract,
    fanOut: stats(fanOut),
    answered: stats(posts),
    baseline: stats(baseline),
    failures: failures.slice(0, 5),
    failed: failures.length,
  };
}

/**
 * Per click (wall clock of this machine, the database's clock_timestamp for its rows): POST → the
 * last order's intake row written → the last order's acceptance by its broker recorded by the
 * engine (its first history entry past PENDING) → the trader's socket told of the last one.
 */
async function stageBreakdown(stack, stages) {
  const { rows } = await stack.db.query(
    `SELECT o.id,
            (SELECT extract(epoch FROM min(e.at)) * 1000 FROM order_events e WHERE e.order_id = o.id AND e.status = 'PENDING') AS placed_at,
            (SELECT extract(epoch FROM min(e.at)) * 1000 FROM order_events e WHERE e.order_id = o.id AND e.status <> 'PENDING') AS open_at
       FROM orders o WHERE o.id = ANY($1::uuid[])`,
    [stages.flatMap((s) => s.ids)],
  );
  const by = new Map(rows.map((r) => [r.id, r]));
  const intake = [];
  const engine = [];
  const tail = [];
  const total = [];
  for (const s of stages) {
    const os = s.ids.map((id) => by.get(id));
    if (os.length === 0) continue;
    const placed = Math.max(...os.map((o) => Number(o.placed_at)));
    const open = Math.max(...os.map((o) => Number(o.open_at)));
    intake.push(placed - s.t0);
    engine.push(open - placed);
    total.push(open - s.t0);
    if (s.ms !== undefined) tail.push(s.t0 + s.ms - open);
  }
  return { toAccepted: stats(total), toIntake: stats(intake), intakeToAccepted: stats(engine), acceptedToSocket: stats(tail) };
}

async function benchExit(stack, api) {
  const admin = await user(stack, api.base, ['admin']);
  const trader = await user(stack, api.base, ['trader']);
  const accounts = await threePaperAccounts(api.base, trader.token);
  const symbols = stack.universe.filter((i) => i.instrumentType === 'EQ' && !i.symbol.startsWith('BENCH')).map((i) => i.symbol);
  const lists = [];
  for (let i = 0; i * symbols.length < EXIT_LEGS; i += 1) {
    const wl = await http(api.base, 'POST', '/api/v1/watchlists', trader.token, { name: `Bench exits ${i}`, symbols });
    if (wl.status !== 201) throw new Error(`watchlist: ${wl.status} ${JSON.stringify(wl.body)}`);
    lists.push(wl.body.id);
  }
  const set = await http(api.base, 'PUT', '/api/v1/settings/user', trader.token, {
    values: { accountIds: accounts, stepLots: 1, product: 'MIS', tpPerUnit: '1000', slPerUnit: '5' },
  });
  if (set.status !== 200) throw new Error(`settings: ${set.status} ${JSON.stringify(set.body)}`);
  const steer = async (symbol, price) => {
    const r = await http(api.base, 'POST', '/api/v1/admin/market/steer', admin.token, { symbol, price });
    if (r.status !== 200) throw new Error(`steer: ${r.status} ${JSON.stringify(r.body)}`);
  };
  const samples = [];
  const sentSamples = [];
  const placedSamples = [];
  for (let k = 0; k < EXIT_LEGS; k += 1) {
    const symbol = symbols[k % symbols.length];
    const watchlistId = lists[Math.floor(k / symbols.length)];
    const price = 1000 + (k % 7);
    await steer(symbol, `${price}.00`);
    await sleep(150);
    const r = await http(api.base, 'POST', '/api/v1/orders/quick', trader.token, {
      intentId: randomUUID(),
      watchlistId,
      symbol,
      action: 'BUY',
      tradeMode: 'EQUITY',
    });
    if (r.status !== 202 || r.body.summary.accepted !== 3) throw new Error(`open leg: ${r.status} ${JSON.stringify(r.body)}`);
    // Every account filled: the leg is watched with its entry.
    for (let i = 0; i < 200; i += 1) {
      const { rows } = await stack.db.query(`SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[]) AND status = 'FILLED'`, [
        r.body.intent.results.map((x) => x.orderId),
      ]);
      if (rows[0].n === 3) break;
      await sleep(25);
    }
    await sleep(300); // the engine re-reads the leg on its change note
    await steer(symbol, `${price - 10}.00`);
    let exit = null;
    for (let i = 0; i < 400 && !exit; i += 1) {
      const { rows } = await stack.db.query(
        `SELECT extract(epoch FROM x.created_at) * 1000 AS created_ms, extract(epoch FROM x.sent_at) * 1000 AS sent_ms, x.order_ids::text[] AS order_ids
           FROM risk_exits x JOIN trade_legs l ON l.id = x.leg_id
          WHERE l.symbol = $1 AND l.watchlist_id = $2 AND x.status = 'sent'`,
        [symbol, watchlistId],
      );
      if (rows[0]?.order_ids?.length === 3) exit = rows[0];
      else await sleep(25);
    }
    if (!exit) {
      const legs = await stack.db.query(`SELECT id, settings, generation, tsl_armed FROM trade_legs WHERE symbol = $1`, [symbol]);
      const orders = await stack.db.query(`SELECT side, status, quantity, filled_quantity, client_tag FROM orders WHERE symbol = $1`, [
        symbol,
      ]);
      const exits = await stack.db.query(`SELECT * FROM risk_exits`);
      throw new Error(`no exit for ${symbol}: ${JSON.stringify({ legs: legs.rows, orders: orders.rows, exits: exits.rows })}`);
    }
    let accepted = null;
    for (let i = 0; i < 400 && !accepted; i += 1) {
      // Per order: when it left for its broker (its SENDING entry) and when the broker's acceptance was recorded.
      const { rows } = await stack.db.query(
        `SELECT order_id, extract(epoch FROM min(at) FILTER (WHERE event = 'SENDING')) * 1000 AS sending,
                extract(epoch FROM min(at) FILTER (WHERE status <> 'PENDING')) * 1000 AS accepted
           FROM order_events WHERE order_id = ANY($1::uuid[]) GROUP BY order_id`,
        [exit.order_ids],
      );
      if (rows.length === 3 && rows.every((r) => r.accepted !== null)) accepted = rows;
      else await sleep(25);
    }
    if (!accepted) throw new Error(`exit orders of ${symbol} not accepted`);
    const trigger = Number(exit.created_ms);
    sentSamples.push(Math.max(...accepted.map((r) => Number(r.sending))) - trigger);
    samples.push(Math.max(...accepted.map((r) => Number(r.accepted))) - trigger);
    placedSamples.push(Number(exit.sent_ms) - trigger);
    await steer(symbol, null);
  }
  return { exits: samples.length, toSent: stats(sentSamples), toAccepted: stats(samples), toPlaced: stats(placedSamples) };
}

const out = { bench: 'watchlist', machine: machine() };
if (part === 'all' || part === 'evaluate') out.evaluate = benchExitEvaluation();
if (part === 'all' || part === 'click' || part === 'exit') {
  const stack = await createMarketStack(500);
  try {
    const api = await stack.startApi({ DATABASE_POOL_SIZE: '20', MARKET_STEERING: 'true' });
    await stack.startWorker({
      MARKET_FEED_TICKS_PER_SECOND: process.env.BENCH_FEED_TPS ?? '500',
      DATABASE_POOL_SIZE: '20',
      MARKET_STEERING: 'true',
    });
    await sleep(3_000); // quotes flow
    if (part === 'all' || part === 'click') out.click = await benchClick(stack, api);
    if (part === 'all' || part === 'exit') out.exit = await benchExit(stack, api);
  } finally {
    await stack.close();
  }
}

const verdicts = {};
if (out.click) verdicts.clickP99 = { target: '≤ 50 ms', value: out.click.toAccepted.p99, met: out.click.toAccepted.p99 <= 50 };
if (out.evaluate)
  verdicts.evaluateP99 = { target: '≤ 1 ms', value: out.evaluate.engine.evalMs.p99, met: out.evaluate.engine.evalMs.p99 <= 1 };
if (out.exit) verdicts.exitP99 = { target: '≤ 20 ms', value: out.exit.toSent.p99, met: out.exit.toSent.p99 <= 20 };

console.log('');
if (out.click)
  console.log(
    `  click → 3 accounts' orders accepted by their brokers: p50 ${fmt(out.click.toAccepted.p50)} ms, p99 ${fmt(out.click.toAccepted.p99)} ms (${out.click.clicks} clicks, ${out.click.failed} failed)` +
      ` | baseline, 3 plain orders: p50 ${fmt(out.click.baselineToAccepted.p50)} ms, p99 ${fmt(out.click.baselineToAccepted.p99)} ms\n` +
      `    → on the trader's socket: p50 ${fmt(out.click.fanOut.p50)} ms, p99 ${fmt(out.click.fanOut.p99)} ms (baseline p50 ${fmt(out.click.baseline.p50)} ms, p99 ${fmt(out.click.baseline.p99)} ms); the 202 itself p50 ${fmt(out.click.answered.p50)} ms, p99 ${fmt(out.click.answered.p99)} ms`,
  );
if (out.evaluate) {
  const e = out.evaluate;
  console.log(
    `  evaluate ${e.legs} legs at ${e.ticksPerSecond} ticks/s (batches of ${e.batchTicks}): p50 ${fmt(e.engine.evalMs.p50, 3)} ms, p99 ${fmt(e.engine.evalMs.p99, 3)} ms per batch;` +
      ` breach seen after p99 ${fmt(e.engine.delayMs.p99, 3)} ms | 1 s poller: breach seen after p50 ${fmt(e.poller.delayMs.p50, 0)} ms, p99 ${fmt(e.poller.delayMs.p99, 0)} ms, ${e.poller.missedAtAPoll} leg-polls past a breach the price took back`,
  );
}
if (out.exit)
  console.log(
    `  breach → exit orders sent to the brokers of 3 accounts: p50 ${fmt(out.exit.toSent.p50)} ms, p99 ${fmt(out.exit.toSent.p99)} ms (${out.exit.exits} exits)` +
      ` | → accepted by them: p50 ${fmt(out.exit.toAccepted.p50)} ms, p99 ${fmt(out.exit.toAccepted.p99)} ms; exit marked sent: p99 ${fmt(out.exit.toPlaced.p99)} ms`,
  );
console.log(JSON.stringify({ ...out, verdicts }));
