import { InMemoryMockBrokerStore, MockBroker, type MockBrokerConfig, type MockTick } from '.';
import type { BrokerOrder, PlaceOrderRequest } from '../adapter';

// At zero latency an order meets the book standing at acceptance (the symbol's latest quote, while
// the feed is live); with latency, a dead feed, a long-silent symbol or the option off, it waits
// for the next tick.
const P = (rupees: number): number => Math.round(rupees * 10_000);
const tick = (ts: number, bid: number, ask: number, ltp = bid): MockTick => ({ symbol: 'INFY', ts, bid: P(bid), ask: P(ask), ltp: P(ltp) });
let n = 0;
const order = (over: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest => ({
  clientOrderId: `0190c5e2-7a7e-7c2b-9d3f-${String((n += 1)).padStart(12, '0')}`,
  instrument: { exchange: 'NSE', symbol: 'INFY' },
  side: 'BUY',
  type: 'MARKET',
  product: 'MIS',
  validity: 'DAY',
  quantity: 10,
  price: null,
  triggerPrice: null,
  ...over,
});

async function setup(config: Partial<MockBrokerConfig> = {}, wall = 10_000) {
  const store = new InMemoryMockBrokerStore();
  const broker = await MockBroker.open(store, {
    seed: 3,
    instrument: () => ({ tickSize: 500, lotSize: 1 }),
    wallClock: () => wall,
    ...config,
  });
  const updates: BrokerOrder[] = [];
  broker.subscribe((u) => updates.push(u));
  await broker.onTick(tick(9_900, 1500, 1500.1));
  return { broker, store, updates };
}

async function placed(broker: MockBroker, req: PlaceOrderRequest) {
  const { brokerOrderIds } = await broker.placeOrder(req);
  return broker.getOrder(brokerOrderIds[0]!);
}

describe('MockBroker at zero latency: the standing book', () => {
  it('fills a market buy at the ask and a sell at the bid as they are accepted, in one update each', async () => {
    const { broker, store, updates } = await setup();
    const buy = await placed(broker, order());
    expect(buy).toMatchObject({ status: 'FILLED', filledQuantity: 10, averagePrice: P(1500.1) });
    const sell = await placed(broker, order({ side: 'SELL', quantity: 4 }));
    expect(sell).toMatchObject({ status: 'FILLED', averagePrice: P(1500) });
    expect(updates.map((u) => u.status)).toEqual(['FILLED', 'FILLED']);
    const trades = await store.listTrades();
    expect(trades.map((t) => [t.quantity, t.price])).toEqual([
      [10, P(1500.1)],
      [4, P(1500)],
    ]);
    expect((await store.listOrders()).every((o) => o.version === 1)).toBe(true);
  });

  it('fills a marketable limit at the touch (price improvement) and rests one that is not', async () => {
    const { broker } = await setup();
    expect(await placed(broker, order({ type: 'LIMIT', price: P(1501) }))).toMatchObject({ status: 'FILLED', averagePrice: P(1500.1) });
    const resting = await placed(broker, order({ type: 'LIMIT', price: P(1499) }));
    expect(resting.status).toBe('OPEN');
    await broker.onTick(tick(10_050, 1498.5, 1498.9));
    expect((await broker.getOrder(resting.brokerOrderId)).status).toBe('FILLED');
  });

  it('cancels an IOC that the standing book cannot fill, on arrival', async () => {
    const { broker } = await setup();
    expect(await placed(broker, order({ type: 'LIMIT', price: P(1499), validity: 'IOC' }))).toMatchObject({
      status: 'CANCELLED',
      filledQuantity: 0,
    });
  });

  it('waits for the next tick when the book is stale, latency is set, or the option is off', async () => {
    for (const config of [{}, { latencyMs: 5 }, { standingQuoteMaxAgeMs: null }] as Partial<MockBrokerConfig>[]) {
      const stale = Object.keys(config).length === 0;
      const { broker } = await setup(config, stale ? 9_900 + 1_001 : 10_000);
      const o = await placed(broker, order());
      expect(o.status).toBe('OPEN');
      await broker.onTick(tick(10_100, 1500.2, 1500.3));
      expect(await broker.getOrder(o.brokerOrderId)).toMatchObject({ status: 'FILLED', averagePrice: P(1500.3) });
    }
  });

  it('a quiet symbol on a live feed still has a standing book: fills at once at its latest quote', async () => {
    // INFY printed 2.1 s ago, but the feed is live (another name printed 100 ms ago).
    const { broker } = await setup({}, 12_000);
    await broker.onTick({ symbol: 'TCS', ts: 11_900, bid: P(4000), ask: P(4000.5), ltp: P(4000) });
    expect(await placed(broker, order())).toMatchObject({ status: 'FILLED', averagePrice: P(1500.1) });
  });

  it('waits for the next tick of a symbol silent longer than standingQuoteMaxAgeMs, even on a live feed', async () => {
    for (const [maxAge, status] of [
      [2_000, 'OPEN'],
      [2_200, 'FILLED'],
    ] as const) {
      const { broker } = await setup({ standingQuoteMaxAgeMs: maxAge }, 12_000);
      await broker.onTick({ symbol: 'TCS', ts: 11_900, bid: P(4000), ask: P(4000.5), ltp: P(4000) });
      expect((await placed(broker, order())).status, `max age ${maxAge}`).toBe(status);
    }
    // The default is a minute.
    const { broker } = await setup({}, 9_900 + 60_001);
    await broker.onTick({ symbol: 'TCS', ts: 9_900 + 60_000, bid: P(4000), ask: P(4000.5), ltp: P(4000) });
    expect((await placed(broker, order())).status).toBe('OPEN');
  });

  it('takes the feed for dead when its newest tick is older than liveFeedMaxAgeMs', async () => {
    for (const [liveFeedMaxAgeMs, status] of [
      [499, 'OPEN'],
      [500, 'FILLED'],
    ] as const) {
      const { broker } = await setup({ liveFeedMaxAgeMs }, 10_400);
      expect((await placed(broker, order())).status, `live within ${liveFeedMaxAgeMs}`).toBe(status);
    }
  });

  it('refuses a negative or NaN freshness bound', async () => {
    for (const bad of [{ liveFeedMaxAgeMs: -1 }, { standingQuoteMaxAgeMs: -1 }, { liveFeedMaxAgeMs: Number.NaN }]) {
      await expect(setup(bad)).rejects.toThrow(RangeError);
    }
  });

  it('never fills a stop on arrival: a stop whose trigger the book has passed is refused instead', async () => {
    const { broker } = await setup();
    const sl = await placed(broker, order({ type: 'SL-M', triggerPrice: P(1502) }));
    expect(sl.status).toBe('TRIGGER_PENDING');
    expect((await placed(broker, order({ type: 'SL-M', triggerPrice: P(1499) }))).status).toBe('REJECTED');
  });
});
