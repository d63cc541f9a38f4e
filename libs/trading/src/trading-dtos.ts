import {
  formatMoney,
  formatPrice,
  positionAveragePrice,
  realizedPnl,
  unrealizedPnl,
  valueToPaise,
  type Position,
  type PriceTicks,
  type Product,
} from '@tradeloop/domain';
import type { PositionDto, Trade } from '@tradeloop/contracts';

/** A `trades` row as Postgres returns it (bigint as text). */
export interface TradeRow {
  id: string;
  order_id: string;
  symbol: string;
  side: string;
  product: string;
  quantity: number;
  price_ticks: string;
  value_paise: string;
  fees_paise: string;
  taxes_paise: string;
  charges: { name: string; kind: string; amount: string }[];
  broker_trade_id: string;
  executed_at: Date;
}

/** The columns a TradeRow is read from. */
export const TRADE_COLUMNS =
  'id, order_id, symbol, side, product, quantity, price_ticks::text, value_paise::text, fees_paise::text, taxes_paise::text, charges, broker_trade_id, executed_at';

export function toTradeDto(t: TradeRow): Trade {
  return {
    id: t.id,
    orderId: t.order_id,
    symbol: t.symbol,
    side: t.side as Trade['side'],
    product: t.product as Trade['product'],
    quantity: t.quantity,
    price: formatPrice(Number(t.price_ticks)),
    value: formatMoney(BigInt(t.value_paise)),
    fees: formatMoney(BigInt(t.fees_paise) + BigInt(t.taxes_paise)),
    charges: t.charges.map((c) => ({ name: c.name, kind: c.kind as 'FEE' | 'TAX', amount: c.amount })),
    brokerTradeId: t.broker_trade_id,
    executedAt: t.executed_at.toISOString(),
  };
}

/** A position marked at `ltp` (null: no price known, unrealized P&L shown as zero). */
export function toPositionDto(p: Position & { accountId: string; symbol: string; product: Product }, ltp: PriceTicks | null): PositionDto {
  const avg = positionAveragePrice(p);
  return {
    accountId: p.accountId,
    symbol: p.symbol,
    product: p.product,
    netQuantity: p.netQuantity,
    averagePrice: avg === null ? null : formatPrice(avg),
    ltp: ltp === null ? null : formatPrice(ltp),
    unrealizedPnl: formatMoney(ltp === null || p.netQuantity === 0 ? 0n : valueToPaise(unrealizedPnl(p, ltp))),
    realizedPnl: formatMoney(valueToPaise(realizedPnl(p))),
  };
}
