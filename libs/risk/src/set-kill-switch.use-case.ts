import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type UserId } from '@tradeloop/domain';
import { JOBS, REALTIME_EVENTS, type KillSwitchStatus } from '@tradeloop/contracts';
import { Db, JobProducer, NotificationEvents, RealtimePublisher } from '@tradeloop/platform';
import { AuditRepository, UsersRepository, type RequestMeta } from '@tradeloop/identity';
import { RiskRepository, TradingRepository } from '@tradeloop/trading';
import { GetKillSwitchesQuery } from './risk-queries';
import { KillSwitchSquareOffRepository } from './kill-switch-square-off.use-case';

/**
 * Engages or releases a kill switch. Engaging cancels the open orders it covers (the user's, or
 * everyone's for the global switch); it halts new exposure only — orders that reduce a position
 * still pass. A trader may engage their own switch; only an admin releases it.
 *
 * With `squareOff`, engaging also asks for every covered open position to be squared off: one
 * record per covered user (kill_switch_square_offs), in the same transaction as the switch, for
 * the worker's risk monitor to carry out after the cancels (KillSwitchSquareOffUseCase). Once
 * per engagement: a repeated engage adds only users this engagement has not covered yet.
 */
@Injectable()
export class SetKillSwitchUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(RiskRepository) private readonly risk: RiskRepository,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(GetKillSwitchesQuery) private readonly switches: GetKillSwitchesQuery,
    @Inject(NotificationEvents) private readonly notifications: NotificationEvents,
    @Inject(KillSwitchSquareOffRepository) private readonly squareOffs: KillSwitchSquareOffRepository,
  ) {}

  async execute(
    actorId: UserId,
    scope: 'global' | 'user',
    userId: UserId | null,
    engaged: boolean,
    reason: string,
    meta: RequestMeta,
    opts: { squareOff?: boolean } = {},
  ): Promise<KillSwitchStatus> {
    if (opts.squareOff && !engaged) throw new DomainError('VALIDATION_FAILED', 'squareOff is only allowed when engaging the switch');
    let changed = false;
    const cancel: string[] = await this.db.tx(async (sql) => {
      if (scope === 'user' && !(await this.users.exists(userId!, sql))) throw new DomainError('NOT_FOUND', 'No such user');
      const scopeId = scope === 'user' ? userId! : '';
      changed = await this.risk.setSwitch(sql, scope, scopeId, engaged, reason, actorId);
      // The square-off, once per engagement (a repeat adds only users not covered yet).
      let squareOff: { engagementId: string; users: number } | null = null;
      if (opts.squareOff) {
        const engagementId = await this.squareOffs.engagement(sql, scope, scopeId, changed);
        squareOff = { engagementId, users: await this.squareOffs.request(sql, engagementId, scope, userId, actorId) };
      } else if (engaged && changed) {
        await this.squareOffs.engagement(sql, scope, scopeId, true);
      }
      const subject = scope === 'global' ? 'global' : `user:${userId}`;
      // A repeat's request is audited on its own; an engagement's is in its killswitch_engaged audit.
      if (squareOff && !changed)
        await this.audit.append(
          { actorId, action: 'risk.killswitch_square_off_requested', subject, details: { reason, ...squareOff }, meta },
          sql,
        );
      if (!changed) return [];
      await this.risk.recordEvent(
        {
          userId: scope === 'user' ? userId : null,
          kind: engaged ? 'SWITCH_ENGAGED' : 'SWITCH_RELEASED',
          rule: scope === 'global' ? 'GLOBAL_KILL_SWITCH' : 'USER_KILL_SWITCH',
          detail: reason,
          ...(squareOff ? { context: { squareOff: true, ...squareOff } } : {}),
        },
        sql,
      );
      await this.audit.append(
        {
          actorId,
          action: engaged ? 'risk.killswitch_engaged' : 'risk.killswitch_released',
          subject,
          details: squareOff ? { reason, squareOff: true, ...squareOff } : { reason },
          meta,
        },
        sql,
      );
      if (!engaged) return [];
      return this.trading.requestCancelOfOpenOrders(
        sql,
        scope === 'user' ? { userId: userId! } : 'all',
        { by: 'kill switch' },
        { again: true },
      );
    });
    for (const id of cancel) await this.jobs.enqueue(JOBS.cancelOrder, { orderId: id }, { jobId: `cancel_${id}` });
    const payload = { scope, userId, engaged, reason };
    if (scope === 'user') await this.realtime.toUser(userId!, REALTIME_EVENTS.killSwitch, payload);
    else await this.realtime.toRoom('admin', REALTIME_EVENTS.killSwitch, payload);
    // A change (not a repeat) is notified: to the user, or for the global switch to every trader and admin.
    if (changed)
      await this.notifications.emit({
        userId: scope === 'user' ? userId! : { roles: ['trader', 'admin'] },
        key: `kill_switch:${scope}:${scope === 'user' ? userId : 'global'}:${engaged ? 'on' : 'off'}:${Date.now()}`,
        facts: { kind: 'kill_switch', scope, engaged, reason, automatic: false },
      });
    return this.switches.execute(scope === 'user' ? userId! : actorId);
  }
}
