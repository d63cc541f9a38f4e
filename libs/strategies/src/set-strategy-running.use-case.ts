import { Inject, Injectable } from '@nestjs/common';
import { REALTIME_EVENTS, type StrategyDto } from '@tradeloop/contracts';
import { DomainError, type UserId } from '@tradeloop/domain';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { Db, RealtimePublisher } from '@tradeloop/platform';
import { TradingAccounts } from '@tradeloop/accounts';
import { StrategiesRepository } from './strategies.repository';
import { StrategyView } from './strategy-view';

/** Starts or stops one of the user's strategies (only while its broker account can trade); audited when it changes. */
@Injectable()
export class SetStrategyRunningUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(StrategiesRepository) private readonly strategies: StrategiesRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(StrategyView) private readonly view: StrategyView,
    @Inject(TradingAccounts) private readonly accounts: TradingAccounts,
  ) {}

  async execute(userId: UserId, id: string, running: boolean, meta: RequestMeta): Promise<StrategyDto> {
    const s = await this.view.owned(userId, id);
    await this.db.tx(async (sql) => {
      if (running) {
        // It trades its account: one that cannot trade now (needs a login, disabled) is a 409 naming it, as for an order.
        if (!s.account_id)
          throw new DomainError(
            'INVALID_STATE',
            'This live strategy has no broker account: create it again with the live account it trades',
          );
        await this.accounts.forOrder(sql, userId, s.account_id);
      }
      if (await this.strategies.setStatus(sql, id, running ? 'running' : 'stopped')) {
        await this.audit.append(
          {
            actorId: userId,
            action: running ? 'strategy.started' : 'strategy.stopped',
            subject: `strategy:${id}`,
            details: { name: s.name },
            meta,
          },
          sql,
        );
      }
    });
    const dto = await this.view.dto(await this.view.owned(userId, id));
    await this.realtime.toUser(userId, REALTIME_EVENTS.strategyUpdated, { strategy: dto });
    return dto;
  }
}
