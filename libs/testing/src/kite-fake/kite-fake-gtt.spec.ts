import {
  BrokerError,
  IDENTITY_INSTRUMENTS,
  KiteGttClient,
  KiteHttpClient,
  kiteExitOco,
  kiteGttPlacedOrder,
  parseKiteOrder,
  type BrokerInstrument,
  type KiteGttSpec,
} from '@tradeloop/brokers';
import { kiteGttSession, type GttExitTerms } from '@tradeloop/trading';
import { FakeKite } from './kite-fake';

// GTT triggers (docs/brokers.md 1.9): our KiteGttClient against the fake, and the fake's own
// checks and firing rules. No sleeps: the fake fires synchronously inside setQuote.

// Room for a loaded machine: the ambiguous-placement case waits out two 2 s client timeouts.
vi.setConfig({ testTimeout: 30_000 });

const T0 = Date.parse('2026-12-07T04:00:00Z'); // 09:30 IST
const CE = 'NIFTY26DEC24000CE';
const OPTION: BrokerInstrument = { exchange: 'NFO', symbol: CE, quantityUnit: 'units', lotSize: 75 };
const rupees = (r: number): number => Math.round(r * 10_000);

async function caught(p: Promise<unknown>): Promise<BrokerError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BrokerError) return e;
    throw e;
  }
  throw new Error('expected a BrokerError');
}

/** A long (or short) exit OCO on the option: stop 80 / target 130 around a last price of 100. */
const exitOco = (position: 'long' | 'short', quantity: number, over: Partial<KiteGttSpec> = {}): KiteGttSpec => ({
  ...kiteExitOco({
    instrument: OPTION,
    position,
    quantity,
    product: 'NRML',
    lastPrice: rupees(100),
    stopLoss: position === 'long' ? { trigger: rupees(80), price: rupees(76) } : { trigger: rupees(130), price: rupees(136.5) },
    target: position === 'long' ? { trigger: rupees(130), price: rupees(124) } : { trigger: rupees(80), price: rupees(84) },
  }),
  ...over,
});

