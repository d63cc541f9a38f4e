import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { Counter, Gauge } from 'prom-client';
import { demoIndexLevels, IST_OFFSET_MS, TIMEFRAMES } from '@tradeloop/domain';
import { BarCloseBus, BucketGatherer } from '../ml/bar-close.bus';
import { APP_CONFIG, closeRedis, createRedis, Db, LOGGER, METRICS, type AppConfig, type Metrics } from '@tradeloop/platform';
import {
  CandlesRepository,
  followSteering,
  InstrumentsRepository,
  MarketFeed,
  SimulatedFeedSource,
  type MarketDataSource,
} from '@tradeloop/market';
import { KiteFeedSource, type BrokerFeedStats } from '@tradeloop/brokers';
import { BrokerAccountDirectory } from '@tradeloop/accounts';
import { RollSimulatedListingUseCase } from '@tradeloop/trading';
import type { Instrument } from '@tradeloop/domain';
import { MockFeedBridge } from '../execution/mock-feed.bridge';
import { ListingRoller } from './listing-roller';
import { kiteTokensOf } from './kite-feed.tokens';
import { upstoxFeedSource } from './upstox-feed';
import { openAlgoFeedSource } from './openalgo-feed';

/** How often the simulated feed's process checks whether a new IST day needs the listing rolled. */
const LISTING_CHECK_MS = 60_000;

/**
 * Runs the market feed inside the worker process (never inside a request): the simulated market,
 * or a broker account's live feed (`MARKET_FEED=kite`, through `MARKET_FEED_ACCOUNT_ID`'s
 * session), behind the same MarketFeed pipeline — candles, quotes, depth, fan-out, signals,
 * strategies, risk marks. It resumes where the stored candles end, so a restart neither jumps
 * prices nor rewrites today's candles from scratch.
 *
 * With the simulated market it also owns the simulated listing: at start it rolls it around the
 * stored index levels the feed resumes from, then at each new IST day around the levels the
 * running feed is at (ListingRoller), handing the feed and the paper broker the new contracts.
 *
 * One worker runs it: the holder of the market lease starts it (MarketLeadership), with the
 * paper exchange, the signal engine and the strategies that its closed bars feed in-process.
 */
