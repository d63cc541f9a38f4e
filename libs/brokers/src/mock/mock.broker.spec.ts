import { applyBrokerUpdate, newOrder, type OrderState } from '@tradeloop/domain';
import { asBrokerOrderId, BrokerError, type BrokerOrder, type InstrumentRef, type PlaceOrderRequest } from '../adapter';
import { InMemoryMockBrokerStore, MOCK_REJECTION_REASONS, MockBroker, type MockBrokerConfig, type MockTick } from '.';

const INFY: InstrumentRef = { exchange: 'NSE', symbol: 'INFY' };
const NIFTY_FUT: InstrumentRef = { exchange: 'NFO', symbol: 'NIFTY26NOVFUT' };
const INSTRUMENTS: Record<string, { tickSize: number; lotSize: number }> = {
  'NSE:INFY': { tickSize: 500, lotSize: 1 },
  'NFO:NIFTY26NOVFUT': { tickSize: 500, lotSize: 75 },
};
// ₹1500.00 and friends, in ticks of 1/10000 rupee.
const P = (rupees: number): number => Math.round(rupees * 10_000);

const tick = (ts: number, bid: number, ask: number, ltp = bid, symbol = 'INFY'): MockTick => ({
  symbol,
  ts,
  bid: P(bid),
  ask: P(ask),
  ltp: P(ltp),
});

let nextClientId = 0;
const order = (over: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest => ({
  clientOrderId: `0190c5e2-7a7e-7c2b-9d3f-${String((nextClientId += 1)).padStart(12, '0')}`,
  instrument: INFY,
  side: 'BUY',
  type: 'MARKET',
  product: 'MIS',
  validity: 'DAY',
  quantity: 10,
  price: null,
  triggerPrice: null,
  ...over,
});

async function setup(config: Partial<MockBrokerConfig> = {}, store = new InMemoryMockBrokerStore()) {
  const broker = await MockBroker.open(store, { seed: 7, instrument: (r) => INSTRUMENTS[`${r.exchange}:${r.symbol}`], ...config });
  const updates: BrokerOrder[] = [];
  broker.subscribe((u) => updates.push(u));
  return { broker, store, updates };
}

async function place(broker: MockBroker, req: PlaceOrderRequest) {
  const { brokerOrderIds } = await broker.placeOrder(req);
  expect(brokerOrderIds).toHaveLength(1);
  return brokerOrderIds[0]!;
}

async function brokerError(p: Promise<unknown>): Promise<BrokerError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BrokerError) return e;
    throw e;
  }
  throw new Error('expected a BrokerError');
}

describe('MockBroker market orders', () => {
  it('fill at the next tick after acceptance: a buy at the ask, a sell at the bid', async () => {
    const { broker, updates } = await setup();
    await broker.onTick(tick(1_000, 1500, 1500.1));
    const buy = await place(broker, order({ quantity: 10 }));
    expect((await broker.getOrder(buy)).status).toBe('OPEN');
    await broker.onTick(tick(1_100, 1500.2, 1500.3));
    const sell = await place(broker, order({ side: 'SELL', quantity: 4 }));
    await broker.onTick(tick(1_200, 1499.9, 1500));

    const [t1, t2] = await broker.listTrades();
    expect(t1).toMatchObject({ brokerOrderId: buy, side: 'BUY', quantity: 10, price: P(1500.3), ts: 1_100 });
    expect(t2).toMatchObject({ brokerOrderId: sell, side: 'SELL', quantity: 4, price: P(1499.9), ts: 1_200 });
    expect(t1!.tradeId).not.toBe(t2!.tradeId);
    expect(await broker.getOrder(buy)).toMatchObject({
      status: 'FILLED',
      filledQuantity: 10,
      averagePrice: P(1500.3),
      rawStatus: 'FILLED',
    });
    // Pushed: accepted, then the cumulative fill.
    expect(updates.filter((u) => u.brokerOrderId === buy).map((u) => [u.status, u.filledQuantity])).toEqual([
      ['OPEN', 0],
      ['FILLED', 10],
    ]);
  });

  it('wait out the latency: ticks stamped before acceptance + latency do not reach the order', async () => {
    const { broker } = await setup({ latencyMs: 250 });
    await broker.onTick(tick(10_000, 100, 100.05));
    const id = await place(broker, order());
    await broker.onTick(tick(10_100, 100, 100.05));
    await broker.onTick(tick(10_249, 100, 100.05));
    expect((await broker.getOrder(id)).filledQuantity).toBe(0);
    await broker.onTick(tick(10_250, 100.1, 100.15));
    expect(await broker.getOrder(id)).toMatchObject({ status: 'FILLED', averagePrice: P(100.15) });
  });

  it('pay slippage in basis points, rounded away from the trader onto the tick grid', async () => {
    const { broker } = await setup({ slippageBps: 10 });
    await broker.onTick(tick(1, 1500, 1500.05));
    const buy = await place(broker, order());
    const sell = await place(broker, order({ side: 'SELL' }));
    await broker.onTick(tick(2, 1499.95, 1500));
    // Buy: 1500.00 + 10 bps = 1501.50 exactly. Sell: 1499.95 − 1.499950 = 1498.45005 → 1498.45.
    expect((await broker.getOrder(buy)).averagePrice).toBe(P(1501.5));
    expect((await broker.getOrder(sell)).averagePrice).toBe(P(1498.45));
  });

  it('in benchmark mode (latency 0) fill on the first tick even before any quote was known', async () => {
    const { broker } = await setup();
    const id = await place(broker, order());
    await broker.onTick(tick(5, 99.95, 100));
    expect((await broker.getOrder(id)).status).toBe('FILLED');
  });
});

