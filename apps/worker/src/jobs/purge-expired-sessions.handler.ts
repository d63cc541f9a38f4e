import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { JOBS, type JobPayload } from '@tradeloop/contracts';
import { LOGGER, type JobHandler } from '@tradeloop/platform';
import { SessionsRepository } from '@tradeloop/identity';

/** Deletes long-ended sessions and their refresh tokens so the tables stay small. Idempotent. */
@Injectable()
export class PurgeExpiredSessionsHandler implements JobHandler<typeof JOBS.purgeExpiredSessions> {
  readonly job = JOBS.purgeExpiredSessions;

  constructor(
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(payload: JobPayload<typeof JOBS.purgeExpiredSessions>): Promise<{ deleted: number }> {
    const deleted = await this.sessions.purgeEnded(payload.olderThanHours);
    this.logger.info({ deleted, olderThanHours: payload.olderThanHours }, 'purged ended sessions');
    return { deleted };
  }
}
