import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import {
  ComplianceCaseIdParamSchema,
  ComplianceCasePageSchema,
  ComplianceCaseQuerySchema,
  ComplianceCaseSchema,
  ResolveComplianceCaseSchema,
} from '@tradeloop/contracts';
import type { Principal, RequestMeta } from '@tradeloop/identity';
import { ListComplianceCasesQuery, ResolveComplianceCaseUseCase } from '@tradeloop/trading';
import { ReqMeta } from '../http/request-meta';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ApiProblems } from '../http/api-problems';

class ComplianceCaseQueryDto extends createZodDto(ComplianceCaseQuerySchema) {}
class ComplianceCasePageDto extends createZodDto(ComplianceCasePageSchema) {}
class ComplianceCaseDto extends createZodDto(ComplianceCaseSchema) {}
class ComplianceCaseIdParamDto extends createZodDto(ComplianceCaseIdParamSchema) {}
class ResolveComplianceCaseDto extends createZodDto(ResolveComplianceCaseSchema) {}

/** What the daily broker reconciliation found (docs/api.md "Compliance cases"). */
@ApiTags('compliance')
@ApiBearerAuth()
@Controller('api/v1/compliance/cases')
export class ComplianceCasesController {
  constructor(
    @Inject(ListComplianceCasesQuery) private readonly listCases: ListComplianceCasesQuery,
    @Inject(ResolveComplianceCaseUseCase) private readonly resolveCase: ResolveComplianceCaseUseCase,
  ) {}

  @Get()
  @Roles('compliance', 'admin')
  @ZodResponse({ status: 200, type: ComplianceCasePageDto })
  list(@Query() query: ComplianceCaseQueryDto) {
    return this.listCases.execute(query);
  }

  @Post(':id/resolve')
  @Roles('compliance')
  @HttpCode(200)
  @ApiProblems(404, 409)
  @ZodResponse({ status: 200, type: ComplianceCaseDto })
  resolve(
    @Param() params: ComplianceCaseIdParamDto,
    @Body() body: ResolveComplianceCaseDto,
    @CurrentPrincipal() principal: Principal,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.resolveCase.execute({ caseId: params.id, actorId: principal.userId, note: body.note, meta });
  }
}