describe('MockBroker limit and stop orders', () => {
  it('a LIMIT rests until the book crosses it, then fills at the limit or better', async () => {
    const { broker } = await setup();
    await broker.onTick(tick(1, 1500, 1500.1));
    const buy = await place(broker, order({ type: 'LIMIT', price: P(1499) }));
    const sell = await place(broker, order({ side: 'SELL', type: 'LIMIT', price: P(1501) }));
    await broker.onTick(tick(2, 1499.5, 1499.6));
    expect((await broker.getOrder(buy)).filledQuantity).toBe(0);
    await broker.onTick(tick(3, 1498.8, 1498.9)); // ask 1498.90 ≤ 1499: fills at 1498.90, better than the limit
    expect(await broker.getOrder(buy)).toMatchObject({ status: 'FILLED', averagePrice: P(1498.9) });
    await broker.onTick(tick(4, 1501, 1501.1)); // bid 1501 ≥ 1501: fills at the limit
    expect(await broker.getOrder(sell)).toMatchObject({ status: 'FILLED', averagePrice: P(1501) });
  });

  it('slippage never takes a limit order past its limit', async () => {
    const { broker } = await setup({ slippageBps: 50 });
    await broker.onTick(tick(1, 1500, 1500.1));
    const buy = await place(broker, order({ type: 'LIMIT', price: P(1500.5) }));
    await broker.onTick(tick(2, 1500.3, 1500.4));
    expect((await broker.getOrder(buy)).averagePrice).toBe(P(1500.5));
  });

  it('an SL arms at its trigger (on the LTP), then works as a LIMIT', async () => {
    const { broker, updates } = await setup();
    await broker.onTick(tick(1, 1500, 1500.1, 1500));
    const id = await place(broker, order({ type: 'SL', triggerPrice: P(1510), price: P(1512) }));
    expect((await broker.getOrder(id)).status).toBe('TRIGGER_PENDING');
    await broker.onTick(tick(2, 1515, 1515.2, 1509.95)); // below the trigger: nothing, even though the ask is high
    expect((await broker.getOrder(id)).status).toBe('TRIGGER_PENDING');
    await broker.onTick(tick(3, 1513, 1513.1, 1510)); // triggered; ask 1513.10 > 1512: rests as a limit
    expect(await broker.getOrder(id)).toMatchObject({ status: 'OPEN', filledQuantity: 0 });
    await broker.onTick(tick(4, 1511.5, 1511.6, 1511.5));
    expect(await broker.getOrder(id)).toMatchObject({ status: 'FILLED', averagePrice: P(1511.6) });
    expect(updates.map((u) => u.status)).toEqual(['TRIGGER_PENDING', 'OPEN', 'FILLED']);
  });

  it('an SL-M triggers and fills like a MARKET on the same tick', async () => {
    const { broker } = await setup();
    await broker.onTick(tick(1, 1500, 1500.1, 1500));
    const id = await place(broker, order({ side: 'SELL', type: 'SL-M', triggerPrice: P(1490) }));
    await broker.onTick(tick(2, 1491, 1491.1, 1491));
    expect((await broker.getOrder(id)).status).toBe('TRIGGER_PENDING');
    await broker.onTick(tick(3, 1488.5, 1488.6, 1489));
    expect(await broker.getOrder(id)).toMatchObject({ status: 'FILLED', averagePrice: P(1488.5) });
  });

  it('refuses at acceptance a stop the last price has already passed (the RMS rule Kite applies)', async () => {
    const { broker } = await setup();
    await broker.onTick(tick(1, 1500, 1500.1, 1500));
    const id = await place(broker, order({ type: 'SL-M', triggerPrice: P(1499) }));
    const o = await broker.getOrder(id);
    expect(o.status).toBe('REJECTED');
    expect(o.rejectReason).toMatch(/higher than the last traded price/);
  });

  it('a modification of a resting LIMIT changes when it fills', async () => {
    const { broker } = await setup();
    await broker.onTick(tick(1, 1500, 1500.1));
    const moved = await place(broker, order({ type: 'LIMIT', price: P(1499) }));
    const left = await place(broker, order({ type: 'LIMIT', price: P(1499) }));
    await broker.onTick(tick(2, 1500, 1500.1));
    await broker.modifyOrder(moved, { price: P(1500.1) });
    expect((await broker.getOrder(moved)).price).toBe(P(1500.1));
    await broker.onTick(tick(3, 1500, 1500.1));
    expect(await broker.getOrder(moved)).toMatchObject({ status: 'FILLED', averagePrice: P(1500.1) });
    expect((await broker.getOrder(left)).status).toBe('OPEN');
    // And the other way: a limit moved away from the market no longer fills.
    await broker.modifyOrder(left, { price: P(1490), quantity: 20 });
    await broker.onTick(tick(4, 1495, 1495.1));
    expect(await broker.getOrder(left)).toMatchObject({ status: 'OPEN', quantity: 20, filledQuantity: 0 });
  });

  it('refuses modifications a broker would refuse, as final errors', async () => {
    const { broker } = await setup({ partialFills: { probability: 1, maxSlices: 2 } });
    await broker.onTick(tick(1, 1500, 1500.1));
    const mkt = await place(broker, order({ quantity: 10 }));
    await broker.onTick(tick(2, 1500, 1500.1)); // first of two parts
    const filled = (await broker.getOrder(mkt)).filledQuantity;
    expect(filled).toBeGreaterThan(0);
    expect(await brokerError(broker.modifyOrder(mkt, { quantity: filled }))).toMatchObject({ kind: 'final', code: 'INVALID_QUANTITY' });
    expect(await brokerError(broker.modifyOrder(mkt, { price: P(1500) }))).toMatchObject({ kind: 'final', code: 'INVALID_PRICE' });
    expect(await brokerError(broker.modifyOrder(mkt, {}))).toMatchObject({ kind: 'final', code: 'INVALID_INPUT' });
    const lim = await place(broker, order({ type: 'LIMIT', price: P(1400) }));
    expect(await brokerError(broker.modifyOrder(lim, { price: P(1400.01) }))).toMatchObject({ kind: 'final', code: 'INVALID_PRICE' });
  });
});