describe('FakeKite GTT triggers through KiteGttClient', () => {
  let kite: FakeKite;
  let http: KiteHttpClient;
  let gtt: KiteGttClient;

  beforeEach(async () => {
    kite = new FakeKite({ heartbeatMs: null, now: () => T0 });
    const ep = await kite.start();
    http = new KiteHttpClient({ apiKey: kite.apiKey, accessToken: kite.createSession(), apiRoot: ep.apiRoot, timeoutMs: 5_000 });
    gtt = new KiteGttClient(http);
    kite.setQuote('NFO', CE, { ltp: rupees(100), bid: rupees(99.5), ask: rupees(100.5), bidQty: 10_000, askQty: 10_000 });
  });
  afterEach(async () => {
    await kite.stop();
  });

  /** A MARKET order through Kite's REST, as the adapter sends it; its id. */
  async function trade(side: 'BUY' | 'SELL', quantity: number): Promise<string> {
    const form = new URLSearchParams({
      tradingsymbol: CE,
      exchange: 'NFO',
      transaction_type: side,
      order_type: 'MARKET',
      quantity: String(quantity),
      product: 'NRML',
      validity: 'DAY',
      tag: 'ours1',
    });
    const data = (await http.request({ method: 'POST', path: '/orders/regular', operation: 'place', form })) as { order_id: string };
    return data.order_id;
  }

  const netOf = (): number => {
    const row = kite.positionsJson().net.find((p) => p.tradingsymbol === CE);
    return row ? Number(row.quantity) : 0;
  };
  const untaggedOrders = () =>
    kite
      .orderBook()
      .map((o) => parseKiteOrder(o, { instruments: IDENTITY_INSTRUMENTS }))
      .filter((o) => o.tag === null);

  it('places a two-leg trigger and reads it back: values and limits in ticks, SELL legs for a long, active, no results', async () => {
    await trade('BUY', 150);
    const id = await gtt.place(exitOco('long', 150));
    const got = await gtt.get(id);
    expect(got).toMatchObject({
      id,
      type: 'two-leg',
      status: 'active',
      exchange: 'NFO',
      tradingsymbol: CE,
      triggerValues: [rupees(80), rupees(130)],
      lastPrice: rupees(100),
    });
    expect(got.orders.map((o) => [o.side, o.quantity, o.orderType, o.product, o.price, o.result])).toEqual([
      ['SELL', 150, 'LIMIT', 'NRML', rupees(76), null],
      ['SELL', 150, 'LIMIT', 'NRML', rupees(124), null],
    ]);
    expect((await gtt.list()).map((g) => g.id)).toEqual([id]);
    const req = kite.requests.find((r) => r.route === 'gtt_place')!;
    expect(req.method).toBe('POST');
    expect(JSON.parse(req.form.condition!)).toEqual({ exchange: 'NFO', tradingsymbol: CE, trigger_values: [80, 130], last_price: 100 });
  });

  it('the upper leg fires when the price rises to it: its SELL order is placed untagged and fills, the position is flat, the stop leg is gone', async () => {
    await trade('BUY', 150);
    const id = await gtt.place(exitOco('long', 150));
    kite.setQuote('NFO', CE, { ltp: rupees(129.95), bid: rupees(129.9), ask: rupees(130), bidQty: 10_000, askQty: 10_000 });
    expect((await gtt.get(id)).status).toBe('active');
    expect(netOf()).toBe(150);

    kite.setQuote('NFO', CE, { ltp: rupees(130), bid: rupees(129.95), ask: rupees(130.05), bidQty: 10_000, askQty: 10_000 });
    const fired = await gtt.get(id);
    expect(fired.status).toBe('triggered');
    expect(fired.orders[0]!.result).toBeNull();
    expect(fired.orders[1]!.result).toMatchObject({ status: 'success', triggeredAt: rupees(130) });
    const placed = kiteGttPlacedOrder(fired)!;
    expect(placed.index).toBe(1);
    const exits = untaggedOrders();
    expect(exits).toHaveLength(1);
    expect(exits[0]).toMatchObject({
      brokerOrderId: placed.orderId,
      side: 'SELL',
      quantity: 150,
      status: 'FILLED',
      averagePrice: rupees(129.95),
    });
    expect(netOf()).toBe(0);

    // One cancels the other: the price at the stop now places nothing.
    kite.setQuote('NFO', CE, { ltp: rupees(70), bid: rupees(69.95), ask: rupees(70.05), bidQty: 10_000, askQty: 10_000 });
    expect(untaggedOrders()).toHaveLength(1);
    expect(netOf()).toBe(0);
  });

  it('for a short the BUY stop is the upper leg: a fall to the target fires the lower BUY leg only', async () => {
    await trade('SELL', 75);
    const id = await gtt.place(exitOco('short', 75));
    kite.setQuote('NFO', CE, { ltp: rupees(79.5), bid: rupees(79.45), ask: rupees(79.55), bidQty: 10_000, askQty: 10_000 });
    const fired = await gtt.get(id);
    expect(fired.status).toBe('triggered');
    expect(kiteGttPlacedOrder(fired)?.index).toBe(0);
    expect(untaggedOrders().map((o) => [o.side, o.quantity, o.status])).toEqual([['BUY', 75, 'FILLED']]);
    expect(netOf()).toBe(0);
  });

  it('modify replaces an active trigger (a grown position); delete removes it from the book; neither works on a trigger that is not active', async () => {
    await trade('BUY', 75);
    const id = await gtt.place(exitOco('long', 75));
    await trade('BUY', 75);
    expect(await gtt.modify(id, exitOco('long', 150))).toBe(id);
    expect((await gtt.get(id)).orders.map((o) => o.quantity)).toEqual([150, 150]);
    expect(await gtt.delete(id)).toBe(id);
    expect(kite.gtt(id)).toMatchObject({ status: 'deleted' });
    expect(await gtt.list()).toEqual([]);
    expect(await caught(gtt.get(id))).toMatchObject({ kind: 'final', httpStatus: 404 });
    expect(await caught(gtt.delete(id))).toMatchObject({ kind: 'final' });
    kite.setQuote('NFO', CE, { ltp: rupees(130), bid: rupees(129.95), ask: rupees(130.05) });
    expect(untaggedOrders()).toHaveLength(0);

    const fired = await gtt.place(exitOco('long', 150));
    kite.setQuote('NFO', CE, { ltp: rupees(79), bid: rupees(78.95), ask: rupees(79.05), bidQty: 10_000, askQty: 10_000 });
    expect((await gtt.get(fired)).status).toBe('triggered');
    expect(await caught(gtt.modify(fired, exitOco('long', 75)))).toMatchObject({ kind: 'final', code: 'InputException' });
    expect(await caught(gtt.delete(fired))).toMatchObject({ kind: 'final', code: 'InputException' });
  });

  it('refuses shapes Kite refuses (InputException): sent raw, past our own checks', async () => {
    const send = (type: string, condition: unknown, orders: unknown) =>
      http.request({
        method: 'POST',
        path: '/gtt/triggers',
        operation: 'place',
        form: new URLSearchParams({ type, condition: JSON.stringify(condition), orders: JSON.stringify(orders) }),
      });
    const cond = { exchange: 'NFO', tradingsymbol: CE, trigger_values: [80, 130], last_price: 100 };
    const order = {
      exchange: 'NFO',
      tradingsymbol: CE,
      transaction_type: 'SELL',
      quantity: 75,
      order_type: 'LIMIT',
      product: 'NRML',
      price: 76,
    };
    const two = [order, order];
    const cases: [string, unknown, unknown][] = [
      ['three-leg', cond, two],
      ['two-leg', { ...cond, trigger_values: [80] }, two],
      ['two-leg', cond, [order]],
      ['single', cond, [order]],
      ['two-leg', { ...cond, trigger_values: [101, 130] }, two], // both above the last price
      ['two-leg', { ...cond, trigger_values: [99.8, 130] }, two], // within 0.25% of it
      ['two-leg', { ...cond, tradingsymbol: 'NIFTY 50' }, two], // not tradable
      ['two-leg', cond, [order, { ...order, order_type: 'MARKET' }]],
      ['two-leg', cond, [order, { ...order, quantity: 80 }]], // not whole lots
      ['two-leg', cond, [order, { ...order, price: 76.02 }]], // not a tick multiple
      ['two-leg', cond, [order, { ...order, tradingsymbol: 'NIFTY26DECFUT' }]],
    ];
    for (const [type, c, o] of cases)
      expect(await caught(send(type, c, o))).toMatchObject({ kind: 'final', code: 'InputException', httpStatus: 400 });
    expect(
      await caught(
        http.request({
          method: 'POST',
          path: '/gtt/triggers',
          operation: 'place',
          form: new URLSearchParams({ type: 'single', condition: '{', orders: '[]' }),
        }),
      ),
    ).toMatchObject({ kind: 'final', code: 'InputException' });
    expect(kite.gtts()).toEqual([]);
    // A valid single trigger is taken.
    const id = await send('single', { ...cond, trigger_values: [80] }, [order]);
    expect(kite.gtt((id as { trigger_id: number }).trigger_id)).toMatchObject({ type: 'single', status: 'active' });
  });

  it('needs the session like every other call', async () => {
    kite.expireSession();
    expect(await caught(gtt.list())).toMatchObject({ kind: 'auth', code: 'TokenException' });
  });
});

