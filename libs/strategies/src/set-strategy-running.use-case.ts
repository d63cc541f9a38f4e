import { Inject, Injectable } from '@nestjs/common';
import { REALTIME_EVENTS, type StrategyDto } from '@tradeloop/contracts';
import { DomainError, type UserId } from '@tradeloop/domain';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { Db, RealtimePublisher } from '@tradeloop/platform';
import { StrategiesRepository } from './strategies.repository';
import { LIVE_BROKER_CONFIGURED } from './strategy-params';
import { StrategyView } from './strategy-view';

/** Starts or stops one of the user's strategies (a live one only with a live broker configured); audited when it changes. */
@Injectable()
export class SetStrategyRunningUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(StrategiesRepository) private readonly strategies: StrategiesRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(StrategyView) private readonly view: StrategyView,
  ) {}

  async execute(userId: UserId, id: string, running: boolean, meta: RequestMeta): Promise<StrategyDto> {
    const s = await this.view.owned(userId, id);
    if (running && s.mode === 'live' && !LIVE_BROKER_CONFIGURED) {
      throw new DomainError(
        'INVALID_STATE',
        'A live strategy needs a live broker connection, and none is configured for strategies: run it in paper mode',
      );
    }
    await this.db.tx(async (sql) => {
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
