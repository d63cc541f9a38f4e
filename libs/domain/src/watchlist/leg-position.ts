import type { PriceTicks } from '../market';
import type { BrokerAccountId, Quantity } from '../units';
import type { OrderSide } from '../trading/order';
import { applyFillToPosition, FLAT_POSITION, positionAveragePrice, type Position } from '../trading/position';
import { divideToPrice, tradeValue, type TradeValue } from '../trading/units';

/**
 * The fill aggregator of a watchlist leg (docs/watchlist-trading.md, "Fan-out"): the fills of the
 * leg's orders, per account, folded with the position math of trading/position.ts (one
 * implementation of net quantity and weighted average entry).
 */

/** One fill of one of the leg's orders, as read from the ledger of fills. */
export interface LegFill {
  readonly accountId: BrokerAccountId;
  readonly side: OrderSide;
  readonly quantity: Quantity;
  readonly price: PriceTicks;
}

export interface LegAccountPosition {
  readonly accountId: BrokerAccountId;
  /** Positive long, negative short, in units. */
  readonly netQuantity: Quantity;
  /** Weighted average entry of the open quantity (trading/position.ts); null when flat. */
  readonly averagePrice: PriceTicks | null;
  readonly position: Position;
}

export interface LegPosition {
  /** Per account, in the order each account's first fill appears. */
  readonly accounts: readonly LegAccountPosition[];
  /** Σ of the accounts' net quantities. */
  readonly netQuantity: Quantity;
  /**
   * The leg's entry for its exits (docs/watchlist-trading.md, "Per-unit exits"): the quantity-
   * weighted average of the accounts' average prices over the accounts holding the leg's side
   * (Σ average × |net| / Σ |net|, rounded half-up to a tick; one account's leg has exactly that
   * account's average). An account on the opposite side (which the target-position
   * engine never builds, but a manual fill could) does not pull the average. Null when flat.
   */
  readonly averageEntry: PriceTicks | null;
}

/** The positions of every account of a leg, from its fills in fill order. */
export function foldLegFills(fills: readonly LegFill[]): LegPosition {
  const byAccount = new Map<BrokerAccountId, Position>();
  for (const f of fills)
    byAccount.set(f.accountId, applyFillToPosition(byAccount.get(f.accountId) ?? FLAT_POSITION, f.side, f.quantity, f.price));
  return legPositionOf(byAccount);
}

/** A leg's position from its accounts' positions (e.g. kept incrementally with applyFillToPosition). */
export function legPositionOf(positions: ReadonlyMap<BrokerAccountId, Position>): LegPosition {
  const accounts: LegAccountPosition[] = [];
  let net = 0;
  for (const [accountId, position] of positions) {
    accounts.push({ accountId, netQuantity: position.netQuantity, averagePrice: positionAveragePrice(position), position });
    net += position.netQuantity;
  }
  return { accounts, netQuantity: net, averageEntry: legAverageEntry(accounts, net) };
}

function legAverageEntry(accounts: readonly LegAccountPosition[], net: Quantity): PriceTicks | null {
  if (net === 0) return null;
  const sign = Math.sign(net);
  let weighted: TradeValue = 0n;
  let quantity: Quantity = 0;
  for (const a of accounts) {
    if (a.averagePrice === null || Math.sign(a.netQuantity) !== sign) continue;
    weighted += tradeValue(Math.abs(a.netQuantity), a.averagePrice);
    quantity += Math.abs(a.netQuantity);
  }
  return divideToPrice(weighted, quantity);
}
