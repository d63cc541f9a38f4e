import { Inject, Injectable } from '@nestjs/common';
import { DomainError, formatMoney, parsePositiveMoney, type OrderStatus } from '@tradeloop/domain';
import {
  JOBS,
  REALTIME_EVENTS,
  type AdminKillSwitchStatus,
  type KillSwitchStatus,
  type RiskEvent,
  type RiskLimitsDto,
  type UpdateRiskLimitsRequest,
} from '@tradeloop/contracts';
import { Db, JobProducer, RealtimePublisher } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { RiskRepository, type SwitchRow, type UserRiskLimits, TradingRepository } from '@tradeloop/trading';

const stateOf = (r: SwitchRow) => ({ engaged: r.engaged, reason: r.reason, at: r.changed_at ? r.changed_at.toISOString() : null });
const money = (v: string, field: string) => (v === '0' || /^0(\.0{1,2})?$/.test(v) ? 0n : parsePositiveMoney(v, field));

/** Limits, kill switches and risk events (docs/api.md "Risk"). */
@Injectable()
export class RiskUseCases {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(RiskRepository) private readonly risk: RiskRepository,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async limits(userId: string): Promise<RiskLimitsDto> {
    const l = await this.risk.limits(userId);
    return {
      maxOrderValue: formatMoney(l.maxOrderValue),
      maxPositionValue: formatMoney(l.maxPositionValue),
      maxOpenOrders: l.maxOpenOrders,
      maxDailyLoss: formatMoney(l.maxDailyLoss),
      maxOrdersPerMinute: l.maxOrdersPerMinute,
      maxDrawdown: l.maxDrawdown === null ? null : formatMoney(l.maxDrawdown),
      squareOffOnTrip: l.squareOffOnTrip,
    };
  }

  /** An admin's read of any user's limits: 404 for a user that does not exist. */
  async limitsOf(userId: string): Promise<RiskLimitsDto> {
    await this.assertUser(userId);
    return this.limits(userId);
  }

  /** An admin's read of the global switch and, when named, one user's (404 if there is no such user). */
  async switchesFor(userId: string | undefined): Promise<AdminKillSwitchStatus> {
    if (userId) await this.assertUser(userId);
    const s = await this.risk.switches(userId ?? '');
    return { global: stateOf(s.global), user: userId ? stateOf(s.user) : null };
  }

  private async assertUser(userId: string): Promise<void> {
    if (!(await this.db.sql.maybeOne(`SELECT 1 FROM users WHERE id = $1`, [userId]))) throw new DomainError('NOT_FOUND', 'No such user');
  }

  async setLimits(actorId: string, userId: string, body: UpdateRiskLimitsRequest, meta: RequestMeta): Promise<RiskLimitsDto> {
    const limits: Omit<UserRiskLimits, 'squareOffOnTrip' | 'maxDrawdown'> = {
      maxOrderValue: money(body.maxOrderValue, 'maxOrderValue'),
      maxPositionValue: money(body.maxPositionValue, 'maxPositionValue'),
      maxOpenOrders: body.maxOpenOrders,
      maxDailyLoss: money(body.maxDailyLoss, 'maxDailyLoss'),
      maxOrdersPerMinute: body.maxOrdersPerMinute,
    };
    await this.db.tx(async (sql) => {
      if (!(await sql.maybeOne(`SELECT 1 FROM users WHERE id = $1`, [userId]))) throw new DomainError('NOT_FOUND', 'No such user');
      // squareOffOnTrip and maxDrawdown are optional in the body: absent keeps the current setting.
      const current = await this.risk.limits(userId, sql);
      const squareOffOnTrip = body.squareOffOnTrip ?? current.squareOffOnTrip;
      const maxDrawdown =
        body.maxDrawdown === undefined
          ? current.maxDrawdown
          : body.maxDrawdown === null
            ? null
            : parsePositiveMoney(body.maxDrawdown, 'maxDrawdown');
      await this.risk.setLimits(sql, userId, { ...limits, squareOffOnTrip, maxDrawdown }, actorId);
      await this.audit.append({ actorId, action: 'risk.limits_updated', subject: `user:${userId}`, details: { ...body }, meta }, sql);
    });
    return this.limits(userId);
  }

  async switches(userId: string): Promise<KillSwitchStatus> {
    const s = await this.risk.switches(userId);
    return { global: stateOf(s.global), self: stateOf(s.user) };
  }

  /**
   * Engages or releases a switch. Engaging cancels the open orders it covers (the user's, or
   * everyone's for the global switch); it halts new exposure only — orders that reduce a
   * position still pass. A trader may engage their own switch; only an admin releases it.
   */
  async setSwitch(
    actorId: string,
    scope: 'global' | 'user',
    userId: string | null,
    engaged: boolean,
    reason: string,
    meta: RequestMeta,
  ): Promise<KillSwitchStatus> {
    const cancel: string[] = await this.db.tx(async (sql) => {
      if (scope === 'user' && !(await sql.maybeOne(`SELECT 1 FROM users WHERE id = $1`, [userId])))
        throw new DomainError('NOT_FOUND', 'No such user');
      const changed = await this.risk.setSwitch(sql, scope, scope === 'user' ? userId! : '', engaged, reason, actorId);
      if (!changed) return [];
      await this.risk.recordEvent(
        {
          userId: scope === 'user' ? userId : null,
          kind: engaged ? 'SWITCH_ENGAGED' : 'SWITCH_RELEASED',
          rule: scope === 'global' ? 'GLOBAL_KILL_SWITCH' : 'USER_KILL_SWITCH',
          detail: reason,
        },
        sql,
      );
      await this.audit.append(
        {
          actorId,
          action: engaged ? 'risk.killswitch_engaged' : 'risk.killswitch_released',
          subject: scope === 'global' ? 'global' : `user:${userId}`,
          details: { reason },
          meta,
        },
        sql,
      );
      if (!engaged) return [];
      const open = await sql.rows<{ id: string; status: OrderStatus }>(
        `UPDATE orders SET cancel_requested = true, updated_at = clock_timestamp(), version = version + 1
         WHERE status IN ('PENDING', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED') ${scope === 'user' ? 'AND user_id = $1' : ''} RETURNING id, status`,
        scope === 'user' ? [userId] : [],
      );
      // Each entry carries the order's own status (a cancel request does not change it).
      for (const o of open) await this.trading.appendEvent(sql, o.id, o.status, 'CANCEL_REQUESTED', { by: 'kill switch' });
      return open.map((o) => o.id);
    });
    for (const id of cancel) await this.jobs.enqueue(JOBS.cancelOrder, { orderId: id }, { jobId: `cancel_${id}` });
    const payload = { scope, userId, engaged, reason };
    if (scope === 'user') await this.realtime.toUser(userId!, REALTIME_EVENTS.killSwitch, payload);
    else await this.realtime.toRoom('admin', REALTIME_EVENTS.killSwitch, payload);
    return this.switches(scope === 'user' ? userId! : actorId);
  }

  async events(userId: string | null, limit = 100): Promise<RiskEvent[]> {
    return (await this.risk.events(userId, limit)).map((e) => ({
      id: e.id,
      userId: e.user_id,
      kind: e.kind,
      rule: e.rule,
      detail: e.detail,
      orderId: e.order_id,
      at: e.at.toISOString(),
    }));
  }
}
