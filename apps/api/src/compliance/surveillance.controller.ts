import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import type { FastifyReply } from 'fastify';
import { defuse, sendCsv } from '../http/csv-export';
import {
  SurveillanceOrderExportQuerySchema,
  SurveillanceOrderPageSchema,
  SurveillanceOrderQuerySchema,
  SurveillanceTradeExportQuerySchema,
  SurveillanceTradePageSchema,
  SurveillanceTradeQuerySchema,
} from '@tradeloop/contracts';
import type { Principal, RequestMeta } from '@tradeloop/identity';
import {
  ExportSurveillanceUseCase,
  ListSurveillanceOrdersQuery,
  ListSurveillanceTradesQuery,
  toSurveillanceOrder,
  toSurveillanceTrade,
  type SurveillanceOrderRow,
  type SurveillanceTradeRow,
} from '@tradeloop/trading';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ReqMeta } from '../http/request-meta';

class SurveillanceOrderQueryDto extends createZodDto(SurveillanceOrderQuerySchema) {}
class SurveillanceOrderExportQueryDto extends createZodDto(SurveillanceOrderExportQuerySchema) {}
class SurveillanceOrderPageDto extends createZodDto(SurveillanceOrderPageSchema) {}
class SurveillanceTradeQueryDto extends createZodDto(SurveillanceTradeQuerySchema) {}
class SurveillanceTradeExportQueryDto extends createZodDto(SurveillanceTradeExportQuerySchema) {}
class SurveillanceTradePageDto extends createZodDto(SurveillanceTradePageSchema) {}

/** Spreadsheet apps execute cells starting with these: prefix them so they stay text. */

const ORDER_COLUMNS = [
  'order_id',
  'created_at',
  'user_id',
  'user_email',
  'account_id',
  'broker',
  'symbol',
  'side',
  'type',
  'product',
  'validity',
  'quantity',
  'filled_quantity',
  'price',
  'trigger_price',
  'average_price',
  'status',
  'reject_reason',
  'client_tag',
  'strategy_id',
  'signal_id',
  'broker_order_id',
  'updated_at',
];

const TRADE_COLUMNS = [
  'trade_id',
  'executed_at',
  'user_id',
  'user_email',
  'order_id',
  'broker',
  'broker_trade_id',
  'symbol',
  'side',
  'product',
  'quantity',
  'price',
  'value',
  'fees',
];

/** One CSV record per order: the order as its owner sees it (one mapping), plus whose it is. */
function orderRecord(row: SurveillanceOrderRow): string[] {
  const o = toSurveillanceOrder(row);
  return [
    o.id,
    o.createdAt,
    o.userId,
    row.user_email ?? '',
    o.accountId,
    o.broker,
    defuse(o.symbol),
    o.side,
    o.type,
    o.product,
    o.validity,
    String(o.quantity),
    String(o.filledQuantity),
    o.price ?? '',
    o.triggerPrice ?? '',
    o.averagePrice ?? '',
    o.status,
    defuse(o.rejectReason),
    defuse(o.clientTag),
    defuse(o.strategyId),
    defuse(o.signalId),
    defuse(o.brokerOrderId),
    o.updatedAt,
  ];
}

function tradeRecord(row: SurveillanceTradeRow): string[] {
  const t = toSurveillanceTrade(row);
  return [
    t.id,
    t.executedAt,
    t.userId,
    row.user_email ?? '',
    t.orderId,
    t.broker,
    defuse(t.brokerTradeId),
    defuse(t.symbol),
    t.side,
    t.product,
    String(t.quantity),
    t.price,
    t.value,
    t.fees,
  ];
}

/** Compliance surveillance: every user's orders and fills (docs/api.md "Orders, trades, positions"). */
@ApiTags('compliance')
@ApiBearerAuth()
@Roles('compliance', 'admin')
@Controller('api/v1/compliance')
export class SurveillanceController {
  constructor(
    @Inject(ListSurveillanceOrdersQuery) private readonly listOrders: ListSurveillanceOrdersQuery,
    @Inject(ListSurveillanceTradesQuery) private readonly listTrades: ListSurveillanceTradesQuery,
    @Inject(ExportSurveillanceUseCase) private readonly exporter: ExportSurveillanceUseCase,
  ) {}

  @Get('orders')
  @ZodResponse({ status: 200, type: SurveillanceOrderPageDto })
  orders(@Query() query: SurveillanceOrderQueryDto) {
    return this.listOrders.execute(query);
  }

  /** Every matching order as CSV, oldest first; the export is audited before it starts. */
  @Get('orders/export.csv')
  @ApiProduces('text/csv')
  async exportOrders(
    @Query() query: SurveillanceOrderExportQueryDto,
    @CurrentPrincipal() principal: Principal,
    @ReqMeta() meta: RequestMeta,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    sendCsv(reply, 'orders', ORDER_COLUMNS, await this.exporter.orders(principal.userId, query, meta), orderRecord);
  }

  @Get('trades')
  @ZodResponse({ status: 200, type: SurveillanceTradePageDto })
  trades(@Query() query: SurveillanceTradeQueryDto) {
    return this.listTrades.execute(query);
  }

  /** Every matching fill as CSV, oldest first; the export is audited before it starts. */
  @Get('trades/export.csv')
  @ApiProduces('text/csv')
  async exportTrades(
    @Query() query: SurveillanceTradeExportQueryDto,
    @CurrentPrincipal() principal: Principal,
    @ReqMeta() meta: RequestMeta,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    sendCsv(reply, 'trades', TRADE_COLUMNS, await this.exporter.trades(principal.userId, query, meta), tradeRecord);
  }
}
