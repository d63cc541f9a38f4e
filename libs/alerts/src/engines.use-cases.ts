import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  formatMoney,
  MONEY_PROBLEM_MESSAGES,
  tradeValue,
  tryParsePositiveMoney,
  validateEngineAConfig,
  validateEngineBConfig,
  validateExitTierConfig,
  valueToPaise,
  type AlertEngine,
  type EngineLimits,
  type FieldError,
  type Paise,
} from '@tradeloop/domain';
import type { EngineCompareDto, EngineConfigDto, PutEngineConfigRequest } from '@tradeloop/contracts';
import { QuotesStore } from '@tradeloop/market';
import { AlertPositionsRepository, type AlertPositionRow } from './alert-positions.repository';
import { EngineConfigsRepository, type EngineConfig } from './engine-configs.repository';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookSourcesRepository } from './webhook-sources.repository';

const limitsDto = (l: EngineLimits) => ({ maxOpenPositions: l.maxOpenPositions, maxExposure: formatMoney(l.maxExposure) });

export const engineConfigDto = (c: EngineConfig, updatedAt: Date | null): EngineConfigDto => ({
  a: {
    ...c.a,
    allowedSymbols: c.a.allowedSymbols ? [...c.a.allowedSymbols] : null,
    directions: [...c.a.directions],
    limits: limitsDto(c.a.limits),
  },
  b: { ...c.b, weights: { ...c.b.weights }, limits: limitsDto(c.b.limits) },
  exit: { ...c.exit },
  updatedAt: updatedAt ? updatedAt.toISOString() : null,
});

/** GET /api/v1/engines/config: the caller's engine configuration, or the defaults (docs/alerts.md "Engines"). */
@Injectable()
export class GetEngineConfigQuery {
  constructor(@Inject(EngineConfigsRepository) private readonly configs: EngineConfigsRepository) {}

  async execute(userId: string): Promise<EngineConfigDto> {
    const { config, updatedAt } = await this.configs.get(userId);
    return engineConfigDto(config, updatedAt);
  }
}

/**
 * PUT /api/v1/engines/config: the sections given replace the current ones; amounts (rupee strings)
 * become paise before the domain validators run; every problem is a field-named 400
 * (`a.session.from`, `b.weights`, `exit.stopLossPct`…) and nothing is saved.
 */
@Injectable()
export class PutEngineConfigUseCase {
  constructor(@Inject(EngineConfigsRepository) private readonly configs: EngineConfigsRepository) {}

  async execute(userId: string, body: PutEngineConfigRequest): Promise<EngineConfigDto> {
    const { config: current } = await this.configs.get(userId);
    const errors: FieldError[] = [];
    const limits = (l: { maxOpenPositions: number; maxExposure: string }, field: string): EngineLimits => {
      const m = tryParsePositiveMoney(l.maxExposure);
      if (!m.ok) errors.push({ field: `${field}.maxExposure`, message: MONEY_PROBLEM_MESSAGES[m.problem] });
      return { maxOpenPositions: l.maxOpenPositions, maxExposure: m.ok ? m.paise : (1n as Paise) };
    };
    const next: EngineConfig = {
      a: body.a ? { ...body.a, limits: limits(body.a.limits, 'a.limits') } : current.a,
      b: body.b ? { ...body.b, limits: limits(body.b.limits, 'b.limits') } : current.b,
      exit: body.exit ?? current.exit,
    };
    const prefixed = (prefix: string, list: FieldError[]) =>
      list
        .filter((e) => !errors.some((x) => x.field === `${prefix}.${e.field}`))
        .map((e) => ({ ...e, field: e.field ? `${prefix}.${e.field}` : prefix }));
    if (body.a) errors.push(...prefixed('a', validateEngineAConfig(next.a)));
    if (body.b) errors.push(...prefixed('b', validateEngineBConfig(next.b)));
    if (body.exit) errors.push(...prefixed('exit', validateExitTierConfig(next.exit)));
    if (errors.length > 0) throw new DomainError('VALIDATION_FAILED', 'This engine configuration cannot be saved', { fieldErrors: errors });
    const updatedAt = await this.configs.put(userId, next);
    return engineConfigDto(next, updatedAt);
  }
}

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: readonly number[], p: number): number | null =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

