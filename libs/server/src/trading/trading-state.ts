import { Inject, Injectable } from '@nestjs/common';
import {
  bucketStart,
  parsePrice,
  remainingQuantity,
  unrealizedPnl,
  validateOrder,
  valueToPaise,
  type Instrument,
  type OrderSide,
  type OrderTerms,
  type Paise,
  type PriceTicks,
  type Product,
} from '@tradeloop/domain';
import type { PlaceOrderRequest } from '@tradeloop/contracts';
import type { Sql } from '../db';
import { QuotesStore } from '../market';
import { orderState } from './order-row';
import { TradingRepository } from './trading.repository';

export interface TradingSnapshot {
  openOrders: { symbol: string; product: Product; side: OrderSide; remainingQuantity: number }[];
  positions: { symbol: string; product: Product; netQuantity: number }[];
  /** Realized today + unrealized now, paise (negative is a loss). */
  dayPnl: Paise;
  recentOrderTimes: number[];
}

/** What the risk rules and the reservation need to know about a user, read in their transaction. */
@Injectable()
export class TradingState {
  constructor(
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
  ) {}

  /** Parses the request's prices and checks it against the instrument (400 with every field named). */
  validate(body: Pick<PlaceOrderRequest, 'side' | 'type' | 'product' | 'validity' | 'quantity' | 'price' | 'triggerPrice'>, instrument: Instrument, ltp: PriceTicks | null): OrderTerms {
    return validateOrder(
      {
        side: body.side,
        type: body.type,
        product: body.product,
        validity: body.validity ?? 'DAY',
        quantity: body.quantity,
        price: body.price === undefined ? null : parsePrice(body.price, 'price'),
        triggerPrice: body.triggerPrice === undefined ? null : parsePrice(body.triggerPrice, 'triggerPrice'),
      },
      instrument,
      { ltp },
    );
  }

  async snapshot(sql: Sql, userId: string, now = Date.now()): Promise<TradingSnapshot> {
    // Sequential: these share the caller's transaction connection.
    const open = await this.trading.openOrders(sql, userId);
    const positions = await this.trading.positions(userId, sql);
    const recent = await this.trading.recentOrderTimes(sql, userId, now - 60_000);
    const realized = await this.trading.realizedToday(sql, userId, bucketStart(now, '1d'));
    const held = positions.filter((p) => p.netQuantity !== 0);
    // Without quotes (Redis away) open positions count at zero unrealized P&L until prices return.
    const marks = await this.quotes.get([...new Set(held.map((p) => p.symbol))]).catch(() => new Map<string, never>());
    let unrealized = 0n;
    for (const p of held) {
      const ltp = marks.get(p.symbol)?.[2];
      if (ltp !== undefined) unrealized += unrealizedPnl(p, ltp);
    }
    return {
      openOrders: open.map((o) => ({ symbol: o.symbol, product: o.product, side: o.side, remainingQuantity: remainingQuantity(orderState(o)) })),
      positions: positions.map((p) => ({ symbol: p.symbol, product: p.product, netQuantity: p.netQuantity })),
      dayPnl: valueToPaise(realized + unrealized),
      recentOrderTimes: recent,
    };
  }
}
