import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { bucketStart, decideTripOnce, formatMoney, peakOf, type OrderId, type UserId } from '@tradeloop/domain';
import { JOBS, REALTIME_EVENTS } from '@tradeloop/contracts';
import { Db, JobProducer, NotificationEvents, RealtimePublisher } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { RiskRepository, switchState, TradingRepository, IntakeReadModel, intakeLockKey } from '@tradeloop/trading';
import { RiskMonitorRepository, type TripRow } from './risk-monitor.repository';
import { SquareOffFollowUp } from './square-off-follow-up';

/** Audit and order history say the system acted, not a person. */
export const RISK_MONITOR_META: RequestMeta = { requestId: 'risk-monitor' };

export interface Trip {
  tripId: string;
  userId: UserId;
  rule: string;
  reason: string;
  squareOff: boolean;
  cancelled: OrderId[];
}

/**
 * Automatic trips (docs/domain.md, "Risk"). `tripIfBreached` re-checks a breach the monitor saw, under the
 * order intake's per-user lock, and in one transaction engages the user's switch, records the
 * trip (unique per user, day, rule and limit: two replicas or a restart trip once), a TRIPPED
 * risk event, an audit event, and asks for every open order to be cancelled. `followUp` then
 * finishes the job, one idempotent step per call, until the trip row says it is done.
 */
@Injectable()
export class AutomaticTripUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(RiskRepository) private readonly risk: RiskRepository,
    @Inject(RiskMonitorRepository) private readonly trips: RiskMonitorRepository,
    @Inject(IntakeReadModel) private readonly intake: IntakeReadModel,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(SquareOffFollowUp) private readonly followUps: SquareOffFollowUp,
    @Inject(NotificationEvents) private readonly notifications: NotificationEvents,
  ) {}

  async tripIfBreached(userId: UserId, now = Date.now()): Promise<Trip | null> {
    const dayStart = bucketStart(now, '1d');
    // The trip's money as the audit records it, for the notification.
    const tripFacts = { dayPnl: '', limit: '' };
    // Under the intake's lock: no order slips in between this decision and the engaged switch.
    const trip = await this.db.tx(
      async (sql): Promise<Trip | null> => {
        // The intake's own read: limits, switches and day P&L exactly as the pre-trade rules see them.
        const { limits, switches, snapshot } = await this.intake.read(sql, userId, null, '', null, now);
        const tripsToday = await this.trips.tripsToday(sql, userId, dayStart);
        // The peak the monitor recorded, raised by what the intake's read sees now.
        const peakDayPnl = peakOf(await this.trips.peakDayPnl(sql, userId, dayStart), snapshot.dayPnl);
        const d = decideTripOnce({ dayPnl: snapshot.dayPnl, peakDayPnl, limits, userSwitch: switchState(switches.user), tripsToday });
        if (!d.trip) return null;
        const id = uuidv7();
        const squareOff = limits.squareOffOnTrip;
        if (
          !(await this.trips.insertTrip(sql, {
            id,
            userId,
            rule: d.rule,
            dayStart,
            limit: d.limit,
            dayPnl: snapshot.dayPnl,
            reason: d.reason,
            squareOff,
          }))
        )
          return null;
        await this.risk.setSwitch(sql, 'user', userId, true, d.reason, null);
        const details = {
          rule: d.rule,
          reason: d.reason,
          dayPnl: formatMoney(snapshot.dayPnl),
          peakDayPnl: formatMoney(peakDayPnl),
          limit: formatMoney(d.limit),
          squareOff,
          tripId: id,
        };
        tripFacts.dayPnl = details.dayPnl;
        tripFacts.limit = details.limit;
        await this.risk.recordEvent({ userId, kind: 'TRIPPED', rule: d.rule, detail: d.reason, context: details }, sql);
        await this.audit.append(
          { actorId: null, action: 'risk.tripped', subject: `user:${userId}`, details, meta: RISK_MONITOR_META },
          sql,
        );
        const cancelled = await this.trading.requestCancelOfOpenOrders(sql, { userId }, { by: 'automatic trip', rule: d.rule });
        return { tripId: id, userId, rule: d.rule, reason: d.reason, squareOff, cancelled };
      },
      { lock: intakeLockKey(userId) },
    );
    if (!trip) return null;
    // After the commit, as the kill-switch use case does; a lost publish shows as a seq gap.
    await this.realtime.toUser(userId, REALTIME_EVENTS.killSwitch, {
      scope: 'user',
      userId,
      engaged: true,
      reason: trip.reason,
      automatic: true,
      rule: trip.rule,
    });
    await this.notifications.emit({
      userId,
      key: `risk_trip:${trip.tripId}`,
      facts: {
        kind: 'risk_trip',
        rule: trip.rule,
        reason: trip.reason,
        dayPnl: tripFacts.dayPnl,
        limit: tripFacts.limit,
        squareOff: trip.squareOff,
      },
    });
    // The same job the DELETE route enqueues. If Redis is away, followUp sends them again.
    await Promise.all(
      trip.cancelled.map((id) => this.jobs.enqueue(JOBS.cancelOrder, { orderId: id }, { jobId: `cancel_${id}` }).catch(() => undefined)),
    );
    return trip;
  }

  /** Trips whose follow-up (square-off, release of the switch's effects) is not finished yet. */
  pendingTrips(): Promise<TripRow[]> {
    return this.trips.pendingTrips();
  }

  /**
   * One step of a trip's follow-up (SquareOffFollowUp.step, shared with the kill switch's
   * square-off): waits (up to CANCEL_WAIT_MS) for the orders the trip asked to cancel, re-sending
   * cancels still open when the wait ends, then squares off when the trip says so, under a request
   * key per attempt (a refusal is remembered per key, so a retry needs a new one; the square-off
   * counts orders placed by an earlier attempt). Returns 'waiting' to be called again; throws to
   * be retried next round.
   */
  async followUp(t: TripRow, now = Date.now()): Promise<'done' | 'waiting'> {
    return this.followUps.step(
      {
        id: t.id,
        userId: t.user_id,
        since: t.tripped_at,
        squareOff: t.square_off,
        cancelTag: `trip_${t.id}`,
        requestKey: (attempt) => `trip:${t.id}:${attempt}`,
        countAttempt: () => this.trips.countSquareOffAttempt(t.id),
        finish: (outcome) => this.trips.finish(t.id, outcome),
      },
      RISK_MONITOR_META,
      now,
    );
  }
}