@Injectable()
export class MarketFeedRunner implements BeforeApplicationShutdown {
  private feed: MarketFeed | null = null;
  private redis: Redis | null = null;
  private gatherer: BucketGatherer | null = null;
  /** The steering seam's subscriber (MARKET_STEERING only). */
  private steeringSub: Redis | null = null;
  /** The simulated listing's daily roll (MARKET_FEED=simulated only). */
  private roller: ListingRoller | null = null;
  private simulated: SimulatedFeedSource | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(CandlesRepository) private readonly candles: CandlesRepository,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(BarCloseBus) private readonly bus: BarCloseBus,
    @Inject(BrokerAccountDirectory) private readonly accounts: BrokerAccountDirectory,
    @Inject(Db) private readonly db: Db,
    @Inject(RollSimulatedListingUseCase) private readonly rollListing: RollSimulatedListingUseCase,
    @Inject(MockFeedBridge) private readonly paperBroker: MockFeedBridge,
  ) {}

  private started = false;
  private stopping: Promise<void> | null = null;

  /** Starts the feed (once per process; the market lease's holder calls it). */
  async start(): Promise<void> {
    if (this.started || this.stopping) return;
    this.started = true;
    if (this.config.MARKET_FEED === 'off') {
      this.logger.info('market feed is off (MARKET_FEED=off)');
      return;
    }
    const now = Date.now();
    const todayIst = new Date(now + IST_OFFSET_MS).toISOString().slice(0, 10);
    const [start, resume] = await Promise.all([this.candles.lastPrices(now), this.candles.candlesContaining(now, TIMEFRAMES)]);
    if (this.config.MARKET_FEED === 'simulated') await this.startListing(start);
    const universe = await this.instruments.active(todayIst);
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
    const source =
      this.config.MARKET_FEED === 'kite'
        ? this.kiteSource(universe)
        : this.config.MARKET_FEED === 'openalgo'
          ? this.openAlgoSource(universe)
          : this.config.MARKET_FEED === 'upstox'
            ? this.upstoxSource(universe)
            : this.simulatedSource(universe, start);
    await this.feed.start(source, resume);
    this.roller?.start(LISTING_CHECK_MS);
  }

  /**
   * The simulated listing's roll at start, around the indices' latest stored closes (where the
   * simulated feed resumes), so strikes near the money are listed however far the index drifted.
   * A failure is logged and retried by the daily check; the feed starts on what is listed.
   */
  private async startListing(start: Awaited<ReturnType<CandlesRepository['lastPrices']>>): Promise<void> {
    this.roller = new ListingRoller({
      now: Date.now,
      roll: (input) => this.rollListing.execute(input),
      universe: (day) => this.instruments.active(day),
      feed: () => this.simulated,
      onListed: (universe) => this.paperBroker.learn(universe),
      onRolled: (r) =>
        this.logger.info(
          { day: r.day, listed: r.added.length, delisted: r.delist.length, keptInUse: r.kept },
          'simulated listing rolled (strikes around the index levels)',
        ),
      onError: (err) => this.logger.error({ err }, 'rolling the simulated listing failed; retrying at the next check'),
    });
    try {
      await this.roller.rollNow(demoIndexLevels(start));
    } catch (err) {
      this.logger.error({ err }, 'rolling the simulated listing at start failed; the feed starts on the stored listing');
    }
  }

  private simulatedSource(universe: Instrument[], start: Awaited<ReturnType<CandlesRepository['lastPrices']>>): MarketDataSource {
    const source = new SimulatedFeedSource({
      seed: this.config.MARKET_FEED_SEED,
      instruments: universe,
      start,
      ticksPerSecond: this.config.MARKET_FEED_TICKS_PER_SECOND,
      hours: this.config.MARKET_FEED_HOURS,
    });
    this.simulated = source;
    if (this.config.MARKET_STEERING && this.redis) {
      // Tests only: POST /api/v1/admin/market/steer pins an instrument's price (docs/api.md "Market steering").
      this.steeringSub = createRedis(this.config.REDIS_URL, 'pubsub', 'tradeloop-worker-steering');
      void followSteering(this.redis, this.steeringSub, this.config.REDIS_PREFIX, source).catch((err: unknown) =>
        this.logger.warn({ err: (err as Error).message }, 'market steering not followed'),
      );
      this.logger.warn('MARKET_STEERING is on: the simulated market follows POST /api/v1/admin/market/steer (tests only)');
    }
    // Ticks the source skipped because this process could not keep up (see SimulatedFeedSource).
    new Gauge({
      name: 'market_feed_source_dropped_ticks',
      help: 'Ticks the simulated source dropped because its loop fell more than a second behind',
      registers: [this.metrics.registry],
      collect() {
        this.set(source.stats.dropped);
      },
    });
    this.logger.info(
      { instruments: universe.length, ticksPerSecond: this.config.MARKET_FEED_TICKS_PER_SECOND, hours: this.config.MARKET_FEED_HOURS },
      'simulated market running',
    );
    return source;
  }

  /** The Kite ticker of MARKET_FEED_ACCOUNT_ID (config guarantees it is set), for every instrument with a Kite token. */
  private kiteSource(universe: Instrument[]): MarketDataSource {
    const accountId = this.config.MARKET_FEED_ACCOUNT_ID!;
    const symbols = universe.map((i) => i.symbol);
    const log = this.logger.child({ feed: 'kite', accountId });
    const source = new KiteFeedSource({
      wsRoot: this.config.KITE_WS_ROOT,
      session: async () => {
        const account = await this.accounts.forExecution(accountId);
        if (!account || account.kind !== 'kite' || account.disabled || account.status !== 'connected' || !account.accessToken) return null;
        return { apiKey: account.credentials['apiKey'] ?? '', accessToken: account.accessToken };
      },
      onAuthLost: async (reason) => {
        await this.accounts.markNeedsLogin(accountId, reason);
      },
      tokens: async () => {
        const tokens = await kiteTokensOf(this.db, symbols);
        if (tokens.size === 0) log.warn('no instrument has a Kite token yet (run the instrument master import): the feed streams nothing');
        return tokens;
      },
      onEvent: (event, details) => log.info(details, `kite feed: ${event}`),
    });
    registerFeedMetrics(this.metrics, 'kite', () => source.feedStats);
    log.info({ instruments: universe.length }, 'kite market feed starting');
    return source;
  }

  /** The OpenAlgo WebSocket proxy of MARKET_FEED_ACCOUNT_ID (openalgo-feed.ts). */
  private openAlgoSource(universe: Instrument[]): MarketDataSource {
    const log = this.logger.child({ feed: 'openalgo', accountId: this.config.MARKET_FEED_ACCOUNT_ID });
    const source = openAlgoFeedSource({ config: this.config, accounts: this.accounts, db: this.db, universe, log });
    registerFeedMetrics(this.metrics, 'openalgo', () => source.feedStats);
    log.info({ instruments: universe.length }, 'openalgo market feed starting');
    return source;
  }

  /** The Upstox market feed v3 of MARKET_FEED_ACCOUNT_ID (upstox-feed.ts). */
  private upstoxSource(universe: Instrument[]): MarketDataSource {
    const log = this.logger.child({ feed: 'upstox', accountId: this.config.MARKET_FEED_ACCOUNT_ID });
    const source = upstoxFeedSource({ config: this.config, accounts: this.accounts, db: this.db, universe, log });
    registerFeedMetrics(this.metrics, 'upstox', () => source.feedStats);
    log.info({ instruments: universe.length }, 'upstox market feed starting');
    return source;
  }

  /** Stops the feed (on shutdown, or before the market lease is given up). Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.stopNow();
    return this.stopping;
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  private async stopNow(): Promise<void> {
    await this.roller?.stop();
    await this.feed?.stop();
    this.gatherer?.stop();
    if (this.steeringSub) await closeRedis(this.steeringSub);
    if (this.redis) await closeRedis(this.redis);
  }
}

/** The broker feed's counters as Prometheus metrics, read at scrape time. */
function registerFeedMetrics(metrics: Metrics, source: string, stats: () => BrokerFeedStats): void {
  const registers = [metrics.registry];
  const counter = (name: string, help: string, read: (s: BrokerFeedStats) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['source'] as const,
      registers,
      // The source keeps the running totals; the scrape copies them.
      collect() {
        this.reset();
        this.inc({ source }, read(stats()));
      },
    });
  counter(
    'market_feed_frames_rejected_total',
    'Broker feed frames that could not be read (truncated, malformed): skipped',
    (s) => s.framesRejected,
  );
  counter('market_feed_packets_skipped_total', 'Broker feed packets of an undocumented kind: skipped', (s) => s.packetsSkipped);
  counter('market_feed_unknown_tokens_total', 'Broker feed ticks for instrument tokens we do not know: skipped', (s) => s.unknownTokens);
  counter(
    'market_feed_shed_ticks_total',
    'Broker feed ticks dropped because they arrived faster than the pipeline took them',
    (s) => s.shed,
  );
  counter('market_feed_connects_total', 'Broker feed sockets opened', (s) => s.connects);
  counter(
    'market_feed_auth_lost_total',
    "Times the broker refused the feed account's session (the account needs a login)",
    (s) => s.authLost,
  );
  new Counter({
    name: 'market_feed_disconnects_total',
    help: 'Broker feed disconnects by reason (close, stall: no frame nor heartbeat in time, error, auth)',
    labelNames: ['source', 'reason'] as const,
    registers,
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(stats().disconnects)) this.inc({ source, reason }, n);
    },
  });
  new Gauge({
    name: 'market_feed_queued_ticks',
    help: 'Broker feed ticks waiting for the pipeline',
    labelNames: ['source'] as const,
    registers,
    collect() {
      this.set({ source }, stats().queued);
    },
  });
  new Gauge({
    name: 'market_feed_waiting_for_login',
    help: '1 while the broker feed waits for its account to log in again',
    labelNames: ['source'] as const,
    registers,
    collect() {
      this.set({ source }, stats().state === 'waiting_for_login' ? 1 : 0);
    },
  });
}
