import { randomUUID } from 'node:crypto';
import { demoUniverse, depositTx, formatPrice, parsePrice } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerRepository, LedgerVerifier } from '@tradeloop/wallet';
import { InstrumentsRepository } from '@tradeloop/market';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { eventually } from './support/market-socket';
import { logInToKite, startWorker, untilOrderStatus, useFakeKite } from './support/kite-world';
import { expectEveryOrderReplays } from './support/order-replay';

/**
 * Standing exits at the broker (issue 16 part 6, docs/watchlist-trading.md "Standing exits"): a
 * watchlist leg on a Kite account gets one OCO GTT at Kite for the account's net at the leg's TP
 * and SL, modified when the position grows, deleted when it is closed; when Kite fires it, the
 * order Kite places is the leg's exit — the leg ends flat on that account with exactly one exit
 * order. Real Postgres, Redis, API and worker; Kite is the loopback fake.
 */
const { fake, env } = useFakeKite();
// The last case moves our own market through the leg's TP (the steering test seam) to fire a risk exit.
env.MARKET_STEERING = 'true';
const { api, ctx } = useTestApi(env, { logLevel: 'silent' });
let admin: { token: string };
let worker: RunningProcess | null = null;
let trader: { id: string; token: string };
let accountId: string;
let watchlistId: string;
/** RELIANCE's price at Kite (the fake's book), set from our LTP when the file starts. */
let ltp: number;

const SYMBOL = 'RELIANCE';
const TP = 200; // rupees per unit: far from where our simulated market wanders during the test
const SL = 150;
const R = 10_000; // ticks per rupee
const rupees = (ticks: number) => Number(formatPrice(ticks));
const sql = () => api.app.get(Db).sql;

const click = (action: 'BUY' | 'EXIT') =>
  api.http.post(
    '/api/v1/orders/quick',
    {
      intentId: randomUUID(),
      watchlistId,
      symbol: SYMBOL,
      action,
      tradeMode: 'EQUITY',
      overrides: { accountIds: [accountId], tpPerUnit: String(TP), slPerUnit: String(SL) },
    },
    trader.token,
  );

/** Clicks, expects the Kite account accepted, and waits for its order to fill; the order. */
async function clickFilled(action: 'BUY' | 'EXIT') {
  const res = await click(action);
  expect(res.status).toBe(202);
  const result = res.body.intent.results.find((r: { accountId: string }) => r.accountId === accountId);
  expect(result).toMatchObject({ status: 'accepted' });
  expect(result.orderId).toBeTruthy();
  return untilOrderStatus(api, trader.token, result.orderId, 'FILLED');
}

type FakeGtt = {
  id: number;
  status: string;
  type: string;
  condition: { trigger_values: number[]; last_price: number; tradingsymbol: string };
  orders: { transaction_type: string; quantity: number; order_type: string; product: string; price: number; result: unknown }[];
};
const gtts = () => fake.gtts() as unknown as FakeGtt[];
const activeGtts = () => gtts().filter((g) => g.status === 'active');

