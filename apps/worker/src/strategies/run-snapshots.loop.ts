import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, LOGGER, REDIS, type AppConfig } from '@tradeloop/platform';
import { TakeRunSnapshots } from '@tradeloop/strategies';
import { LeaderLease } from '../risk/leader-lease';
import { LeaderSweep } from '../risk/leader-sweep';

/**
 * How often the loop looks: every open run gets one snapshot per minute (idempotent per run and
 * minute), so a few looks a minute are cheap and none is missed while this worker leads.
 */
export const RUN_SNAPSHOT_SWEEP_MS = 15_000;
const LEASE_TTL_MS = 45_000;

/**
 * P&L snapshots of open paper and live strategy runs (docs/backtests.md "Strategy runs"), on one
 * worker at a time (a Redis lease): each look writes the current minute's snapshot of every open
 * run that has none yet.
 */
@Injectable()
export class RunSnapshotsLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly sweeps: LeaderSweep;

  constructor(
    @Inject(TakeRunSnapshots) private readonly snapshots: TakeRunSnapshots,
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) log: Logger,
  ) {
    const lease = new LeaderLease(redis, `${config.REDIS_PREFIX}:run-snapshots:leader`, LEASE_TTL_MS);
    this.sweeps = new LeaderSweep(
      lease,
      RUN_SNAPSHOT_SWEEP_MS,
      (stopped) => this.snapshots.tick(Date.now(), stopped),
      log,
      'run snapshots',
    );
  }

  onApplicationBootstrap(): void {
    this.sweeps.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sweeps.stop();
  }
}
