import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { PnlHistoryQuerySchema, PnlHistorySchema, PortfolioSchema } from '@tradeloop/contracts';
import type { Principal } from '@tradeloop/identity';
import { GetPnlHistoryQuery, GetPortfolioQuery } from '@tradeloop/trading';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';

class PortfolioDto extends createZodDto(PortfolioSchema) {}
class PnlHistoryQueryDto extends createZodDto(PnlHistoryQuerySchema) {}
class PnlHistoryDto extends createZodDto(PnlHistorySchema) {}

/** The caller's own portfolio (docs/api.md "Portfolio"). */
@ApiTags('portfolio')
@Roles('trader')
@ApiBearerAuth()
@Controller('api/v1/portfolio')
export class PortfolioController {
  constructor(
    @Inject(GetPortfolioQuery) private readonly portfolio: GetPortfolioQuery,
    @Inject(GetPnlHistoryQuery) private readonly history: GetPnlHistoryQuery,
  ) {}

  @Get()
  @ZodResponse({ status: 200, type: PortfolioDto })
  get(@CurrentPrincipal() p: Principal) {
    return this.portfolio.execute(p.userId);
  }

  @Get('pnl-history')
  @ZodResponse({ status: 200, type: PnlHistoryDto })
  pnlHistory(@Query() query: PnlHistoryQueryDto, @CurrentPrincipal() p: Principal) {
    return this.history.execute(p.userId, query);
  }
}
