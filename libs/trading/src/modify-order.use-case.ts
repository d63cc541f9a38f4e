import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  formatMoney,
  parsePrice,
  planModification,
  type OrderId,
  type OrderModification,
  type UserId,
} from '@tradeloop/domain';
import { JOBS, REALTIME_EVENTS, type ModifyOrderRequest, type Order } from '@tradeloop/contracts';
import { Db, JobProducer, RealtimePublisher } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { InstrumentsRepository, QuotesStore } from '@tradeloop/market';
import { LedgerRepository } from '@tradeloop/wallet';
import { orderState, reservationBasisOf, toOrderDto } from './order-row';
import { TradingRepository } from './trading.repository';
import { bookOf } from './hold-book';

/**
 * PATCH /orders/:id: checks the change against the instrument, the order's state and the
 * user's funds, records it as pending on the order (one at a time) and hands it to the
 * execution engine. The order's terms and hold change only when the broker confirms
 * (ExecutionService.modified) — a refused change leaves the order exactly as it was.
 */
@Injectable()
export class ModifyOrderUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
  ) {}

  async execute(userId: UserId, orderId: OrderId, body: ModifyOrderRequest, meta: RequestMeta): Promise<Order> {
    const change: OrderModification = {
      ...(body.quantity !== undefined ? { quantity: body.quantity } : {}),
      ...(body.price !== undefined ? { price: parsePrice(body.price, 'price') } : {}),
      ...(body.triggerPrice !== undefined ? { triggerPrice: parsePrice(body.triggerPrice, 'triggerPrice') } : {}),
    };
    const row = await this.db.tx(async (sql) => {
      const o = await this.trading.order(orderId, sql, { userId, lock: true });
      if (!o) throw new DomainError('NOT_FOUND', 'No such order');
      if (o.cancel_requested) throw new DomainError('INVALID_STATE', 'The order is being cancelled: it can no longer be modified');
      if (o.pending_modification)
        throw new DomainError('INVALID_STATE', 'An earlier modification of this order is still being carried out; retry in a moment');
      const instrument = await this.instruments.cachedBySymbol(o.symbol, sql);
      if (!instrument) throw new DomainError('INVALID_STATE', `${o.symbol} is no longer traded`);
      const ltp = (await this.quotes.get([o.symbol]).catch(() => new Map<string, never>())).get(o.symbol)?.[2] ?? null;
      const plan = planModification(orderState(o), reservationBasisOf(o), change, instrument, { ltp });
      // The hold grows only once the broker confirms; the money must be there now.
      const extra = plan.reservation - BigInt(o.reserved_paise);
      if (extra > 0n) {
        // In the book the order holds in (the paper account's for a paper order).
        const available = (await this.ledger.bookBalances(sql, bookOf(o)))?.cash ?? 0n;
        if (available < extra)
          throw new DomainError(
            'INSUFFICIENT_FUNDS',
            `This change needs ${formatMoney(extra)} more on hold; available is ${formatMoney(available)}`,
          );
      }
      const updated = await this.trading.saveOrder(sql, orderId, { pendingModification: change }, [
        { status: o.status, event: 'MODIFY_REQUESTED', details: { ...change } },
      ]);
      await this.audit.append(
        { actorId: userId, action: 'order.modify_requested', subject: `order:${orderId}`, details: { ...change }, meta },
        sql,
      );
      return updated;
    });
    await this.jobs.enqueue(JOBS.modifyOrder, { orderId }, { jobId: `modify_${orderId}_${row.version}` });
    const order = toOrderDto(row);
    await this.realtime.toUser(userId, REALTIME_EVENTS.orderUpdated, { order });
    return order;
  }
}
