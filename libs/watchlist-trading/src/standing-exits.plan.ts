import { exitLevels, exitSettingsOf, legSideOf, type OrderSide, type PriceTicks, type Product } from '@tradeloop/domain';
import type { GttExitTerms } from '@tradeloop/trading';

/**
 * What a standing exit at the broker should be (docs/watchlist-trading.md, "Standing exits"): pure,
 * from one account's net and average entry of a leg and the leg's settings snapshot.
 */

/** The exit the broker should hold for one account of a leg; prices in ticks. */
export interface StandingExitTarget {
  /** SELL closes a long, BUY a short. */
  readonly exitSide: OrderSide;
  /** The account's whole net, in units. */
  readonly quantity: number;
  readonly entry: PriceTicks;
  /** TP and SL levels (exits.ts `exitLevels`, on the tick grid); null when off. */
  readonly tp: PriceTicks | null;
  readonly sl: PriceTicks | null;
}

/**
 * How much of the account's filled net a standing exit may close: the part the account means to
 * keep, |net| capped at |target| when both point the same way, else nothing. While our own
 * orders are reducing the position (an EXIT or risk exit: target 0; a SELL click: a smaller
 * target) a trigger for the whole net could fire beside them and close more than is held.
 * Signed like the net.
 */
export function protectedQuantity(filledNet: number, target: number | null): number {
  if (target === null || filledNet === 0 || Math.sign(filledNet) !== Math.sign(target)) return 0;
  return Math.sign(filledNet) * Math.min(Math.abs(filledNet), Math.abs(target));
}

/** A level on the instrument's tick grid: the nearest multiple, half away from zero. */
const onGrid = (ticks: PriceTicks, tickSize: number): PriceTicks => (tickSize > 1 ? Math.round(ticks / tickSize) * tickSize : ticks);

/**
 * The target of one account: null when it is flat or its leg has neither TP nor SL (a level at or
 * below zero, a stop no price can reach, counts as off). Levels come from the account's own
 * average entry: the broker closes that account's quantity at them.
 */
export function standingExitTarget(
  netQuantity: number,
  averageEntry: PriceTicks | null,
  settingsSnapshot: Readonly<Record<string, unknown>>,
  tickSize: number,
): StandingExitTarget | null {
  const side = legSideOf(netQuantity);
  if (side === null || averageEntry === null || averageEntry <= 0) return null;
  const levels = exitLevels(exitSettingsOf(settingsSnapshot), averageEntry, side);
  const level = (v: PriceTicks | null): PriceTicks | null => {
    if (v === null) return null;
    const g = onGrid(v, tickSize);
    return g > 0 ? g : null;
  };
  const tp = level(levels.tp);
  const sl = level(levels.sl);
  if (tp === null && sl === null) return null;
  return { exitSide: side === 'LONG' ? 'SELL' : 'BUY', quantity: Math.abs(netQuantity), entry: averageEntry, tp, sl };
}

/** Whether what the broker holds is already the target (same side, quantity and levels). */
export const sameStandingExit = (
  held: { readonly exitSide: OrderSide; readonly quantity: number; readonly tp: PriceTicks | null; readonly sl: PriceTicks | null },
  target: StandingExitTarget,
): boolean => held.exitSide === target.exitSide && held.quantity === target.quantity && held.tp === target.tp && held.sl === target.sl;

/**
 * How far beyond its trigger a GTT's LIMIT order is priced (Kite places GTT orders as LIMIT
 * orders, docs/brokers.md 1.9): 5 % of the trigger, at least one tick, so a fast market still
 * fills the exit — below the trigger for a SELL, above for a BUY.
 */
export const GTT_LIMIT_SLIPPAGE_PCT = 5;

export function gttLimitPrice(side: OrderSide, trigger: PriceTicks, tickSize: number): PriceTicks {
  const tick = Math.max(1, tickSize);
  const slip = Math.max(tick, Math.ceil((trigger * GTT_LIMIT_SLIPPAGE_PCT) / 100 / tick) * tick);
  const price = side === 'SELL' ? trigger - slip : trigger + slip;
  return side === 'SELL' ? Math.max(tick, price) : price;
}

/**
 * The broker trigger for a target: two legs (an OCO) when both TP and SL are on, one when one
 * is, values ascending. A reason instead when the last price is at or beyond a level (the broker
 * would refuse or fire at once; our own engine is already past it).
 */
export function standingExitTerms(
  target: StandingExitTarget,
  instrument: { readonly exchange: string; readonly symbol: string; readonly lotSize: number; readonly tickSize: number },
  product: Product,
  lastPrice: PriceTicks,
): { readonly terms: GttExitTerms } | { readonly refused: string } {
  const long = target.exitSide === 'SELL';
  const { tp, sl } = target;
  const tpAhead = tp === null || (long ? tp > lastPrice : tp < lastPrice);
  const slBehind = sl === null || (long ? sl < lastPrice : sl > lastPrice);
  if (!tpAhead || !slBehind) return { refused: `the last price ${lastPrice} is already at or beyond an exit level (TP ${tp}, SL ${sl})` };
  const values = [tp, sl].filter((v): v is PriceTicks => v !== null).sort((a, b) => a - b);
  return {
    terms: {
      exchange: instrument.exchange,
      symbol: instrument.symbol,
      lotSize: instrument.lotSize,
      product,
      side: target.exitSide,
      quantity: target.quantity,
      lastPrice,
      legs: values.map((trigger) => ({ trigger, price: gttLimitPrice(target.exitSide, trigger, instrument.tickSize) })),
    },
  };
}
