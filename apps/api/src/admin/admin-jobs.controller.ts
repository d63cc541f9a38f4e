import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { BrokerReconciliationRequestSchema, InstrumentMastersRequestSchema, JOBS } from '@tradeloop/contracts';
import { JobProducer } from '@tradeloop/platform';
import { Roles } from '../auth/auth.decorators';

class BrokerReconciliationRequestDto extends createZodDto(BrokerReconciliationRequestSchema) {}
class InstrumentMastersRequestDto extends createZodDto(InstrumentMastersRequestSchema) {}

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

  /**
   * Imports the instrument masters now (docs/brokers.md, "Instrument masters"): Kite, Upstox and
   * OpenAlgo, or `source`'s. Each run is audited with its report; re-running changes nothing.
   */
  @Post('instrument-masters')
  @HttpCode(202)
  async instrumentMasters(@Body() body: InstrumentMastersRequestDto): Promise<{ jobId: string }> {
    return { jobId: await this.jobs.enqueue(JOBS.instrumentMasters, body ?? {}, { attempts: 1 }) };
  }
}
