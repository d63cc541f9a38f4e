import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import {
  ARROW_STREAM_TYPE,
  BacktestCreatedSchema,
  BacktestEquitySchema,
  BacktestListPageSchema,
  BacktestListQuerySchema,
  BacktestSchema,
  BacktestTradePageSchema,
  BacktestTradesQuerySchema,
  CreateBacktestSchema,
  type BacktestEquity,
} from '@tradeloop/contracts';
import type { Principal } from '@tradeloop/identity';
import {
  BacktestEquityQuery,
  CancelBacktestUseCase,
  CreateBacktestUseCase,
  GetBacktestQuery,
  ListBacktestsQuery,
  ListBacktestTradesQuery,
  type BacktestViewer,
} from '@tradeloop/strategies';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ApiProblems } from '../http/api-problems';
import { equityToArrow } from './equity-arrow';

class CreateBacktestDto extends createZodDto(CreateBacktestSchema) {}
class BacktestCreatedDto extends createZodDto(BacktestCreatedSchema) {}
class BacktestListPageDto extends createZodDto(BacktestListPageSchema) {}
class BacktestListQueryDto extends createZodDto(BacktestListQuerySchema) {}
class BacktestDto extends createZodDto(BacktestSchema) {}
class BacktestTradePageDto extends createZodDto(BacktestTradePageSchema) {}
class BacktestTradesQueryDto extends createZodDto(BacktestTradesQuerySchema) {}
class BacktestEquityDto extends createZodDto(BacktestEquitySchema) {}
class BacktestIdPathDto extends createZodDto(z.strictObject({ id: z.uuid('not a backtest id') })) {}

const viewer = (p: Principal): BacktestViewer => ({ userId: p.userId, admin: p.roles.includes('admin') });

/**
 * Backtests (docs/backtests.md "Runs, storage and API"): a quant starts and cancels them; their
 * owner (and admins) read status, trades and equity. Runs in the worker; this only stores and reads.
 */
@ApiTags('backtests')
@ApiBearerAuth()
@Roles('quant', 'trader', 'admin')
@Controller('api/v1/backtests')
export class BacktestsController {
  constructor(
    @Inject(CreateBacktestUseCase) private readonly create: CreateBacktestUseCase,
    @Inject(GetBacktestQuery) private readonly getBacktest: GetBacktestQuery,
    @Inject(ListBacktestsQuery) private readonly list: ListBacktestsQuery,
    @Inject(ListBacktestTradesQuery) private readonly listTrades: ListBacktestTradesQuery,
    @Inject(BacktestEquityQuery) private readonly equityQuery: BacktestEquityQuery,
    @Inject(CancelBacktestUseCase) private readonly cancel: CancelBacktestUseCase,
  ) {}

  /** Queues a backtest; every refusal (params, symbols, empty range, BACKTEST_MAX_BARS) comes here, before anything is stored. */
  @Post()
  @Roles('quant')
  @HttpCode(202)
  @ApiProblems(422)
  @ZodResponse({ status: 202, type: BacktestCreatedDto })
  start(@Body() body: CreateBacktestDto, @CurrentPrincipal() principal: Principal) {
    return this.create.execute(principal.userId, body);
  }

  /** The caller's own backtests, newest first (`?limit=&cursor=`); a sweep parent counts its children. */
  @Get()
  @ZodResponse({ status: 200, type: BacktestListPageDto })
  mine(@Query() q: BacktestListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.list.execute(principal.userId, q);
  }

  @Get(':id')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: BacktestDto })
  get(@Param() p: BacktestIdPathDto, @CurrentPrincipal() principal: Principal) {
    return this.getBacktest.execute(viewer(principal), p.id);
  }

  /** Fills in order, paged (`?limit=&cursor=`). Empty until the run completed. */
  @Get(':id/trades')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: BacktestTradePageDto })
  trades(@Param() p: BacktestIdPathDto, @Query() q: BacktestTradesQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.listTrades.execute(viewer(principal), p.id, q);
  }

  /** Equity per bar: JSON by default; `Accept: application/vnd.apache.arrow.stream` for Arrow (ts, equity in rupees). */
  @Get(':id/equity')
  @ApiProblems(404)
  @ApiProduces('application/json', ARROW_STREAM_TYPE)
  @ApiOkResponse({ type: BacktestEquityDto })
  async equity(
    @Param() p: BacktestIdPathDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BacktestEquity | Buffer> {
    const columns = await this.equityQuery.execute(viewer(principal), p.id);
    if (accept?.includes(ARROW_STREAM_TYPE)) {
      void reply.type(ARROW_STREAM_TYPE);
      const bytes = equityToArrow(columns);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    return BacktestEquityQuery.toJson(columns);
  }

  /** Cancels: a queued run at once, a running one within moments (nothing of it is stored); a finished one is left as it is. */
  @Delete(':id')
  @Roles('quant')
  @HttpCode(202)
  @ApiProblems(404)
  @ZodResponse({ status: 202, type: BacktestCreatedDto })
  stop(@Param() p: BacktestIdPathDto, @CurrentPrincipal() principal: Principal) {
    return this.cancel.execute(viewer(principal), p.id);
  }
}
