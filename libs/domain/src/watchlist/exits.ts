import { PRICE_SCALE, type PriceTicks } from '../market/price';

/**
 * Per-unit exits of a watchlist leg (docs/watchlist-trading.md, "Per-unit exits"): TP and SL at a
 * fixed distance from the leg's average entry, and a trailing stop that arms at break-even once
 * the favourable move reaches arm-after, then follows the best price by trail-by in whole steps,
 * only ever favourably. A short mirrors a long. Integer ticks throughout.
 */

export type LegSide = 'LONG' | 'SHORT';
export const legSideOf = (netQuantity: number): LegSide | null => (netQuantity > 0 ? 'LONG' : netQuantity < 0 ? 'SHORT' : null);

export interface TrailingStopSettings {
  /** Favourable move per unit from the entry that arms the stop (≥ 0). */
  readonly armAfter: PriceTicks;
  /** Distance of the stop behind the best price (> 0). */
  readonly trailBy: PriceTicks;
  /** The stop moves in whole multiples of this from the entry (> 0, ≤ trailBy). */
  readonly step: PriceTicks;
}

/** The exit-relevant part of a leg's settings snapshot, in ticks; null = that exit is off. */
export interface ExitSettings {
  readonly tpPerUnit: PriceTicks | null;
  readonly slPerUnit: PriceTicks | null;
  readonly trailing: TrailingStopSettings | null;
}

const DISTANCE = /^(\d{1,9})(?:\.(\d{1,4}))?$/;
function distanceTicks(value: unknown): PriceTicks | null {
  const m = typeof value === 'string' ? DISTANCE.exec(value.trim()) : null;
  return m ? Number(m[1]) * PRICE_SCALE + Number((m[2] ?? '').padEnd(4, '0')) : null;
}

/**
 * The exit settings of a leg's settings snapshot. A snapshot key may hold its bare value or the
 * `{ value, source }` of the resolved settings. Rupee distances are decimal strings ("30",
 * "12.5"). The trailing stop is on only when `tslEnabled` is true and arm-after, trail-by and a
 * step no larger than trail-by are all set (the settings validation refuses anything else at the
 * click; a snapshot that slipped through leaves the trailing stop off rather than guessing).
 * A zero or unreadable TP / SL is off.
 */
export function exitSettingsOf(snapshot: Readonly<Record<string, unknown>>): ExitSettings {
  const read = (key: string): unknown => {
    const v = snapshot[key];
    return v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v;
  };
  const positive = (key: string): PriceTicks | null => {
    const t = distanceTicks(read(key));
    return t !== null && t > 0 ? t : null;
  };
  const armAfter = distanceTicks(read('tslArmAfter'));
  const trailBy = positive('tslTrailBy');
  const step = positive('tslStep');
  const trailing =
    read('tslEnabled') === true && armAfter !== null && trailBy !== null && step !== null && step <= trailBy
      ? { armAfter, trailBy, step }
      : null;
  return { tpPerUnit: positive('tpPerUnit'), slPerUnit: positive('slPerUnit'), trailing };
}

export interface ExitLevels {
  /** Take profit: entry + TP for a long, entry − TP for a short; null when off. */
  readonly tp: PriceTicks | null;
  /** Stop loss: entry − SL for a long, entry + SL for a short; null when off. */
  readonly sl: PriceTicks | null;
}

/** TP and SL prices of a leg. A level at or below zero is reported as is: no LTP reaches it. */
export function exitLevels(settings: ExitSettings, averageEntry: PriceTicks, side: LegSide): ExitLevels {
  assertTicks(averageEntry, 'averageEntry');
  const dir = side === 'LONG' ? 1 : -1;
  return {
    tp: settings.tpPerUnit === null ? null : averageEntry + dir * settings.tpPerUnit,
    sl: settings.slPerUnit === null ? null : averageEntry - dir * settings.slPerUnit,
  };
}

/** Everything the state machine needs about a leg that does not change from tick to tick. */
export interface ExitPlan {
  readonly side: LegSide;
  readonly entry: PriceTicks;
  readonly tp: PriceTicks | null;
  readonly sl: PriceTicks | null;
  readonly trailing: TrailingStopSettings | null;
}

export const exitPlan = (settings: ExitSettings, averageEntry: PriceTicks, side: LegSide): ExitPlan => ({
  side,
  entry: averageEntry,
  ...exitLevels(settings, averageEntry, side),
  trailing: settings.trailing,
});

