import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { JOBS, REALTIME_EVENTS } from '@tradeloop/contracts';
import { DomainError, renderNotification, type NotificationFacts, type Role } from '@tradeloop/domain';
import { JobProducer, RealtimePublisher } from '@tradeloop/platform';
import { NotificationsRepository, toNotification } from './notifications.repository';

/** BullMQ options of a delivery attempt's job: a few quick retries for our own faults (Postgres, Redis); send failures are the outbox's. */
export const DELIVER_JOB_OPTIONS = { attempts: 5, backoff: { type: 'exponential', delay: 1_000 } } as const;

/** A delivery attempt's job id: one job per delivery and attempt (and per rate-limit window it waited for). */
export const deliverJobId = (deliveryId: string, attempt: number, waitedFor?: number): string =>
  `deliver_${deliveryId}_${attempt}${waitedFor === undefined ? '' : `_w${waitedFor}`}`;

/**
 * The `notifications.event` job (docs/alerts.md "Notifications"): the event's notification is
 * stored once per user and key (the in-app notification), the user's sockets are told
 * (`notification` `{ notification, seq }`), and one outbox row per matching channel is queued
 * with its first delivery job. A replay of the event stores nothing new and only re-queues
 * deliveries never tried (their job ids make that a no-op when they are already queued).
 */
@Injectable()
export class NotificationIntake {
  constructor(
    @Inject(NotificationsRepository) private readonly repo: NotificationsRepository,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(JobProducer) private readonly jobs: JobProducer,
  ) {}

  async handle(to: { userId: string } | { roles: readonly Role[] }, key: string, facts: NotificationFacts): Promise<{ created: number }> {
    const users =
      'userId' in to
        ? [to.userId]
        : (
            await this.repo.sql.rows<{ id: string }>(
              `SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id
               WHERE r.role = ANY($1::text[]) AND u.disabled_at IS NULL ORDER BY u.id`,
              [to.roles],
            )
          ).map((r) => r.id);
    let created = 0;
    for (const userId of users) if (await this.forUser(userId, key, facts)) created++;
    return { created };
  }

  private async forUser(userId: string, key: string, facts: NotificationFacts): Promise<boolean> {
    const message = renderNotification(facts);
    let out;
    try {
      out = await this.repo.tx(async (sql) => {
        const { notification, created } = await this.repo.insertNotification(sql, { id: uuidv7(), userId, key, facts, message });
        const channels = created ? await this.repo.channelsFor(sql, userId, facts.kind) : [];
        const deliveries = await this.repo.insertDeliveries(
          sql,
          notification.id,
          userId,
          channels.map((c) => ({ id: uuidv7(), channelId: c.id })),
        );
        return { notification, created, deliveries };
      });
    } catch (err) {
      // The user is gone (deleted between the event and now): nothing to notify.
      if ((err as { code?: string }).code === '23503') throw new DomainError('NOT_FOUND', `user ${userId} does not exist`);
      throw err;
    }
    if (out.created) await this.realtime.toUser(userId, REALTIME_EVENTS.notification, { notification: toNotification(out.notification) });
    for (const d of out.deliveries)
      await this.jobs.enqueue(
        JOBS.deliverNotification,
        { deliveryId: d.id, attempt: 1 },
        { jobId: deliverJobId(d.id, 1), ...DELIVER_JOB_OPTIONS },
      );
    return out.created;
  }
}
