/**
 * Per-client, per-stream delivery policy for market data (framework-free so it is unit-tested
 * without sockets). A stream sends at most one update per `minIntervalMs`:
 *
 * - an update arriving when the stream is allowed to send goes out at once (no added latency);
 * - one arriving too soon is parked, replacing any parked one (the newest price wins: that is
 *   coalescing, not loss);
 * - a parked update goes out when a newer one arrives after the window opens (it is superseded),
 *   or, if the symbol goes quiet, `trailingMs` after the window opened — so the last price of a
 *   burst always arrives, at most `minIntervalMs + trailingMs` late.
 * - an update for a different candle than the parked one first flushes the parked one: a
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

export class ThrottledStream {
  seq = 0;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private parked: StreamUpdate | null = null;

  constructor(
    private readonly send: (payload: object) => void,
    private gapSeen: number,
    private readonly minIntervalMs: number,
    private readonly trailingMs: number,
  ) {}

  get hasParked(): boolean {
    return this.parked !== null;
  }

  /** Offers an update at time `now`; returns true when something is left parked. */
  offer(update: StreamUpdate, now: number, gapGeneration: number): boolean {
    if (this.parked && this.parked.key !== update.key) this.deliver(this.parked, now, gapGeneration);
    if (now - this.lastSentAt >= this.minIntervalMs) {
      this.deliver(update, now, gapGeneration);
      return false;
    }
    this.parked = update;
    return true;
  }

  /** Sends a parked update whose trailing deadline passed; returns true while one stays parked. */
  sweep(now: number, gapGeneration: number): boolean {
    if (!this.parked) return false;
    if (now - this.lastSentAt >= this.minIntervalMs + this.trailingMs) {
      this.deliver(this.parked, now, gapGeneration);
      return false;
    }
    return true;
  }

  private deliver(update: StreamUpdate, now: number, gapGeneration: number): void {
    this.seq += gapGeneration !== this.gapSeen ? 2 : 1;
    this.gapSeen = gapGeneration;
    this.lastSentAt = now;
    this.parked = null;
    this.send({ ...update.payload, seq: this.seq });
  }
}
