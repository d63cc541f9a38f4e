import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { CreateStrategySchema, OrderListQuerySchema, OrderListSchema, StrategyKillSwitchSchema, StrategySchema } from '@tradeloop/contracts';
import { type Principal, type RequestMeta } from '@tradeloop/identity';
import { ListOrdersQuery } from '@tradeloop/trading';
import {
  CreateStrategyUseCase,
  GetStrategyQuery,
  ListStrategiesQuery,
  SetStrategyKillSwitchUseCase,
  SetStrategyRunningUseCase,
} from '@tradeloop/strategies';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ReqMeta } from '../http/request-meta';
import { ApiProblems } from '../http/api-problems';

class CreateStrategyDto extends createZodDto(CreateStrategySchema) {}
class StrategyDto extends createZodDto(StrategySchema) {}
class StrategyResponseDto extends createZodDto(z.object({ strategy: StrategySchema })) {}
class StrategyListDto extends createZodDto(z.object({ items: z.array(StrategySchema) })) {}
class StrategyIdPathDto extends createZodDto(z.strictObject({ id: z.uuid('not a strategy id') })) {}
class StrategyKillSwitchDto extends createZodDto(StrategyKillSwitchSchema) {}
class StrategyOrdersQueryDto extends createZodDto(OrderListQuerySchema) {}
class StrategyOrdersDto extends createZodDto(OrderListSchema) {}

/** A quant's strategies: configure, start / stop, pull the strategy's own kill switch, watch its P&L and orders. */
@ApiTags('ml')
@ApiBearerAuth()
@Roles('quant')
@Controller('api/v1/strategies')
export class StrategiesController {
  constructor(
    @Inject(CreateStrategyUseCase) private readonly createStrategy: CreateStrategyUseCase,
    @Inject(ListStrategiesQuery) private readonly listStrategies: ListStrategiesQuery,
    @Inject(GetStrategyQuery) private readonly getStrategy: GetStrategyQuery,
    @Inject(SetStrategyRunningUseCase) private readonly setRunning: SetStrategyRunningUseCase,
    @Inject(SetStrategyKillSwitchUseCase) private readonly setKillSwitch: SetStrategyKillSwitchUseCase,
    @Inject(ListOrdersQuery) private readonly listOrders: ListOrdersQuery,
  ) {}

  @Post()
  @ApiProblems(409, 422)
  @ZodResponse({ status: 201, type: StrategyResponseDto })
  async create(@Body() body: CreateStrategyDto, @CurrentPrincipal() principal: Principal, @ReqMeta() meta: RequestMeta) {
    return { strategy: await this.createStrategy.execute(principal.userId, body, meta) };
  }

  @Get()
  @ZodResponse({ status: 200, type: StrategyListDto })
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: await this.listStrategies.execute(principal.userId) };
  }

  @Get(':id')
  @ZodResponse({ status: 200, type: StrategyDto })
  get(@Param() p: StrategyIdPathDto, @CurrentPrincipal() principal: Principal) {
    return this.getStrategy.execute(principal.userId, p.id);
  }

  @Post(':id/start')
  @ApiProblems(409, 423)
  @HttpCode(200)
  @ZodResponse({ status: 200, type: StrategyResponseDto })
  async start(@Param() p: StrategyIdPathDto, @CurrentPrincipal() principal: Principal, @ReqMeta() meta: RequestMeta) {
    return { strategy: await this.setRunning.execute(principal.userId, p.id, true, meta) };
  }

  @Post(':id/stop')
  @ApiProblems(409)
  @HttpCode(200)
  @ZodResponse({ status: 200, type: StrategyResponseDto })
  async stop(@Param() p: StrategyIdPathDto, @CurrentPrincipal() principal: Principal, @ReqMeta() meta: RequestMeta) {
    return { strategy: await this.setRunning.execute(principal.userId, p.id, false, meta) };
  }

  /** `{ engaged: true, reason }` stops the strategy placing anything and cancels its working orders. */
  @Post(':id/kill-switch')
  @ApiProblems(409)
  @HttpCode(200)
  @ZodResponse({ status: 200, type: StrategyResponseDto })
  async killSwitch(@Param() p: StrategyIdPathDto, @Body() body: StrategyKillSwitchDto, @CurrentPrincipal() principal: Principal, @ReqMeta() meta: RequestMeta) {
    return { strategy: await this.setKillSwitch.execute(principal.userId, p.id, body.engaged, body.reason ?? (body.engaged ? 'strategy kill switch' : 'released'), meta) };
  }

  @Get(':id/orders')
  @ZodResponse({ status: 200, type: StrategyOrdersDto })
  async ordersOf(@Param() p: StrategyIdPathDto, @Query() q: StrategyOrdersQueryDto, @CurrentPrincipal() principal: Principal) {
    await this.getStrategy.execute(principal.userId, p.id);
    return { items: await this.listOrders.execute(principal.userId, { ...q, strategyId: p.id }) };
  }
}