/** P&L of a position at `price` (ticks), paise half up. */
const pnlAt = (p: AlertPositionRow, price: number): bigint => {
  const q = Number(p.quantity);
  const diff = valueToPaise(tradeValue(q, price)) - valueToPaise(tradeValue(q, Number(p.entry_price)));
  return p.side === 'BUY' ? diff : -diff;
};

/**
 * GET /api/v1/engines/compare?sourceId=: per engine, its real figures (the deliveries routed to it
 * and the positions they opened) and its shadow figures (its decisions when the other engine was
 * routed, and their shadow positions) — from the stored deliveries and alert_positions. Open
 * positions are valued at the quotes store's LTP (else their last mark, else the entry).
 */
@Injectable()
export class CompareEnginesQuery {
  constructor(
    @Inject(WebhookSourcesRepository) private readonly sources: WebhookSourcesRepository,
    @Inject(WebhookDeliveriesRepository) private readonly deliveries: WebhookDeliveriesRepository,
    @Inject(AlertPositionsRepository) private readonly positions: AlertPositionsRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
  ) {}

  async execute(userId: string, sourceId: string): Promise<EngineCompareDto> {
    const source = await this.sources.byId(sourceId);
    if (!source || source.ownerUserId !== userId) throw new DomainError('NOT_FOUND', 'No such webhook source');
    const [decisions, positions] = await Promise.all([this.deliveries.decisionsOf(sourceId), this.positions.forSource(sourceId)]);
    const openSymbols = [...new Set(positions.filter((p) => p.status === 'open').map((p) => p.symbol))];
    const quotes = openSymbols.length > 0 ? await this.quotes.get(openSymbols) : new Map();
    const figures = (engine: AlertEngine, shadow: boolean) => {
      const mine = decisions.flatMap((d) => {
        const x = shadow ? d.shadowDecision : d.decision;
        return x && x.engine === engine ? [x] : [];
      });
      const enters = mine.filter((x) => x.decision === 'ENTER').length;
      const latencies = mine
        .map((x) => x.latencyMs)
        .filter((n): n is number => typeof n === 'number')
        .sort((a, b) => a - b);
      const rows = positions.filter((p) => p.engine === engine && p.shadow === shadow);
      const closed = rows
        .filter((p) => p.status === 'closed')
        .sort((a, b) => a.closed_at!.getTime() - b.closed_at!.getTime() || (a.id < b.id ? -1 : 1));
      let realized = 0n;
      let peak = 0n;
      let drawdown = 0n;
      let wins = 0;
      for (const p of closed) {
        const r =
          p.realized_pnl_paise !== null ? BigInt(p.realized_pnl_paise) : p.exit_price !== null ? pnlAt(p, Number(p.exit_price)) : 0n;
        if (r > 0n) wins += 1;
        realized += r;
        if (realized > peak) peak = realized;
        if (peak - realized > drawdown) drawdown = peak - realized;
      }
      let open = 0n;
      for (const p of rows) if (p.status === 'open') open += pnlAt(p, quotes.get(p.symbol)?.[2] ?? Number(p.mark_price ?? p.entry_price));
      const total = realized + open;
      if (peak - total > drawdown) drawdown = peak - total;
      return {
        decisions: mine.length,
        enters,
        skips: mine.length - enters,
        positions: rows.length,
        open: rows.length - closed.length,
        closed: closed.length,
        wins,
        winRate: closed.length > 0 ? wins / closed.length : null,
        realizedPnlPaise: realized.toString(),
        openPnlPaise: open.toString(),
        pnlPaise: total.toString(),
        maxDrawdownPaise: drawdown.toString(),
        latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
      };
    };
    return {
      sourceId,
      engines: (['A', 'B'] as const).map((engine) => ({ engine, real: figures(engine, false), shadow: figures(engine, true) })),
    };
  }
}
