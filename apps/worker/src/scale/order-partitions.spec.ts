import { fairShare, partitionOrder } from './order-partitions';

describe('order partitions', () => {
  it('shares the partitions so that all are covered and no worker holds more than one above another', () => {
    expect(fairShare(8, 1)).toBe(8);
    expect(fairShare(8, 2)).toBe(4);
    expect(fairShare(8, 3)).toBe(3);
    expect(fairShare(8, 0)).toBe(8);
    for (let workers = 1; workers <= 20; workers += 1) expect(fairShare(8, workers) * workers).toBeGreaterThanOrEqual(8);
    expect(fairShare(8, 20)).toBe(1);
  });

  it('tries every partition once, from a worker-specific start', () => {
    expect(partitionOrder(4, 2)).toEqual([2, 3, 0, 1]);
    expect(new Set(partitionOrder(8, 5)).size).toBe(8);
  });
});
