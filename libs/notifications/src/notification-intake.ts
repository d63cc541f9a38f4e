import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { JOBS, REALTIME_EVENTS } from '@tradeloop/contracts';
import { DomainError, renderNotification, type NotificationFacts, type Role } from '@tradeloop/domain';
import { GroupCommit, JobProducer, RealtimePublisher, type Sql } from '@tradeloop/platform';
import { NotificationsRepository, toNotification, type DeliveryRow } from './notifications.repository';

/** BullMQ options of a delivery attempt's job: a few quick retries for our own faults (Postgres, Redis); send failures are the outbox's. */
export const DELIVER_JOB_OPTIONS = { attempts: 5, backoff: { type: 'exponential', delay: 1_000 } } as const;

/** A delivery attempt's job id: one job per delivery and attempt (and per rate-limit window it waited for). */
export const deliverJobId = (deliveryId: string, attempt: number, waitedFor?: number): string =>
  `deliver_${deliveryId}_${attempt}${waitedFor === undefined ? '' : `_w${waitedFor}`}`;

/**
 * The `notifications.event` job (docs/alerts.md "Notifications"): the event's notification is
 * stored once per user and key (the in-app notification), the user's sockets are told
 * (`notification` `{ notification, seq }`), and one outbox row per matching channel is queued
 * with its first delivery job. A replay of the event stores no second notification; it adds the
 * deliveries of channels that take it and have none yet, and re-queues deliveries never tried
 * (their job ids make that a no-op when they are already queued).
 */
@Injectable()
export class NotificationIntake {
  constructor(
    @Inject(NotificationsRepository) private readonly repo: NotificationsRepository,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(JobProducer) private readonly jobs: JobProducer,
  ) {}

  /**
   * Event jobs handled at the same time (a burst of fills) are stored together: one statement
   * for their notifications (and one for their deliveries when a channel takes them) instead of
   * a transaction each (ADR 0015). A batch that fails (a user deleted meanwhile) is stored event
   * by event, so each job gets its own answer.
   */
  private readonly commits = new GroupCommit<PendingEvent>({
    key: (e) => `${e.userId}|${e.key}`,
    write: (batch) => this.writeBatch(batch),
    fail: (batch, err) => batch.forEach((e) => e.reject(err)),
    maxBatch: 64,
    maxInFlight: 2,
    maxWaitMs: 2,
  });

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
    const created = await Promise.all(
      users.map((userId) => new Promise<boolean>((resolve, reject) => this.commits.submit({ userId, key, facts, resolve, reject }))),
    );
    return { created: created.filter(Boolean).length };
  }

  private async writeBatch(batch: readonly PendingEvent[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const done = await this.store(batch);
        batch.forEach((e, i) => e.resolve(done[i]!));
        return;
      } catch {
        // Event by event, below.
      }
    }
    for (const e of batch) {
      try {
        const [created] = await this.store([e]);
        e.resolve(created!);
      } catch (err) {
        // The user is gone (deleted between the event and now): nothing to notify.
        e.reject((err as { code?: string }).code === '23503' ? new DomainError('NOT_FOUND', `user ${e.userId} does not exist`) : err);
      }
    }
  }

  /**
   * Stores the events' notifications (one statement), then — when a channel takes one, or an
   * event is handled again — their deliveries, one per channel, and the deliveries never tried
   * (a second statement). No transaction joins the two: should the process die between them, the
   * event's job is retried, finds its notification stored, and adds the deliveries then (each
   * (notification, channel) at most once). Then each user's sockets hear of their new
   * notification, and each delivery's first job is queued.
   */
  private async store(batch: readonly PendingEvent[]): Promise<boolean[]> {
    const sql: Sql = this.repo.sql;
    const items = batch.map((e) => ({ id: uuidv7(), userId: e.userId, key: e.key, facts: e.facts, message: renderNotification(e.facts) }));
    const stored = await this.repo.storeNotifications(sql, items);
    const again = stored.filter((s) => !s.created || s.channelIds.length > 0);
    const deliveries =
      again.length === 0
        ? new Map<string, DeliveryRow[]>()
        : await this.repo.queueDeliveries(
            sql,
            again.flatMap((s) =>
              s.channelIds.map((channelId) => ({
                id: uuidv7(),
                notificationId: s.notification.id,
                channelId,
                userId: s.notification.user_id,
              })),
            ),
            again.map((s) => s.notification.id),
          );
    await Promise.all(
      stored.map(async (s) => {
        if (s.created)
          await this.realtime.toUser(s.notification.user_id, REALTIME_EVENTS.notification, {
            notification: toNotification(s.notification),
          });
        for (const d of deliveries.get(s.notification.id) ?? [])
          await this.jobs.enqueue(
            JOBS.deliverNotification,
            { deliveryId: d.id, attempt: 1 },
            { jobId: deliverJobId(d.id, 1), ...DELIVER_JOB_OPTIONS },
          );
      }),
    );
    return stored.map((s) => s.created);
  }
}

/** An event job's notification for one user, waiting for its group commit. */
interface PendingEvent {
  userId: string;
  key: string;
  facts: NotificationFacts;
  resolve: (created: boolean) => void;
  reject: (err: unknown) => void;
}