describe('MockBroker validity, cancellation and expiry', () => {
  it('IOC: a limit that does not cross on its first tick is cancelled with nothing filled', async () => {
    const { broker } = await setup();
    await broker.onTick(tick(1, 1500, 1500.1));
    const id = await place(broker, order({ type: 'LIMIT', price: P(1499), validity: 'IOC' }));
    await broker.onTick(tick(2, 1500, 1500.1));
    expect(await broker.getOrder(id)).toMatchObject({ status: 'CANCELLED', filledQuantity: 0 });
  });

  it('IOC: what the first fill leaves is cancelled at once', async () => {
    const { broker } = await setup({ partialFills: { probability: 1, maxSlices: 3 } });
    const id = await place(broker, order({ quantity: 90, validity: 'IOC' }));
    await broker.onTick(tick(1, 1500, 1500.1));
    const o = await broker.getOrder(id);
    expect(o.status).toBe('CANCELLED');
    expect(o.filledQuantity).toBeGreaterThan(0);
    expect(o.filledQuantity).toBeLessThan(90);
    expect(await broker.listTrades()).toHaveLength(1);
  });

  it('DAY orders still working expire at the end of the day; finished ones stay as they are', async () => {
    const { broker } = await setup();
    await broker.onTick(tick(1, 1500, 1500.1, 1500));
    const resting = await place(broker, order({ type: 'LIMIT', price: P(1400) }));
    const stop = await place(broker, order({ type: 'SL', triggerPrice: P(1600), price: P(1601) }));
    const filled = await place(broker, order());
    await broker.onTick(tick(2, 1500, 1500.1, 1500));
    expect(await broker.expireDay()).toBe(2);
    expect((await broker.getOrder(resting)).status).toBe('EXPIRED');
    expect((await broker.getOrder(stop)).status).toBe('EXPIRED');
    expect((await broker.getOrder(filled)).status).toBe('FILLED');
    await broker.onTick(tick(3, 1300, 1300.1, 1300));
    expect(await broker.listTrades()).toHaveLength(1);
  });

  it('cancels a working order; cancelling a filled or unknown order is a final error', async () => {
    const { broker, updates } = await setup();
    await broker.onTick(tick(1, 1500, 1500.1));
    const resting = await place(broker, order({ type: 'LIMIT', price: P(1400) }));
    await broker.cancelOrder(resting);
    expect((await broker.getOrder(resting)).status).toBe('CANCELLED');
    expect(updates.at(-1)).toMatchObject({ brokerOrderId: resting, status: 'CANCELLED' });

    const filled = await place(broker, order());
    await broker.onTick(tick(2, 1500, 1500.1));
    const e = await brokerError(broker.cancelOrder(filled));
    expect(e).toMatchObject({ kind: 'final', code: 'ORDER_TERMINAL', operation: 'cancel', broker: 'mock' });
    expect(await brokerError(broker.cancelOrder(resting))).toMatchObject({ kind: 'final', code: 'ORDER_TERMINAL' });
    expect(await brokerError(broker.cancelOrder(asBrokerOrderId('MO9999999999')))).toMatchObject({
      kind: 'final',
      code: 'ORDER_NOT_FOUND',
    });
    expect(await brokerError(broker.getOrder(asBrokerOrderId('nope')))).toMatchObject({ kind: 'final', code: 'ORDER_NOT_FOUND' });
  });

  it('refuses malformed orders with final errors and keeps nothing of them', async () => {
    const { broker } = await setup();
    const cases: [Partial<PlaceOrderRequest>, string][] = [
      [{ quantity: 0 }, 'INVALID_QUANTITY'],
      [{ quantity: 1.5 }, 'INVALID_QUANTITY'],
      [{ instrument: NIFTY_FUT, quantity: 50 }, 'INVALID_QUANTITY'],
      [{ type: 'LIMIT', price: null }, 'INVALID_PRICE'],
      [{ type: 'LIMIT', price: P(1500.01) }, 'INVALID_PRICE'],
      [{ type: 'MARKET', price: P(1500) }, 'INVALID_PRICE'],
      [{ type: 'SL-M', triggerPrice: null }, 'INVALID_TRIGGER'],
      [{ type: 'LIMIT', price: P(1500), triggerPrice: P(1490) }, 'INVALID_TRIGGER'],
      [{ type: 'SL', side: 'BUY', triggerPrice: P(1510), price: P(1505) }, 'INVALID_TRIGGER'],
      [{ instrument: { exchange: 'NSE', symbol: 'NOPE' } }, 'INSTRUMENT_NOT_FOUND'],
      [{ validity: 'GTC' as never }, 'INVALID_INPUT'],
      [{ clientOrderId: '' }, 'INVALID_INPUT'],
    ];
    for (const [over, code] of cases) {
      expect(await brokerError(broker.placeOrder(order(over)))).toMatchObject({ kind: 'final', code, operation: 'place' });
    }
    expect(await broker.listOrders()).toEqual([]);
    await place(broker, order({ instrument: NIFTY_FUT, quantity: 150 }));
  });
});

