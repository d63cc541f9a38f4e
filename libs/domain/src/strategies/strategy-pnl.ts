import type { Paise } from '../money';
import type { PriceTicks } from '../market';
import type { OrderSide } from '../trading/order';
import type { Quantity } from '../units';
import { positionAveragePrice, positionFromFills, realizedPnl, unrealizedPnl } from '../trading/position';
import { valueToPaise, type TradeValue } from '../trading/units';

export interface StrategyFill {
  symbol: string;
  side: OrderSide;
  quantity: Quantity;
  price: PriceTicks;
  /** Fees and taxes of the fill, in paise. */
  charges: Paise;
}

export interface StrategyPnl {
  realized: Paise;
  unrealized: Paise;
  charges: Paise;
  positions: { symbol: string; netQuantity: Quantity; averagePrice: PriceTicks | null; mark: PriceTicks | null; unrealized: Paise }[];
}

/**
 * A strategy's own P&L: its fills per symbol through the same weighted-average position rules as
 * a user's positions (docs/domain.md, "Fills and positions"), realized exactly, open quantity marked at `marks` (a symbol
 * without a mark counts no unrealized P&L). Charges are reported beside, not netted.
 */
export function strategyPnl(fills: readonly StrategyFill[], marks: ReadonlyMap<string, PriceTicks | null>): StrategyPnl {
  const bySymbol = new Map<string, StrategyFill[]>();
  let charges: Paise = 0n;
  for (const f of fills) {
    let list = bySymbol.get(f.symbol);
    if (!list) bySymbol.set(f.symbol, (list = []));
    list.push(f);
    charges += f.charges;
  }
  let realized: TradeValue = 0n;
  let unrealized: TradeValue = 0n;
  const positions: StrategyPnl['positions'] = [];
  for (const [symbol, list] of bySymbol) {
    const p = positionFromFills(list);
    realized += realizedPnl(p);
    const mark = marks.get(symbol) ?? null;
    const open: TradeValue = mark !== null && p.netQuantity !== 0 ? unrealizedPnl(p, mark) : 0n;
    unrealized += open;
    positions.push({ symbol, netQuantity: p.netQuantity, averagePrice: positionAveragePrice(p), mark, unrealized: valueToPaise(open) });
  }
  return {
    realized: valueToPaise(realized),
    unrealized: valueToPaise(unrealized),
    charges,
    positions: positions.sort((a, b) => a.symbol.localeCompare(b.symbol)),
  };
}
