import { Body, Controller, Get, Inject, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { EngineCompareQuerySchema, EngineCompareSchema, EngineConfigSchema, PutEngineConfigSchema } from '@tradeloop/contracts';
import { CompareEnginesQuery, GetEngineConfigQuery, PutEngineConfigUseCase } from '@tradeloop/alerts';
import type { Principal } from '@tradeloop/identity';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ApiProblems } from '../http/api-problems';

class EngineConfigDto extends createZodDto(EngineConfigSchema) {}
class PutEngineConfigDto extends createZodDto(PutEngineConfigSchema) {}
class EngineCompareQueryDto extends createZodDto(EngineCompareQuerySchema) {}
class EngineCompareDto extends createZodDto(EngineCompareSchema) {}

/** The decision engines (docs/alerts.md "Engines"; docs/api.md "Engines"): the caller's config and the A/B comparison. */
@ApiTags('engines')
@ApiBearerAuth()
@Roles('trader')
@Controller('api/v1/engines')
export class EnginesController {
  constructor(
    @Inject(GetEngineConfigQuery) private readonly getConfig: GetEngineConfigQuery,
    @Inject(PutEngineConfigUseCase) private readonly putConfig: PutEngineConfigUseCase,
    @Inject(CompareEnginesQuery) private readonly compareEngines: CompareEnginesQuery,
  ) {}

  /** The caller's engine A rules, engine B agents and the exit tiers; the defaults until saved. */
  @Get('config')
  @ApiProblems(403)
  @ZodResponse({ status: 200, type: EngineConfigDto })
  config(@CurrentPrincipal() p: Principal) {
    return this.getConfig.execute(p.userId);
  }

  /** Replaces the sections given (a, b, exit); 400 names each field the domain validators refuse. */
  @Put('config')
  @ApiProblems(403)
  @ZodResponse({ status: 200, type: EngineConfigDto })
  put(@CurrentPrincipal() p: Principal, @Body() body: PutEngineConfigDto) {
    return this.putConfig.execute(p.userId, body);
  }

  /** A vs B, real vs shadow, for one of the caller's sources. */
  @Get('compare')
  @ApiProblems(403, 404)
  @ZodResponse({ status: 200, type: EngineCompareDto })
  compare(@CurrentPrincipal() p: Principal, @Query() q: EngineCompareQueryDto) {
    return this.compareEngines.execute(p.userId, q.sourceId);
  }
}
