import {
  exitPlan,
  exitSettingsOf,
  legSideOf,
  stepExit,
  type ExitBreach,
  type ExitPlan,
  type ExitState,
  type PriceTicks,
  type TrailingState,
} from '@tradeloop/domain';

/** What the evaluator is told about a leg: its identity, settings snapshot, position and persisted trailing state. */
export interface LegForExit {
  legId: string;
  userId: string;
  symbol: string;
  generation: number;
  settings: Readonly<Record<string, unknown>>;
  /** The leg's net over its accounts and its quantity-weighted entry (foldLegFills). */
  netQuantity: number;
  averageEntry: PriceTicks | null;
  trailing: TrailingState;
}

/** A leg under watch. */
export interface WatchedLeg {
  readonly legId: string;
  readonly userId: string;
  readonly symbol: string;
  readonly generation: number;
  plan: ExitPlan;
  state: ExitState;
  /** The best price moved since the trailing state was last written. */
  bestDirty: boolean;
}

export interface TickBatchResult {
  /** Legs that breached in this batch, each once; they are no longer watched. */
  readonly breaches: { leg: WatchedLeg; breach: ExitBreach }[];
  /** Legs whose stop armed or moved in this batch: write their trailing state now. */
  readonly stopMoves: WatchedLeg[];
  /** Ticks that hit at least one watched leg. */
  readonly matched: number;
}

/**
 * The exit engine's in-memory index and evaluation (docs/watchlist-trading.md, "Per-unit exits"),
 * free of I/O so it can be measured on its own: symbol → watched legs; a tick batch runs the
 * state machine (stepExit) of the legs of the ticked symbols only, tick by tick in batch order.
 * A breached leg leaves the index at once, so a tick storm reports it once.
 */
export class ExitEvaluator {
  private readonly bySymbol = new Map<string, Map<string, WatchedLeg>>();
  private readonly byId = new Map<string, WatchedLeg>();

  get size(): number {
    return this.byId.size;
  }

  get(legId: string): WatchedLeg | undefined {
    return this.byId.get(legId);
  }

  legIds(): string[] {
    return [...this.byId.keys()];
  }

  /**
   * Watches a leg, or stops watching it when it is flat or has no exit. The same leg and
   * generation keeps the trailing state it has in memory (this engine is its only writer, and
   * the best price may not be flushed yet); a new generation starts from the given state.
   */
  upsert(leg: LegForExit): WatchedLeg | undefined {
    const side = legSideOf(leg.netQuantity);
    const settings = exitSettingsOf(leg.settings);
    const hasExit = settings.tpPerUnit !== null || settings.slPerUnit !== null || settings.trailing !== null;
    if (side === null || leg.averageEntry === null || !hasExit) {
      this.remove(leg.legId);
      return undefined;
    }
    const plan = exitPlan(settings, leg.averageEntry, side);
    const current = this.byId.get(leg.legId);
    if (current && current.generation === leg.generation && current.symbol === leg.symbol) {
      current.plan = plan;
      return current;
    }
    this.remove(leg.legId);
    const watched: WatchedLeg = {
      legId: leg.legId,
      userId: leg.userId,
      symbol: leg.symbol,
      generation: leg.generation,
      plan,
      state: { trailing: leg.trailing, breach: null },
      bestDirty: false,
    };
    this.byId.set(leg.legId, watched);
    let legs = this.bySymbol.get(leg.symbol);
    if (!legs) this.bySymbol.set(leg.symbol, (legs = new Map()));
    legs.set(leg.legId, watched);
    return watched;
  }

  remove(legId: string): void {
    const leg = this.byId.get(legId);
    if (!leg) return;
    this.byId.delete(legId);
    const legs = this.bySymbol.get(leg.symbol);
    legs?.delete(legId);
    if (legs?.size === 0) this.bySymbol.delete(leg.symbol);
  }

  clear(): void {
    this.byId.clear();
    this.bySymbol.clear();
  }

  /** Runs a batch of ticks (symbol, LTP in ticks) through the legs of their symbols. */
  evaluate(ticks: Iterable<{ readonly symbol: string; readonly ltp: number }>): TickBatchResult {
    const breaches: { leg: WatchedLeg; breach: ExitBreach }[] = [];
    const moved = new Set<WatchedLeg>();
    let matched = 0;
    for (const t of ticks) {
      const legs = this.bySymbol.get(t.symbol);
      if (!legs || !Number.isSafeInteger(t.ltp) || t.ltp <= 0) continue;
      matched++;
      for (const leg of legs.values()) {
        const step = stepExit(leg.plan, leg.state, t.ltp);
        leg.state = step.state;
        if (step.breach) {
          breaches.push({ leg, breach: step.breach });
          moved.delete(leg);
          this.remove(leg.legId);
        } else if (step.persist === 'stop') {
          moved.add(leg);
          leg.bestDirty = false;
        } else if (step.persist === 'best' && !moved.has(leg)) {
          leg.bestDirty = true;
        }
      }
    }
    return { breaches, stopMoves: [...moved], matched };
  }

  /** Legs whose best price moved since their last write, now marked clean (the batched flush). */
  takeDirtyBests(): WatchedLeg[] {
    const out: WatchedLeg[] = [];
    for (const leg of this.byId.values())
      if (leg.bestDirty) {
        leg.bestDirty = false;
        out.push(leg);
      }
    return out;
  }
}
