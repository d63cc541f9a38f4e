import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, LOGGER, REDIS, type AppConfig } from '@tradeloop/platform';
import { NotificationDispatcher } from '@tradeloop/notifications';
import { LeaderLease } from '../risk/leader-lease';
import { LeaderSweep } from '../risk/leader-sweep';

/** How often the outbox is looked at for rows whose job went missing (docs/alerts.md "Notifications"). */
export const DELIVERY_SWEEP_MS = 60_000;
const LEASE_TTL_MS = 180_000;

/** Re-queues overdue outbox rows (NotificationDispatcher.sweep), on one worker at a time (a Redis lease). */
@Injectable()
export class DeliverySweepLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly sweeps: LeaderSweep;

  constructor(
    @Inject(NotificationDispatcher) dispatcher: NotificationDispatcher,
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) log: Logger,
  ) {
    const lease = new LeaderLease(redis, `${config.REDIS_PREFIX}:notification-sweep:leader`, LEASE_TTL_MS);
    this.sweeps = new LeaderSweep(lease, DELIVERY_SWEEP_MS, () => dispatcher.sweep(), log, 'notification delivery sweep');
  }

  onApplicationBootstrap(): void {
    this.sweeps.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sweeps.stop();
  }
}
