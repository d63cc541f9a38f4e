import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { REALTIME_EVENTS, SIGNALS_ROOM } from '@tradeloop/contracts';
import { candleAt, IST_OFFSET_MS, type Candle, type Timeframe } from '@tradeloop/domain';
import {
  APP_CONFIG,
  closeRedis,
  createRedis,
  LOGGER,
  METRICS,
  NotificationEvents,
  RealtimePublisher,
  type AppConfig,
  type Metrics,
} from '@tradeloop/platform';
import { CandlesRepository, InstrumentsRepository } from '@tradeloop/market';
import { RiskRepository } from '@tradeloop/trading';
import { LIVE_MODELS, MODEL_SCORER, modelsChangedChannel, SignalEngine, SignalsRepository, type DriftAlert, type LiveModels, type LiveModelSource, type ModelScorer } from '@tradeloop/ml';
import { BarCloseBus } from './bar-close.bus';

/** The registry is re-read this often even without a change message (a lost message, a restart). */
export const MODELS_POLL_MS = 5_000;
/** Symbols whose history is read at once while priming. */
const PRIME_CONCURRENCY = 4;

/**
 * Runs the SignalEngine in the worker that runs the market feed: closed buckets in, stored and
 * pushed signals out (to the quant/admin/compliance room and, in-process, to the strategies).
 * Keeps the running models in step with the registry (a Redis message on every stage change,
 * and a poll as a safety net). Buckets of one timeframe are handled one after another.
 */
@Injectable()
export class SignalEngineRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private engine: SignalEngine | null = null;
  private subscriber: Redis | null = null;
  private poll: NodeJS.Timeout | null = null;
  private reloading: Promise<void> = Promise.resolve();
  private lastModels = '';
  private readonly chains = new Map<Timeframe, Promise<void>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BarCloseBus) private readonly bus: BarCloseBus,
    @Inject(LIVE_MODELS) private readonly registry: LiveModels,
    @Inject(MODEL_SCORER) private readonly scorer: ModelScorer,
    @Inject(SignalsRepository) private readonly signals: SignalsRepository,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(RiskRepository) private readonly risk: RiskRepository,
    @Inject(CandlesRepository) private readonly candles: CandlesRepository,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(NotificationEvents) private readonly notifications: NotificationEvents,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.MARKET_FEED === 'off') return;
    this.engine = new SignalEngine({
      score: (model, rows, n) => this.scorer.score(model, rows, n),
      store: (batches) => this.signals.insertBatches(batches),
      publish: (s) => this.realtime.toRoomBatched(SIGNALS_ROOM, REALTIME_EVENTS.signal, s.map((signal) => ({ signal }))),
      history: (tf, before, count) => this.history(tf, before, count),
      drift: (a) => this.recordDrift(a),
      logger: this.logger,
      registry: this.metrics.registry,
    });
    this.bus.onBars((bars) => {
      const engine = this.engine;
      if (!engine) return;
      // One bucket of a timeframe at a time; the strategies get the signals once stored.
      const next = (this.chains.get(bars.timeframe) ?? Promise.resolve())
        .then(() => engine.onBucket(bars))
        .then((out) => this.bus.emitSignals(out))
        .catch((err: unknown) => this.logger.error({ err: (err as Error).message, timeframe: bars.timeframe, ts: bars.ts }, 'signals for a bucket failed'));
      this.chains.set(bars.timeframe, next);
    });
    this.subscriber = createRedis(this.config.REDIS_URL, 'pubsub', 'tradeloop-worker-models');
    this.subscriber.on('message', () => this.reload());
    await this.subscriber.subscribe(modelsChangedChannel(this.config.REDIS_PREFIX)).catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'models-changed subscription failed; polling only'));
    this.poll = setInterval(() => this.reload(), MODELS_POLL_MS);
    this.reload();
    await this.reloading;
  }

  /** Re-reads production and shadow models; the engine is told only when they changed. */
  reload(): void {
    this.reloading = this.reloading
      .then(async () => {
        const models = await this.registry.liveModels();
        const key = models.map((m) => `${m.id}:${m.stage}`).sort().join(',');
        if (key === this.lastModels) return;
        this.lastModels = key;
        await this.engine?.setModels(models);
        await this.scorer.retain?.(models);
      })
      .catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'reading live models failed; retrying on the next poll'));
  }

  /** Waits for a reload in progress (tests). */
  settled(): Promise<void> {
    return this.reloading;
  }

  private async history(timeframe: Timeframe, before: number, count: number): Promise<Map<string, Candle[]>> {
    const today = new Date(Date.now() + IST_OFFSET_MS).toISOString().slice(0, 10);
    const symbols = (await this.instruments.active(today)).map((i) => i.symbol);
    const out = new Map<string, Candle[]>();
    const to = new Date(before).toISOString();
    let next = 0;
    const worker = async () => {
      while (next < symbols.length) {
        const symbol = symbols[next++]!;
        const c = await this.candles.range({ symbol, timeframe, to, limit: count });
        if (c.length === 0) continue;
        out.set(symbol, Array.from({ length: c.length }, (_, i) => candleAt(c, i)));
      }
    };
    await Promise.all(Array.from({ length: PRIME_CONCURRENCY }, worker));
    return out;
  }

  private async recordDrift(a: DriftAlert): Promise<void> {
    const m: LiveModelSource = a.model;
    const day = new Date().toISOString().slice(0, 10);
    // Once per model, feature and UTC day, across restarts too.
    const seen = await this.risk.hasDriftEvent(m.id, a.feature, day);
    if (seen) return;
    await this.risk.recordEvent({
      userId: null,
      kind: 'DRIFT',
      rule: 'MODEL_DRIFT',
      detail: `${m.name} v${m.version} (${m.stage}): live ${a.feature} has drifted from its training distribution (PSI ${a.psi.toFixed(3)} over the last ${a.values} values; alert above 0.25)`,
      context: { modelId: m.id, model: m.name, version: m.version, stage: m.stage, feature: a.feature, psi: a.psi, values: a.values, day, barTs: new Date(a.ts).toISOString() },
    });
    this.logger.warn({ model: m.id, feature: a.feature, psi: a.psi }, 'model drift: risk event recorded');
    // Models belong to no one user: quants and admins are told (docs/alerts.md "Notifications"), once per model, feature and day.
    await this.notifications.emit({
      userId: { roles: ['quant', 'admin'] },
      key: `drift:${m.id}:${a.feature}:${day}`,
      facts: { kind: 'drift', model: m.name, version: m.version, feature: a.feature, psi: a.psi },
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.poll) clearInterval(this.poll);
    await Promise.all(this.chains.values());
    if (this.subscriber) await closeRedis(this.subscriber);
  }
}
