import { InMemoryMockBrokerStore, MockBroker, type MockBrokerConfig, type MockTick } from '.';
import type { BrokerOrder, PlaceOrderRequest } from '../adapter';

// At zero latency an order meets the book standing at acceptance (the latest live quote);
// with latency, a stale book or the option off, it waits for the next tick.
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

  it('never fills a stop on arrival: a stop whose trigger the book has passed is refused instead', async () => {
    const { broker } = await setup();
    const sl = await placed(broker, order({ type: 'SL-M', triggerPrice: P(1502) }));
    expect(sl.status).toBe('TRIGGER_PENDING');
    expect((await placed(broker, order({ type: 'SL-M', triggerPrice: P(1499) }))).status).toBe('REJECTED');
  });
});
