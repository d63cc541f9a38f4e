/**
 * Target positions and the delta that reaches them (docs/watchlist-trading.md, "Intents and target
 * positions"). Quantities are signed units: + long / buy, − short / sell.
 */

export type TargetAction = 'BUY' | 'SELL' | 'EXIT';

/**
 * The target of a click: BUY-like current + step, SELL-like current − step, EXIT 0; capped at
 * ±maxQuantity. `current` = filled net plus the signed remainder of working orders.
 */
export function targetPosition(action: TargetAction, current: number, step: number, maxQuantity: number): number {
  if (action === 'EXIT') return 0;
  const raw = action === 'BUY' ? current + step : current - step;
  return Math.max(-maxQuantity, Math.min(maxQuantity, raw));
}

/** A working order of the leg on the account. */
export interface WorkingOrder {
  orderId: string;
  /** Signed units not yet filled: + buy, − sell (after any pending modification). */
  remaining: number;
  /** Total units of the order (filled included), what an amendment raises. */
  quantity: number;
  /** The broker holds it and no modification or cancel is in flight. */
  amendable: boolean;
}

export type DeltaAction =
  | { kind: 'cancel'; orderId: string }
  | { kind: 'amend'; orderId: string; quantity: number; delta: number }
  | { kind: 'place'; side: 'BUY' | 'SELL'; quantity: number };

/** The signed units still working across orders. */
export const workingQuantity = (working: readonly WorkingOrder[]): number => working.reduce((n, o) => n + o.remaining, 0);

/**
 * The actions that bring filled + working to `target`:
 * - nothing when they already meet it;
 * - working orders against the residual (target − filled) are cancelled first; when the orders in
 *   its direction carry more than it, they are cancelled too and replaced by one order;
 * - then the remaining need goes onto a working order in its direction that can be amended (its
 *   quantity raised), else a new order.
 * A working delta is amended or replaced, never stacked.
 */
export function planDelta(target: number, filled: number, working: readonly WorkingOrder[]): DeltaAction[] {
  if (target - filled - workingQuantity(working) === 0) return [];
  const residual = target - filled;
  const dir = Math.sign(residual);
  const actions: DeltaAction[] = [];
  // Against the residual (or everything, when the residual is zero).
  const along = working.filter((o) => dir !== 0 && Math.sign(o.remaining) === dir);
  let kept = along;
  for (const o of working) if (!along.includes(o)) actions.push({ kind: 'cancel', orderId: o.orderId });
  if (Math.abs(workingQuantity(along)) > Math.abs(residual)) {
    for (const o of along) actions.push({ kind: 'cancel', orderId: o.orderId });
    kept = [];
  }
  const need = residual - workingQuantity(kept);
  if (need === 0) return actions;
  const amendable = kept.find((o) => o.amendable);
  if (amendable) actions.push({ kind: 'amend', orderId: amendable.orderId, quantity: amendable.quantity + Math.abs(need), delta: need });
  else actions.push({ kind: 'place', side: need > 0 ? 'BUY' : 'SELL', quantity: Math.abs(need) });
  return actions;
}