/** Our SELL orders of the leg on the Kite account. */
const ourSells = async (legId: string) =>
  (
    await sql().rows<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE leg_id = $1 AND account_id = $2 AND side = 'SELL'`, [
      legId,
      accountId,
    ])
  )[0]!.n;

/** Our leg on the Kite account: target, filled net and the standing exit row. */
async function legOnKite() {
  const [row] = await sql().rows<{
    leg_id: string;
    target: number;
    filled: number;
    gtt_status: string | null;
    trigger_id: string | null;
    exit_order_id: string | null;
  }>(
    `SELECT l.id AS leg_id, a.target_quantity AS target,
            coalesce((SELECT sum(CASE WHEN t.side = 'BUY' THEN t.quantity ELSE -t.quantity END) FROM trades t JOIN orders o ON o.id = t.order_id
                      WHERE o.leg_id = l.id AND o.account_id = a.account_id), 0)::int AS filled,
            g.status AS gtt_status, g.trigger_id, g.exit_order_id
       FROM trade_legs l JOIN trade_leg_accounts a ON a.leg_id = l.id
       LEFT JOIN trade_leg_gtts g ON g.leg_id = l.id AND g.account_id = a.account_id
      WHERE l.watchlist_id = $1 AND a.account_id = $2`,
    [watchlistId, accountId],
  );
  return row!;
}

beforeAll(async () => {
  const healthPort = await freePort();
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  const s = await signedIn(api, ['trader']);
  trader = { id: s.user.id, token: s.token };
  admin = await signedIn(api, ['admin']);
  await api.app
    .get(Db)
    .tx((q) => api.app.get(LedgerRepository).post(q, depositTx({ kind: 'wallet', userId: trader.id }, 10_00_000_00n, 'funding')));
  worker = await startWorker(ctx, healthPort);
  const quote = await eventually(
    async () => (await api.http.get(`/api/v1/market/quotes?symbols=${SYMBOL}`, trader.token)).body.items?.[0] ?? null,
    15_000,
    'quotes',
  );
  ltp = parsePrice(quote.ltp);
  // Kite's tick for the symbol is the one our instruments hold (the daily master import keeps them
  // equal): GTT values and limits are on that grid.
  const ours = await api.app.get(InstrumentsRepository).bySymbol(SYMBOL);
  fake.addInstrument({ ...fake.instrument('NSE', SYMBOL), tickSize: ours!.tickSize });
  fake.setQuote('NSE', SYMBOL, { ltp, bid: ltp, ask: ltp + 500 });

  const added = await api.http.post(
    '/api/v1/broker-accounts',
    { kind: 'kite', name: 'Zerodha GTT', credentials: { apiKey: fake.apiKey, apiSecret: fake.apiSecret } },
    trader.token,
  );
  expect(added.status).toBe(201);
  accountId = added.body.id;
  expect((await logInToKite(api, trader.token, accountId)).searchParams.get('login')).toBe('ok');
  const wl = await api.http.post('/api/v1/watchlists', { name: `gtt-${randomUUID().slice(0, 8)}`, symbols: [SYMBOL] }, trader.token);
  expect(wl.status).toBe(201);
  watchlistId = wl.body.id;
}, 120_000);

afterAll(async () => {
  await worker?.stop();
});

describe('standing exits on a Kite account (GTT OCO)', () => {
  let triggerId: number;
  let entry: number;

  it('a BUY click that fills gets one OCO GTT at Kite: SELL the net at entry − SL and entry + TP', async () => {
    const filled = await clickFilled('BUY');
    entry = parsePrice(filled.averagePrice);
    expect(entry).toBe(ltp + 500); // the fake's ask
    const g = await eventually(async () => (activeGtts().length === 1 ? activeGtts()[0]! : null), 20_000, 'an active GTT at Kite');
    triggerId = g.id;
    expect(g.type).toBe('two-leg');
    expect(g.condition.tradingsymbol).toBe(SYMBOL);
    expect(g.condition.trigger_values).toEqual([rupees(entry - SL * R), rupees(entry + TP * R)]);
    expect(g.condition.last_price).toBe(rupees(ltp)); // Kite's own last price
    expect(g.orders.map((o) => [o.transaction_type, o.quantity, o.order_type, o.product])).toEqual([
      ['SELL', 1, 'LIMIT', 'MIS'],
      ['SELL', 1, 'LIMIT', 'MIS'],
    ]);
    // Each leg's limit is below its trigger (a SELL that still fills in a fast market).
    g.orders.forEach((o, i) => expect(o.price).toBeLessThan(g.condition.trigger_values[i]!));
    // Recorded once the sync's transaction commits (after Kite answered).
    const row = await eventually(async () => ((await legOnKite()).gtt_status === 'active' ? legOnKite() : null), 10_000, 'row active');
    expect(row).toMatchObject({ target: 1, filled: 1, gtt_status: 'active', trigger_id: String(triggerId) });
  });

  it('a second BUY grows the position: the same GTT is modified to the new net, not a second one placed', async () => {
    await clickFilled('BUY');
    const g = await eventually(
      async () => {
        const now = fake.gtt(triggerId) as unknown as FakeGtt;
        return now.orders.every((o) => o.quantity === 2) ? now : null;
      },
      20_000,
      'the GTT modified to 2',
    );
    expect(g.status).toBe('active');
    expect(g.condition.trigger_values).toEqual([rupees(entry - SL * R), rupees(entry + TP * R)]); // same average entry
    expect(activeGtts().map((x) => x.id)).toEqual([triggerId]);
    expect(fake.requests.filter((r) => r.route === 'gtt_place')).toHaveLength(1);
    const row = await eventually(
      async () => {
        const r = await sql().rows<{ quantity: number }>(`SELECT quantity FROM trade_leg_gtts WHERE trigger_id = $1`, [String(triggerId)]);
        return r[0]?.quantity === 2 ? legOnKite() : null;
      },
      10_000,
      'row at 2',
    );
    expect(row).toMatchObject({ target: 2, filled: 2, gtt_status: 'active' });
  });

  it('while Kite cannot say what became of the GTT, EXIT fails that account and sends nothing (no second exit beside a GTT that may fire)', async () => {
    const placed = fake.ordersPlaced();
    // Every read of a trigger fails for now (a sync still settling after the last fill may read too).
    fake.failNext('gtt_get', 503, 1_000);
    let res;
    try {
      res = await click('EXIT');
    } finally {
      fake.clearFaults();
    }
    expect(res.status).toBe(202);
    const mine = res.body.intent.results.find((r: { accountId: string }) => r.accountId === accountId);
    expect(mine.status).not.toBe('accepted');
    expect(mine.reason).toContain('standing exit');
    expect(fake.ordersPlaced()).toBe(placed);
    expect((fake.gtt(triggerId) as unknown as FakeGtt).status).toBe('active');
    expect(await legOnKite()).toMatchObject({ filled: 2, gtt_status: 'active' });
  });

  it('EXIT flattens the leg and the GTT is deleted at Kite', async () => {
    await clickFilled('EXIT');
    await eventually(async () => ((fake.gtt(triggerId) as unknown as FakeGtt).status === 'deleted' ? true : null), 20_000, 'GTT deleted');
    expect(activeGtts()).toEqual([]);
    expect(
      await eventually(async () => ((await legOnKite()).gtt_status === 'deleted' ? legOnKite() : null), 10_000, 'row deleted'),
    ).toMatchObject({
      target: 0,
      filled: 0,
    });
  });

  it('when Kite fires the GTT, its order is the leg’s exit: the leg ends flat on the account with exactly one exit order', async () => {
    await clickFilled('BUY');
    const g = await eventually(
      async () => activeGtts().find((x) => x.id !== triggerId && x.orders.every((o) => o.quantity === 1)) ?? null,
      20_000,
      'a new GTT for the reopened leg',
    );
    const legId = (await legOnKite()).leg_id;
    const sellsAtKite = () => fake.orderBook().filter((o) => o['transaction_type'] === 'SELL' && o['tradingsymbol'] === SYMBOL).length;
    const sellsBefore = sellsAtKite();
    const ourSellsBefore = await ourSells(legId);

    // The market at Kite rises through the target: the upper leg fires there.
    const tp = entry + TP * R;
    fake.setQuote('NSE', SYMBOL, { ltp: tp + 500, bid: tp, ask: tp + 1000 });
    const fired = fake.gtt(g.id) as unknown as FakeGtt & { orders: { result: { order_result: { order_id: string } } | null }[] };
    expect(fired.status).toBe('triggered');
    const kiteOrderId = fired.orders[1]!.result!.order_result.order_id;
    expect(fake.order(kiteOrderId)).toMatchObject({ status: 'COMPLETE', transaction_type: 'SELL', filled_quantity: 1, tag: null });

    // We adopt it: an order of the leg under Kite's id, filled; the account's target and net 0.
    const adopted = await eventually(
      async () => {
        const rows = await sql().rows<{ id: string; status: string; side: string; quantity: number }>(
          `SELECT id, status, side, quantity FROM orders WHERE $1 = ANY(broker_order_ids) AND leg_id = $2 AND account_id = $3`,
          [kiteOrderId, legId, accountId],
        );
        return rows[0]?.status === 'FILLED' ? rows[0] : null;
      },
      30_000,
      'the GTT order adopted and filled',
    );
    expect(adopted).toMatchObject({ side: 'SELL', quantity: 1 });
    expect(await legOnKite()).toMatchObject({ target: 0, filled: 0, gtt_status: 'triggered', exit_order_id: adopted.id });
    const history = (await api.http.get(`/api/v1/orders/${adopted.id}`, trader.token)).body;
    expect(history.status).toBe('FILLED');

    // Nothing sells again: give the sweep, convergence and the exit engine a few rounds.
    await new Promise((r) => setTimeout(r, 8_000));
    expect(sellsAtKite()).toBe(sellsBefore + 1);
    expect(await ourSells(legId)).toBe(ourSellsBefore + 1);
    expect(await legOnKite()).toMatchObject({ target: 0, filled: 0 });
    expect(fake.positionsJson().net.find((p) => p['tradingsymbol'] === SYMBOL)?.['quantity']).toBe(0);
    expect(activeGtts()).toEqual([]);
  });
  it('a GTT that fired just before an EXIT click is that account’s exit: the click sends nothing more', async () => {
    // Back to the entry price at Kite, and the leg reopened with a fresh trigger.
    fake.setQuote('NSE', SYMBOL, { ltp, bid: ltp, ask: ltp + 500 });
    const placesBefore = fake.requests.filter((r) => r.route === 'gtt_place').length;
    await clickFilled('BUY');
    const g = await eventually(
      async () => (fake.requests.filter((r) => r.route === 'gtt_place').length > placesBefore ? (activeGtts()[0] ?? null) : null),
      20_000,
      'a third GTT',
    );
    await eventually(async () => ((await legOnKite()).trigger_id === String(g.id) ? true : null), 10_000, 'row of the third GTT');
    const legId = (await legOnKite()).leg_id;
    const sells = () => fake.orderBook().filter((o) => o['transaction_type'] === 'SELL' && o['tradingsymbol'] === SYMBOL).length;
    const sellsBefore = sells();
    const oursBefore = await ourSells(legId);

    // The stop fires at Kite, and the trader clicks EXIT at once (before or after our sweep saw it: the same outcome).
    const sl = entry - SL * R;
    fake.setQuote('NSE', SYMBOL, { ltp: sl - 500, bid: sl - 1000, ask: sl });
    expect((fake.gtt(g.id) as unknown as FakeGtt).status).toBe('triggered');
    const res = await click('EXIT');
    expect(res.status).toBe(202);
    expect(res.body.intent.results.find((r: { accountId: string }) => r.accountId === accountId)).toMatchObject({
      status: 'accepted',
      deltaQuantity: 0,
      targetQuantity: 0,
    });
    await eventually(
      async () => {
        const l = await legOnKite();
        return l.filled === 0 && l.gtt_status === 'triggered' ? l : null;
      },
      30_000,
      'the leg flat through the GTT order',
    );
    expect(sells()).toBe(sellsBefore + 1);
    expect(await ourSells(legId)).toBe(oursBefore + 1);
  });

  it('a leg on a paper account gets nothing at the broker (our engine holds its exits)', async () => {
    const accounts = (await api.http.get('/api/v1/broker-accounts', trader.token)).body.items as { id: string; kind: string }[];
    const paper = accounts.find((a) => a.kind === 'paper')!.id;
    const wl = await api.http.post('/api/v1/watchlists', { name: `paper-${randomUUID().slice(0, 8)}`, symbols: [SYMBOL] }, trader.token);
    const before = fake.requests.filter((r) => r.route?.startsWith('gtt_')).length;
    const res = await api.http.post(
      '/api/v1/orders/quick',
      {
        intentId: randomUUID(),
        watchlistId: wl.body.id,
        symbol: SYMBOL,
        action: 'BUY',
        tradeMode: 'EQUITY',
        overrides: { accountIds: [paper], tpPerUnit: String(TP), slPerUnit: String(SL) },
      },
      trader.token,
    );
    expect(res.status).toBe(202);
    await untilOrderStatus(api, trader.token, res.body.intent.results[0].orderId, 'FILLED');
    const legId = (await sql().rows<{ id: string }>(`SELECT id FROM trade_legs WHERE watchlist_id = $1`, [wl.body.id]))[0]!.id;
    // The fill's sync has run once the convergence job for it has (it syncs too); then nothing is stored or sent.
    await eventually(
      async () => ((await sql().rows(`SELECT 1 FROM orders WHERE leg_id = $1 AND status = 'FILLED'`, [legId])).length === 1 ? true : null),
      10_000,
      'paper fill',
    );
    expect(await sql().rows(`SELECT 1 FROM trade_leg_gtts WHERE leg_id = $1`, [legId])).toEqual([]);
    expect(fake.requests.filter((r) => r.route?.startsWith('gtt_')).length).toBe(before);
  });
  it('a risk exit of our own engine releases the GTT first: deleted at Kite, then one MARKET exit; the leg flat', async () => {
    fake.setQuote('NSE', SYMBOL, { ltp, bid: ltp, ask: ltp + 500 });
    const placesBefore = fake.requests.filter((r) => r.route === 'gtt_place').length;
    await clickFilled('BUY');
    const g = await eventually(
      async () => (fake.requests.filter((r) => r.route === 'gtt_place').length > placesBefore ? (activeGtts()[0] ?? null) : null),
      20_000,
      'a GTT for the reopened leg',
    );
    await eventually(async () => ((await legOnKite()).trigger_id === String(g.id) ? true : null), 10_000, 'row of the GTT');
    const legId = (await legOnKite()).leg_id;
    const sellsAtKite = () => fake.orderBook().filter((o) => o['transaction_type'] === 'SELL' && o['tradingsymbol'] === SYMBOL).length;
    const sellsBefore = sellsAtKite();
    const oursBefore = await ourSells(legId);

    // Our market (not Kite's) trades through the TP: our exit engine fires.
    const through = entry + TP * R + 500;
    const steered = await api.http.post('/api/v1/admin/market/steer', { symbol: SYMBOL, price: formatPrice(through) }, admin.token);
    expect(steered.status).toBe(200);
    try {
      const exit = await eventually(
        async () =>
          (await sql().rows<{ kind: string; status: string }>(`SELECT kind, status FROM risk_exits WHERE leg_id = $1`, [legId]))[0] ?? null,
        30_000,
        'a risk exit',
      );
      expect(exit.kind).toBe('TP');
      await eventually(async () => ((await legOnKite()).filled === 0 ? true : null), 30_000, 'the leg flat');
    } finally {
      await api.http.post('/api/v1/admin/market/steer', { symbol: SYMBOL, price: null }, admin.token);
    }
    expect((fake.gtt(g.id) as unknown as FakeGtt).status).toBe('deleted');
    expect(await legOnKite()).toMatchObject({ target: 0, filled: 0, gtt_status: 'deleted' });
    expect(sellsAtKite()).toBe(sellsBefore + 1);
    expect(await ourSells(legId)).toBe(oursBefore + 1);
  });

  it('every order, the adopted GTT orders included, replays from its history to its row; the ledger verifies', async () => {
    const adopted = await sql().rows<{ id: string }>(
      `SELECT o.id FROM orders o JOIN order_events e ON e.order_id = o.id WHERE e.event = 'ACCEPTED' AND e.details->>'how' = 'gtt-triggered'`,
    );
    expect(adopted.length).toBe(2);
    await expectEveryOrderReplays(api.app.get(Db), 8);
    expect((await api.app.get(LedgerVerifier).verify()).ok).toBe(true);
  });
});
