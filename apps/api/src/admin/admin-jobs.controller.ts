import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { JOBS } from '@tradeloop/contracts';
import { JobProducer } from '@tradeloop/platform';
import { Roles } from '../auth/auth.decorators';

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
}
