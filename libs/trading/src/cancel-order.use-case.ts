import { Inject, Injectable } from '@nestjs/common';
import { DomainError, isTerminalStatus, type OrderId, type UserId } from '@tradeloop/domain';
import { JOBS, REALTIME_EVENTS, type Order } from '@tradeloop/contracts';
import { Db, JobProducer, RealtimePublisher } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { toOrderDto } from './order-row';
import { TradingRepository } from './trading.repository';

/**
 * A trader asks to cancel an order: recorded on the order at once (so an order not yet sent is
 * never sent), carried out by the execution engine, which moves it to CANCELLED and releases its
 * hold. Terminal orders are a 409; another user's order is a 404; asking twice is harmless.
 */
@Injectable()
export class CancelOrderUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async execute(userId: UserId, orderId: OrderId, meta: RequestMeta): Promise<Order> {
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
}
