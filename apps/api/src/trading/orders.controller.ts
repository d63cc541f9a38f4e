import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { type Principal, type RequestMeta } from '@tradeloop/identity';
import {
  CancelOrderUseCase,
  GetOrderQuery,
  ListOrdersQuery,
  ListTradesQuery,
  ModifyOrderUseCase,
  PlaceOrderUseCase,
} from '@tradeloop/trading';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ReqMeta } from '../http/request-meta';
import {
  ModifyOrderDto,
  OrderDetailDto,
  OrderIdPathDto,
  OrderListDto,
  OrderListQueryDto,
  OrderResponseDto,
  PlaceOrderDto,
  TradeListDto,
} from './trading.dtos';
import { ApiProblems } from '../http/api-problems';
import { IdempotencyKey, type IdempotentRequest } from '../http/idempotency-key';

@ApiTags('trading')
@ApiBearerAuth()
@Roles('trader')
@Controller('api/v1')
export class OrdersController {
  constructor(
    @Inject(PlaceOrderUseCase) private readonly place: PlaceOrderUseCase,
    @Inject(CancelOrderUseCase) private readonly cancelOrder: CancelOrderUseCase,
    @Inject(GetOrderQuery) private readonly getOrder: GetOrderQuery,
    @Inject(ListOrdersQuery) private readonly listOrders: ListOrdersQuery,
    @Inject(ListTradesQuery) private readonly listTrades: ListTradesQuery,
    @Inject(ModifyOrderUseCase) private readonly modifyOrder: ModifyOrderUseCase,
  ) {}

  /**
   * Accepted for execution (202): validated, risk-checked, funds held, queued. 404 for an
   * `accountId` that is not one of the caller's; 409 for an account that needs a broker login or is
   * disabled.
   */
  @Post('orders')
  @ApiProblems(404, 409, 422, 423)
  @ZodResponse({ status: 202, type: OrderResponseDto })
  async create(
    @Body() body: PlaceOrderDto,
    @IdempotencyKey({ description: 'the same key and body place the order once' }) idem: IdempotentRequest,
    @CurrentPrincipal() principal: Principal,
    @ReqMeta() meta: RequestMeta,
  ) {
    return idem.respond(await this.place.execute(principal.userId, body, idem.key, meta));
  }

  @Get('orders')
  @ZodResponse({ status: 200, type: OrderListDto })
  async list(@Query() q: OrderListQueryDto, @CurrentPrincipal() principal: Principal) {
    return { items: await this.listOrders.execute(principal.userId, q) };
  }

  @Get('orders/:id')
  @ZodResponse({ status: 200, type: OrderDetailDto })
  detail(@Param() p: OrderIdPathDto, @CurrentPrincipal() principal: Principal) {
    return this.getOrder.execute(principal.userId, p.id);
  }

  /**
   * 202: the change is checked (400), affordable (422) and on record as pending; the order takes
   * it once the broker confirms. 409 when the order is terminal, not yet at the broker, being
   * cancelled, or already being modified.
   */
  @Patch('orders/:id')
  @ApiProblems(409, 422)
  @HttpCode(202)
  @ZodResponse({ status: 202, type: OrderResponseDto })
  async modify(
    @Param() p: OrderIdPathDto,
    @Body() body: ModifyOrderDto,
    @CurrentPrincipal() principal: Principal,
    @ReqMeta() meta: RequestMeta,
  ) {
    return { order: await this.modifyOrder.execute(principal.userId, p.id, body, meta) };
  }

  /** 202: the cancel is on record and being carried out; 409 when the order is already terminal. */
  @Delete('orders/:id')
  @ApiProblems(409)
  @HttpCode(202)
  @ZodResponse({ status: 202, type: OrderResponseDto })
  async cancel(@Param() p: OrderIdPathDto, @CurrentPrincipal() principal: Principal, @ReqMeta() meta: RequestMeta) {
    return { order: await this.cancelOrder.execute(principal.userId, p.id, meta) };
  }

  @Get('trades')
  @ZodResponse({ status: 200, type: TradeListDto })
  async trades(@CurrentPrincipal() principal: Principal) {
    return { items: await this.listTrades.execute(principal.userId) };
  }
}
