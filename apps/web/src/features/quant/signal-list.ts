import type { SignalDto } from '@tradeloop/contracts';

export interface SignalFilter {
  symbol?: string;
  modelId?: string;
}

/** Whether a live signal belongs in a list read with this filter (the same rule as GET /signals). */
export const matchesSignalFilter = (s: SignalDto, f: SignalFilter): boolean =>
  (!f.symbol || s.symbol === f.symbol.trim().toUpperCase()) && (!f.modelId || s.modelId === f.modelId);

/** Newest first: bar time, then id (a uuid v7 sorts by creation) so equal times keep one order. */
const newerFirst = (a: SignalDto, b: SignalDto): number =>
  a.ts === b.ts ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.ts < b.ts ? 1 : -1;

/**
 * Adds live signals to a list read over REST: the filter's own only, each id once (an event
 * that raced the read is not shown twice), newest first, at most `cap` kept.
 */
export function mergeSignals(list: readonly SignalDto[], incoming: readonly SignalDto[], filter: SignalFilter, cap = 200): SignalDto[] {
  const byId = new Map<string, SignalDto>();
  for (const s of list) byId.set(s.id, s);
  for (const s of incoming) if (matchesSignalFilter(s, filter)) byId.set(s.id, s);
  return [...byId.values()].sort(newerFirst).slice(0, cap);
}
