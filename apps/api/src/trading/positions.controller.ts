import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { assertIdempotencyKey, OrderCommandsUseCase, SquareOffUseCase, type Principal, type RequestMeta } from '@tradeloop/server';
import { ReqMeta } from '../http/request-meta';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { OrderListDto, PositionListDto, SquareOffDto } from './trading.dtos';
import { ApiProblems } from '../http/api-problems';

@ApiTags('trading')
@ApiBearerAuth()
@Roles('trader')
@Controller('api/v1/positions')
export class PositionsController {
  constructor(
    @Inject(OrderCommandsUseCase) private readonly orders: OrderCommandsUseCase,
    @Inject(SquareOffUseCase) private readonly squareOff: SquareOffUseCase,
  ) {}

  /** Net positions marked to the latest quotes. */
  @Get()
  @ZodResponse({ status: 200, type: PositionListDto })
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: await this.orders.positions(principal.userId) };
  }

  /**
   * Flattens one position (`symbol`) or all with MARKET orders (202 with the orders placed). An
   * Idempotency-Key is optional here: with one, a retried square-off places nothing twice.
   */
  @Post('square-off')
  @ApiProblems(409, 422)
  @HttpCode(202)
  @ZodResponse({ status: 202, type: OrderListDto })
  async flatten(@Body() body: SquareOffDto, @Headers('idempotency-key') key: string | undefined, @CurrentPrincipal() principal: Principal, @ReqMeta() meta: RequestMeta) {
    const requestKey = key === undefined ? randomUUID() : assertIdempotencyKey(key);
    return { items: await this.squareOff.execute(principal.userId, body.symbol, requestKey, meta) };
  }
}
