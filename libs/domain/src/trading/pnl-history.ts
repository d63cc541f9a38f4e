import type { Paise } from '../money';
import type { PriceTicks } from '../market';
import type { Quantity } from '../units';
import type { OrderSide } from './order';
import { applyFillToPosition, FLAT_POSITION, realizedPnl, unrealizedPnl, type Position } from './position';
import { valueToPaise, type TradeValue } from './units';

/** One fill as the P&L history reads it (oldest first). `key` separates positions: account, symbol and product. */
export interface HistoryFill {
  key: string;
  symbol: string;
  side: OrderSide;
  quantity: Quantity;
  price: PriceTicks;
  /** Epoch ms. */
  at: number;
  /** Fees and taxes the fill paid. */
  charges: Paise;
}

/** One day's point: P&L to the day's end, open quantity marked at that day's close. */
export interface PnlPoint {
  /** IST calendar day, YYYY-MM-DD. */
  day: string;
  realized: Paise;
  unrealized: Paise;
  charges: Paise;
  /** realized + unrealized − charges: what the account made, net of costs, up to that close. */
  net: Paise;
}

/**
 * The account's P&L day by day (docs/domain.md, "Fills and positions": the positions' own
 * weighted-average rules, applyFillToPosition): the fills up to each day's end replayed, realized
 * P&L to date, the open quantity marked at `closeOf(symbol, day)` — or, for a day without a close
 * (no bar for that symbol), at the last price known for it (the previous close, else its last
 * fill) — and the charges paid to date. `days` are ascending with their end instants.
 */
export function pnlHistory(
  fills: readonly HistoryFill[],
  days: readonly { day: string; end: number }[],
  closeOf: (symbol: string, day: string) => PriceTicks | undefined,
): PnlPoint[] {
  const positions = new Map<string, { symbol: string; position: Position }>();
  const lastPrice = new Map<string, PriceTicks>();
  let charges = 0n;
  let next = 0;
  const out: PnlPoint[] = [];
  for (const { day, end } of days) {
    for (; next < fills.length && fills[next]!.at < end; next += 1) {
      const f = fills[next]!;
      const held = positions.get(f.key) ?? { symbol: f.symbol, position: FLAT_POSITION };
      positions.set(f.key, { symbol: f.symbol, position: applyFillToPosition(held.position, f.side, f.quantity, f.price) });
      lastPrice.set(f.symbol, f.price);
      charges += f.charges;
    }
    for (const symbol of new Set([...positions.values()].map((p) => p.symbol))) {
      const close = closeOf(symbol, day);
      if (close !== undefined) lastPrice.set(symbol, close);
    }
    let realized: TradeValue = 0n as TradeValue;
    let unrealized: TradeValue = 0n as TradeValue;
    for (const { symbol, position } of positions.values()) {
      realized = (realized + realizedPnl(position)) as TradeValue;
      if (position.netQuantity !== 0) unrealized = (unrealized + unrealizedPnl(position, lastPrice.get(symbol)!)) as TradeValue;
    }
    const r = valueToPaise(realized);
    const u = valueToPaise(unrealized);
    out.push({ day, realized: r, unrealized: u, charges, net: r + u - charges });
  }
  return out;
}
