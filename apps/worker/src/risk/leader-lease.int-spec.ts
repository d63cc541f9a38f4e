import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { serviceUrls } from '@tradeloop/testing';
import { LeaderLease } from './leader-lease';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let redis: Redis;
const key = `t${randomBytes(4).toString('hex')}:risk:monitor:leader`;

beforeAll(() => {
  redis = new Redis(serviceUrls().redisUrl, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  await redis.del(key);
  await redis.quit();
});

describe('LeaderLease (real Redis)', () => {
  it('one holder at a time: renewals keep it, a lapse or a release hands it over', async () => {
    const a = new LeaderLease(redis, key, 300);
    const b = new LeaderLease(redis, key, 300);
    const both = await Promise.all([a.hold(), b.hold()]);
    expect(both.filter(Boolean)).toHaveLength(1);
    const [leader, other] = both[0] ? [a, b] : [b, a];
    // Renewed every 100 ms for 600 ms: longer than the TTL, still the leader.
    for (let i = 0; i < 6; i += 1) {
      await sleep(100);
      expect(await leader.hold()).toBe(true);
      expect(await other.hold()).toBe(false);
    }
    // The leader stops renewing (a dead process): the lease lapses and the other takes over.
    await sleep(400);
    expect(await other.hold()).toBe(true);
    expect(await leader.hold()).toBe(false);
    // Releasing hands over at once; releasing a lease one does not hold changes nothing.
    await leader.release();
    expect(await leader.hold()).toBe(false);
    await other.release();
    expect(await leader.hold()).toBe(true);
  });
});
