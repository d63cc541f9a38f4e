import { formatMoney, formatPrice, positionAveragePrice, realizedPnl, unrealizedPnl, valueToPaise, type Position, type PriceTicks, type Product } from '@tradeloop/domain';
import type { PositionDto } from '@tradeloop/contracts';

/**
 * One position as API.md shows it, marked at `ltp` (null without a quote). Shared by
 * GET /positions and the risk monitor's `position.updated` pushes, so both say the same thing.
 */
export function toPositionDto(p: Position & { symbol: string; product: Product }, ltp: PriceTicks | null): PositionDto {
  const avg = positionAveragePrice(p);
  return {
    symbol: p.symbol,
    product: p.product,
    netQuantity: p.netQuantity,
    averagePrice: avg === null ? null : formatPrice(avg),
    ltp: ltp === null ? null : formatPrice(ltp),
    unrealizedPnl: formatMoney(ltp === null || p.netQuantity === 0 ? 0n : valueToPaise(unrealizedPnl(p, ltp))),
    realizedPnl: formatMoney(valueToPaise(realizedPnl(p))),
  };
}
