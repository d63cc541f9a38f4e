import type { StrategyDto } from '@tradeloop/contracts';

/** Symbols typed as "INFY, tcs RELIANCE": upper-cased, each once, in the order typed. */
export const parseSymbols = (text: string): string[] => [
  ...new Set(
    text
      .split(/[\s,]+/)
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean),
  ),
];

/** Params as one short line, keys in a fixed order: "quantity 5 · allowShort no". */
export function formatParams(params: StrategyDto['params']): string {
  return Object.keys(params)
    .sort()
    .map((k) => {
      const v = params[k];
      return `${k} ${typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)}`;
    })
    .join(' · ');
}

export type StrategyState = 'running' | 'stopped' | 'halted';

/** What the row says: a pulled kill switch outranks running/stopped (the strategy places nothing). */
export const strategyState = (s: Pick<StrategyDto, 'status' | 'killSwitch'>): StrategyState => (s.killSwitch.engaged ? 'halted' : s.status);
