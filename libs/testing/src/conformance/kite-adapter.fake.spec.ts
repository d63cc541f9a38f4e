import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KiteAdapter, type BrokerOrder, type KiteAdapterOptions, type KitePlaceOrderRequest } from '@tradeloop/brokers';
import { fakeKiteInstrumentMap, FakeKite, type FakeKiteOptions } from '../kite-fake';
import { orderRequests, waitFor } from './harness-kit';

// Kite-only behaviour of KiteAdapter against the fake Kite, beside the shared conformance kit:
// autoslice with a refused slice, after-market orders, IOC, funds, quotes, and postbacks over HTTP
// into `ingestPostback` (docs/brokers.md 1.2–1.4).

const INSTRUMENTS = fakeKiteInstrumentMap();
const INFY = { exchange: 'NSE', symbol: 'INFY' } as const;
const NIFTY_FUT = { exchange: 'NFO', symbol: 'NIFTY26DECFUT' } as const;

const order = orderRequests<KitePlaceOrderRequest>('fakespec');

describe('KiteAdapter against the fake Kite', () => {
  let fake: FakeKite;
  let adapter: KiteAdapter;
  let receiver: Server | null = null;

  async function setup(options: FakeKiteOptions = {}, adapterOptions: Partial<KiteAdapterOptions> = {}) {
    fake = new FakeKite({ heartbeatMs: 50, ...options });
    const endpoints = await fake.start();
    adapter = new KiteAdapter({
      apiKey: fake.apiKey,
      accessToken: fake.createSession(),
      apiSecret: fake.apiSecret,
      apiRoot: endpoints.apiRoot,
      wsRoot: endpoints.wsUrl,
      instruments: INSTRUMENTS,
      timeoutMs: 5_000,
      ticker: { enabled: false },
      ...adapterOptions,
    });
    fake.setQuote('NSE', 'INFY', { ltp: 10_000_000, bid: 10_000_000, ask: 10_001_000 });
  }

  afterEach(async () => {
    adapter.close();
    await fake.stop();
    if (receiver) await new Promise<void>((r) => receiver!.close(() => r()));
    receiver = null;
  });

  it('autoslice: one placement, a broker order per slice carrying our tag and the parent; a slice refused for margin is a failedSlice', async () => {
    await setup();
    // Enough cash for two 1800-unit slices at ₹24,000 and not for the third (in ticks of 1/10000 rupee).
    fake.setOpeningBalance('equity', 2n * 1_800n * 240_000_000n + 1_000_000_000n);
    const req = order({ instrument: NIFTY_FUT, product: 'NRML', quantity: 3_675, price: 240_000_000, autoslice: true });
    const result = await adapter.placeOrder(req);
    expect(result.brokerOrderIds).toHaveLength(2);
    expect(result.failedSlices).toHaveLength(1);
    expect(result.failedSlices[0]).toMatchObject({ kind: 'final', code: 'MarginException', operation: 'place' });
    const found = await adapter.findOrdersByTag({
      clientOrderId: req.clientOrderId,
      instrument: NIFTY_FUT,
      side: 'BUY',
      quantity: 3_675,
      sentAfter: 0,
    });
    expect(found.orders.map((o) => o.brokerOrderId).sort()).toEqual([...result.brokerOrderIds].sort());
    expect(found.orders.map((o) => o.quantity)).toEqual([1_800, 1_800]);
    expect(new Set(found.orders.map((o) => o.parentBrokerOrderId)).size).toBe(1);
    expect(found.orders[0]!.parentBrokerOrderId).not.toBeNull();
    expect(fake.ordersPlaced()).toBe(2);
  });

  it('after-market orders go to /orders/amo, wait as PENDING_SUBMIT, open with the market, and cancel on their variety', async () => {
    await setup();
    const { brokerOrderIds } = await adapter.placeOrder(order({ variety: 'amo' }));
    const id = brokerOrderIds[0]!;
    expect(await adapter.getOrder(id)).toMatchObject({ status: 'PENDING_SUBMIT', rawStatus: 'AMO REQ RECEIVED' });
    expect(fake.requests.find((r) => r.route === 'place')!.path).toBe('/orders/amo');
    fake.openAmoOrders();
    expect((await adapter.getOrder(id)).status).toBe('OPEN');
    await adapter.cancelOrder(id);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/orders/amo/${id}` });
    expect((await adapter.getOrder(id)).status).toBe('CANCELLED');
  });

  it('IOC: what does not fill at once is cancelled', async () => {
    await setup();
    const { brokerOrderIds } = await adapter.placeOrder(order({ validity: 'IOC', price: 9_000_000 }));
    expect(await adapter.getOrder(brokerOrderIds[0]!)).toMatchObject({ status: 'CANCELLED', filledQuantity: 0, validity: 'IOC' });
  });

  it("funds are the fake's equity margins to the paisa; quotes carry its touch; positions its net", async () => {
    await setup();
    fake.setOpeningBalance('equity', 123_456_789_012n); // ₹1,23,45,678.9012: finer than a paisa
    await adapter.placeOrder(order({ price: 10_001_000, quantity: 3 })); // fills at the ask
    const funds = await adapter.funds();
    // Opening less the open position's cost (3 × ₹1000.10 = ₹3000.30): ₹1,23,42,678.6012, to the paisa.
    expect(funds.availableCash).toBe(1_234_267_860n);
    expect(funds.usedMargin).toBe(300_030n);
    const [quote] = await adapter.quotes([INFY]);
    expect(quote).toMatchObject({ instrument: INFY, ltp: 10_000_000, bid: 10_000_000, ask: 10_001_000 });
    expect(await adapter.listPositions()).toEqual([
      { instrument: INFY, product: 'CNC', netQuantity: 3, averagePrice: 10_001_000, lastPrice: 10_000_000, realisedPnl: 0n },
    ]);
  });

  it('postbacks over HTTP feed the same deduplicated path as the ticker', async () => {
    const seen: BrokerOrder[] = [];
    const refused: unknown[] = [];
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          adapter.ingestPostback(Buffer.concat(chunks).toString('utf8'));
          res.writeHead(200).end();
        } catch (e) {
          refused.push(e);
          res.writeHead(401).end();
        }
      });
    });
    await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/postback`;
    await setup({ postbackUrl: url }, { ticker: { stallMs: 1_000 } });
    adapter.subscribe((o) => seen.push(o));
    const ticker = adapter.startTicker()!;
    await waitFor(() => expect(ticker.connected).toBe(true));
    const { brokerOrderIds } = await adapter.placeOrder(order({ price: 10_001_000 }));
    await fake.postbacksSettled();
    await waitFor(() => expect(seen.filter((o) => o.brokerOrderId === brokerOrderIds[0]).at(-1)?.status).toBe('FILLED'));
    expect(fake.postbacks.map((p) => p.result)).toEqual([200]);
    expect(refused).toEqual([]);
    // The ticker and the postback both announced COMPLETE: the listener saw it once.
    expect(seen.filter((o) => o.brokerOrderId === brokerOrderIds[0] && o.status === 'FILLED')).toHaveLength(1);
  });
  it('holdings: a CNC buy is a T1 holding once the day rolls, settled a roll later, a sale today shows as used; NRML carries overnight; an HTML 200 is INVALID_RESPONSE', async () => {
    await setup();
    fake.setHoldings([]);
    expect(await adapter.listHoldings()).toEqual([]);
    fake.setQuote('NFO', 'NIFTY26DECFUT', { ltp: 240_000_000, bid: 240_000_000, ask: 240_010_000 });
    await adapter.placeOrder(order({ type: 'MARKET', price: null, quantity: 5 }));
    await adapter.placeOrder(order({ instrument: NIFTY_FUT, product: 'NRML', type: 'MARKET', price: null, quantity: 75 }));
    await waitFor(async () => expect((await adapter.listTrades()).map((t) => t.quantity).sort()).toEqual([5, 75]));
    const paid = (await adapter.listTrades()).find((t) => t.product === 'CNC')!.price;

    fake.rollDay();
    expect(await adapter.listOrders()).toEqual([]);
    expect(await adapter.listTrades()).toEqual([]);
    expect((await adapter.listPositions()).map((p) => [p.instrument.symbol, p.product, p.netQuantity])).toEqual([
      ['NIFTY26DECFUT', 'NRML', 75],
    ]);
    expect(fake.positionsJson().net[0]).toMatchObject({ overnight_quantity: 75, day_buy_quantity: 0, quantity: 75 });
    expect(await adapter.listHoldings()).toEqual([
      { instrument: INFY, quantity: 0, t1Quantity: 5, usedQuantity: 0, averagePrice: paid, lastPrice: 10_000_000, pnl: expect.any(BigInt) },
    ]);

    fake.rollDay();
    expect(await adapter.listHoldings()).toMatchObject([{ instrument: INFY, quantity: 5, t1Quantity: 0, usedQuantity: 0 }]);
    await adapter.placeOrder(order({ side: 'SELL', type: 'MARKET', price: null, quantity: 2 }));
    await waitFor(async () => expect((await adapter.listTrades()).length).toBe(1));
    // The row keeps its quantity for the day; the sale is a negative CNC day position.
    expect(await adapter.listHoldings()).toMatchObject([{ instrument: INFY, quantity: 5, t1Quantity: 0, usedQuantity: 2 }]);
    expect((await adapter.listPositions()).find((p) => p.product === 'CNC')).toMatchObject({ instrument: INFY, netQuantity: -2 });

    fake.failNext('holdings', 'html');
    await expect(adapter.listHoldings()).rejects.toMatchObject({ kind: 'retryable', code: 'INVALID_RESPONSE', operation: 'read' });
  });
});
