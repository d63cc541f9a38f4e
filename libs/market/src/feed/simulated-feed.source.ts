import { isNseOpen, MarketSimulator, type Instrument, type SimTick, type StartPrices } from '@tradeloop/domain';
import type { MarketDataSource, TickSink } from './market-data-source';

export interface SimulatedFeedOptions {
  seed: number;
  instruments: readonly Instrument[];
  start?: StartPrices;
  ticksPerSecond: number;
  /** `nse`: ticks only 09:15–15:30 IST on weekdays; `always`: a demo market that never closes. */
  hours: 'always' | 'nse';
  /** How often the loop wakes to emit the ticks that fell due (ms). */
  stepMs?: number;
  now?: () => number;
}

/**
 * Drives the MarketSimulator in real time: every step it emits the ticks due since the last one
 * (rate × elapsed, fractions carried over), so the long-run rate is exact even when timers are
 * late, and each tick is stamped with the wall time it was generated. When the loop falls more
 * than a second behind it drops the backlog rather than bursting (and counts it).
 */
export class SimulatedFeedSource implements MarketDataSource {
  readonly name = 'simulated';
  private readonly sim: MarketSimulator;
  private readonly stepMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private last = 0;
  private carry = 0;
  private droppedTicks = 0;
  private emitted = 0;

  constructor(private readonly opts: SimulatedFeedOptions) {
    this.sim = new MarketSimulator({ seed: opts.seed, instruments: opts.instruments, ...(opts.start ? { start: opts.start } : {}) });
    this.stepMs = opts.stepMs ?? 10;
    this.now = opts.now ?? Date.now;
  }

  get stats(): { emitted: number; dropped: number } {
    return { emitted: this.emitted, dropped: this.droppedTicks };
  }

  start(sink: TickSink): Promise<void> {
    this.last = this.now();
    const loop = () => {
      const now = this.now();
      const batch = this.due(now);
      if (batch.length > 0) sink(batch);
      // Schedule from the intended cadence, not from "now + step", so timer lateness does not accumulate.
      this.timer = setTimeout(loop, Math.max(0, this.stepMs - (this.now() - now)));
    };
    this.timer = setTimeout(loop, this.stepMs);
    return Promise.resolve();
  }

  /** The ticks that fell due by `now` (exposed for deterministic tests). */
  due(now: number): SimTick[] {
    const elapsedMs = now - this.last;
    this.last = now;
    if (elapsedMs <= 0) return [];
    if (this.opts.hours === 'nse' && !isNseOpen(now)) {
      this.carry = 0;
      return [];
    }
    let want = (this.opts.ticksPerSecond * elapsedMs) / 1000 + this.carry;
    const cap = this.opts.ticksPerSecond; // at most one second of backlog
    if (want > cap) {
      this.droppedTicks += Math.floor(want - cap);
      want = cap;
    }
    const n = Math.floor(want);
    this.carry = want - n;
    const out: SimTick[] = new Array<SimTick>(n);
    for (let k = 0; k < n; k += 1) out[k] = this.sim.next(now, this.opts.ticksPerSecond);
    this.emitted += n;
    return out;
  }

  stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return Promise.resolve();
  }
}
