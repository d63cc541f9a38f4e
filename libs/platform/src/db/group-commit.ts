/**
 * Group commit (docs/architecture.md "Order path", ADR 0015): work items that arrive while
 * earlier ones are being written are written together, in one transaction, by `write`.
 *
 * - An item alone goes at once: when no batch is in flight, the first item starts a batch
 *   immediately, without waiting for company.
 * - While a batch is in flight, arriving items wait for company at most `maxWaitMs` (and no longer
 *   than until a batch finishes, or `maxBatch` items are waiting), then go as the next batch if
 *   fewer than `maxInFlight` batches are running; otherwise as soon as one finishes.
 * - Items with the same key (an order, a user) never share a batch and never run in two batches at
 *   once: a later one waits for the batch of the earlier one, so per-key order is kept.
 *
 * `write` settles every item of its batch (each its own outcome): an item's failure is its own.
 */
export interface GroupCommitOptions<I> {
  /** The key per-key ordering is kept on; items with equal keys are written one batch after another. */
  key: (item: I) => string;
  write: (batch: readonly I[]) => Promise<void>;
  /**
   * Settles a batch whose `write` threw instead of settling every item (a fault in its own code):
   * each item still waiting is failed with the error, so no caller waits for ever. Items `write`
   * settled already are not changed by this (a promise settles once).
   */
  fail: (batch: readonly I[], err: unknown) => void;
  maxBatch: number;
  maxInFlight: number;
  /** How long an item waits for company while another batch is in flight. */
  maxWaitMs: number;
  /** Told of each batch's size (metrics). */
  onBatch?: (size: number) => void;
}

export class GroupCommit<I> {
  private queue: I[] = [];
  private inFlight = 0;
  private inFlightItems = 0;
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private waited = false;

  constructor(private readonly opts: GroupCommitOptions<I>) {}

  /** Queues `item`; `write` will settle it. */
  submit(item: I): void {
    this.queue.push(item);
    if (this.inFlight === 0) return this.pump(true);
    if (this.queue.length >= this.opts.maxBatch) return this.pump(true);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.waited = true;
        this.pump(false);
      }, this.opts.maxWaitMs);
    }
  }

  /** Items queued or being written (for tests and metrics). */
  get pending(): number {
    return this.queue.length + this.inFlightItems;
  }

  private pump(now: boolean): void {
    // Without the wait elapsed, a batch starts only when nothing is in flight (or a full batch waits).
    while (this.queue.length > 0 && this.inFlight < this.opts.maxInFlight) {
      if (!now && !this.waited && this.inFlight > 0 && this.queue.length < this.opts.maxBatch) return;
      const batch: I[] = [];
      const rest: I[] = [];
      const keys = new Set<string>();
      for (const item of this.queue) {
        const k = this.opts.key(item);
        if (batch.length < this.opts.maxBatch && !keys.has(k) && !this.busy.has(k)) {
          keys.add(k);
          batch.push(item);
        } else rest.push(item);
      }
      if (batch.length === 0) return;
      this.queue = rest;
      this.waited = false;
      if (this.timer && this.queue.length === 0) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      this.inFlight += 1;
      this.inFlightItems += batch.length;
      for (const k of keys) this.busy.add(k);
      this.opts.onBatch?.(batch.length);
      void this.opts
        .write(batch)
        .catch((err: unknown) => this.opts.fail(batch, err))
        .finally(() => {
          for (const k of keys) this.busy.delete(k);
          this.inFlight -= 1;
          this.inFlightItems -= batch.length;
          this.pump(true);
        });
      now = false;
    }
  }
}