describe('MockBroker partial fills and rejections', () => {
  it('fills in parts of whole lots, with cumulative quantity and average in every update', async () => {
    const { broker, updates } = await setup({ partialFills: { probability: 1, maxSlices: 4 }, seed: 3 });
    const id = await place(broker, order({ instrument: NIFTY_FUT, quantity: 750 }));
    for (let i = 0; i < 6; i += 1) await broker.onTick(tick(10 + i, 24_000 + i, 24_000.5 + i, 24_000 + i, NIFTY_FUT.symbol));
    const trades = await broker.listTrades();
    expect(trades.length).toBeGreaterThanOrEqual(2);
    expect(trades.length).toBeLessThanOrEqual(4);
    for (const t of trades) expect(t.quantity % 75).toBe(0);
    expect(trades.reduce((s, t) => s + t.quantity, 0)).toBe(750);
    const fills = updates.filter((u) => u.filledQuantity > 0);
    expect(fills.map((u) => u.filledQuantity)).toEqual(trades.map((_, i) => trades.slice(0, i + 1).reduce((s, t) => s + t.quantity, 0)));
    expect(fills.slice(0, -1).every((u) => u.status === 'PARTIALLY_FILLED')).toBe(true);
    expect(fills.at(-1)).toMatchObject({ status: 'FILLED', filledQuantity: 750 });
    expect((await broker.getOrder(id)).status).toBe('FILLED');
  });

  it('the domain rebuilds the exact trade book from the cumulative updates alone', async () => {
    const { broker, updates } = await setup({ partialFills: { probability: 1, maxSlices: 5 }, seed: 11 });
    const id = await place(broker, order({ quantity: 137 }));
    for (let i = 0; i < 8; i += 1) await broker.onTick(tick(10 + i, 1500 + i * 0.35, 1500.05 + i * 0.35));
    let state: OrderState = newOrder({
      side: 'BUY',
      type: 'MARKET',
      product: 'MIS',
      validity: 'DAY',
      quantity: 137,
      price: null,
      triggerPrice: null,
    });
    for (const u of updates) state = applyBrokerUpdate(state, u, { tickSize: 500 }).order;
    const trades = await broker.listTrades();
    expect(state.status).toBe('FILLED');
    expect(state.filledValue).toBe(trades.reduce((s, t) => s + BigInt(t.quantity) * BigInt(t.price), 0n));
    expect(state.fills.map((f) => [f.quantity, f.price])).toEqual(trades.map((t) => [t.quantity, t.price]));
    expect((await broker.getOrder(id)).filledQuantity).toBe(137);
  });

  it('rejects at random with a realistic reason, the same orders for the same seed', async () => {
    const run = async (seed: number) => {
      const { broker } = await setup({ seed, rejections: { probability: 0.3 } });
      const out: string[] = [];
      for (let i = 0; i < 60; i += 1) {
        const id = await place(broker, order({ clientOrderId: `client${i}` }));
        const o = await broker.getOrder(id);
        out.push(o.status === 'REJECTED' ? o.rejectReason! : o.status);
      }
      return out;
    };
    const a = await run(42);
    expect(a).toEqual(await run(42));
    expect(a).not.toEqual(await run(43));
    const rejected = a.filter((s) => s !== 'OPEN');
    expect(rejected.length).toBeGreaterThan(5);
    expect(rejected.length).toBeLessThan(35);
    for (const r of rejected) expect(MOCK_REJECTION_REASONS).toContain(r);
  });

  it('never fills a rejected order', async () => {
    const { broker } = await setup({ rejections: { probability: 1 } });
    const id = await place(broker, order());
    await broker.onTick(tick(1, 1500, 1500.1));
    expect(await broker.getOrder(id)).toMatchObject({ status: 'REJECTED', filledQuantity: 0 });
    expect(await broker.listTrades()).toEqual([]);
  });
});

