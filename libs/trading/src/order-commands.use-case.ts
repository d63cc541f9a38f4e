import { Inject, Injectable } from '@nestjs/common';
import { DomainError, isTerminalStatus } from '@tradeloop/domain';
import { JOBS, REALTIME_EVENTS, type Order, type OrderDetail, type PositionDto, type Trade } from '@tradeloop/contracts';
import { Db, JobProducer, RealtimePublisher } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { QuotesStore } from '@tradeloop/market';
import { toOrderDto } from './order-row';
import { toPositionDto, toTradeDto } from './trading-dtos';
import { TradingRepository } from './trading.repository';

/** Cancel requests and the read side of orders, trades and positions. */
@Injectable()
export class OrderCommandsUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  /**
   * Asks for a cancel: recorded on the order at once (so an order not yet sent is never sent),
   * carried out by the execution engine, which moves it to CANCELLED and releases its hold.
   * Terminal orders are a 409; another user's order is a 404.
   */
  async cancel(userId: string, orderId: string, meta: RequestMeta): Promise<Order> {
    const row = await this.db.tx(async (sql) => {
      const o = await this.trading.order(orderId, sql, { userId, lock: true });
      if (!o) throw new DomainError('NOT_FOUND', 'No such order');
      if (isTerminalStatus(o.status)) throw new DomainError('INVALID_STATE', `The order is ${o.status}: it can no longer be cancelled`);
      if (o.cancel_requested) return o;
      const updated = await this.trading.updateOrder(sql, orderId, { cancelRequested: true });
      await this.trading.appendEvent(sql, orderId, o.status, 'CANCEL_REQUESTED', {});
      await this.audit.append({ actorId: userId, action: 'order.cancel_requested', subject: `order:${orderId}`, details: {}, meta }, sql);
      return updated;
    });
    await this.jobs.enqueue(JOBS.cancelOrder, { orderId }, { jobId: `cancel_${orderId}` });
    const order = toOrderDto(row);
    await this.realtime.toUser(userId, REALTIME_EVENTS.orderUpdated, { order });
    return order;
  }

  async detail(userId: string, orderId: string): Promise<OrderDetail> {
    const o = await this.trading.order(orderId, this.db.sql, { userId });
    if (!o) throw new DomainError('NOT_FOUND', 'No such order');
    const history = await this.trading.history(orderId);
    return {
      ...toOrderDto(o),
      history: history.map((h) => ({ status: h.status, at: h.at.toISOString(), details: { event: h.event, ...h.details } })),
    };
  }

  async list(userId: string, q: { status?: string; symbol?: string; strategyId?: string; limit: number }): Promise<Order[]> {
    return (await this.trading.listOrders(userId, q)).map(toOrderDto);
  }

  async trades(userId: string, limit = 200): Promise<Trade[]> {
    return (await this.trading.trades(userId, limit)).map(toTradeDto);
  }

  /** Positions marked to the latest quotes. */
  async positions(userId: string): Promise<PositionDto[]> {
    const positions = await this.trading.positions(userId);
    const marks = await this.quotes.get([...new Set(positions.map((p) => p.symbol))]).catch(() => new Map<string, never>());
    return positions.map((p) => toPositionDto(p, marks.get(p.symbol)?.[2] ?? null));
  }
}
