import type { PriceTicks } from './price';

/*
 * Price alerts (docs/alerts.md "Price alerts"): a user's level on a symbol that fires once when
 * the live price reaches it. Pure: the rule, and the in-memory book the worker's engine runs
 * each tick through. Storage, the once-only trigger and the notification live in libs/market.
 */

export const PRICE_ALERT_CONDITIONS = ['above', 'below'] as const;
export type PriceAlertCondition = (typeof PRICE_ALERT_CONDITIONS)[number];

export const PRICE_ALERT_STATUSES = ['active', 'triggered'] as const;
export type PriceAlertStatus = (typeof PRICE_ALERT_STATUSES)[number];

/** Active alerts a user may hold at once. */
export const PRICE_ALERTS_MAX_ACTIVE = 100;

/** Whether `ltp` has reached the alert's level: at or above it for `above`, at or below it for `below`. */
export function priceAlertReached(condition: PriceAlertCondition, level: PriceTicks, ltp: PriceTicks): boolean {
  return condition === 'above' ? ltp >= level : ltp <= level;
}

/** An active alert as the engine watches it. */
export interface WatchedPriceAlert {
  id: string;
  userId: string;
  symbol: string;
  condition: PriceAlertCondition;
  price: PriceTicks;
}

interface SymbolAlerts {
  /** `above` alerts, lowest level first: a rising price reaches them in this order. */
  above: WatchedPriceAlert[];
  /** `below` alerts, highest level first. */
  below: WatchedPriceAlert[];
}

/**
 * The active alerts by symbol, kept sorted so a tick costs one comparison per side when nothing
 * fires: `reached(symbol, ltp)` takes out (and returns) every alert the price has reached, so a
 * flood of ticks past a level returns its alert once. The engine's store then decides for good
 * (a conditional update), so two engines, or one that reloaded, still fire it once.
 */
export class PriceAlertBook {
  private readonly bySymbol = new Map<string, SymbolAlerts>();
  private readonly byId = new Map<string, WatchedPriceAlert>();

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  symbols(): string[] {
    return [...this.bySymbol.keys()];
  }

  /** Adds an alert, or replaces the one with its id. */
  upsert(alert: WatchedPriceAlert): void {
    this.remove(alert.id);
    let s = this.bySymbol.get(alert.symbol);
    if (!s) this.bySymbol.set(alert.symbol, (s = { above: [], below: [] }));
    const side = alert.condition === 'above' ? s.above : s.below;
    // Binary search for the insertion point: ascending levels for above, descending for below.
    const before =
      alert.condition === 'above' ? (x: WatchedPriceAlert) => x.price <= alert.price : (x: WatchedPriceAlert) => x.price >= alert.price;
    let lo = 0;
    let hi = side.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(side[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    side.splice(lo, 0, alert);
    this.byId.set(alert.id, alert);
  }

  /** Forgets an alert (deleted, or fired elsewhere); false when it was not watched. */
  remove(id: string): boolean {
    const alert = this.byId.get(id);
    if (!alert) return false;
    this.byId.delete(id);
    const s = this.bySymbol.get(alert.symbol)!;
    const side = alert.condition === 'above' ? s.above : s.below;
    side.splice(side.indexOf(alert), 1);
    if (s.above.length === 0 && s.below.length === 0) this.bySymbol.delete(alert.symbol);
    return true;
  }

  /** Takes out and returns the alerts of `symbol` that `ltp` has reached (none: an empty array, no allocation). */
  reached(symbol: string, ltp: PriceTicks): readonly WatchedPriceAlert[] {
    const s = this.bySymbol.get(symbol);
    if (!s) return NONE;
    let upTo = 0;
    while (upTo < s.above.length && s.above[upTo]!.price <= ltp) upTo += 1;
    let downTo = 0;
    while (downTo < s.below.length && s.below[downTo]!.price >= ltp) downTo += 1;
    if (upTo === 0 && downTo === 0) return NONE;
    const fired = [...s.above.splice(0, upTo), ...s.below.splice(0, downTo)];
    for (const a of fired) this.byId.delete(a.id);
    if (s.above.length === 0 && s.below.length === 0) this.bySymbol.delete(symbol);
    return fired;
  }

  clear(): void {
    this.bySymbol.clear();
    this.byId.clear();
  }
}

const NONE: readonly WatchedPriceAlert[] = Object.freeze([]);
