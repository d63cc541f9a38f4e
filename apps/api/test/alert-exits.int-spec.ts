import { AlertExitNotes, alertExitTriggerId, DEFAULT_ENGINE_CONFIG, EngineConfigsRepository } from '@tradeloop/alerts';
import { DEFAULT_EXIT_TIER_CONFIG, demoUniverse, formatPrice, type PriceTicks } from '@tradeloop/domain';
import { InstrumentsRepository, marketKeys } from '@tradeloop/market';
import type { Redis } from 'ioredis';
import { Db, REDIS } from '@tradeloop/platform';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { startWorker } from './support/kite-world';
import { eventually } from './support/market-socket';
import { signedIn, useTestApi } from './support/test-api';
import { postSignedAlert } from './support/webhook-alerts';
import { untilQuotedEverywhere } from './support/steered-quotes';

/**
 * The alert exit engine end to end (docs/alerts.md "Exit engine"): alert positions opened through
 * the real processing path (a signed alert → engine decision → paper fill → a real position; or a
 * shadow ENTER → a shadow position), then the simulated market is steered (MARKET_STEERING) through
 * the position's stop or target and the real worker's engine, on the feed's ticks, exits it —
 * real: one MARKET exit order, the position closed at its fill; shadow: closed virtually, no order.
 * Each case uses its own instrument, so no steering of one case reaches another.
 */
const { api, ctx } = useTestApi({ MARKET_STEERING: 'true' });

let worker: RunningProcess;
let healthPort: number;
let admin: { token: string };
let trader: { id: string; token: string };
let paper: string;

const RUPEE = 10_000;
const sql = () => api.app.get(Db).sql;
/** Stop and target 10 % of the entry; nothing else that could fire during a test. */
const EXIT = { ...DEFAULT_EXIT_TIER_CONFIG, stopLossPct: 10, targetPct: 10, maxHoldingMinutes: null, minDaysToExpiry: null };

const SYMBOLS = demoUniverse(new Date())
  .filter((i) => i.instrumentType === 'EQ' && i.tickSize === 500 && i.lotSize === 1)
  .map((i) => i.symbol)
  .slice(0, 8);

