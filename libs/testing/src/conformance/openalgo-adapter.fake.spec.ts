import { InstrumentMap, OpenAlgoAdapter, type BrokerError, type BrokerOrder } from '@tradeloop/brokers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeOpenAlgo, type FakeOpenAlgoOptions } from '../openalgo-fake';

const INFY = { exchange: 'NSE', symbol: 'INFY' } as const;
const INSTRUMENTS = new InstrumentMap('openalgo', [
  { ref: INFY, broker: { exchange: 'NSE', symbol: 'INFY', quantityUnit: 'units', lotSize: 1 } },
]);
const Q = { ltp: 10_000_000, bid: 10_000_000, ask: 10_000_500 };
const buy = (over: Partial<Parameters<OpenAlgoAdapter['placeOrder']>[0]> = {}) => ({
  clientOrderId: 'c1',
  instrument: INFY,
  side: 'BUY' as const,
  type: 'MARKET' as const,
  product: 'MIS' as const,
  validity: 'DAY' as const,
  quantity: 2,
  price: null,
  triggerPrice: null,
  ...over,
});

const open: { fake: FakeOpenAlgo; adapter: OpenAlgoAdapter }[] = [];
afterEach(async () => {
  for (const { fake, adapter } of open.splice(0)) {
    adapter.close();
    await fake.stop();
  }
});

async function world(options: FakeOpenAlgoOptions = {}, adapterOver: Partial<ConstructorParameters<typeof OpenAlgoAdapter>[0]> = {}) {
  const fake = new FakeOpenAlgo(options);
  const e = await fake.start();
  fake.setQuote('NSE', 'INFY', Q);
  const adapter = new OpenAlgoAdapter({
    host: e.host,
    apiKey: fake.apiKey,
    wsUrl: e.wsUrl,
    instruments: INSTRUMENTS,
    timeoutMs: 1_000,
    pollIntervalMs: 50,
    ...adapterOver,
  });
  open.push({ fake, adapter });
  return { fake, adapter, e };
}

