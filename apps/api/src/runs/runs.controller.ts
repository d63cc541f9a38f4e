import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { RunListSchema, RunsCompareQuerySchema, RunsCompareSchema, RunsQuerySchema } from '@tradeloop/contracts';
import type { Principal } from '@tradeloop/identity';
import { RunQueries, type RunViewer } from '@tradeloop/strategies';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ApiProblems } from '../http/api-problems';

class RunsQueryDto extends createZodDto(RunsQuerySchema) {}
class RunsCompareQueryDto extends createZodDto(RunsCompareQuerySchema) {}
class RunListDto extends createZodDto(RunListSchema) {}
class RunsCompareDto extends createZodDto(RunsCompareSchema) {}

const viewer = (p: Principal): RunViewer => ({ userId: p.userId, admin: p.roles.includes('admin') });

/**
 * Runs (docs/backtests.md "Strategy runs"): a strategy's paper and live runs in the backtest
 * report's shape, and runs (backtests among them) compared side by side. Owners only (and admins).
 */
@ApiTags('runs')
@ApiBearerAuth()
@Roles('quant', 'trader', 'admin')
@Controller('api/v1/runs')
export class RunsController {
  constructor(@Inject(RunQueries) private readonly runs: RunQueries) {}

  /** The strategy's paper and live runs, newest first, each with its report. */
  @Get()
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: RunListDto })
  list(@Query() q: RunsQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.runs.list(viewer(principal), q.strategyId);
  }

  /** Two to five runs: their reports, equity curves on one time axis, and where a paper or live run diverged from a backtest. */
  @Get('compare')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: RunsCompareDto })
  compare(@Query() q: RunsCompareQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.runs.compare(viewer(principal), q.ids);
  }
}
