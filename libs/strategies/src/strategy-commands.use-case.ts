import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  JOBS,
  MlSignalParamsSchema,
  REALTIME_EVENTS,
  SmaCrossoverParamsSchema,
  type CreateStrategyRequest,
  type StrategyDto,
} from '@tradeloop/contracts';
import { DomainError, formatMoney, formatPrice, strategyPnl, type FieldError, type UserId } from '@tradeloop/domain';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { Db, JobProducer, RealtimePublisher } from '@tradeloop/platform';
import { InstrumentsRepository, QuotesStore } from '@tradeloop/market';
import { RiskRepository, TradingRepository } from '@tradeloop/trading';
import { ModelsRepository } from '@tradeloop/ml';
import { StrategiesRepository, type StrategyRow } from './strategies.repository';

/** Strategies only trade through the mock broker until a live broker is configured for them. */
export const LIVE_BROKER_CONFIGURED = false;

/** The kind's own params, validated (400 naming `params.<field>`), with defaults filled in. */
export function strategyParams(kind: CreateStrategyRequest['kind'], params: unknown): Record<string, unknown> & { quantity: number } {
  const parsed = (kind === 'sma-crossover' ? SmaCrossoverParamsSchema : MlSignalParamsSchema).safeParse(params);
  if (!parsed.success) {
    const fieldErrors: FieldError[] = parsed.error.issues.map((i) => ({
      field: ['params', ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    throw new DomainError('VALIDATION_FAILED', `Invalid ${kind} params: ${fieldErrors.map((f) => f.field).join(', ')}`, { fieldErrors });
  }
  return parsed.data;
}

/**
 * Create, start, stop, read strategies and pull their kill switch. A strategy belongs to the
 * user who created it; another user's is "not found". Every change is audited.
 */
@Injectable()
export class StrategyCommandsUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(StrategiesRepository) private readonly strategies: StrategiesRepository,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
    @Inject(RiskRepository) private readonly risk: RiskRepository,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(ModelsRepository) private readonly models: ModelsRepository,
  ) {}

  async create(userId: UserId, req: CreateStrategyRequest, meta: RequestMeta): Promise<StrategyDto> {
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
      const r = await this.strategies.insert(sql, {
        id: uuidv7(),
        userId,
        name: req.name,
        kind: req.kind,
        symbols: req.symbols,
        params,
        modelId: req.modelId ?? null,
        mode: req.mode,
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
            maxPositionUnits: r.max_position_units,
          },
          meta,
        },
        sql,
      );
      return r;
    });
    return this.dto(row);
  }

  async list(userId: UserId): Promise<StrategyDto[]> {
    return Promise.all((await this.strategies.ofUser(userId)).map((r) => this.dto(r)));
  }

  async get(userId: UserId, id: string): Promise<StrategyDto> {
    return this.dto(await this.owned(userId, id));
  }

  async setRunning(userId: UserId, id: string, running: boolean, meta: RequestMeta): Promise<StrategyDto> {
    const s = await this.owned(userId, id);
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
    const dto = await this.get(userId, id);
    await this.realtime.toUser(userId, REALTIME_EVENTS.strategyUpdated, { strategy: dto });
    return dto;
  }

  /** The strategy's own switch: engaged, it places nothing new and its working orders are cancelled. */
  async setKillSwitch(userId: UserId, id: string, engaged: boolean, reason: string, meta: RequestMeta): Promise<StrategyDto> {
    await this.owned(userId, id);
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
      if (!engaged) return [];
      return this.trading.requestCancelOfOpenOrders(sql, { strategyId: id }, { by: 'strategy kill switch' });
    });
    for (const orderId of cancel) await this.jobs.enqueue(JOBS.cancelOrder, { orderId }, { jobId: `cancel_${orderId}` });
    const dto = await this.get(userId, id);
    await this.realtime.toUser(userId, REALTIME_EVENTS.strategyUpdated, { strategy: dto });
    return dto;
  }

  private async owned(userId: UserId, id: string): Promise<StrategyRow> {
    const s = await this.strategies.byId(id);
    if (!s || s.user_id !== userId) throw new DomainError('NOT_FOUND', 'No such strategy');
    return s;
  }

  /** The API shape, with P&L from the strategy's own fills at the latest prices. */
  async dto(r: StrategyRow): Promise<StrategyDto> {
    const [fills, orders] = await Promise.all([this.strategies.fills(r.id), this.strategies.orderCount(r.id)]);
    const symbols = [...new Set(fills.map((f) => f.symbol))];
    const quotes = symbols.length ? await this.quotes.get(symbols).catch(() => new Map()) : new Map();
    const marks = new Map(symbols.map((s) => [s, (quotes.get(s)?.[2] as number | undefined) ?? null]));
    const pnl = strategyPnl(fills, marks);
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      symbols: r.symbols,
      params: r.params,
      modelId: r.model_id,
      mode: r.mode,
      status: r.status,
      maxPositionUnits: r.max_position_units,
      killSwitch: { engaged: r.switch_engaged, reason: r.switch_engaged ? r.switch_reason : null },
      lastError: r.last_error,
      lastErrorAt: r.last_error_at?.toISOString() ?? null,
      pnl: {
        realized: formatMoney(pnl.realized),
        unrealized: formatMoney(pnl.unrealized),
        total: formatMoney(pnl.realized + pnl.unrealized),
        charges: formatMoney(pnl.charges),
      },
      positions: pnl.positions.map((p) => ({
        symbol: p.symbol,
        netQuantity: p.netQuantity,
        averagePrice: p.averagePrice === null ? null : formatPrice(p.averagePrice),
        lastPrice: p.mark === null ? null : formatPrice(p.mark),
        unrealizedPnl: formatMoney(p.unrealized),
      })),
      orders,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    };
  }
}
