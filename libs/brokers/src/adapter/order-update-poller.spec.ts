import { asBrokerOrderId, OrderUpdatePoller, type BrokerOrder } from '.';

const order = (id: string, over: Partial<BrokerOrder> = {}): BrokerOrder =>
  ({
    brokerOrderId: asBrokerOrderId(id),
    status: 'OPEN',
    filledQuantity: 0,
    averagePrice: null,
    quantity: 10,
    price: 1_000_000,
    triggerPrice: null,
    rejectReason: null,
    ...over,
  }) as BrokerOrder;

describe('OrderUpdatePoller', () => {
  it('emits the whole book first, then only orders that changed', async () => {
    let book = [order('a'), order('b')];
    const poller = new OrderUpdatePoller(async () => book, { intervalMs: 5_000 });
    const seen: string[] = [];
    poller.subscribe((u) => seen.push(`${u.brokerOrderId}:${u.status}:${u.filledQuantity}:${u.price}`));
    expect(await poller.pollOnce()).toBe(2);
    expect(await poller.pollOnce()).toBe(0);
    book = [
      order('a', { status: 'PARTIALLY_FILLED', filledQuantity: 4, averagePrice: 1_000_000 }),
      order('b', { price: 990_000 }),
      order('c'),
    ];
    expect(await poller.pollOnce()).toBe(3);
    expect(seen).toEqual(['a:OPEN:0:1000000', 'b:OPEN:0:1000000', 'a:PARTIALLY_FILLED:4:1000000', 'b:OPEN:0:990000', 'c:OPEN:0:1000000']);
  });

  it('keeps polling on its interval after a failure, and stops when told', async () => {
    vi.useFakeTimers();
    try {
      let calls = 0;
      const errors: unknown[] = [];
      const poller = new OrderUpdatePoller(
        async () => {
          calls += 1;
          if (calls === 2) throw new Error('HTTP 503');
          return [order('a', { filledQuantity: calls })];
        },
        { intervalMs: 1_000, onError: (e) => errors.push(e) },
      );
      const seen: number[] = [];
      poller.subscribe((u) => seen.push(u.filledQuantity));
      poller.start();
      await vi.advanceTimersByTimeAsync(3_500);
      poller.stop();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(calls).toBe(4);
      expect(errors).toHaveLength(1);
      expect(seen).toEqual([1, 3, 4]);
    } finally {
      vi.useRealTimers();
    }
  });
});
