import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { demoUniverse, formatPrice, type PriceTicks, type UserId } from '@tradeloop/domain';
import { Db, REDIS } from '@tradeloop/platform';
import { InstrumentsRepository, marketKeys } from '@tradeloop/market';
import { PlaceOrderUseCase } from '@tradeloop/trading';
import { LegChangeNotes, riskExitTriggerId } from '@tradeloop/watchlist-trading';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { untilQuotedEverywhere } from './support/steered-quotes';
import { startWorker } from './support/kite-world';
import { eventually, MarketClient } from './support/market-socket';

/**
 * Per-unit risk exits end to end (docs/watchlist-trading.md, "Per-unit exits"): the real worker's
 * exit engine on the simulated feed, whose price of the leg's instrument the test steers
 * (MARKET_STEERING, POST /api/v1/admin/market/steer). Each leg is opened on two paper accounts
 * through the normal order path (PlaceOrderUseCase with the leg's id), so it does not depend on the
 * quick-order path; the exits flatten through the same path.
 *
 * Each case uses its own instrument, so no steering or leg of one case reaches another.
 */
const { api, ctx } = useTestApi({ MARKET_STEERING: 'true' });

let worker: RunningProcess;
let healthPort: number;
let admin: { token: string };

const RUPEE = 10_000;
const TICK = 500; // ₹0.05, the demo equities' tick
const sql = () => api.app.get(Db).sql;
const workerEnv = { MARKET_FEED_TICKS_PER_SECOND: '500' };

/** The snapshot format of trade_legs.settings: each key's value and source. */
const snapshot = (values: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v, source: 'click' }]));

interface Trader {
  id: string;
  token: string;
  accounts: [string, string];
}

/** A trader with two paper accounts: the primary the product gives, and one the trader adds. */
async function newTrader(): Promise<Trader> {
  const t = await signedIn(api, ['trader']);
  const list = await api.http.get('/api/v1/broker-accounts', t.token);
  const first = list.body.items.find((a: { kind: string }) => a.kind === 'paper').id as string;
  const added = await api.http.post('/api/v1/broker-accounts', { kind: 'paper', name: 'Paper 2' }, t.token);
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  const second = added.body.id as string;
  return { id: t.user.id, token: t.token, accounts: [first, second] };
}

