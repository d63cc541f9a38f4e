import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { REALTIME_EVENTS } from '@tradeloop/contracts';
import { formatMoney } from '@tradeloop/domain';
import { APP_CONFIG, LOGGER, RealtimePublisher, REDIS, type AppConfig } from '@tradeloop/platform';
import { AutomaticTripUseCase, KillSwitchSquareOffUseCase, RiskMonitorService, type ScreenedUser } from '@tradeloop/risk';
import { LeaderLease } from './leader-lease';
import { MarkThrottle } from './mark-throttle';

/** A round every 500 ms: pushes at most twice a second per user, trips within about half a second. */
export const ROUND_MS = 500;
/** Long enough to ride out a slow round; short enough that a dead leader is replaced in seconds. */
const LEASE_TTL_MS = 3_000;
/** A push due within this long waits for its turn rather than skipping a round. */
const PUSH_SLACK_MS = 100;

/**
 * The risk monitor (docs/domain.md, "Risk": automatic trips; docs/api.md, "Realtime": `position.updated`). Every round it reads
 * who has open positions or fills today, marks them to the latest quotes, pushes the positions
 * whose marks changed, trips the kill switch of anyone whose day's loss has reached their limit,
 * and carries on the follow-up of earlier trips and of kill switches engaged with `squareOff`
 * (the same follow-up: square off after the cancels; several users at once in a storm).
 *
 * With several worker replicas one of them runs it at a time (a Redis lease), so pushes are not
 * doubled; a trip is once-only in the database whatever the lease does (see AutomaticTripUseCase).
 */
@Injectable()
export class RiskMonitorLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly lease: LeaderLease;
  private readonly throttle = new MarkThrottle(ROUND_MS);

  constructor(
    @Inject(RiskMonitorService) private readonly monitor: RiskMonitorService,
    @Inject(AutomaticTripUseCase) private readonly trips: AutomaticTripUseCase,
    @Inject(KillSwitchSquareOffUseCase) private readonly squareOffs: KillSwitchSquareOffUseCase,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.lease = new LeaderLease(redis, `${config.REDIS_PREFIX}:risk:monitor:leader`, LEASE_TTL_MS);
  }

  onApplicationBootstrap(): void {
    this.schedule(Date.now());
  }

  /**
   * Rounds start ROUND_MS apart by the wall clock (or back to back if one runs longer), never
   * overlapping. A timer may fire a millisecond early; it is re-armed rather than run early.
   */
  private schedule(startAt: number): void {
    this.timer = setTimeout(
      () => {
        const started = Date.now();
        if (started < startAt) return this.schedule(startAt);
        this.running = this.runOnce(started)
          .catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'risk monitor round failed; next round retries'))
          .finally(() => {
            this.running = null;
            if (!this.stopped) this.schedule(started + ROUND_MS);
          });
      },
      Math.max(0, startAt - Date.now()),
    );
  }

  async runOnce(now = Date.now()): Promise<void> {
    if (!(await this.lease.hold())) {
      // Another replica leads; if we lead again later, we start pushing from scratch.
      this.throttle.clear();
      return;
    }
    const users = await this.monitor.screen(now);
    await this.pushMarks(users);
    for (const u of users.filter((x) => x.breach)) {
      const trip = await this.trips.tripIfBreached(u.userId, now);
      if (trip)
        this.logger.warn(
          { userId: u.userId, rule: trip.rule, dayPnl: formatMoney(u.dayPnl), cancelled: trip.cancelled.length, squareOff: trip.squareOff },
          'automatic trip: kill switch engaged',
        );
    }
    for (const t of await this.trips.pendingTrips()) {
      await this.trips
        .followUp(t)
        .catch((err: unknown) =>
          this.logger.warn({ tripId: t.id, userId: t.user_id, err: (err as Error).message }, 'trip follow-up failed; retrying next round'),
        );
    }
    await this.followUpSquareOffs();
  }

  /**
   * The kill switch's square-offs: every pending user, several at once, renewing the lease as the
   * pass goes (a storm can outlast it); if the lease is lost the pass stops and the new leader
   * carries on (the database keeps that safe: SquareOffFollowUp).
   */
  private async followUpSquareOffs(): Promise<void> {
    const started = Date.now();
    const pass = await this.squareOffs.followUpPending(() => this.lease.hold());
    for (const d of pass.done) this.logger.info({ squareOffId: d.id, userId: d.userId, outcome: d.outcome }, 'kill switch square-off done');
    for (const f of pass.failed)
      this.logger.warn({ squareOffId: f.id, userId: f.userId, err: f.error }, 'kill switch square-off attempt failed; retrying next round');
    if (pass.done.length + pass.failed.length > 0)
      this.logger.info(
        { done: pass.done.length, failed: pass.failed.length, waiting: pass.waiting, stopped: pass.stopped, ms: Date.now() - started },
        'kill switch square-off pass',
      );
  }

  /**
   * The throttle counts from the moment of each push, not from the round's start: a round whose
   * reads were slow would otherwise push less than 500 ms after the previous one. A push a few
   * milliseconds early (this round's reads were quicker) waits for its turn instead of skipping.
   */
  private async pushMarks(users: readonly ScreenedUser[]): Promise<void> {
    const open = users.filter((u) => u.positions.length > 0);
    this.throttle.retain(new Set(open.map((u) => u.userId)));
    const now = Date.now();
    const wait = Math.max(0, ...open.map((u) => this.throttle.waitMs(u.userId, now)).filter((ms) => ms <= PUSH_SLACK_MS));
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const at = Date.now();
    const sends: Promise<void>[] = [];
    for (const u of open) {
      for (const position of this.throttle.take(u.userId, u.positions, at))
        sends.push(this.realtime.toUser(u.userId, REALTIME_EVENTS.positionUpdated, { position }));
    }
    await Promise.all(sends);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.lease.release().catch(() => undefined);
  }
}
