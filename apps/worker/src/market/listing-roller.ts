import { demoIndexLevels, DEMO_INDICES, todayIst, type IndexLevels, type Instrument, type PriceTicks } from '@tradeloop/domain';
import type { ListingRollResult } from '@tradeloop/trading';

/** What the roller drives: the use case, the stored listing and the running simulated feed. */
export interface ListingRollerDeps {
  /** RollSimulatedListingUseCase.execute. */
  roll(input: { now: number; levels: IndexLevels }): Promise<ListingRollResult>;
  /** Every active, unexpired instrument on the IST day (what the feed should trade). */
  universe(day: string): Promise<Instrument[]>;
  /** The running simulated feed (null before it starts). */
  feed(): { levelOf(symbol: string): PriceTicks | undefined; relist(universe: readonly Instrument[]): unknown } | null;
  /** Told the new universe after each roll (the paper broker learns new contracts). */
  onListed?(universe: readonly Instrument[]): void;
  onRolled?(result: ListingRollResult): void;
  onError?(err: unknown): void;
  now(): number;
}

/**
 * Rolls the simulated listing once per IST day in the process that runs the simulated feed
 * (docs/architecture.md "Market data"): `rollNow` at start-up (around the stored levels the feed
 * resumes from), then `check`, on a timer, rolls when the IST day has changed — around the
 * levels the running feed is at — and hands the feed the new universe. A failed roll is retried
 * at the next check; rolls never overlap.
 */
export class ListingRoller {
  private rolledFor: string | null = null;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: ListingRollerDeps) {}

  /** The IST day last rolled for (null before the first). */
  get day(): string | null {
    return this.rolledFor;
  }

  /** Rolls for today now, around `levels` (default: the running feed's, else the start levels); returns today's universe. */
  async rollNow(levels?: IndexLevels): Promise<Instrument[]> {
    const now = this.deps.now();
    const result = await this.deps.roll({ now, levels: levels ?? this.feedLevels() });
    this.rolledFor = result.day;
    this.deps.onRolled?.(result);
    const universe = await this.deps.universe(result.day);
    this.deps.feed()?.relist(universe);
    this.deps.onListed?.(universe);
    return universe;
  }

  /** Rolls if the IST day changed since the last roll (or none succeeded yet); resolves when done. */
  check(): Promise<void> {
    if (this.running) return this.running;
    if (this.rolledFor === todayIst(new Date(this.deps.now()))) return Promise.resolve();
    this.running = this.rollNow()
      .then(() => undefined)
      .catch((err: unknown) => this.deps.onError?.(err))
      .finally(() => (this.running = null));
    return this.running;
  }

  /** Checks every `everyMs` until stopped. */
  start(everyMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.check(), everyMs);
    this.timer.unref?.();
  }

  /** Stops the timer and waits for a roll in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private feedLevels(): IndexLevels {
    const feed = this.deps.feed();
    const known = new Map<string, PriceTicks>();
    for (const idx of DEMO_INDICES) {
      const level = feed?.levelOf(idx.symbol);
      if (level !== undefined) known.set(idx.symbol, level);
    }
    return demoIndexLevels(known);
  }
}