describe('OpenAlgoAdapter against the fake OpenAlgo (docs/brokers.md 3)', () => {
  it('reads analyzer mode, funds, quotes and depth', async () => {
    const { fake, adapter } = await world({ analyzer: true });
    expect(await adapter.analyzerMode()).toBe(true);
    fake.setAnalyzer(false);
    expect(await adapter.analyzerMode()).toBe(false);
    expect(await adapter.funds()).toEqual({ availableCash: 1_00_00_000_00n, usedMargin: 0n });
    expect(await adapter.quotes([INFY, INFY])).toEqual([{ instrument: INFY, ltp: Q.ltp, bid: Q.bid, ask: Q.ask, ts: expect.any(Number) }]);
    expect(await adapter.depth(INFY)).toMatchObject({
      ltp: Q.ltp,
      bids: [{ price: Q.bid, quantity: 100 }],
      asks: [{ price: Q.ask, quantity: 100 }],
    });
  });

  it('an install without subscribe_orders is polled: updates still arrive', async () => {
    const { adapter } = await world({ orderStream: false });
    const seen: BrokerOrder[] = [];
    adapter.subscribe((o) => seen.push(o));
    expect(await adapter.ready()).toBe(false);
    expect(adapter.updateChannel).toBe('poll');
    const { brokerOrderIds } = await adapter.placeOrder(buy());
    await vi.waitFor(() => expect(seen.find((o) => o.brokerOrderId === brokerOrderIds[0])?.status).toBe('FILLED'), { timeout: 5_000 });
  });

  it('an invalid API key is auth, reported once, and nothing more is sent', async () => {
    const lost: BrokerError[] = [];
    const { fake, adapter } = await world({}, { apiKey: 'wrong-key', onAuthLost: (e) => lost.push(e) });
    await expect(adapter.funds()).rejects.toMatchObject({ kind: 'auth', code: 'INVALID_API_KEY', httpStatus: 403 });
    const sent = fake.requests.length;
    await expect(adapter.placeOrder(buy())).rejects.toMatchObject({ kind: 'auth' });
    expect(fake.requests.length).toBe(sent);
    expect(lost).toHaveLength(1);
  });

  it('an HTML answer and a down host are clear errors; a 500 on a write is ambiguous', async () => {
    const { fake, adapter } = await world();
    fake.failNext('funds', 'html');
    await expect(adapter.funds()).rejects.toMatchObject({
      kind: 'retryable',
      code: 'NOT_OPENALGO',
      message: expect.stringContaining('HTML'),
    });
    fake.failNext('placeorder', 500);
    await expect(adapter.placeOrder(buy())).rejects.toMatchObject({ kind: 'ambiguous', httpStatus: 500 });
    await fake.goDown();
    // The pooled connection dies with the host (no complete answer), then connections are refused.
    await expect(adapter.funds()).rejects.toMatchObject({
      kind: 'retryable',
      message: expect.stringContaining(`OpenAlgo at ${fake.endpoints().host}`),
    });
    await expect(adapter.funds()).rejects.toMatchObject({
      kind: 'retryable',
      code: 'ECONNREFUSED',
      message: expect.stringContaining('cannot reach OpenAlgo'),
    });
    await fake.comeBack();
    expect((await adapter.funds()).availableCash).toBeGreaterThan(0n);
  });

  it('a smart order orders the difference to the target position; a matched target places nothing', async () => {
    const { adapter } = await world();
    expect(await adapter.placeSmartOrder(buy({ quantity: 1 }), 3)).not.toBeNull();
    expect((await adapter.listPositions()).map((p) => p.netQuantity)).toEqual([3]);
    expect(await adapter.placeSmartOrder(buy({ quantity: 1 }), 3)).toBeNull();
    await adapter.placeSmartOrder(buy({ quantity: 1 }), 0);
    expect((await adapter.listPositions()).map((p) => p.netQuantity)).toEqual([0]);
  });

  it('placeOrder with positionSize goes as placesmartorder; a matched position is a final refusal (nothing placed)', async () => {
    const { fake, adapter } = await world();
    const { brokerOrderIds } = await adapter.placeOrder(buy({ quantity: 2, positionSize: 2 }));
    expect(brokerOrderIds).toHaveLength(1);
    expect((await adapter.listPositions()).map((p) => p.netQuantity)).toEqual([2]);
    const sent = fake.placements();
    await expect(adapter.placeOrder(buy({ quantity: 1, positionSize: 2 }))).rejects.toMatchObject({
      kind: 'final',
      code: 'POSITION_MATCHED',
    });
    expect(fake.placements()).toBe(sent);
    // The broker orders the difference to the position named, whatever quantity the order carried.
    await adapter.placeOrder(buy({ quantity: 1, positionSize: 5 }));
    expect((await adapter.listPositions()).map((p) => p.netQuantity)).toEqual([5]);
  });

  it('cancelling a filled order is final; IOC is refused before sending', async () => {
    const { fake, adapter } = await world();
    const { brokerOrderIds } = await adapter.placeOrder(buy());
    await expect(adapter.cancelOrder(brokerOrderIds[0]!)).rejects.toMatchObject({ kind: 'final', code: 'ORDER_NOT_OPEN' });
    const sent = fake.placements();
    await expect(adapter.placeOrder(buy({ validity: 'IOC' }))).rejects.toMatchObject({ kind: 'final', code: 'VALIDITY_NOT_SUPPORTED' });
    expect(fake.placements()).toBe(sent);
  });
  it('holdings: a CNC buy becomes a holding once the day rolls (one quantity: no T1 apart), a sale from it the next day; an HTML 200 is an error', async () => {
    const { fake, adapter } = await world();
    expect(await adapter.listHoldings()).toEqual([]);
    await adapter.placeOrder(buy({ product: 'CNC', quantity: 5 }));
    await vi.waitFor(async () => expect((await adapter.listTrades()).map((t) => t.quantity)).toEqual([5]), { timeout: 10_000 });

    fake.rollDay();
    expect(await adapter.listOrders()).toEqual([]);
    expect(await adapter.listPositions()).toEqual([]);
    expect(await adapter.listHoldings()).toEqual([
      { instrument: INFY, quantity: 5, t1Quantity: null, usedQuantity: null, averagePrice: null, lastPrice: null, pnl: expect.any(BigInt) },
    ]);
    expect(fake.holdingsNow().get('NSE:INFY')).toEqual({ settled: 0, t1: 5 });
    fake.rollDay();
    expect(fake.holdingsNow().get('NSE:INFY')).toEqual({ settled: 5, t1: 0 });
    await adapter.placeOrder(buy({ clientOrderId: 'c2', side: 'SELL', product: 'CNC', quantity: 2 }));
    await vi.waitFor(async () => expect((await adapter.listTrades()).map((t) => t.quantity)).toEqual([2]), { timeout: 10_000 });
    expect(await adapter.listHoldings()).toMatchObject([{ instrument: INFY, quantity: 5 }]);
    expect(await adapter.listPositions()).toMatchObject([{ instrument: INFY, product: 'CNC', netQuantity: -2 }]);

    fake.failNext('holdings', 'html');
    await expect(adapter.listHoldings()).rejects.toMatchObject({ operation: 'read' });
  });
});
