import type { Instrument } from './instruments';

/** A stored instrument with its listing state (what the roll compares the new listing with). */
export type ListedInstrument = Omit<Instrument, 'active'> & { active: boolean };

export interface ListingRollInput {
  /** Today's listing (demoUniverse for today at the indices' current levels). */
  listing: readonly Instrument[];
  /**
   * The stored futures and options of the listing's underlyings that the roll manages (none a
   * broker's instrument master manages), active or not.
   */
  stored: readonly ListedInstrument[];
  /** Symbols with an open order or an open position: never delisted under them. */
  inUse: ReadonlySet<string>;
  /** Today, IST (YYYY-MM-DD). */
  today: string;
}

export interface ListingRollPlan {
  /** Everything listed today: inserted if new, updated and active (again) if stored. */
  list: Instrument[];
  /** Of those, the ones not stored before or stored inactive: newly listed today. */
  added: string[];
  /** Stored, active and unexpired, no longer listed and not in use: deactivated (never deleted). */
  delist: string[];
  /** No longer listed but in use (an open order or position): left active until they expire. */
  kept: string[];
}

const DERIVATIVE_TYPES = new Set(['FUT', 'CE', 'PE']);

/**
 * The daily roll of the simulated listing (docs/architecture.md "Market data"): today's listing
 * goes in, and the futures and options of the same underlyings that it no longer lists are
 * delisted — deactivated like an expired contract (orders that reference them keep reading them;
 * new ones are refused) — unless someone still has an open order or position in one, which stays
 * active so it can be closed. Expired contracts are left as they are (every reader already skips
 * them by date). Equities and indices are never delisted. Pure: symbols in a stable order.
 */
export function planListingRoll(input: ListingRollInput): ListingRollPlan {
  const listed = new Set(input.listing.map((i) => i.symbol));
  const underlyings = new Set(input.listing.filter((i) => i.underlying !== undefined).map((i) => i.underlying!));
  const storedBySymbol = new Map(input.stored.map((s) => [s.symbol, s]));
  const added = input.listing
    .filter((i) => storedBySymbol.get(i.symbol)?.active !== true && DERIVATIVE_TYPES.has(i.instrumentType))
    .map((i) => i.symbol)
    .sort();
  const delist: string[] = [];
  const kept: string[] = [];
  for (const s of input.stored) {
    if (!s.active || listed.has(s.symbol) || !DERIVATIVE_TYPES.has(s.instrumentType)) continue;
    if (s.underlying === undefined || !underlyings.has(s.underlying)) continue;
    if (s.expiry === undefined || s.expiry < input.today) continue;
    (input.inUse.has(s.symbol) ? kept : delist).push(s.symbol);
  }
  return { list: [...input.listing], added, delist: delist.sort(), kept: kept.sort() };
}