/** The persisted trailing-stop state (trade_legs.tsl_*): not armed ⇔ stop and best are null. */
export interface TrailingState {
  readonly armed: boolean;
  readonly stop: PriceTicks | null;
  readonly best: PriceTicks | null;
}
export const UNARMED: TrailingState = Object.freeze({ armed: false, stop: null, best: null });

export type ExitKind = 'TP' | 'SL' | 'TSL';
export interface ExitBreach {
  readonly kind: ExitKind;
  /** The level that was breached (TP, SL or the trailing stop). */
  readonly level: PriceTicks;
  /** The LTP that breached it. */
  readonly price: PriceTicks;
}

export interface ExitState {
  readonly trailing: TrailingState;
  /** Set by the tick that breached; a breached leg reports nothing more (its exit is one). */
  readonly breach: ExitBreach | null;
}

/**
 * What one tick changed. `persist` is 'stop' when the stop armed or moved (write at once),
 * 'best' when only the best price moved (may be flushed in a batch), 'none' otherwise.
 */
export interface ExitStep {
  readonly state: ExitState;
  readonly persist: 'none' | 'best' | 'stop';
  /** The breach this tick caused; at most one per leg ever (until the state is replaced). */
  readonly breach: ExitBreach | null;
}

/**
 * One tick of a leg's contract. Order of checks, against the state before the tick:
 * 1. already breached → nothing (a tick storm exits once);
 * 2. armed and the LTP at or through the stop → TSL (the stop is at or above break-even, so it
 *    binds before the SL);
 * 3. the LTP at or through the SL → SL;
 * 4. the LTP at or through the TP → TP;
 * 5. otherwise the trailing stop: arms when the favourable move ≥ arm-after (stop at the entry,
 *    best = LTP), and when armed the best price follows the LTP and the stop follows
 *    best − trail-by, floored to whole steps from the entry, moving only favourably.
 * The tick that arms never breaches (its stop is judged from the next tick on).
 */
export function stepExit(plan: ExitPlan, state: ExitState, ltp: PriceTicks): ExitStep {
  assertTicks(ltp, 'ltp');
  if (state.breach !== null) return { state, persist: 'none', breach: null };
  const dir = plan.side === 'LONG' ? 1 : -1;
  /** How far p is on the favourable side of q, in ticks (negative when adverse). */
  const beyond = (p: PriceTicks, q: PriceTicks): number => dir * (p - q);
  const t = state.trailing;

  const breach: ExitBreach | null =
    t.armed && t.stop !== null && beyond(ltp, t.stop) <= 0
      ? { kind: 'TSL', level: t.stop, price: ltp }
      : plan.sl !== null && beyond(ltp, plan.sl) <= 0
        ? { kind: 'SL', level: plan.sl, price: ltp }
        : plan.tp !== null && beyond(ltp, plan.tp) >= 0
          ? { kind: 'TP', level: plan.tp, price: ltp }
          : null;
  if (breach) return { state: { trailing: t, breach }, persist: 'none', breach };

  const tsl = plan.trailing;
  if (tsl === null) return { state, persist: 'none', breach: null };
  if (!t.armed) {
    if (beyond(ltp, plan.entry) < tsl.armAfter) return { state, persist: 'none', breach: null };
    const armed: TrailingState = { armed: true, stop: trail(plan, tsl, plan.entry, ltp), best: ltp };
    return { state: { trailing: armed, breach: null }, persist: 'stop', breach: null };
  }
  const best = t.best === null || beyond(ltp, t.best) > 0 ? ltp : t.best;
  if (best === t.best) return { state, persist: 'none', breach: null };
  const stop = trail(plan, tsl, t.stop ?? plan.entry, best);
  return { state: { trailing: { armed: true, stop, best }, breach: null }, persist: stop === t.stop ? 'best' : 'stop', breach: null };
}

/** The stop for a best price: best ∓ trail-by, floored to whole steps from the entry, never behind `current`. */
function trail(plan: ExitPlan, tsl: TrailingStopSettings, current: PriceTicks, best: PriceTicks): PriceTicks {
  const dir = plan.side === 'LONG' ? 1 : -1;
  const gain = dir * (best - plan.entry) - tsl.trailBy;
  if (gain < tsl.step) return current;
  const candidate = plan.entry + dir * Math.floor(gain / tsl.step) * tsl.step;
  return dir * (candidate - current) > 0 ? candidate : current;
}

function assertTicks(p: number, name: string): void {
  if (!Number.isSafeInteger(p) || p <= 0) throw new RangeError(`${name} must be a positive integer of ticks, got ${p}`);
}
