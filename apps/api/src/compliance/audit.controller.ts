import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { AuditEventPageSchema, AuditQuerySchema } from '@tradeloop/contracts';
import { ListAuditEventsQuery } from '@tradeloop/identity';
import { Roles } from '../auth/auth.decorators';

class AuditQueryDto extends createZodDto(AuditQuerySchema) {}
class AuditEventPageDto extends createZodDto(AuditEventPageSchema) {}

@ApiTags('compliance')
@ApiBearerAuth()
@Roles('compliance', 'admin')
@Controller('api/v1/compliance/audit')
export class AuditController {
  constructor(@Inject(ListAuditEventsQuery) private readonly listEvents: ListAuditEventsQuery) {}

  @Get()
  @ZodResponse({ status: 200, type: AuditEventPageDto })
  list(@Query() query: AuditQueryDto) {
    return this.listEvents.execute(query);
  }
}
