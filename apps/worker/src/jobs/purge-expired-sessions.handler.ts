import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { JOBS, type JobPayload } from '@tradeloop/contracts';
import { LOGGER, type JobHandler } from '@tradeloop/platform';
import { SessionsRepository } from '@tradeloop/identity';
import { WebhookDeliveriesRepository } from '@tradeloop/alerts';

/**
 * Deletes long-ended sessions and their refresh tokens, and webhook dedup windows that have ended
 * (docs/alerts.md "Intake"), so the tables stay small. Idempotent.
 */
@Injectable()
export class PurgeExpiredSessionsHandler implements JobHandler<typeof JOBS.purgeExpiredSessions> {
  readonly job = JOBS.purgeExpiredSessions;

  constructor(
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(WebhookDeliveriesRepository) private readonly deliveries: WebhookDeliveriesRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(payload: JobPayload<typeof JOBS.purgeExpiredSessions>): Promise<{ deleted: number; dedupWindows: number }> {
    const deleted = await this.sessions.purgeEnded(payload.olderThanHours);
    const dedupWindows = await this.deliveries.purgeExpiredDedup();
    this.logger.info({ deleted, dedupWindows, olderThanHours: payload.olderThanHours }, 'purged ended sessions and webhook dedup windows');
    return { deleted, dedupWindows };
  }
}
