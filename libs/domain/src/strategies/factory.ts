import { MlSignalStrategy, type MlSignalParams } from './ml-signal';
import { SmaCrossover, type SmaCrossoverParams } from './sma-crossover';
import type { Strategy } from './strategy';

export const STRATEGY_KIND_NAMES = ['sma-crossover', 'ml-signal'] as const;
export type StrategyKind = (typeof STRATEGY_KIND_NAMES)[number];

/**
 * A fresh strategy of `kind` from its (already validated) params: the one constructor the live
 * runner and the backtest both use (docs/backtests.md: "the same Strategy implementations the
 * live runner uses"). Throws RangeError on params the strategy itself refuses.
 */
export function createStrategy(kind: StrategyKind, params: Readonly<Record<string, unknown>>): Strategy {
  if (kind === 'ml-signal') return new MlSignalStrategy(params as unknown as MlSignalParams);
  return new SmaCrossover(params as unknown as SmaCrossoverParams);
}
