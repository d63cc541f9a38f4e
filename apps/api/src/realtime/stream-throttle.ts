/**
 * Per-client, per-stream delivery policy for market data (framework-free so it is unit-tested
 * without sockets): a token bucket of `burst` updates refilled at `perSecond`, so a stream
 * averages at most `perSecond` updates however fast the market moves, and a slow browser is
 * never flooded.
 *
 * - An update that finds a token goes out at once (no added latency).
 * - One that finds none is parked, replacing any parked one: the newest price wins (that is
 *   coalescing, not loss).
 * - Once a token is back, the stream waits up to `preferFreshMs` for a fresh update (sent at once
 *   instead, superseding the parked one); only if the symbol stays quiet does the parked one go
 *   out. Sending the fresh one keeps delivered prices young: at 10,000 ticks/s over 500
 *   symbols, flushing the parked price the moment a token returned gave a p99 age of ~100 ms,
 *   this ~5 ms (see bench/README.md).
 * - An update for a different candle than the parked one first flushes the parked one: a
 *   candle's final state is never coalesced away by the next candle.
 *
 * `seq` counts delivered updates, by one; when the stream's source reported lost updates since
 * the last delivery (`gapGeneration` moved), it skips a number so the client sees the gap.
 */
export interface StreamUpdate {
  /** For candles, the bucket start: updates with different keys never replace each other. */
  key?: string;
  payload: object;
}

export interface ThrottleOptions {
  perSecond: number;
  burst: number;
  preferFreshMs: number;
}

export class ThrottledStream {
  seq = 0;
  private tokens: number;
  private refilledAt = Number.NEGATIVE_INFINITY;
  private parked: StreamUpdate | null = null;
  private backAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly send: (payload: object) => void,
    private gapSeen: number,
    private readonly opts: ThrottleOptions,
  ) {
    this.tokens = opts.burst;
  }

  get hasParked(): boolean {
    return this.parked !== null;
  }

  /** Offers an update at time `now`; returns true when something is left parked. */
  offer(update: StreamUpdate, now: number, gapGeneration: number): boolean {
    this.refill(now);
    if (this.parked && this.parked.key !== update.key) this.deliver(this.parked, now, gapGeneration);
    if (this.tokens >= 1) {
      this.deliver(update, now, gapGeneration);
      return false;
    }
    this.parked = update;
    return true;
  }

  /** Sends a parked update once the stream has waited long enough for a fresher one; true while one stays parked. */
  sweep(now: number, gapGeneration: number): boolean {
    if (!this.parked) return false;
    this.refill(now);
    if (this.tokens >= 1 && now - this.tokenBackAt() >= this.opts.preferFreshMs) {
      this.deliver(this.parked, now, gapGeneration);
      return false;
    }
    return true;
  }

  private refill(now: number): void {
    if (this.refilledAt !== Number.NEGATIVE_INFINITY) {
      const before = this.tokens;
      this.tokens = Math.min(this.opts.burst, before + ((now - this.refilledAt) * this.opts.perSecond) / 1000);
      if (before < 1 && this.tokens >= 1) this.backAt = this.refilledAt + ((1 - before) * 1000) / this.opts.perSecond;
    }
    this.refilledAt = now;
  }

  /** When the bucket last climbed back to one token (the wait before a parked update goes out starts there). */
  private tokenBackAt(): number {
    return this.backAt;
  }

  private deliver(update: StreamUpdate, now: number, gapGeneration: number): void {
    this.seq += gapGeneration !== this.gapSeen ? 2 : 1;
    this.gapSeen = gapGeneration;
    this.tokens -= 1;
    this.parked = null;
    this.send({ ...update.payload, seq: this.seq });
    void now;
  }
}
