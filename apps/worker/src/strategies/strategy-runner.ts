import { Inject, Injectable, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { REALTIME_EVENTS } from '@tradeloop/contracts';
import {
  bucketStart,
  candleAt,
  createStrategy,
  isDomainError,
  STRATEGY_KIND_NAMES,
  type Candle,
  type OrderIntent,
  type SmaCrossoverParams,
  type Strategy,
  type Timeframe,
} from '@tradeloop/domain';
import { Gauge } from 'prom-client';
import { APP_CONFIG, LOGGER, METRICS, RealtimePublisher, REDIS, type AppConfig, type Metrics } from '@tradeloop/platform';
import { CandlesRepository } from '@tradeloop/market';
import { PlaceOrderUseCase, RiskRepository } from '@tradeloop/trading';
import { StrategiesRepository, StrategyView, type StrategyRow } from '@tradeloop/strategies';
import { BarCloseBus, type ClosedBars, type SignalBatch } from '../ml/bar-close.bus';
import { LeaderLease } from '../risk/leader-lease';
import { MarketLeadership } from '../scale/market-leadership';

/** Running strategies are re-read this often (a start or stop takes effect within it). */
export const REFRESH_MS = 2_000;
const LEASE_TTL_MS = 6_000;

interface Running {
  row: StrategyRow;
  strategy: Strategy;
  /** What the instance was built from: a changed row rebuilds it. */
  version: string;
}

/**
 * Runs the users' strategies in the worker (one replica at a time: the holder of the market
 * lease, where the feed's closed bars and the signal engine's signals arrive in-process; built
 * without it, as tests do, by a Redis lease of its own). Closed
 * bars feed sma-crossover strategies of that timeframe; stored production signals feed the
 * ml-signal strategies of that model. Each intent becomes a MARKET order through the normal
 * order intake (risk, wallet, kill switches incl. the strategy's own), tagged with the strategy
 * and the signal, under an Idempotency-Key of (strategy, symbol, bar): a worker restarted in the
 * middle of a bar, or a bar seen twice, places it once. A refused order is recorded on the
 * strategy, which keeps running. Events are handled one at a time, so exposure read for one
 * intent already includes the orders of the previous one.
 */
@Injectable()
export class StrategyRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly running = new Map<string, Running>();
  private readonly lease: LeaderLease;
  private leader = false;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  /** `strategies_running{kind}`: the instances this worker runs (0 on a worker without the lease). */
  private readonly gauge: Gauge<'kind'> | null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BarCloseBus) private readonly bus: BarCloseBus,
    @Inject(StrategiesRepository) private readonly strategies: StrategiesRepository,
    @Inject(StrategyView) private readonly view: StrategyView,
    @Inject(PlaceOrderUseCase) private readonly place: PlaceOrderUseCase,
    @Inject(CandlesRepository) private readonly candles: CandlesRepository,
    @Inject(RiskRepository) private readonly risk: RiskRepository,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(REDIS) redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(MarketLeadership) private readonly market: MarketLeadership | null = null,
    @Optional() @Inject(METRICS) metrics: Metrics | null = null,
  ) {
    this.lease = new LeaderLease(redis, `${config.REDIS_PREFIX}:strategies:leader`, LEASE_TTL_MS);
    this.gauge = metrics
      ? new Gauge({
          name: 'strategies_running',
          help: 'Running strategies this worker has instances of, by kind (a strategy started in the API trades once it is counted here)',
          labelNames: ['kind'] as const,
          registers: [metrics.registry],
        })
      : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.MARKET_FEED === 'off') return;
    this.bus.onBars((b) => this.serially(() => this.onBars(b)));
    this.bus.onSignals((s) => this.serially(() => this.onSignals(s)));
    await this.refresh();
    this.timer = setInterval(() => void this.serially(() => this.refresh()), REFRESH_MS);
  }

  private serially(work: () => Promise<void>): Promise<void> {
    this.chain = this.chain
      .then(work)
      .catch((err: unknown) => this.logger.error({ err: (err as Error).message }, 'strategy runner step failed'));
    return this.chain;
  }

  /** Takes or keeps the lease; (re)builds instances of running strategies, drops stopped ones. */
  async refresh(): Promise<void> {
    if (this.stopped) return;
    this.leader = this.market ? this.market.held : await this.lease.hold().catch(() => false);
    if (!this.leader) {
      this.running.clear();
      this.count();
      return;
    }
    const rows = await this.strategies.running();
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.id);
      const version = `${row.updated_at.getTime()}|${JSON.stringify(row.params)}|${row.symbols.join(',')}`;
      const current = this.running.get(row.id);
      if (current?.version === version) {
        current.row = row;
        continue;
      }
      try {
        this.running.set(row.id, { row, strategy: await this.build(row), version });
        this.logger.info({ strategy: row.id, kind: row.kind, symbols: row.symbols.length }, 'strategy running');
      } catch (err) {
        // A strategy that cannot be built stops (its run ends with reason error) rather than retrying every refresh.
        await this.strategies.stopForError(row.id, `could not start: ${(err as Error).message}`);
        await this.announce(row);
      }
    }
    for (const id of [...this.running.keys()]) if (!seen.has(id)) this.running.delete(id);
    this.count();
  }

  private count(): void {
    if (!this.gauge) return;
    const byKind = new Map<string, number>(STRATEGY_KIND_NAMES.map((k) => [k, 0]));
    for (const r of this.running.values()) byKind.set(r.row.kind, (byKind.get(r.row.kind) ?? 0) + 1);
    for (const [kind, n] of byKind) this.gauge.set({ kind }, n);
  }

  private async build(row: StrategyRow): Promise<Strategy> {
    if (row.kind === 'ml-signal') return createStrategy(row.kind, row.params);
    const params = row.params as unknown as SmaCrossoverParams & { timeframe: Timeframe };
    const s = createStrategy(row.kind, row.params);
    // Warmed from closed history, so a restart knows which side of the cross it is on.
    const to = new Date(bucketStart(Date.now(), params.timeframe)).toISOString();
    for (const symbol of row.symbols) {
      const c = await this.candles.range({ symbol, timeframe: params.timeframe, to, limit: params.slow + 2 });
      const bars: Candle[] = Array.from({ length: c.length }, (_, i) => candleAt(c, i));
      s.warm(symbol, bars);
    }
    return s;
  }

  private async onBars(b: ClosedBars): Promise<void> {
    for (const r of this.running.values()) {
      if (r.row.kind !== 'sma-crossover' || (r.row.params as { timeframe?: string }).timeframe !== b.timeframe) continue;
      const exposure = await this.strategies.exposure(r.row.id);
      for (const symbol of r.row.symbols) {
        const bar = b.bars.get(symbol);
        if (!bar) continue;
        const intent = r.strategy.onBar(symbol, bar, exposure.get(symbol) ?? 0);
        if (intent) await this.act(r.row, intent, b.ts, exposure);
      }
    }
  }

  private async onSignals(batch: SignalBatch): Promise<void> {
    for (const r of this.running.values()) {
      if (r.row.kind !== 'ml-signal') continue;
      // Shadow models record signals and never trade.
      const mine = batch.signals.filter(
        (s) => s.modelId === r.row.model_id && s.stage === 'production' && r.row.symbols.includes(s.symbol),
      );
      if (mine.length === 0) continue;
      const exposure = await this.strategies.exposure(r.row.id);
      for (const s of mine) {
        const intent = r.strategy.onSignal(
          { id: s.id, symbol: s.symbol, ts: Date.parse(s.ts), signal: s.signal, score: s.score },
          exposure.get(s.symbol) ?? 0,
        );
        if (intent) await this.act(r.row, intent, Date.parse(s.ts), exposure);
      }
    }
  }

  /** One intent → one order through the normal intake; refusals are recorded, never thrown. */
  private async act(row: StrategyRow, intent: OrderIntent, barTs: number, exposure: Map<string, number>): Promise<void> {
    const position = exposure.get(intent.symbol) ?? 0;
    const after = position + (intent.side === 'BUY' ? intent.quantity : -intent.quantity);
    if (Math.abs(after) > row.max_position_units && Math.abs(after) > Math.abs(position)) {
      const detail = `${row.name}: ${intent.side} ${intent.quantity} ${intent.symbol} would hold ${after} units; the strategy's limit is ${row.max_position_units}`;
      await this.risk.recordEvent({
        userId: row.user_id,
        kind: 'REJECTED',
        rule: 'STRATEGY_POSITION_LIMIT',
        detail,
        context: { strategyId: row.id, symbol: intent.symbol, side: intent.side, quantity: intent.quantity },
      });
      await this.strategies.recordError(row.id, detail);
      await this.announce(row);
      return;
    }
    const key = `strategy:${row.id}:${intent.symbol}:${barTs}`;
    try {
      const res = await this.place.execute(
        row.user_id,
        {
          symbol: intent.symbol,
          side: intent.side,
          type: 'MARKET',
          quantity: intent.quantity,
          product: 'MIS',
          validity: 'DAY',
          tag: 'strategy',
          // The strategy's own account: never the user's default, which may be live while the strategy is paper.
          ...(row.account_id ? { accountId: row.account_id } : {}),
        },
        key,
        { requestId: `strategy-${row.id}`, userAgent: `strategy ${row.kind}` },
        { strategyId: row.id, ...(intent.signalId ? { signalId: intent.signalId } : {}) },
      );
      if (!res.replayed) exposure.set(intent.symbol, after);
      await this.strategies.clearError(row.id);
      this.logger.info(
        {
          strategy: row.id,
          symbol: intent.symbol,
          side: intent.side,
          quantity: intent.quantity,
          order: res.body.order.id,
          replayed: res.replayed,
          reason: intent.reason,
        },
        'strategy order placed',
      );
    } catch (err) {
      if (!isDomainError(err)) throw err;
      // Risk refusals are on record as risk events already (the intake writes them); the strategy keeps running.
      await this.strategies.recordError(row.id, `${intent.side} ${intent.quantity} ${intent.symbol} refused (${err.code}): ${err.message}`);
    }
    await this.announce(row);
  }

  private async announce(row: StrategyRow): Promise<void> {
    const fresh = await this.strategies.byId(row.id);
    if (fresh) await this.realtime.toUser(row.user_id, REALTIME_EVENTS.strategyUpdated, { strategy: await this.view.dto(fresh) });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.chain;
    if (this.leader) await this.lease.release().catch(() => undefined);
  }
}