describe('kiteGttSession (libs/trading) against the fake: the standing exits’ view of Kite GTT', () => {
  let kite: FakeKite;
  let root: string;
  let token: string;
  const session = (timeoutMs = 5_000) =>
    kiteGttSession(new KiteHttpClient({ apiKey: kite.apiKey, accessToken: token, apiRoot: root, timeoutMs }));
  const terms = (quantity: number): GttExitTerms => ({
    exchange: 'NFO',
    symbol: CE,
    lotSize: 75,
    product: 'NRML',
    side: 'SELL',
    quantity,
    lastPrice: rupees(100),
    legs: [
      { trigger: rupees(80), price: rupees(76) },
      { trigger: rupees(130), price: rupees(123.5) },
    ],
  });

  beforeEach(async () => {
    kite = new FakeKite({ heartbeatMs: null, now: () => T0 });
    root = (await kite.start()).apiRoot;
    token = kite.createSession();
    kite.setQuote('NFO', CE, { ltp: rupees(100), bid: rupees(99.5), ask: rupees(100.5) });
  });
  afterEach(async () => {
    await kite.stop();
  });

  it('place, state, modify, delete; a second delete and a modify of a deleted trigger are refused, not thrown; a deleted one is gone', async () => {
    const s = session();
    expect(await s.lastPrice('NFO', CE)).toBe(rupees(100));
    const id = await s.place(terms(75));
    expect(await s.state(id)).toEqual({ status: 'active' });
    expect(await s.statuses()).toEqual(new Map([[id, 'active']]));
    expect(await s.modify(id, terms(150))).toBe('ok');
    expect((kite.gtt(id) as { orders: { quantity: number }[] }).orders.map((o) => o.quantity)).toEqual([150, 150]);
    expect(await s.delete(id)).toBe('ok');
    expect(await s.delete(id)).toBe('refused');
    expect(await s.modify(id, terms(75))).toBe('refused');
    expect(await s.state(id)).toMatchObject({ status: 'gone' });
    expect(await s.statuses()).toEqual(new Map()); // Kite's book leaves deleted triggers out
  });

  it('a fired trigger reports the order Kite placed: its id, side, quantity and limit', async () => {
    const s = session();
    const id = await s.place(terms(75));
    kite.setQuote('NFO', CE, { ltp: rupees(79.5), bid: rupees(79.45), ask: rupees(79.55) });
    const state = await s.state(id);
    expect(state).toMatchObject({ status: 'triggered', placed: { side: 'SELL', quantity: 75, price: rupees(76) } });
    expect(await s.statuses()).toEqual(new Map([[id, 'triggered']]));
    const orderId = state.status === 'triggered' ? state.placed!.orderId : '';
    expect(kite.order(orderId)).toMatchObject({ transaction_type: 'SELL', status: 'COMPLETE', tag: null });
  });

  it('a placement Kite took but never answered is found in the GTT book: one trigger, its id', async () => {
    kite.failNext('gtt_place', 'timeout-after-accept');
    const id = await session(2_000).place(terms(75));
    expect(kite.gtts().map((g) => String(g.id))).toEqual([id]);
    // Refused outright (nothing taken): the error surfaces.
    kite.failNext('gtt_place', 'timeout-before-accept');
    await expect(
      session(2_000).place({ ...terms(75), legs: [{ trigger: rupees(70), price: rupees(66) }, terms(75).legs[1]!] }),
    ).rejects.toMatchObject({
      kind: 'ambiguous',
    });
    expect(kite.gtts()).toHaveLength(1);
    // Two 2 s answer timeouts by design: a limit well above their sum, so a loaded machine cannot fail it.
  }, 30_000);
});
