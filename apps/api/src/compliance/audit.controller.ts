import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import type { FastifyReply } from 'fastify';
import { defuse, sendCsv } from '../http/csv-export';
import { AuditEventPageSchema, AuditExportQuerySchema, AuditQuerySchema } from '@tradeloop/contracts';
import { ExportAuditUseCase, ListAuditEventsQuery, type AuditExportRow, type Principal, type RequestMeta } from '@tradeloop/identity';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ReqMeta } from '../http/request-meta';

class AuditQueryDto extends createZodDto(AuditQuerySchema) {}
class AuditExportQueryDto extends createZodDto(AuditExportQuerySchema) {}
class AuditEventPageDto extends createZodDto(AuditEventPageSchema) {}

const CSV_COLUMNS = ['event_id', 'at', 'actor_id', 'actor_email', 'action', 'subject', 'details', 'request_id', 'ip'];

@ApiTags('compliance')
@ApiBearerAuth()
@Roles('compliance', 'admin')
@Controller('api/v1/compliance/audit')
export class AuditController {
  constructor(
    @Inject(ListAuditEventsQuery) private readonly listEvents: ListAuditEventsQuery,
    @Inject(ExportAuditUseCase) private readonly exportAudit: ExportAuditUseCase,
  ) {}

  @Get()
  @ZodResponse({ status: 200, type: AuditEventPageDto })
  list(@Query() query: AuditQueryDto) {
    return this.listEvents.execute(query);
  }

  /** Streams the filtered events as CSV, oldest first; memory stays flat for any size. */
  @Get('export.csv')
  @ApiProduces('text/csv')
  async export(
    @Query() query: AuditExportQueryDto,
    @CurrentPrincipal() principal: Principal,
    @ReqMeta() meta: RequestMeta,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    sendCsv(reply, 'audit', CSV_COLUMNS, await this.exportAudit.execute(principal.userId, query, meta), (row: AuditExportRow) => [
      row.id,
      row.at.toISOString(),
      row.actor_id ?? '',
      row.actor_email ?? '',
      row.action,
      defuse(row.subject),
      defuse(JSON.stringify(row.details)),
      row.request_id ?? '',
      row.ip ?? '',
    ]);
  }
}
