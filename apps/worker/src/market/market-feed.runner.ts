import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { Gauge } from 'prom-client';
import { IST_OFFSET_MS, TIMEFRAMES } from '@tradeloop/domain';
import { BarCloseBus, BucketGatherer } from '../ml/bar-close.bus';
import { APP_CONFIG, closeRedis, createRedis, LOGGER, METRICS, type AppConfig, type Metrics } from '@tradeloop/platform';
import { CandlesRepository, InstrumentsRepository, MarketFeed, SimulatedFeedSource } from '@tradeloop/market';

/**
 * Runs the market feed inside the worker process (never inside a request): the simulated market
 * for now, a broker's feed later, behind the same MarketFeed pipeline. It resumes where the
 * stored candles end, so a restart neither jumps prices nor rewrites today's candles from scratch.
 */
@Injectable()
export class MarketFeedRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private feed: MarketFeed | null = null;
  private redis: Redis | null = null;
  private gatherer: BucketGatherer | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(CandlesRepository) private readonly candles: CandlesRepository,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(BarCloseBus) private readonly bus: BarCloseBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.MARKET_FEED === 'off') {
      this.logger.info('market feed is off (MARKET_FEED=off)');
      return;
    }
    const now = Date.now();
    const todayIst = new Date(now + IST_OFFSET_MS).toISOString().slice(0, 10);
    const [universe, start, resume] = await Promise.all([
      this.instruments.active(todayIst),
      this.candles.lastPrices(now),
      this.candles.candlesContaining(now, TIMEFRAMES),
    ]);
    if (universe.length === 0) {
      this.logger.warn('market feed not started: no instruments (run the seed)');
      return;
    }
    this.redis = createRedis(this.config.REDIS_URL, 'feed', 'tradeloop-worker-feed');
    // Closed bars, gathered per bucket across the universe, go to the signal engine and strategies.
    const gatherer = new BucketGatherer(new Set(TIMEFRAMES), (bars) => void this.bus.emitBars(bars), {
      openIn: (tf, ts) => this.feed?.openIn(tf, ts) ?? [],
      universe: () => this.feed?.symbolCount ?? Number.POSITIVE_INFINITY,
    });
    this.gatherer = gatherer;
    this.bus.onError = (err, what) => this.logger.error({ err: (err as Error).message, what }, 'a bar-close listener failed');
    this.feed = new MarketFeed({
      redis: this.redis,
      candles: this.candles,
      prefix: this.config.REDIS_PREFIX,
      logger: this.logger,
      registry: this.metrics.registry,
      onCandlesClosed: (rows) => gatherer.add(rows),
    });
    const source = new SimulatedFeedSource({
      seed: this.config.MARKET_FEED_SEED,
      instruments: universe,
      start,
      ticksPerSecond: this.config.MARKET_FEED_TICKS_PER_SECOND,
      hours: this.config.MARKET_FEED_HOURS,
    });
    // Ticks the source skipped because this process could not keep up (see SimulatedFeedSource).
    new Gauge({
      name: 'market_feed_source_dropped_ticks',
      help: 'Ticks the simulated source dropped because its loop fell more than a second behind',
      registers: [this.metrics.registry],
      collect() {
        this.set(source.stats.dropped);
      },
    });
    await this.feed.start(source, resume);
    this.logger.info(
      { instruments: universe.length, ticksPerSecond: this.config.MARKET_FEED_TICKS_PER_SECOND, hours: this.config.MARKET_FEED_HOURS },
      'simulated market running',
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.feed?.stop();
    this.gatherer?.stop();
    if (this.redis) await closeRedis(this.redis);
  }
}
