import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { type Principal, type RequestMeta } from '@tradeloop/identity';
import { ListPositionsQuery, SquareOffUseCase } from '@tradeloop/trading';
import { ReqMeta } from '../http/request-meta';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { OrderListDto, PositionListDto, SquareOffDto } from './trading.dtos';
import { ApiProblems } from '../http/api-problems';
import { IdempotencyKey, type IdempotentRequest } from '../http/idempotency-key';

@ApiTags('trading')
@ApiBearerAuth()
@Roles('trader')
@Controller('api/v1/positions')
export class PositionsController {
  constructor(
    @Inject(ListPositionsQuery) private readonly positions: ListPositionsQuery,
    @Inject(SquareOffUseCase) private readonly squareOff: SquareOffUseCase,
  ) {}

  /** Net positions marked to the latest quotes. */
  @Get()
  @ZodResponse({ status: 200, type: PositionListDto })
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: await this.positions.execute(principal.userId) };
  }

  /**
   * Flattens one position (`symbol`) or all with MARKET orders (202 with the orders placed). An
   * Idempotency-Key is optional here: with one, a retried square-off places nothing twice.
   */
  @Post('square-off')
  @ApiProblems(409, 422)
  @HttpCode(202)
  @ZodResponse({ status: 202, type: OrderListDto })
  async flatten(
    @Body() body: SquareOffDto,
    @IdempotencyKey({ required: false, description: 'optional: with one, a retried square-off places nothing twice' })
    idem: IdempotentRequest<string | null>,
    @CurrentPrincipal() principal: Principal,
    @ReqMeta() meta: RequestMeta,
  ) {
    return { items: await this.squareOff.execute(principal.userId, body.symbol, idem.key ?? randomUUID(), meta) };
  }
}
