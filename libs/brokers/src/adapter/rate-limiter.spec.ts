import fc from 'fast-check';
import {
  AdapterRateLimiter,
  BrokerError,
  KITE_RATE_LIMITS,
  UPSTOX_RATE_LIMITS,
  WindowTokenBucket,
  type RateLimiterClock,
  type RateWindow,
} from '.';

/** A clock the limiter sleeps on: sleeping advances it, so tests run instantly and exactly. */
function fakeClock(start = 0): RateLimiterClock & { t: number } {
  const c = {
    t: start,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += ms;
    },
  };
  return c;
}

/** The largest number of times in any window of `perMs` (closed on the left, open on the right). */
function maxInWindow(times: number[], perMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i += 1) {
    while (times[i]! - times[j]! >= perMs) j += 1;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('WindowTokenBucket', () => {
  it('never admits more than the limit in any window, however requests arrive', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 10, max: 2_000 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 200 }),
        (limit, perMs, gaps) => {
          const bucket = new WindowTokenBucket({ limit, perMs });
          const admitted: number[] = [];
          let now = 0;
          for (const gap of gaps) {
            now += gap;
            if (bucket.waitMs(now) === 0) {
              bucket.take(now);
              admitted.push(now);
            }
          }
          expect(maxInWindow(admitted, perMs)).toBeLessThanOrEqual(limit);
        },
      ),
    );
  });

  it('says exactly when the next token comes back', () => {
    const b = new WindowTokenBucket({ limit: 2, perMs: 1_000 });
    b.take(0);
    b.take(300);
    expect(b.waitMs(500)).toBe(500);
    expect(b.waitMs(1_000)).toBe(0);
    expect(() => new WindowTokenBucket({ limit: 0, perMs: 1 })).toThrow(RangeError);
  });
});

describe('AdapterRateLimiter', () => {
  it('spaces Kite orders to 10/s and 200/min, in arrival order', async () => {
    const clock = fakeClock();
    const limiter = new AdapterRateLimiter('kite', KITE_RATE_LIMITS, { clock, maxWaitMs: 120_000 });
    const sentAt: number[] = [];
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 230 }, (_, i) =>
        limiter.schedule('orders', async () => {
          sentAt.push(clock.t);
          order.push(i);
        }),
      ),
    );
    expect(order).toEqual([...Array(230).keys()]);
    const windows: readonly RateWindow[] = KITE_RATE_LIMITS.orders;
    for (const w of windows) expect(maxInWindow(sentAt, w.perMs)).toBeLessThanOrEqual(w.limit);
    // 200 in the first minute (20 s at 10/s), the 201st waits for the minute to turn.
    expect(sentAt[199]).toBeLessThan(60_000);
    expect(sentAt[200]).toBe(60_000);
  });

  it('keeps buckets apart: quotes at 1/s do not hold orders back', async () => {
    const clock = fakeClock();
    const limiter = new AdapterRateLimiter('kite', KITE_RATE_LIMITS, { clock });
    await limiter.acquire('quotes');
    await limiter.acquire('quotes');
    expect(clock.t).toBe(1_000);
    const before = clock.t;
    await limiter.acquire('orders');
    expect(clock.t).toBe(before);
  });

  it('refuses, as rate_limited, a request that would wait longer than allowed', async () => {
    const clock = fakeClock();
    const limiter = new AdapterRateLimiter('upstox', UPSTOX_RATE_LIMITS, { clock, maxWaitMs: 2_000 });
    for (let i = 0; i < 500; i += 1) await limiter.acquire('orders');
    const e = await limiter.acquire('orders').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BrokerError);
    expect(e).toMatchObject({ kind: 'rate_limited', code: 'LOCAL_RATE_LIMIT' });
    expect((e as BrokerError).retryAfterMs).toBeGreaterThan(2_000);
    // The line keeps moving after a refusal.
    clock.t += 60_000;
    await limiter.acquire('orders');
  });

  it('backs off a bucket after the broker answers 429', async () => {
    const clock = fakeClock(5_000);
    const limiter = new AdapterRateLimiter('kite', KITE_RATE_LIMITS, { clock });
    limiter.backOff('other', 1_500);
    await limiter.acquire('other');
    expect(clock.t).toBe(6_500);
  });
});
