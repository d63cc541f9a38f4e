import { isNseOpen, MarketSimulator, type Instrument, type PriceTicks, type SimTick, type StartPrices } from '@tradeloop/domain';
import type { MarketDataSource, TickSink } from './market-data-source';

/** A steered instrument prints at least this often (ms), however rarely the model picks it. */
export const STEERED_EVERY_MS = 100;

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
  /** Test seam (MARKET_STEERING): instruments pinned to a price, by symbol. */
  private readonly steered = new Map<string, { index: number; tickSize: number; price: PriceTicks; lastAt: number }>();
  /** Tick sizes of every instrument the simulator knows (listed now or before). */
  private readonly tickSizes = new Map<string, PriceTicks>();

  constructor(private readonly opts: SimulatedFeedOptions) {
    this.sim = new MarketSimulator({ seed: opts.seed, instruments: opts.instruments, ...(opts.start ? { start: opts.start } : {}) });
    for (const i of opts.instruments) this.tickSizes.set(i.symbol, i.tickSize);
    this.stepMs = opts.stepMs ?? 10;
    this.now = opts.now ?? Date.now;
  }

  /** The current level (ticks) of an index the simulator models (a steered one: where it is held), or undefined. */
  levelOf(symbol: string): PriceTicks | undefined {
    return this.sim.indexLevel(symbol);
  }

  /**
   * Trades exactly `universe` from the next step on (the daily roll of the listing): new
   * instruments join, priced by the model from the current levels; ones no longer in it (delisted,
   * expired) stop printing unless steered. Returns the symbols added and removed.
   */
  relist(universe: readonly Instrument[]): { added: string[]; removed: string[] } {
    const wanted = new Set(universe.map((i) => i.symbol));
    const current = new Set(this.sim.listedSymbols());
    const fresh = universe.filter((i) => !current.has(i.symbol));
    const removed = [...current].filter((s) => !wanted.has(s));
    for (const i of universe) this.tickSizes.set(i.symbol, i.tickSize);
    this.sim.list(fresh);
    this.sim.delist(removed);
    return { added: fresh.map((i) => i.symbol), removed };
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

  /**
   * Test seam (MARKET_STEERING, docs/api.md "Market steering"): from the next step on, every tick
   * of `symbol` trades at `price` with the touch one tick either side (the book shifted with it),
   * and the symbol prints at least every STEERED_EVERY_MS; `null` hands it back to the model. A
   * steered index holds the model's index there too (its futures and options follow).
   * False for a symbol the simulator does not trade.
   */
  steer(symbol: string, price: PriceTicks | null): boolean {
    const index = this.sim.indexOfSymbol(symbol);
    if (index === undefined) return false;
    // An index is held where it is steered, so its futures and options are priced on that level.
    this.sim.pinIndex(symbol, price);
    if (price === null) this.steered.delete(symbol);
    else {
      const tickSize = this.tickSizes.get(symbol) ?? 1;
      this.steered.set(symbol, { index, tickSize, price, lastAt: Number.NEGATIVE_INFINITY });
    }
    return true;
  }

  private applySteering(t: SimTick, s: { tickSize: number; price: PriceTicks }): void {
    const bid = Math.max(s.tickSize, s.price - s.tickSize);
    const ask = s.price + s.tickSize;
    t.ltp = s.price;
    t.bid = bid;
    t.ask = ask;
    if (t.depth) {
      t.depth = {
        bids: t.depth.bids.map((l, k) => ({ ...l, price: bid - k * s.tickSize })).filter((l) => l.price >= s.tickSize),
        asks: t.depth.asks.map((l, k) => ({ ...l, price: ask + k * s.tickSize })),
      };
    }
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
    if (this.steered.size > 0) {
      for (const t of out) {
        const s = this.steered.get(t.symbol);
        if (s) {
          this.applySteering(t, s);
          s.lastAt = now;
        }
      }
      for (const s of this.steered.values()) {
        if (now - s.lastAt < STEERED_EVERY_MS) continue;
        const t = this.sim.tick(s.index, now);
        this.applySteering(t, s);
        s.lastAt = now;
        out.push(t);
      }
    }
    this.emitted += out.length;
    return out;
  }

  stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return Promise.resolve();
  }
}
