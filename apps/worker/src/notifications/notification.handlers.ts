import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { JOBS, type JobPayload } from '@tradeloop/contracts';
import { NotificationEvents, type JobHandler } from '@tradeloop/platform';
import { NotificationDispatcher, NotificationIntake, type DeliveryOutcome } from '@tradeloop/notifications';

/** `notifications.event`: store the event's notification, tell the sockets, queue its deliveries (docs/alerts.md "Notifications"). */
@Injectable()
export class NotifyEventHandler implements JobHandler<typeof JOBS.notifyEvent> {
  readonly job = JOBS.notifyEvent;

  constructor(@Inject(NotificationIntake) private readonly intake: NotificationIntake) {}

  handle(p: JobPayload<typeof JOBS.notifyEvent>): Promise<{ created: number }> {
    return this.intake.handle('userId' in p ? { userId: p.userId } : { roles: p.roles }, p.key, p.facts);
  }
}

/** `notifications.deliver`: one attempt at one outbox row (retries, backoff and the per-user limit are the dispatcher's). */
@Injectable()
export class DeliverNotificationHandler implements JobHandler<typeof JOBS.deliverNotification> {
  readonly job = JOBS.deliverNotification;

  constructor(@Inject(NotificationDispatcher) private readonly dispatcher: NotificationDispatcher) {}

  async handle(p: JobPayload<typeof JOBS.deliverNotification>): Promise<{ outcome: DeliveryOutcome }> {
    return { outcome: await this.dispatcher.deliver(p.deliveryId, p.attempt) };
  }
}

/**
 * Events emitted in the worker itself (fills, rejections, risk trips, exits) are stored by its
 * own intake at once, without a `notifications.event` job (NotificationEvents.handleLocally):
 * one queue round trip less per fill. Until bootstrap and from shutdown on they go to the queue.
 */
@Injectable()
export class LocalNotificationIntake implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(NotificationEvents) private readonly events: NotificationEvents,
    @Inject(NotificationIntake) private readonly intake: NotificationIntake,
  ) {}

  onApplicationBootstrap(): void {
    this.events.handleLocally(async (e) => {
      await this.intake.handle(
        typeof e.userId === 'string' ? { userId: e.userId } : { roles: e.userId.roles },
        e.key.slice(0, 300),
        e.facts,
      );
    });
  }

  beforeApplicationShutdown(): void {
    this.events.handleLocally(null);
  }
}
