import type { Candle } from '../market/candle';
import { FEATURE_SET_V1, type FeatureSet } from './feature-set';
import { FeatureState } from './feature-state';

/**
 * Feature states for many symbols: the live loop feeds each closed bar here and gets the row a
 * model scores. One `FeatureState` per symbol, created on its first bar; O(1) per bar.
 * Prime a symbol by feeding its recent history (≥ warmupBars bars) before live bars.
 */
export class FeatureEngine {
  private readonly states = new Map<string, FeatureState>();

  constructor(readonly featureSet: FeatureSet = FEATURE_SET_V1) {}

  /**
   * Consumes `symbol`'s next closed bar; returns its feature row or null (warm-up, or a
   * non-finite value — see FeatureState). Throws on a bar not newer than the symbol's last one.
   */
  update(symbol: string, bar: Candle, out?: Float64Array): Float64Array | null {
    return this.stateOf(symbol).update(bar, out);
  }

  /** The symbol's state (created empty if unseen): its counters tell why rows were withheld. */
  stateOf(symbol: string): FeatureState {
    let s = this.states.get(symbol);
    if (!s) this.states.set(symbol, (s = new FeatureState(this.featureSet)));
    return s;
  }

  /** Forgets a symbol (e.g. after a data gap the caller wants to re-prime from history). */
  reset(symbol: string): void {
    this.states.delete(symbol);
  }

  /** Symbols with a state. */
  get symbols(): string[] {
    return [...this.states.keys()];
  }
}
