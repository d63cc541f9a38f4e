import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { BrokerReconciliationRequestSchema, JOBS } from '@tradeloop/contracts';
import { JobProducer } from '@tradeloop/platform';
import { Roles } from '../auth/auth.decorators';

class BrokerReconciliationRequestDto extends createZodDto(BrokerReconciliationRequestSchema) {}

/** Operator actions that run in the worker; the API only enqueues them. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/admin/jobs')
export class AdminJobsController {
  constructor(@Inject(JobProducer) private readonly jobs: JobProducer) {}

  /** Deletes sessions that ended more than a day ago. Runs hourly anyway; this runs it now. */
  @Post('purge-expired-sessions')
  @HttpCode(202)
  async purgeExpiredSessions(): Promise<{ jobId: string }> {
    return { jobId: await this.jobs.enqueue(JOBS.purgeExpiredSessions, { olderThanHours: 24 }) };
  }

  /**
   * Runs the daily broker reconciliation now (docs/api.md "Compliance cases"): every live account,
   * or `accountId`'s, for today's IST trading day. Re-running a day adds no case twice.
   */
  @Post('broker-reconciliation')
  @HttpCode(202)
  async brokerReconciliation(@Body() body: BrokerReconciliationRequestDto): Promise<{ jobId: string }> {
    return { jobId: await this.jobs.enqueue(JOBS.brokerReconciliation, body ?? {}, { attempts: 1 }) };
  }
}
