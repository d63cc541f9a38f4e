import { Inject, Injectable } from '@nestjs/common';
import type {
  Page,
  SurveillanceOrder,
  SurveillanceOrderExportQuery,
  SurveillanceOrderQuery,
  SurveillanceTrade,
  SurveillanceTradeExportQuery,
  SurveillanceTradeQuery,
} from '@tradeloop/contracts';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { toOrderDto } from './order-row';
import { toTradeDto } from './trading-dtos';
import { SurveillanceRepository, type SurveillanceOrderRow, type SurveillanceTradeRow } from './surveillance.repository';

// Compliance surveillance (docs/api.md): everyone's orders and fills, as their owners see them plus whose they are.

export const toSurveillanceOrder = (r: SurveillanceOrderRow): SurveillanceOrder => ({ ...toOrderDto(r), userId: r.user_id });
export const toSurveillanceTrade = (r: SurveillanceTradeRow): SurveillanceTrade => ({
  ...toTradeDto(r),
  userId: r.user_id,
  broker: r.broker,
});

/** Every user's orders, newest first, filtered (`GET /api/v1/compliance/orders`). */
@Injectable()
export class ListSurveillanceOrdersQuery {
  constructor(@Inject(SurveillanceRepository) private readonly surveillance: SurveillanceRepository) {}

  async execute(q: SurveillanceOrderQuery): Promise<Page<SurveillanceOrder>> {
    const { rows, nextCursor } = await this.surveillance.orders(q);
    return { items: rows.map(toSurveillanceOrder), nextCursor };
  }
}

/** Every user's fills, newest first, filtered (`GET /api/v1/compliance/trades`). */
@Injectable()
export class ListSurveillanceTradesQuery {
  constructor(@Inject(SurveillanceRepository) private readonly surveillance: SurveillanceRepository) {}

  async execute(q: SurveillanceTradeQuery): Promise<Page<SurveillanceTrade>> {
    const { rows, nextCursor } = await this.surveillance.trades(q);
    return { items: rows.map(toSurveillanceTrade), nextCursor };
  }
}

/**
 * The CSV exports of surveillance: every matching order or fill, oldest first. Each export is
 * audited (`surveillance.exported`, subject `orders` or `trades`, with its filters) before it starts.
 */
@Injectable()
export class ExportSurveillanceUseCase {
  constructor(
    @Inject(SurveillanceRepository) private readonly surveillance: SurveillanceRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async orders(
    actorId: string,
    filters: SurveillanceOrderExportQuery,
    meta: RequestMeta,
  ): ReturnType<SurveillanceRepository['streamOrders']> {
    await this.audit.append({ actorId, action: 'surveillance.exported', subject: 'orders', details: { filters }, meta });
    return this.surveillance.streamOrders(filters);
  }

  async trades(
    actorId: string,
    filters: SurveillanceTradeExportQuery,
    meta: RequestMeta,
  ): ReturnType<SurveillanceRepository['streamTrades']> {
    await this.audit.append({ actorId, action: 'surveillance.exported', subject: 'trades', details: { filters }, meta });
    return this.surveillance.streamTrades(filters);
  }
}
