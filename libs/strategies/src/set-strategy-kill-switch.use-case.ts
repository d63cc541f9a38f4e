import { Inject, Injectable } from '@nestjs/common';
import { JOBS, REALTIME_EVENTS, type StrategyDto } from '@tradeloop/contracts';
import type { UserId } from '@tradeloop/domain';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { Db, JobProducer, RealtimePublisher } from '@tradeloop/platform';
import { RiskRepository, TradingRepository } from '@tradeloop/trading';
import { StrategiesRepository } from './strategies.repository';
import { StrategyView } from './strategy-view';

/**
 * The strategy's own switch: engaged, it places nothing new, its working orders are cancelled and
 * its open run ends; released, a running strategy's new run begins (risk event and audit in one transaction).
 */
@Injectable()
export class SetStrategyKillSwitchUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(RiskRepository) private readonly risk: RiskRepository,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(StrategyView) private readonly view: StrategyView,
    @Inject(StrategiesRepository) private readonly strategies: StrategiesRepository,
  ) {}

  async execute(userId: UserId, id: string, engaged: boolean, reason: string, meta: RequestMeta): Promise<StrategyDto> {
    await this.view.owned(userId, id);
    const cancel = await this.db.tx(async (sql) => {
      if (!(await this.risk.setSwitch(sql, 'strategy', id, engaged, reason, userId))) return [];
      await this.risk.recordEvent(
        {
          userId,
          kind: engaged ? 'SWITCH_ENGAGED' : 'SWITCH_RELEASED',
          rule: 'STRATEGY_KILL_SWITCH',
          detail: reason,
          context: { strategyId: id },
        },
        sql,
      );
      await this.audit.append(
        {
          actorId: userId,
          action: engaged ? 'risk.killswitch_engaged' : 'risk.killswitch_released',
          subject: `strategy:${id}`,
          details: { reason },
          meta,
        },
        sql,
      );
      // A halted strategy keeps running but trades nothing: its run ends at the switch (reason
      // kill_switch) and, released while still running, a new run begins (docs/backtests.md "Strategy runs").
      if (!engaged) {
        await this.strategies.openRun(sql, id);
        return [];
      }
      await this.strategies.closeRun(sql, id, 'kill_switch');
      return this.trading.requestCancelOfOpenOrders(sql, { strategyId: id }, { by: 'strategy kill switch' });
    });
    for (const orderId of cancel) await this.jobs.enqueue(JOBS.cancelOrder, { orderId }, { jobId: `cancel_${orderId}` });
    const dto = await this.view.dto(await this.view.owned(userId, id));
    await this.realtime.toUser(userId, REALTIME_EVENTS.strategyUpdated, { strategy: dto });
    return dto;
  }
}
