import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { BrokerAccountIdParamSchema, HoldingsBaselineSchema } from '@tradeloop/contracts';
import type { Principal, RequestMeta } from '@tradeloop/identity';
import { HoldingsBaselineUseCases } from '@tradeloop/trading';
import { ReqMeta } from '../http/request-meta';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ApiProblems } from '../http/api-problems';

class BrokerAccountIdPathDto extends createZodDto(BrokerAccountIdParamSchema) {}
class HoldingsBaselineDto extends createZodDto(HoldingsBaselineSchema) {}

/**
 * A live account's opening holdings baseline (docs/api.md "Compliance cases"; docs/brokers.md 4.12):
 * the shares it held at the broker before the platform, which the daily reconciliation adds to our
 * CNC side. Compliance and admins see it and re-capture it from the broker's holdings (audited).
 */
@ApiTags('compliance')
@ApiBearerAuth()
@Roles('compliance', 'admin')
@Controller('api/v1/compliance/broker-accounts')
export class HoldingsBaselineController {
  constructor(@Inject(HoldingsBaselineUseCases) private readonly baselines: HoldingsBaselineUseCases) {}

  @Get(':id/holdings-baseline')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: HoldingsBaselineDto })
  get(@Param() p: BrokerAccountIdPathDto) {
    return this.baselines.get(p.id);
  }

  @Post(':id/holdings-baseline')
  @HttpCode(200)
  @ApiProblems(404, 409, 503)
  @ZodResponse({ status: 200, type: HoldingsBaselineDto })
  recapture(@Param() p: BrokerAccountIdPathDto, @CurrentPrincipal() principal: Principal, @ReqMeta() meta: RequestMeta) {
    return this.baselines.recapture({ accountId: p.id, actorId: principal.userId, meta });
  }
}
