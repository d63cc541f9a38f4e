import { Inject, Injectable } from '@nestjs/common';
import { DomainError, formatMoney, type UserId } from '@tradeloop/domain';
import type { AdminKillSwitchStatus, KillSwitchStatus, RiskEvent, RiskLimitsDto } from '@tradeloop/contracts';
import { UsersRepository } from '@tradeloop/identity';
import { RiskRepository, type SwitchRow, type UserRiskLimits } from '@tradeloop/trading';

// The read side of risk (docs/api.md "Risk"): one query per operation.

export const switchStateDto = (r: SwitchRow) => ({
  engaged: r.engaged,
  reason: r.reason,
  at: r.changed_at ? r.changed_at.toISOString() : null,
});

export const riskLimitsDto = (l: UserRiskLimits): RiskLimitsDto => ({
  maxOrderValue: formatMoney(l.maxOrderValue),
  maxPositionValue: formatMoney(l.maxPositionValue),
  maxOpenOrders: l.maxOpenOrders,
  maxDailyLoss: formatMoney(l.maxDailyLoss),
  maxOrdersPerMinute: l.maxOrdersPerMinute,
  maxDrawdown: l.maxDrawdown === null ? null : formatMoney(l.maxDrawdown),
  squareOffOnTrip: l.squareOffOnTrip,
});

/** A user's limits (the defaults until an admin sets some). `mustExist` (an admin's read of another user): 404 when there is no such user. */
@Injectable()
export class GetRiskLimitsQuery {
  constructor(
    @Inject(RiskRepository) private readonly risk: RiskRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
  ) {}

  async execute(userId: UserId, opts: { mustExist?: boolean } = {}): Promise<RiskLimitsDto> {
    if (opts.mustExist && !(await this.users.exists(userId))) throw new DomainError('NOT_FOUND', 'No such user');
    return riskLimitsDto(await this.risk.limits(userId));
  }
}

/** The switches that apply to a trader: the global one and their own. */
@Injectable()
export class GetKillSwitchesQuery {
  constructor(@Inject(RiskRepository) private readonly risk: RiskRepository) {}

  async execute(userId: UserId): Promise<KillSwitchStatus> {
    const s = await this.risk.switches(userId);
    return { global: switchStateDto(s.global), self: switchStateDto(s.user) };
  }
}

/** An admin's read of the global switch and, when named, one user's (404 if there is no such user). */
@Injectable()
export class GetAdminKillSwitchesQuery {
  constructor(
    @Inject(RiskRepository) private readonly risk: RiskRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
  ) {}

  async execute(userId: UserId | undefined): Promise<AdminKillSwitchStatus> {
    if (userId && !(await this.users.exists(userId))) throw new DomainError('NOT_FOUND', 'No such user');
    const s = await this.risk.switches(userId ?? '');
    return { global: switchStateDto(s.global), user: userId ? switchStateDto(s.user) : null };
  }
}

/** Risk events, newest first: one user's, or everyone's (null) for admins and compliance. */
@Injectable()
export class ListRiskEventsQuery {
  constructor(@Inject(RiskRepository) private readonly risk: RiskRepository) {}

  async execute(userId: UserId | null, limit = 100): Promise<RiskEvent[]> {
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