async function steer(symbol: string, price: PriceTicks | null): Promise<void> {
  const res = await api.http.post('/api/v1/admin/market/steer', { symbol, price: price === null ? null : formatPrice(price) }, admin.token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** Until the API and the shared quotes (what the worker reads: paper fills, the exit engine's seed) both show `price`. */
const untilQuote = (symbol: string, price: PriceTicks, token: string) =>
  untilQuotedEverywhere(api, ctx.config.REDIS_PREFIX, token, symbol, price);

/** The worker's gauge of watched legs (its /metrics). */
async function watchedLegs(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
  const m = /^risk_exit_watched_legs(?:\{[^}]*\})? (\d+)/m.exec(text);
  return m ? Number(m[1]) : -1;
}

/**
 * Opens a leg of `quantity` units on both accounts of `trader` at the steered price `at`: BUY
 * market orders through PlaceOrderUseCase carrying the leg id, both filled; the targets stored;
 * the engine told. Returns the leg and its entry (the fills' average).
 */
async function openLeg(trader: Trader, symbol: string, at: PriceTicks, settings: Record<string, unknown>, quantity = 5) {
  await steer(symbol, at);
  await untilQuote(symbol, at, trader.token);
  const legId = randomUUID();
  await sql().rows(
    `INSERT INTO trade_legs (id, user_id, watchlist_id, row_symbol, symbol, kind, product, settings) VALUES ($1, $2, $3, $4, $4, 'EQ', 'MIS', $5)`,
    [legId, trader.id, randomUUID(), symbol, JSON.stringify(snapshot(settings))],
  );
  const place = api.app.get(PlaceOrderUseCase);
  const orders: string[] = [];
  for (const accountId of trader.accounts) {
    const res = await place.execute(
      trader.id as UserId,
      { symbol, side: 'BUY', type: 'MARKET', quantity, product: 'MIS', validity: 'DAY', accountId },
      randomUUID(),
      { requestId: 'risk-exits-test' },
      { legId },
    );
    orders.push(res.body.order.id);
    await sql().rows(`INSERT INTO trade_leg_accounts (leg_id, account_id, target_quantity) VALUES ($1, $2, $3)`, [
      legId,
      accountId,
      quantity,
    ]);
  }
  await eventually(
    async () => (await sql().rows(`SELECT 1 FROM orders WHERE id = ANY($1::uuid[]) AND status = 'FILLED'`, [orders])).length === 2,
    20_000,
    'the leg opened on both accounts',
  );
  const { entry } = await sql().one<{ entry: string }>(
    `SELECT round(sum(t.quantity * t.price_ticks) / sum(t.quantity))::bigint::text AS entry FROM trades t JOIN orders o ON o.id = t.order_id WHERE o.leg_id = $1`,
    [legId],
  );
  await api.app.get(LegChangeNotes).publish([legId]);
  return { legId, entry: Number(entry) as PriceTicks };
}

const exitsOf = (legId: string) =>
  sql().rows<{ trigger_id: string; kind: string; level: string; price: string; status: string; order_ids: string[] }>(
    `SELECT trigger_id, kind, level_ticks::text AS level, trigger_price_ticks::text AS price, status, order_ids::text[] FROM risk_exits WHERE leg_id = $1`,
    [legId],
  );

/** Exit orders of the leg per account (the risk exit's tag), with their status. */
const exitOrdersOf = (legId: string) =>
  sql().rows<{ account_id: string; side: string; quantity: number; status: string }>(
    `SELECT account_id, side, quantity, status FROM orders WHERE leg_id = $1 AND client_tag = 'risk-exit' ORDER BY account_id`,
    [legId],
  );

/** Net filled per account of the leg. */
const netsOf = async (legId: string) =>
  (
    await sql().rows<{ net: number }>(
      `SELECT coalesce(sum(CASE WHEN t.side = 'BUY' THEN t.quantity ELSE -t.quantity END), 0)::int AS net
       FROM orders o LEFT JOIN trades t ON t.order_id = o.id WHERE o.leg_id = $1 GROUP BY o.account_id ORDER BY o.account_id`,
      [legId],
    )
  ).map((r) => r.net);

/** Waits for the leg's exit to be sent and both accounts flat; returns the exit. */
async function untilExited(legId: string, ms = 20_000) {
  const exit = await eventually(
    async () => {
      const rows = await exitsOf(legId);
      return rows.length === 1 && rows[0]!.status === 'sent' ? rows[0] : null;
    },
    ms,
    `risk exit of ${legId} sent`,
  );
  await eventually(
    async () => {
      const nets = await netsOf(legId);
      return nets.length === 2 && nets.every((n) => n === 0);
    },
    ms,
    `leg ${legId} flat on both accounts`,
  );
  return exit;
}

/** One sell per account, filled, of the whole quantity; one exit; targets 0. */
async function expectExactlyOneExit(legId: string, trader: Trader, quantity = 5) {
  expect(await exitsOf(legId)).toHaveLength(1);
  const orders = await exitOrdersOf(legId);
  expect(orders.map((o) => [o.account_id, o.side, o.quantity, o.status])).toEqual(
    [...trader.accounts].sort().map((a) => [a, 'SELL', quantity, 'FILLED']),
  );
  const targets = await sql().rows<{ target_quantity: number }>(`SELECT target_quantity FROM trade_leg_accounts WHERE leg_id = $1`, [
    legId,
  ]);
  expect(targets.map((t) => t.target_quantity)).toEqual([0, 0]);
}

/** Until the leg's persisted trailing state is `stop` (armed). */
const untilStop = (legId: string, stop: PriceTicks) =>
  eventually(
    async () => {
      const r = await sql().one<{ armed: boolean; stop: string | null }>(
        `SELECT tsl_armed AS armed, tsl_stop_ticks::text AS stop FROM trade_legs WHERE id = $1`,
        [legId],
      );
      return r.armed && Number(r.stop) === stop;
    },
    15_000,
    `trailing stop at ${formatPrice(stop)}`,
  );

/** Five equities of the demo, one per case. */
const SYMBOLS = demoUniverse(new Date())
  .filter((i) => i.instrumentType === 'EQ' && i.tickSize === TICK)
  .map((i) => i.symbol)
  .slice(0, 8);

beforeAll(async () => {
  healthPort = await freePort();
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  admin = await signedIn(api, ['admin']);
  worker = await startWorker(ctx, healthPort, workerEnv);
}, 60_000);

afterAll(async () => {
  await worker?.stop();
});

describe('per-unit risk exits (worker, steered market)', () => {
  it('TP fires once: one exit, one market SELL per account of its whole net, a RISK_EXIT risk event, the risk.exit alert', async () => {
    const trader = await newTrader();
    const symbol = SYMBOLS[0]!;
    const socket = new MarketClient(api.url, trader.token);
    const alerts: { exit: { legId: string; kind: string; status: string; orderIds: string[] } }[] = [];
    socket.socket.on('risk.exit', (e: (typeof alerts)[number]) => alerts.push(e));
    await socket.ready();
    const { legId, entry } = await openLeg(trader, symbol, 1_000 * RUPEE, { tpPerUnit: '30', slPerUnit: '20' });
    await eventually(async () => (await watchedLegs()) >= 1, 10_000, 'the leg watched');
    // Below the TP: nothing.
    await steer(symbol, entry + 30 * RUPEE - TICK);
    await untilQuote(symbol, entry + 30 * RUPEE - TICK, trader.token);
    expect(await exitsOf(legId)).toEqual([]);
    await steer(symbol, entry + 30 * RUPEE);
    const exit = await untilExited(legId);
    expect(exit).toMatchObject({ trigger_id: riskExitTriggerId(legId, 1), kind: 'TP', level: String(entry + 30 * RUPEE) });
    expect(exit.order_ids).toHaveLength(2);
    await expectExactlyOneExit(legId, trader);
    const events = await api.http.get('/api/v1/risk/events', trader.token);
    expect(events.body.items.filter((e: { kind: string; rule: string }) => e.kind === 'RISK_EXIT' && e.rule === 'TP')).toHaveLength(1);
    // The alert: when it triggered, and when it was sent with its orders.
    await eventually(() => alerts.some((a) => a.exit.status === 'sent'), 5_000, 'the risk.exit alert (sent)');
    expect(alerts.map((a) => [a.exit.legId, a.exit.kind, a.exit.status, a.exit.orderIds.length])).toEqual([
      [legId, 'TP', 'triggered', 0],
      [legId, 'TP', 'sent', 2],
    ]);
    socket.close();
    // The price stays beyond the TP for a while: still one exit.
    await new Promise((r) => setTimeout(r, 1_000));
    await expectExactlyOneExit(legId, trader);
  });

  it('SL fires once', async () => {
    const trader = await newTrader();
    const symbol = SYMBOLS[1]!;
    const { legId, entry } = await openLeg(trader, symbol, 1_500 * RUPEE, { tpPerUnit: '30', slPerUnit: '20' });
    await eventually(async () => (await watchedLegs()) >= 1, 10_000, 'the leg watched');
    await steer(symbol, entry - 20 * RUPEE - TICK);
    const exit = await untilExited(legId);
    expect(exit).toMatchObject({ kind: 'SL', level: String(entry - 20 * RUPEE), price: String(entry - 20 * RUPEE - TICK) });
    await expectExactlyOneExit(legId, trader);
  });

  it('the trailing stop arms at break-even, trails in whole steps only up, survives a worker restart, and exits at the stop', async () => {
    const trader = await newTrader();
    const symbol = SYMBOLS[2]!;
    const { legId, entry } = await openLeg(trader, symbol, 800 * RUPEE, {
      tpPerUnit: '50',
      slPerUnit: '20',
      tslEnabled: true,
      tslArmAfter: '10',
      tslTrailBy: '15',
      tslStep: '5',
    });
    await eventually(async () => (await watchedLegs()) >= 1, 10_000, 'the leg watched');
    // +12: armed, stop at the entry.
    await steer(symbol, entry + 12 * RUPEE);
    await untilStop(legId, entry);
    // +26: best − 15 = +11 → +10 (whole steps of 5 above the entry).
    await steer(symbol, entry + 26 * RUPEE);
    await untilStop(legId, entry + 10 * RUPEE);
    // Down to +20: the stop does not move back.
    await steer(symbol, entry + 20 * RUPEE);
    await untilQuote(symbol, entry + 20 * RUPEE, trader.token);
    // +31: best − 15 = +16 → +15.
    await steer(symbol, entry + 31 * RUPEE);
    await untilStop(legId, entry + 15 * RUPEE);
    expect(await exitsOf(legId)).toEqual([]);

    // The worker dies; the state is in the database; a new worker resumes from it: at +15 a fresh
    // state would arm (not exit), the resumed one exits at its stop.
    await worker.stop('SIGKILL');
    const stored = await sql().one<{ tsl_armed: boolean; stop: string }>(
      `SELECT tsl_armed, tsl_stop_ticks::text AS stop FROM trade_legs WHERE id = $1`,
      [legId],
    );
    expect(stored).toEqual({ tsl_armed: true, stop: String(entry + 15 * RUPEE) });
    await steer(symbol, entry + 15 * RUPEE);
    worker = await startWorker(ctx, healthPort, workerEnv);
    const exit = await untilExited(legId, 30_000);
    expect(exit).toMatchObject({ kind: 'TSL', level: String(entry + 15 * RUPEE), price: String(entry + 15 * RUPEE) });
    await expectExactlyOneExit(legId, trader);
  });

  it('an exit under an engaged user kill switch still goes (it reduces exposure), while a new BUY is refused', async () => {
    const trader = await newTrader();
    const symbol = SYMBOLS[3]!;
    const { legId, entry } = await openLeg(trader, symbol, 1_200 * RUPEE, { tpPerUnit: '30', slPerUnit: '20' });
    await eventually(async () => (await watchedLegs()) >= 1, 10_000, 'the leg watched');
    const engaged = await api.http.post('/api/v1/risk/kill-switch', { engaged: true, reason: 'risk exit test' }, trader.token);
    expect(engaged.status).toBe(200);
    const buy = await api.http.request('POST', '/api/v1/orders', {
      body: { symbol, side: 'BUY', type: 'MARKET', quantity: 1, product: 'MIS', accountId: trader.accounts[0] },
      token: trader.token,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(buy.status).toBe(423);
    await steer(symbol, entry - 25 * RUPEE);
    const exit = await untilExited(legId);
    expect(exit.kind).toBe('SL');
    await expectExactlyOneExit(legId, trader);
  });

  it('a tick storm beyond the TP exits once', async () => {
    const trader = await newTrader();
    const symbol = SYMBOLS[4]!;
    const { legId, entry } = await openLeg(trader, symbol, 900 * RUPEE, { tpPerUnit: '30', slPerUnit: '20' });
    await eventually(async () => (await watchedLegs()) >= 1, 10_000, 'the leg watched');
    // 200 batches of 50 ticks, all beyond the TP, straight onto the feed's channel, while the steered feed prints there too.
    const redis = api.app.get<Redis>(REDIS);
    const channel = marketKeys(ctx.config.REDIS_PREFIX).ticks;
    const p = entry + 35 * RUPEE;
    await steer(symbol, p);
    const storm = [];
    for (let b = 0; b < 200; b++) {
      const ticks = Array.from({ length: 50 }, (_, k) => [
        symbol,
        Date.now(),
        p + (k % 3) * TICK,
        p - TICK,
        p + TICK,
        0,
        p,
        b * 50 + k + 1,
      ]);
      storm.push(redis.publish(channel, JSON.stringify({ run: 'storm', seq: b + 1, ticks })));
    }
    await Promise.all(storm);
    await untilExited(legId);
    await new Promise((r) => setTimeout(r, 1_000));
    await expectExactlyOneExit(legId, trader);
  });

  it('a worker SIGKILLed between the trigger and the exit orders exits exactly once after a restart, even when the exit is sent again', async () => {
    const trader = await newTrader();
    const symbol = SYMBOLS[5]!;
    const { legId, entry } = await openLeg(trader, symbol, 1_100 * RUPEE, { tpPerUnit: '30', slPerUnit: '20' });
    await eventually(async () => (await watchedLegs()) >= 1, 10_000, 'the leg watched');
    // The next worker dies by its own SIGKILL right after a trigger commits.
    await worker.stop();
    worker = await startWorker(ctx, healthPort, { ...workerEnv, FAULT_INJECTION: 'crash-after-risk-exit-trigger' });
    await steer(symbol, entry + 30 * RUPEE);
    expect(await worker.exited).toBe('SIGKILL');
    const [triggered] = await exitsOf(legId);
    expect(triggered).toMatchObject({ kind: 'TP', status: 'triggered', order_ids: [] });
    expect(await exitOrdersOf(legId)).toEqual([]);

    // A healthy worker sends it: one order per account.
    worker = await startWorker(ctx, healthPort, workerEnv);
    await untilExited(legId, 30_000);
    await expectExactlyOneExit(legId, trader);

    // As if it had died after the orders and before marking the exit sent: sent again with the same keys, nothing more.
    await worker.stop('SIGKILL');
    await sql().rows(`UPDATE risk_exits SET status = 'triggered', sent_at = NULL, order_ids = '{}' WHERE leg_id = $1`, [legId]);
    worker = await startWorker(ctx, healthPort, workerEnv);
    const resent = await untilExited(legId, 30_000);
    expect(resent.order_ids).toHaveLength(2);
    await expectExactlyOneExit(legId, trader);
  });

  it('a leg opened by a quick order (its settings snapshot from the click) exits at its SL through the same engine', async () => {
    const trader = await newTrader();
    const symbol = SYMBOLS[7]!;
    await steer(symbol, 700 * RUPEE);
    await untilQuote(symbol, 700 * RUPEE, trader.token);
    const wl = await api.http.post('/api/v1/watchlists', { name: `wl-${randomUUID().slice(0, 8)}`, symbols: [symbol] }, trader.token);
    expect(wl.status).toBe(201);
    const click = await api.http.post(
      '/api/v1/orders/quick',
      {
        intentId: randomUUID(),
        watchlistId: wl.body.id,
        symbol,
        action: 'BUY',
        tradeMode: 'EQUITY',
        overrides: { tpPerUnit: '30', slPerUnit: '20', stepLots: 3, accountIds: trader.accounts },
      },
      trader.token,
    );
    expect(click.status, JSON.stringify(click.body)).toBe(202);
    expect(click.body.summary).toMatchObject({ total: 2, accepted: 2 });
    const { id: legId } = await sql().one<{ id: string }>(`SELECT id FROM trade_legs WHERE watchlist_id = $1`, [wl.body.id]);
    const quantity = 3 * demoUniverse(new Date()).find((i) => i.symbol === symbol)!.lotSize;
    await eventually(async () => (await netsOf(legId)).join() === `${quantity},${quantity}`, 20_000, 'the click filled on both accounts');
    const { entry } = await sql().one<{ entry: string }>(
      `SELECT round(sum(t.quantity * t.price_ticks) / sum(t.quantity))::bigint::text AS entry FROM trades t JOIN orders o ON o.id = t.order_id WHERE o.leg_id = $1`,
      [legId],
    );
    await eventually(async () => (await watchedLegs()) >= 1, 10_000, 'the leg watched');
    await steer(symbol, Number(entry) - 20 * RUPEE);
    const exit = await untilExited(legId);
    expect(exit).toMatchObject({ kind: 'SL', level: String(Number(entry) - 20 * RUPEE) });
    await expectExactlyOneExit(legId, trader, quantity);
  });

  it('the steering seam: admin only, a 400 naming the field for an unknown symbol or a price off the tick', async () => {
    const trader = await newTrader();
    expect((await api.http.post('/api/v1/admin/market/steer', { symbol: SYMBOLS[6], price: '100.00' }, trader.token)).status).toBe(403);
    const unknown = await api.http.post('/api/v1/admin/market/steer', { symbol: 'NOSUCHSYMBOL', price: '100.00' }, admin.token);
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('symbol');
    const offTick = await api.http.post('/api/v1/admin/market/steer', { symbol: SYMBOLS[6], price: '100.03' }, admin.token);
    expect(offTick.status).toBe(400);
    expect(JSON.stringify(offTick.body)).toContain('price');
    const released = await api.http.post('/api/v1/admin/market/steer', { symbol: SYMBOLS[6], price: null }, admin.token);
    expect(released.status).toBe(200);
    expect(released.body).toEqual({ symbol: SYMBOLS[6], price: null });
  });
});
