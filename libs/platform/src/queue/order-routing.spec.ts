import { randomUUID } from 'node:crypto';
import { orderPartitionQueue, orderQueueFor, orderQueues, PAPER_ORDERS_QUEUE, partitionOf, ROUTER_ORDERS_QUEUE } from './order-routing';

describe('order job routing', () => {
  it('sends paper jobs to the paper queue, live ones to their account partition, the rest to the router', () => {
    const accountId = randomUUID();
    expect(orderQueueFor({ accountId, broker: 'mock' }, 8)).toBe(PAPER_ORDERS_QUEUE);
    expect(orderQueueFor({ accountId, broker: 'kite' }, 8)).toBe(orderPartitionQueue(partitionOf(accountId, 8)));
    expect(orderQueueFor({ accountId }, 8)).toBe(orderPartitionQueue(partitionOf(accountId, 8)));
    expect(orderQueueFor({}, 8)).toBe(ROUTER_ORDERS_QUEUE);
  });

  it('puts an account in the same partition every time, and spreads accounts over all partitions', () => {
    const ids = Array.from({ length: 800 }, () => randomUUID());
    for (const id of ids.slice(0, 20)) expect(partitionOf(id, 8)).toBe(partitionOf(id, 8));
    const counts = new Array<number>(8).fill(0);
    for (const id of ids) counts[partitionOf(id, 8)]! += 1;
    // 100 expected per partition; a fair hash stays well inside 50..150.
    for (const c of counts) expect(c).toBeGreaterThan(50);
    for (const c of counts) expect(c).toBeLessThan(150);
    expect(partitionOf('00000000-0000-4000-8000-000000000000', 1)).toBe(0);
  });

  it('lists the router, the paper queue and every partition', () => {
    expect(orderQueues(3)).toEqual([ROUTER_ORDERS_QUEUE, PAPER_ORDERS_QUEUE, 'orders-p0', 'orders-p1', 'orders-p2']);
  });
});
