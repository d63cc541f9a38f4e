import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { CreateStrategyRequest, StrategyDto } from '@tradeloop/contracts';
import { DomainError, type FieldError, type UserId } from '@tradeloop/domain';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { Db } from '@tradeloop/platform';
import { TradingAccounts } from '@tradeloop/accounts';
import { InstrumentsRepository } from '@tradeloop/market';
import { ModelsRepository } from '@tradeloop/ml';
import { StrategiesRepository } from './strategies.repository';
import { strategyParams } from './strategy-params';
import { StrategyView } from './strategy-view';

/** A quant creates a strategy (stopped): its kind's params validated, its symbols and model known, its name unique to them; audited. */
@Injectable()
export class CreateStrategyUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(StrategiesRepository) private readonly strategies: StrategiesRepository,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(ModelsRepository) private readonly models: ModelsRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(StrategyView) private readonly view: StrategyView,
    @Inject(TradingAccounts) private readonly accounts: TradingAccounts,
  ) {}

  async execute(userId: UserId, req: CreateStrategyRequest, meta: RequestMeta): Promise<StrategyDto> {
    const params = strategyParams(req.kind, req.params);
    const unknown: FieldError[] = [];
    for (const [i, symbol] of req.symbols.entries())
      if (!(await this.instruments.cachedBySymbol(symbol))) unknown.push({ field: `symbols.${i}`, message: `no instrument ${symbol}` });
    if (unknown.length)
      throw new DomainError('VALIDATION_FAILED', `Unknown symbols: ${unknown.map((u) => u.message.slice(14)).join(', ')}`, {
        fieldErrors: unknown,
      });
    if (req.modelId && !(await this.models.exists(req.modelId))) {
      throw new DomainError('VALIDATION_FAILED', 'No such model', {
        fieldErrors: [{ field: 'modelId', message: 'no registered model has this id' }],
      });
    }
    const row = await this.db.tx(async (sql) => {
      const accountId = await this.accounts.forStrategy(sql, userId, req.mode, req.accountId);
      const r = await this.strategies.insert(sql, {
        id: uuidv7(),
        userId,
        name: req.name,
        kind: req.kind,
        symbols: req.symbols,
        params,
        modelId: req.modelId ?? null,
        mode: req.mode,
        accountId,
        maxPositionUnits: req.maxPositionUnits ?? Math.min(1_000_000, params.quantity * 10),
      });
      if (!r) throw new DomainError('CONFLICT', `You already have a strategy named "${req.name}"`);
      await this.audit.append(
        {
          actorId: userId,
          action: 'strategy.created',
          subject: `strategy:${r.id}`,
          details: {
            name: r.name,
            kind: r.kind,
            symbols: r.symbols,
            params,
            modelId: r.model_id,
            mode: r.mode,
            accountId: r.account_id,
            maxPositionUnits: r.max_position_units,
          },
          meta,
        },
        sql,
      );
      return r;
    });
    return this.view.dto(row);
  }
}
