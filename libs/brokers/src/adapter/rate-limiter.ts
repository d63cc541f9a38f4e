import { BrokerError } from './broker.errors';

/** At most `limit` requests in any `perMs` milliseconds. */
export interface RateWindow {
  readonly limit: number;
  readonly perMs: number;
}

/** Separate buckets for orders, quotes and everything else (docs/brokers.md 4.10). */
export const RATE_BUCKETS = ['orders', 'quotes', 'other'] as const;
export type RateBucket = (typeof RATE_BUCKETS)[number];
/** Every window of a bucket applies at once (Upstox: 10/s AND 500/min AND 2000/30 min). */
export type RateLimits = Readonly<Record<RateBucket, readonly RateWindow[]>>;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/**
 * Kite (docs/brokers.md 1.6, third-party and conflicting): orders 10/s and 200/min (a newer post says
 * 400; we keep the lower), quotes 1/s, everything else 10/s. The per-day order cap is an RMS
 * limit across platforms and is not enforced here.
 */
export const KITE_RATE_LIMITS: RateLimits = Object.freeze({
  orders: [
    { limit: 10, perMs: SECOND },
    { limit: 200, perMs: MINUTE },
  ],
  quotes: [{ limit: 1, perMs: SECOND }],
  other: [{ limit: 10, perMs: SECOND }],
});

/** Upstox (docs/brokers.md 2.6): regular algos 10/s, others 50/s; both 500/min and 2000/30 min. */
export const UPSTOX_RATE_LIMITS: RateLimits = Object.freeze({
  orders: [
    { limit: 10, perMs: SECOND },
    { limit: 500, perMs: MINUTE },
    { limit: 2000, perMs: 30 * MINUTE },
  ],
  quotes: [
    { limit: 50, perMs: SECOND },
    { limit: 500, perMs: MINUTE },
    { limit: 2000, perMs: 30 * MINUTE },
  ],
  other: [
    { limit: 50, perMs: SECOND },
    { limit: 500, perMs: MINUTE },
    { limit: 2000, perMs: 30 * MINUTE },
  ],
});

/** OpenAlgo defaults (docs/brokers.md 3.6, configurable per install): orders 10/s, the rest 50/s. */
export const OPENALGO_RATE_LIMITS: RateLimits = Object.freeze({
  orders: [{ limit: 10, perMs: SECOND }],
  quotes: [{ limit: 50, perMs: SECOND }],
  other: [{ limit: 50, perMs: SECOND }],
});

/** No limits (the mock broker, which answers in-process). */
export const NO_RATE_LIMITS: RateLimits = Object.freeze({ orders: [], quotes: [], other: [] });

/**
 * A token bucket of `limit` tokens in which each token comes back exactly one window after it
 * was spent (a ring of the last `limit` spend times). Unlike a bucket refilled continuously, or
 * a fixed window, it never lets more than `limit` requests into ANY window of `perMs` — a bucket
 * refilling at limit/perMs admits up to twice that across a window boundary, which is exactly
 * when a broker answers 429.
 */
export class WindowTokenBucket {
  private readonly spentAt: number[];
  private head = 0;
  private count = 0;

  constructor(readonly window: RateWindow) {
    if (!Number.isSafeInteger(window.limit) || window.limit < 1 || !(window.perMs > 0))
      throw new RangeError('a rate window needs limit ≥ 1 and perMs > 0');
    this.spentAt = new Array<number>(window.limit).fill(0);
  }

  /** Milliseconds until a token is free at `now`; 0 when one is free now. */
  waitMs(now: number): number {
    if (this.count < this.window.limit) return 0;
    return Math.max(0, this.spentAt[this.head]! + this.window.perMs - now);
  }

  /** Spends a token at `now`; the caller has checked `waitMs(now) === 0`. */
  take(now: number): void {
    const n = this.window.limit;
    if (this.count < n) {
      this.spentAt[(this.head + this.count) % n] = now;
      this.count += 1;
    } else {
      this.spentAt[this.head] = now;
      this.head = (this.head + 1) % n;
    }
  }
}

export interface RateLimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const SYSTEM_CLOCK: RateLimiterClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface AdapterRateLimiterOptions {
  readonly clock?: RateLimiterClock;
  /**
   * A caller that would have to wait longer than this (once it is first in line) gets a
   * `rate_limited` BrokerError instead of waiting: an order should not sit unsent for a minute
   * behind a per-minute limit while the market moves. Default 5 s.
   */
  readonly maxWaitMs?: number;
}

/**
 * Each adapter's limiter: one FIFO line per bucket, every window of the bucket checked before
 * a request goes out. In-process only (no Redis): limits count per API key and account, and
 * one worker process owns a broker session.
 *
 * Why not a library: `rate-limiter-flexible` (already a dependency) counts fixed windows,
 * which admit twice the limit across a boundary, and its queue waits on one limiter only;
 * `bottleneck` has had no release since 2019; `p-throttle` is ESM-only while this repo builds
 * CommonJS. What is needed is small, and here the tests control the clock.
 */
export class AdapterRateLimiter {
  private readonly buckets: Record<RateBucket, WindowTokenBucket[]>;
  private readonly lines: Record<RateBucket, Promise<void>> = {
    orders: Promise.resolve(),
    quotes: Promise.resolve(),
    other: Promise.resolve(),
  };
  private readonly blockedUntil: Record<RateBucket, number> = { orders: 0, quotes: 0, other: 0 };
  private readonly clock: RateLimiterClock;
  private readonly maxWaitMs: number;

  constructor(
    private readonly broker: string,
    limits: RateLimits,
    options: AdapterRateLimiterOptions = {},
  ) {
    this.buckets = {
      orders: limits.orders.map((w) => new WindowTokenBucket(w)),
      quotes: limits.quotes.map((w) => new WindowTokenBucket(w)),
      other: limits.other.map((w) => new WindowTokenBucket(w)),
    };
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.maxWaitMs = options.maxWaitMs ?? 5_000;
  }

  /** Waits for a token in every window of `bucket`, in arrival order. */
  acquire(bucket: RateBucket): Promise<void> {
    const turn = this.lines[bucket].then(() => this.takeWhenFree(bucket));
    this.lines[bucket] = turn.catch(() => undefined);
    return turn;
  }

  /** Runs `call` once `bucket` allows it. */
  async schedule<T>(bucket: RateBucket, call: () => Promise<T>): Promise<T> {
    await this.acquire(bucket);
    return call();
  }

  /** The broker answered 429: send nothing more from `bucket` for `retryAfterMs`. */
  backOff(bucket: RateBucket, retryAfterMs: number): void {
    this.blockedUntil[bucket] = Math.max(this.blockedUntil[bucket], this.clock.now() + retryAfterMs);
  }

  private async takeWhenFree(bucket: RateBucket): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      let wait = this.blockedUntil[bucket] - now;
      for (const b of this.buckets[bucket]) wait = Math.max(wait, b.waitMs(now));
      if (wait <= 0) {
        for (const b of this.buckets[bucket]) b.take(now);
        return;
      }
      if (wait > this.maxWaitMs) {
        throw new BrokerError('rate_limited', `${this.broker}: ${bucket} rate limit, next slot in ${wait} ms`, {
          broker: this.broker,
          code: 'LOCAL_RATE_LIMIT',
          retryAfterMs: wait,
        });
      }
      await this.clock.sleep(wait);
    }
  }
}