describe('MockBroker as an external system', () => {
  it('after a timeout on placement and a worker crash, the order is found by its tag — and is still working', async () => {
    const store = new InMemoryMockBrokerStore();
    const before = await setup({}, store);
    await before.broker.onTick(tick(1, 1500, 1500.1));
    const req = order({ type: 'LIMIT', price: P(1499) });
    before.broker.injectPlacementFault('timeout-after-accept');
    const e = await brokerError(before.broker.placeOrder(req));
    expect(e).toMatchObject({ kind: 'ambiguous', operation: 'place' });

    // The worker dies here, before it recorded any broker order id. A new one starts on the same store.
    const after = await setup({}, store);
    const probe = { clientOrderId: req.clientOrderId, instrument: INFY, side: 'BUY' as const, quantity: 10, sentAfter: 0 };
    const found = await after.broker.findOrdersByTag(probe);
    expect(found.method).toBe('tag');
    expect(found.orders).toHaveLength(1);
    expect(found.orders[0]).toMatchObject({
      status: 'OPEN',
      quantity: 10,
      price: P(1499),
      tag: after.broker.correlationTag(req.clientOrderId),
    });
    // Kite's tag is at most 20 alphanumerics: our UUID travels as its digest.
    expect(found.orders[0]!.tag).toMatch(/^[A-Za-z0-9]{20}$/);
    expect((await after.broker.findOrdersByTag({ ...probe, clientOrderId: 'someone-else' })).orders).toEqual([]);

    // It keeps working at the "broker": the new process fills it, with fresh ids.
    await after.broker.onTick(tick(2, 1498.9, 1499));
    expect((await after.broker.getOrder(found.orders[0]!.brokerOrderId)).status).toBe('FILLED');
    const next = await place(after.broker, order());
    expect(next).not.toBe(found.orders[0]!.brokerOrderId);
    expect(await after.broker.listTrades()).toHaveLength(1);
  });

  it('a connection refused before sending leaves nothing at the broker, so a resend is safe', async () => {
    const { broker } = await setup();
    const req = order();
    broker.injectPlacementFault('refused-before-send');
    expect(await brokerError(broker.placeOrder(req))).toMatchObject({ kind: 'retryable', code: 'ECONNREFUSED' });
    expect(
      (await broker.findOrdersByTag({ clientOrderId: req.clientOrderId, instrument: INFY, side: 'BUY', quantity: 10, sentAfter: 0 }))
        .orders,
    ).toEqual([]);
    await place(broker, req);
    expect(await broker.listOrders()).toHaveLength(1);
  });

  it('two processes on one store never both act on an order: the loser re-reads and stands down', async () => {
    const store = new InMemoryMockBrokerStore();
    const a = await setup({}, store);
    await a.broker.onTick(tick(1, 1500, 1500.1));
    const id = await place(a.broker, order({ type: 'LIMIT', price: P(1499) }));
    const b = await setup({}, store); // b loads the order as working
    await a.broker.cancelOrder(id);
    await b.broker.onTick(tick(2, 1498, 1498.1)); // b's copy is stale: its fill loses the version check
    expect(await store.listTrades()).toEqual([]);
    expect((await b.broker.getOrder(id)).status).toBe('CANCELLED');
    await b.broker.onTick(tick(3, 1497, 1497.1));
    expect(await store.listTrades()).toEqual([]);
  });

  it('keeps positions, funds and quotes from its own books', async () => {
    const { broker } = await setup({ initialCash: 100_000_00n });
    await broker.onTick(tick(1, 1500, 1500.1));
    await place(broker, order({ quantity: 10 }));
    await broker.onTick(tick(2, 1500, 1500.1));
    await place(broker, order({ side: 'SELL', quantity: 4 }));
    await broker.onTick(tick(3, 1510, 1510.1));
    await place(broker, order({ type: 'LIMIT', price: P(1000), quantity: 2 }));

    expect(await broker.listPositions()).toEqual([
      { instrument: INFY, product: 'MIS', netQuantity: 6, averagePrice: P(1500.1), lastPrice: P(1510), realisedPnl: 3_960n }, // 4 × (1510 − 1500.10) = ₹39.60
    ]);
    // 1,00,000 − 15,001 + 6,040 = 91,039.00 cash; ₹2,000 blocked for the resting buy.
    expect(await broker.funds()).toEqual({ availableCash: 8_903_900n, usedMargin: 200_000n });
    expect(await broker.quotes([INFY, { exchange: 'NSE', symbol: 'TCS' }])).toEqual([
      { instrument: INFY, ltp: P(1510), bid: P(1510), ask: P(1510.1), ts: 3 },
    ]);
  });

  it('a subscriber that throws neither stops the broker nor the other subscribers', async () => {
    const errors: unknown[] = [];
    const { broker, updates } = await setup({ onListenerError: (e) => errors.push(e) });
    const unsubscribe = broker.subscribe(() => {
      throw new Error('boom');
    });
    await place(broker, order());
    await broker.onTick(tick(1, 1500, 1500.1));
    expect(updates.map((u) => u.status)).toEqual(['OPEN', 'FILLED']);
    expect(errors).toHaveLength(2);
    unsubscribe();
    await place(broker, order());
    expect(errors).toHaveLength(2);
  });

  it('processes ticks and calls in call order, even when nothing is awaited', async () => {
    const { broker } = await setup();
    const t1 = broker.onTick(tick(1, 1500, 1500.1));
    const placed = broker.placeOrder(order());
    const t2 = broker.onTick(tick(2, 1501, 1501.1));
    await Promise.all([t1, placed, t2]);
    expect((await broker.listTrades())[0]).toMatchObject({ price: P(1501.1), ts: 2 });
  });

  it('rejects an invalid tick', async () => {
    const { broker } = await setup();
    await expect(broker.onTick({ symbol: 'INFY', ts: 1, ltp: P(100), bid: P(101), ask: P(100) })).rejects.toThrow(RangeError);
  });
});
