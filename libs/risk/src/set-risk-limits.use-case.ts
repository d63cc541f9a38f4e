import { Inject, Injectable } from '@nestjs/common';
import { DomainError, parsePositiveMoney, type UserId } from '@tradeloop/domain';
import type { RiskLimitsDto, UpdateRiskLimitsRequest } from '@tradeloop/contracts';
import { Db } from '@tradeloop/platform';
import { AuditRepository, UsersRepository, type RequestMeta } from '@tradeloop/identity';
import { RiskRepository, type UserRiskLimits } from '@tradeloop/trading';
import { riskLimitsDto } from './risk-queries';

const money = (v: string, field: string) => (v === '0' || /^0(\.0{1,2})?$/.test(v) ? 0n : parsePositiveMoney(v, field));

/** An admin sets a user's limits (docs/api.md "Risk"); absent optional settings keep their current value. */
@Injectable()
export class SetRiskLimitsUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(RiskRepository) private readonly risk: RiskRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async execute(actorId: UserId, userId: UserId, body: UpdateRiskLimitsRequest, meta: RequestMeta): Promise<RiskLimitsDto> {
    const limits: Omit<UserRiskLimits, 'squareOffOnTrip' | 'maxDrawdown'> = {
      maxOrderValue: money(body.maxOrderValue, 'maxOrderValue'),
      maxPositionValue: money(body.maxPositionValue, 'maxPositionValue'),
      maxOpenOrders: body.maxOpenOrders,
      maxDailyLoss: money(body.maxDailyLoss, 'maxDailyLoss'),
      maxOrdersPerMinute: body.maxOrdersPerMinute,
    };
    await this.db.tx(async (sql) => {
      if (!(await this.users.exists(userId, sql))) throw new DomainError('NOT_FOUND', 'No such user');
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
    return riskLimitsDto(await this.risk.limits(userId));
  }
}
