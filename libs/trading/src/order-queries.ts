import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type OrderId, type UserId } from '@tradeloop/domain';
import type { Order, OrderDetail, PositionDto, Trade } from '@tradeloop/contracts';
import { Db } from '@tradeloop/platform';
import { UsersRepository } from '@tradeloop/identity';
import { QuotesStore } from '@tradeloop/market';
import { toOrderDto } from './order-row';
import { toPositionDto, toTradeDto } from './trading-dtos';
import { TradingRepository } from './trading.repository';

// The read side of trading: one query per operation, each answering for the calling user only
// (the admin's reads of one user, at the end, say so in their names).

/** One of the user's orders with its history (docs/api.md `GET /api/v1/orders/{id}`); another user's order is a 404. */
@Injectable()
export class GetOrderQuery {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
  ) {}

  async execute(userId: UserId, orderId: OrderId): Promise<OrderDetail> {
    const o = await this.trading.order(orderId, this.db.sql, { userId });
    if (!o) throw new DomainError('NOT_FOUND', 'No such order');
    const history = await this.trading.history(orderId);
    return {
      ...toOrderDto(o),
      history: history.map((h) => ({ status: h.status, at: h.at.toISOString(), details: { event: h.event, ...h.details } })),
    };
  }
}

/** The user's orders, newest first, filtered by status, symbol or strategy. */
@Injectable()
export class ListOrdersQuery {
  constructor(@Inject(TradingRepository) private readonly trading: TradingRepository) {}

  async execute(userId: UserId, q: { status?: string; symbol?: string; strategyId?: string; limit: number }): Promise<Order[]> {
    return (await this.trading.listOrders(userId, q)).map(toOrderDto);
  }
}

/** The user's trades, newest first. */
@Injectable()
export class ListTradesQuery {
  constructor(@Inject(TradingRepository) private readonly trading: TradingRepository) {}

  async execute(userId: UserId, limit = 200): Promise<Trade[]> {
    return (await this.trading.trades(userId, limit)).map(toTradeDto);
  }
}

/** The user's positions, marked to the latest quotes (unmarked while the quote store is away). */
@Injectable()
export class ListPositionsQuery {
  constructor(
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
  ) {}

  async execute(userId: UserId): Promise<PositionDto[]> {
    const positions = await this.trading.positions(userId);
    const marks = await this.quotes.get([...new Set(positions.map((p) => p.symbol))]).catch(() => new Map<string, never>());
    return positions.map((p) => toPositionDto(p, marks.get(p.symbol)?.[2] ?? null));
  }
}

/**
 * An admin's read of one user's orders (docs/api.md `GET /api/v1/admin/users/{id}/orders`): the
 * same list the user sees (`ListOrdersQuery`), 404 when there is no such user.
 */
@Injectable()
export class AdminListUserOrdersQuery {
  constructor(
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(ListOrdersQuery) private readonly orders: ListOrdersQuery,
  ) {}

  async execute(userId: UserId, q: { status?: string; symbol?: string; limit: number }): Promise<Order[]> {
    if (!(await this.users.exists(userId))) throw new DomainError('NOT_FOUND', 'No such user');
    return this.orders.execute(userId, q);
  }
}

/**
 * An admin's read of one user's positions (docs/api.md `GET /api/v1/admin/users/{id}/positions`):
 * the same marked positions the user sees (`ListPositionsQuery`), 404 when there is no such user.
 */
@Injectable()
export class AdminListUserPositionsQuery {
  constructor(
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(ListPositionsQuery) private readonly positions: ListPositionsQuery,
  ) {}

  async execute(userId: UserId): Promise<PositionDto[]> {
    if (!(await this.users.exists(userId))) throw new DomainError('NOT_FOUND', 'No such user');
    return this.positions.execute(userId);
  }
}