async function steer(symbol: string, price: PriceTicks): Promise<void> {
  const res = await api.http.post('/api/v1/admin/market/steer', { symbol, price: formatPrice(price) }, admin.token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** Until the API and the shared quotes (what the worker reads) both show `price`. */
const untilQuote = (symbol: string, price: PriceTicks) => untilQuotedEverywhere(api, ctx.config.REDIS_PREFIX, trader.token, symbol, price);

/** 10 % of the entry in ticks, half up (the domain's percentOfTicks). */
const tenPercent = (entry: number) => Number((BigInt(entry) * 1_000n + 5_000n) / 10_000n);
/** The highest price on the ₹0.05 tick at or through the stop level, the lowest at or through the target. */
const stopOf = (entry: number) => Math.floor((entry - tenPercent(entry)) / 500) * 500;
const targetOf = (entry: number) => Math.ceil((entry + tenPercent(entry)) / 500) * 500;

/** A source routing every alert to `engine` (split 100 → A, 0 → B) on the trader's paper account. */
async function createSource(split: number) {
  const res = await api.http.post(
    '/api/v1/webhooks',
    { name: `exits-${split}-${Date.now()}`, engine: { split }, accountIds: [paper] },
    trader.token,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; url: string; secret: string };
}

let n = 0;
async function send(source: { url: string; secret: string }, symbol: string, action: 'buy' | 'sell' | 'exit' = 'buy') {
  const raw = JSON.stringify({ symbol, action, quantity: 1, alert_id: `exits-${++n}-${Date.now()}` });
  const res = await postSignedAlert(api, source, raw);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.deliveryId as string;
}

interface PositionRow {
  id: string;
  shadow: boolean;
  status: string;
  entry_price: string;
  exit_tier: number | null;
  exit_rule: string | null;
  exit_reason: string | null;
  exit_price: string | null;
  realized_pnl_paise: string | null;
}
const positionsOf = (deliveryId: string) =>
  sql().rows<PositionRow>(
    `SELECT id, shadow, status, entry_price::text, exit_tier, exit_rule, exit_reason, exit_price::text, realized_pnl_paise::text
     FROM alert_positions WHERE delivery_id = $1 ORDER BY shadow`,
    [deliveryId],
  );

/** Until the delivery's position (real or shadow) is open; the engine is told at once (the note the processing path's open would send). */
async function untilOpen(deliveryId: string, shadow: boolean): Promise<PositionRow> {
  const p = await eventually(
    async () => (await positionsOf(deliveryId)).find((r) => r.shadow === shadow && r.status === 'open') ?? null,
    20_000,
    `${shadow ? 'shadow' : 'real'} position of ${deliveryId} open`,
  ).catch(async (err: Error) => {
    // What the delivery went through instead, for the failure message.
    const d = await sql().maybeOne(
      `SELECT status, reject_reason, decision, shadow_decision, order_ids, steps FROM webhook_deliveries WHERE id = $1`,
      [deliveryId],
    );
    throw new Error(`${err.message}; the delivery: ${JSON.stringify(d)}; positions: ${JSON.stringify(await positionsOf(deliveryId))}`);
  });
  await api.app.get(AlertExitNotes).publish({ positions: [p.id] });
  return p;
}

const untilClosed = (positionId: string, ms = 30_000) =>
  eventually(
    async () => {
      const [p] = await sql().rows<PositionRow>(
        `SELECT id, shadow, status, entry_price::text, exit_tier, exit_rule, exit_reason, exit_price::text, realized_pnl_paise::text
         FROM alert_positions WHERE id = $1`,
        [positionId],
      );
      return p?.status === 'closed' ? p : null;
    },
    ms,
    `position ${positionId} closed`,
  );

const exitsOf = (positionId: string) =>
  sql().rows<{
    trigger_id: string;
    tier: number;
    rule: string;
    status: string;
    order_id: string | null;
    attempt: number;
    flagged: boolean;
  }>(`SELECT trigger_id, tier, rule, status, order_id, attempt, flagged FROM alert_exits WHERE position_id = $1`, [positionId]);

/** Exit orders of the trader on `symbol` (the alert exit's tag). */
const exitOrdersOf = (symbol: string) =>
  sql().rows<{ id: string; side: string; quantity: number; type: string; status: string; avg: string | null }>(
    `SELECT id, side, quantity, type, status, CASE WHEN filled_quantity > 0 THEN (filled_value_tick_units / filled_quantity)::bigint::text END AS avg
     FROM orders WHERE user_id = $1 AND symbol = $2 AND client_tag = 'alert-exit' ORDER BY created_at`,
    [trader.id, symbol],
  );

/** A real position on `symbol` opened at `at` through the processing path (split 0 → engine B, threshold 0: ENTER). */
async function openReal(symbol: string, at: PriceTicks) {
  await steer(symbol, at);
  await untilQuote(symbol, at);
  const deliveryId = await send(await createSource(0), symbol);
  return untilOpen(deliveryId, false);
}

beforeAll(async () => {
  healthPort = await freePort();
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  admin = await signedIn(api, ['admin']);
  const t = await signedIn(api, ['trader']);
  trader = { id: t.user.id, token: t.token };
  const accounts = await api.http.get('/api/v1/broker-accounts', trader.token);
  paper = accounts.body.items.find((a: { kind: string }) => a.kind === 'paper').id;
  // B always enters (threshold 0, no veto, limits far away); A only takes SELLs, so a BUY routed to A is a SKIP with a shadow B ENTER.
  const c = DEFAULT_ENGINE_CONFIG;
  await api.app.get(EngineConfigsRepository).put(trader.id, {
    ...c,
    a: { ...c.a, directions: ['SELL'] },
    b: { ...c.b, entryThreshold: 0, vetoThreshold: 100, limits: { maxOpenPositions: 1000, maxExposure: 10n ** 15n } },
    exit: EXIT,
  });
  worker = await startWorker(ctx, healthPort);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
});

describe('alert exit engine (worker, steered market)', () => {
  it('a real position through its stop: exactly one MARKET SELL of its quantity, closed at the fill, tier 2 (protection) STOP_LOSS', async () => {
    const symbol = SYMBOLS[0]!;
    const p = await openReal(symbol, 1_000 * RUPEE);
    const entry = Number(p.entry_price);
    const stop = stopOf(entry);
    // One tick above the stop: nothing (judged on ticks of this price).
    await steer(symbol, stop + 500);
    await untilQuote(symbol, stop + 500);
    expect(await exitsOf(p.id)).toEqual([]);
    await steer(symbol, stop);
    const closed = await untilClosed(p.id);
    const orders = await exitOrdersOf(symbol);
    expect(orders.map((o) => [o.side, o.quantity, o.type, o.status])).toEqual([['SELL', 1, 'MARKET', 'FILLED']]);
    expect(closed).toMatchObject({ exit_tier: 2, exit_rule: 'STOP_LOSS', exit_price: orders[0]!.avg });
    expect(closed.exit_reason).toContain('stop');
    expect(closed.realized_pnl_paise).toBe(String((Number(orders[0]!.avg) - entry) / 100));
    expect(await exitsOf(p.id)).toEqual([
      {
        trigger_id: alertExitTriggerId(p.id),
        tier: 2,
        rule: 'STOP_LOSS',
        status: 'closed',
        order_id: orders[0]!.id,
        attempt: 1,
        flagged: false,
      },
    ]);
    // The price stays through the stop: still one exit, one order.
    await steer(symbol, stop - 500);
    await untilQuote(symbol, stop - 500);
    expect(await exitOrdersOf(symbol)).toHaveLength(1);
    expect(await exitsOf(p.id)).toHaveLength(1);
  });

  it('a shadow position through its target: closed virtually at the tick price, tier 3 (profit) TARGET with its P&L; no order', async () => {
    const symbol = SYMBOLS[1]!;
    await steer(symbol, 2_000 * RUPEE);
    await untilQuote(symbol, 2_000 * RUPEE);
    const deliveryId = await send(await createSource(100), symbol);
    const p = await untilOpen(deliveryId, true);
    expect((await positionsOf(deliveryId)).filter((r) => !r.shadow)).toEqual([]); // A skipped: nothing real
    const entry = Number(p.entry_price);
    const target = targetOf(entry);
    await steer(symbol, target);
    const closed = await untilClosed(p.id);
    expect(closed).toMatchObject({ shadow: true, exit_tier: 3, exit_rule: 'TARGET', exit_price: String(target) });
    expect(closed.realized_pnl_paise).toBe(String((target - entry) / 100));
    expect(await exitsOf(p.id)).toMatchObject([{ tier: 3, rule: 'TARGET', status: 'closed', order_id: null }]);
    expect(await exitOrdersOf(symbol)).toEqual([]);
  });

  it('the worker SIGKILLed between the trigger and the order exits exactly once after a restart, even when the exit is sent again', async () => {
    const symbol = SYMBOLS[2]!;
    const p = await openReal(symbol, 1_500 * RUPEE);
    const entry = Number(p.entry_price);
    const stop = stopOf(entry);
    // The next worker dies by its own SIGKILL right after a real exit's trigger commits.
    await worker.stop();
    worker = await startWorker(ctx, healthPort, { FAULT_INJECTION: 'crash-after-alert-exit-trigger' });
    await steer(symbol, stop);
    expect(await worker.exited).toBe('SIGKILL');
    expect(await exitsOf(p.id)).toMatchObject([{ rule: 'STOP_LOSS', status: 'triggered', order_id: null }]);
    expect(await exitOrdersOf(symbol)).toEqual([]);
    expect((await sql().one<{ status: string }>(`SELECT status FROM alert_positions WHERE id = $1`, [p.id])).status).toBe('open');

    // A healthy worker sends it: one order, the position closed at its fill.
    worker = await startWorker(ctx, healthPort);
    const closed = await untilClosed(p.id);
    const orders = await exitOrdersOf(symbol);
    expect(orders.map((o) => [o.side, o.quantity, o.status])).toEqual([['SELL', 1, 'FILLED']]);
    expect(closed).toMatchObject({ exit_tier: 2, exit_rule: 'STOP_LOSS', exit_price: orders[0]!.avg });

    // As if it had died after the order and before recording it: sent again under the same key, nothing more.
    await worker.stop('SIGKILL');
    await sql().rows(
      `UPDATE alert_exits SET status = 'triggered', order_id = NULL, sent_at = NULL, closed_at = NULL WHERE position_id = $1`,
      [p.id],
    );
    await sql().rows(
      `UPDATE alert_positions SET status = 'open', closed_at = NULL, exit_tier = NULL, exit_rule = NULL, exit_reason = NULL, exit_price = NULL, realized_pnl_paise = NULL WHERE id = $1`,
      [p.id],
    );
    worker = await startWorker(ctx, healthPort);
    await untilClosed(p.id);
    expect(await exitOrdersOf(symbol)).toEqual(orders);
    expect(await exitsOf(p.id)).toMatchObject([{ status: 'closed', order_id: orders[0]!.id, attempt: 1 }]);
  }, 90_000);
  it('hard fails from the tick: a corrupt LTP and a stale tick close shadow positions, tier 1 flagged (judged at the last good price / the tick)', async () => {
    const [corruptSymbol, staleSymbol] = [SYMBOLS[3]!, SYMBOLS[4]!];
    const opened: PositionRow[] = [];
    for (const symbol of [corruptSymbol, staleSymbol]) {
      await steer(symbol, 1_200 * RUPEE);
      await untilQuote(symbol, 1_200 * RUPEE);
      opened.push(await untilOpen(await send(await createSource(100), symbol), true));
    }
    const redis = api.app.get<Redis>(REDIS);
    const channel = marketKeys(ctx.config.REDIS_PREFIX).ticks;
    let seq = 0;
    // Published straight onto the feed's channel until the engine (which may still be loading the positions) has judged them.
    const closed = await eventually(
      async () => {
        const now = Date.now();
        const ticks = [
          [corruptSymbol, now, -500, 0, 0, 0, 1_200 * RUPEE, 1],
          [staleSymbol, now - 60_000, 1_200 * RUPEE, 0, 0, 0, 1_200 * RUPEE, 1],
        ];
        await redis.publish(channel, JSON.stringify({ run: 'hard-fail', seq: ++seq, ticks }));
        const rows = await sql().rows<PositionRow & { symbol: string }>(
          `SELECT symbol, status, exit_tier, exit_rule, exit_price::text FROM alert_positions WHERE id = ANY($1::uuid[]) AND status = 'closed' ORDER BY symbol`,
          [opened.map((p) => p.id)],
        );
        return rows.length === 2 ? rows : null;
      },
      30_000,
      'both shadow positions closed by a hard fail',
    );
    const bySymbol = new Map(closed.map((r) => [r.symbol, r]));
    expect(bySymbol.get(corruptSymbol)).toMatchObject({ exit_tier: 1, exit_rule: 'DATA_CORRUPTION', exit_price: String(1_200 * RUPEE) });
    expect(bySymbol.get(staleSymbol)).toMatchObject({ exit_tier: 1, exit_rule: 'STALE_TICK' });
    for (const p of opened) expect(await exitsOf(p.id)).toMatchObject([{ tier: 1, flagged: true, status: 'closed', order_id: null }]);
  });

  it('a real SHORT through its stop (above the entry): one MARKET BUY, closed at the fill with the short’s P&L', async () => {
    const symbol = SYMBOLS[6]!;
    await steer(symbol, 1_000 * RUPEE);
    await untilQuote(symbol, 1_000 * RUPEE);
    const p = await untilOpen(await send(await createSource(0), symbol, 'sell'), false);
    const entry = Number(p.entry_price);
    const stop = Math.ceil((entry + tenPercent(entry)) / 500) * 500;
    await steer(symbol, stop - 500);
    await untilQuote(symbol, stop - 500);
    expect(await exitsOf(p.id)).toEqual([]);
    await steer(symbol, stop);
    const closed = await untilClosed(p.id);
    const orders = await exitOrdersOf(symbol);
    expect(orders.map((o) => [o.side, o.quantity, o.type, o.status])).toEqual([['BUY', 1, 'MARKET', 'FILLED']]);
    expect(closed).toMatchObject({ exit_tier: 2, exit_rule: 'STOP_LOSS', exit_price: orders[0]!.avg });
    expect(closed.realized_pnl_paise).toBe(String((entry - Number(orders[0]!.avg)) / 100));
  });
  it('an EXIT alert flattens its own source’s open positions on the symbol once (tier 0 EXIT_ALERT), real by one MARKET order, shadow at the LTP', async () => {
    const symbol = SYMBOLS[7]!;
    await steer(symbol, 1_000 * RUPEE);
    await untilQuote(symbol, 1_000 * RUPEE);
    const realSource = await createSource(0); // B routed: a real position (A's shadow SKIPs a BUY)
    const shadowSource = await createSource(100); // A routed SKIP: B's shadow position
    const real = await untilOpen(await send(realSource, symbol), false);
    const shadow = await untilOpen(await send(shadowSource, symbol), true);
    await steer(symbol, 1_010 * RUPEE); // inside both stops and targets: nothing else exits them
    await untilQuote(symbol, 1_010 * RUPEE);

    const exitDelivery = await send(realSource, symbol, 'exit');
    const closed = await untilClosed(real.id);
    const orders = await exitOrdersOf(symbol);
    expect(orders.map((o) => [o.side, o.quantity, o.type, o.status])).toEqual([['SELL', 1, 'MARKET', 'FILLED']]);
    expect(closed).toMatchObject({ exit_tier: 0, exit_rule: 'EXIT_ALERT', exit_price: orders[0]!.avg });
    expect(closed.exit_reason).toBe(`EXIT alert (delivery ${exitDelivery})`);
    expect(await exitsOf(real.id)).toMatchObject([{ tier: 0, rule: 'EXIT_ALERT', status: 'closed', order_id: orders[0]!.id }]);
    const d = await sql().one<{ status: string; decision: { decision: string; positions: string[] } }>(
      `SELECT status, decision FROM webhook_deliveries WHERE id = $1`,
      [exitDelivery],
    );
    expect(d).toMatchObject({ status: 'decided', decision: { decision: 'EXIT', positions: [real.id] } });
    // Another source's position on the symbol is not this alert's.
    expect((await sql().one<{ status: string }>(`SELECT status FROM alert_positions WHERE id = $1`, [shadow.id])).status).toBe('open');

    // The shadow source's EXIT closes its shadow at the LTP, virtually; an EXIT with nothing open decides nothing.
    await send(shadowSource, symbol, 'exit');
    const shadowClosed = await untilClosed(shadow.id);
    expect(shadowClosed).toMatchObject({ shadow: true, exit_tier: 0, exit_rule: 'EXIT_ALERT', exit_price: String(1_010 * RUPEE) });
    expect(shadowClosed.realized_pnl_paise).toBe(String((1_010 * RUPEE - Number(shadow.entry_price)) / 100));
    const again = await send(realSource, symbol, 'exit');
    const idle = await eventually(
      async () => {
        const r = await sql().one<{ status: string; decision: { positions: string[] } | null }>(
          `SELECT status, decision FROM webhook_deliveries WHERE id = $1`,
          [again],
        );
        return r.status === 'decided' ? r : null;
      },
      15_000,
      'the second EXIT decided',
    );
    expect(idle.decision!.positions).toEqual([]);
    expect(await exitOrdersOf(symbol)).toHaveLength(1);
  });

  it('an engaged kill switch does not stop a real exit (it reduces exposure)', async () => {
    const symbol = SYMBOLS[5]!;
    const p = await openReal(symbol, 800 * RUPEE);
    const engaged = await api.http.post('/api/v1/risk/kill-switch', { engaged: true, reason: 'alert exit test' }, trader.token);
    expect(engaged.status).toBe(200);
    // Last in this file: a trader cannot release their own switch.
    await steer(symbol, stopOf(Number(p.entry_price)));
    const closed = await untilClosed(p.id);
    expect(closed).toMatchObject({ exit_tier: 2, exit_rule: 'STOP_LOSS' });
    expect((await exitOrdersOf(symbol)).map((o) => [o.side, o.status])).toEqual([['SELL', 'FILLED']]);
  });
});
