import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { JOBS } from '@tradeloop/contracts';
import type { NotificationFacts, Role } from '@tradeloop/domain';
import { LOGGER } from '../observability';
import { JobProducer } from '../queue/job-producer';

/** One notifiable event for one user (docs/alerts.md "Notifications"), or for every enabled user of some roles (model drift: quants and admins). */
export interface NotificationEvent {
  userId: string | { roles: readonly Role[] };
  /**
   * Names the event once for that user, from the event's own identity (`fill:<trade id>`,
   * `rejection:<order id>`, `risk_trip:<trip id>`): the same event emitted twice is one
   * notification, and one delivery per channel.
   */
  key: string;
  facts: NotificationFacts;
}

/**
 * The one port every context tells about notifiable events through: fills and rejections
 * (libs/trading), risk trips and kill switches (libs/risk), risk exits (libs/watchlist-trading),
 * broker logins needed (libs/accounts), drift (apps/worker ml), webhook failures (libs/alerts).
 *
 * `emit` enqueues a `notifications.event` job (job id from user + key, so a replay is one job);
 * the worker (libs/notifications) stores the notification, pushes it to the user's sockets and
 * queues a delivery per matching channel. In the worker itself the event is stored directly
 * (`handleLocally`). Call it after the event's transaction commits:
 * like realtime, best effort — it never throws, and logs what it could not enqueue.
 */
@Injectable()
export class NotificationEvents {
  constructor(
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Set in a process that stores notifications itself (the worker): events go to it directly. */
  private local: ((event: NotificationEvent) => Promise<void>) | null = null;

  /**
   * In the process that hosts the notification intake (the worker), events emitted there are
   * stored at once instead of travelling through a `notifications.event` job: the same store, one
   * queue round trip less per fill. An event the local intake fails to take goes to the queue, as
   * from any other process. Null: the queue again (shutdown).
   */
  handleLocally(handler: ((event: NotificationEvent) => Promise<void>) | null): void {
    this.local = handler;
  }

  async emit(events: NotificationEvent | readonly NotificationEvent[]): Promise<void> {
    const list = Array.isArray(events) ? (events as readonly NotificationEvent[]) : [events as NotificationEvent];
    const local = this.local;
    await Promise.all(
      list.map(async (e) => {
        if (local) {
          try {
            return await local(e);
          } catch (err) {
            this.logger.warn({ to: e.userId, key: e.key, err: (err as Error).message }, 'notification not stored here; queued instead');
          }
        }
        await this.enqueue(e);
      }),
    );
  }

  private async enqueue(e: NotificationEvent): Promise<void> {
    try {
      await this.jobs.enqueue(
        JOBS.notifyEvent,
        typeof e.userId === 'string'
          ? { userId: e.userId, key: e.key.slice(0, 300), facts: e.facts }
          : { roles: [...e.userId.roles], key: e.key.slice(0, 300), facts: e.facts },
        {
          jobId: notificationJobId(typeof e.userId === 'string' ? e.userId : `roles:${[...e.userId.roles].sort().join(',')}`, e.key),
          attempts: 10,
          backoff: { type: 'exponential', delay: 1_000 },
        },
      );
    } catch (err) {
      this.logger.warn({ to: e.userId, key: e.key, kind: e.facts.kind, err: (err as Error).message }, 'notification event not enqueued');
    }
  }
}

/** The event job's id: one per user and event key (BullMQ ids must not contain ':'). */
export function notificationJobId(userId: string, key: string): string {
  return `notify_${createHash('sha256').update(`${userId}\n${key}`).digest('hex').slice(0, 40)}`;
}

/**
 * The hook for the alerts context (docs/alerts.md "Notifications"): a webhook delivery that
 * failed (refused at intake, or its processing gave up), as the event to pass to
 * `NotificationEvents.emit`. One notification per delivery.
 */
export function webhookFailureEvent(
  userId: string,
  failure: { sourceName: string; deliveryId: string | null; reason: string },
): NotificationEvent {
  return {
    userId,
    key: `webhook_failure:${failure.deliveryId ?? `${failure.sourceName}:${failure.reason}`}`,
    facts: { kind: 'webhook_failure', source: failure.sourceName, reason: failure.reason, deliveryId: failure.deliveryId },
  };
}
