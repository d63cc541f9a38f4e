import { Inject, Injectable } from '@nestjs/common';
import type { StrategyDto } from '@tradeloop/contracts';
import {
  bucketStart,
  DomainError,
  formatMoney,
  formatPrice,
  strategyPnl,
  TIMEFRAME_MS,
  type Timeframe,
  type UserId,
} from '@tradeloop/domain';
import { CandlesRepository, QuotesStore } from '@tradeloop/market';
import { SignalsRepository } from '@tradeloop/ml';
import { StrategiesRepository, type StrategyRow } from './strategies.repository';

/**
 * How a strategy is read: its owner's only (another user's is "not found"), in the API shape with
 * P&L from its own fills at the latest prices. Shared by the strategy use cases and the runner.
 */
@Injectable()
export class StrategyView {
  constructor(
    @Inject(StrategiesRepository) private readonly strategies: StrategiesRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
    @Inject(CandlesRepository) private readonly candles: CandlesRepository,
    @Inject(SignalsRepository) private readonly signals: SignalsRepository,
  ) {}

  /** Whether the strategy can decide yet (StrategySchema `readiness`). */
  async readiness(r: StrategyRow, now = Date.now()): Promise<StrategyDto['readiness']> {
    if (r.kind === 'ml-signal') {
      const [latest] = r.model_id ? await this.signals.list({ modelId: r.model_id, limit: 1 }) : [];
      return { state: 'ready', timeframe: null, barsNeeded: 0, barsHave: 0, lastBarAt: latest?.ts ?? null };
    }
    const params = r.params as { slow?: number; timeframe?: Timeframe };
    const timeframe = params.timeframe ?? '1m';
    const needed = params.slow ?? 0;
    const to = new Date(bucketStart(now, timeframe)).toISOString();
    const counts = await Promise.all(
      r.symbols.map(async (symbol) => {
        const c = await this.candles.range({ symbol, timeframe, to, limit: Math.max(needed, 1) });
        return { bars: c.length, last: c.length > 0 ? c.ts[c.length - 1]! : null };
      }),
    );
    const barsHave = Math.min(...counts.map((c) => c.bars));
    const lastStart = Math.max(...counts.map((c) => c.last ?? -Infinity));
    return {
      state: barsHave >= needed ? 'ready' : 'warming',
      timeframe,
      barsNeeded: needed,
      barsHave: Math.min(barsHave, needed),
      lastBarAt: Number.isFinite(lastStart) ? new Date(lastStart + TIMEFRAME_MS[timeframe]).toISOString() : null,
    };
  }

  async owned(userId: UserId, id: string): Promise<StrategyRow> {
    const s = await this.strategies.byId(id);
    if (!s || s.user_id !== userId) throw new DomainError('NOT_FOUND', 'No such strategy');
    return s;
  }

  /** The API shape, with P&L from the strategy's own fills at the latest prices. */
  async dto(r: StrategyRow): Promise<StrategyDto> {
    const [fills, orders, readiness] = await Promise.all([
      this.strategies.fills(r.id),
      this.strategies.orderCount(r.id),
      this.readiness(r),
    ]);
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
      accountId: r.account_id,
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
      readiness,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    };
  }
}
