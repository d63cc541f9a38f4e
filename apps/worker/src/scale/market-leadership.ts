import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { APP_CONFIG, LOGGER, PAPER_ORDERS_QUEUE, REDIS, WorkerHost, type AppConfig } from '@tradeloop/platform';
import { LeaderLease } from '../risk/leader-lease';
import { MockFeedBridge } from '../execution/mock-feed.bridge';
import { BrokerSessions } from '../execution/broker-sessions';
import { OrderReconciler } from '../execution/order-reconciler';
import { MarketFeedRunner } from '../market/market-feed.runner';
import { LeaseMetrics } from './lease-metrics';

/** Exit code of a worker that found its market lease taken by another (crash-only step-down). */
export const LOST_LEASE_EXIT_CODE = 75;

/**
 * The market lease (docs/architecture.md "Scale-out"): one worker at a time runs the market feed
 * (and the simulated listing roll), the paper exchange (the mock broker over its Postgres books,
 * the paper session, the paper order queue), and — because closed bars reach them in-process —
 * the signal engine and the strategy runner. The others campaign every third of
 * WORKER_LEASE_TTL_MS; when the holder dies its lease lapses and one of them takes the lot over:
 * it opens the books from Postgres, starts the feed where the stored candles end, consumes the
 * paper queue and reconciles the paper orders at once (fills the last holder's mock made but did
 * not apply to our orders).
 *
 * A holder that finds the lease taken by another (it stalled past the TTL, or lost Redis that
 * long) steps down by exiting at once, as a Kubernetes controller does on losing its election:
 * nothing it runs is built to stop half-way, and a fresh process campaigns like any other. The
 * database still refuses a fill twice (the order's fill arithmetic is idempotent); the lease only
 * keeps the matching in one place.
 */
@Injectable()
export class MarketLeadership implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly lease: LeaderLease;
  private timer: NodeJS.Timeout | null = null;
  private heldNow = false;
  private activation: Promise<void> | null = null;
  private stopped = false;
  /** What a holder does on finding its lease taken: exit (tests replace it). */
  onLost: () => void = () => {
    this.logger.fatal('the market lease is held by another worker now: exiting so that only one runs the market');
    process.exit(LOST_LEASE_EXIT_CODE);
  };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) redis: Redis,
    @Inject(WorkerHost) private readonly host: WorkerHost,
    @Inject(MockFeedBridge) private readonly mock: MockFeedBridge,
    @Inject(BrokerSessions) private readonly sessions: BrokerSessions,
    @Inject(MarketFeedRunner) private readonly feed: MarketFeedRunner,
    @Inject(OrderReconciler) private readonly reconciler: OrderReconciler,
    @Inject(LeaseMetrics) private readonly metrics: LeaseMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.lease = new LeaderLease(redis, `${config.REDIS_PREFIX}:market:leader`, config.WORKER_LEASE_TTL_MS, metrics.identity);
    metrics.set('market', false);
  }

  /** True while this worker holds the market lease. */
  get held(): boolean {
    return this.heldNow && !this.stopped;
  }

  /** Campaigns at once (a lone worker starts the market during its bootstrap), then every third of the TTL. */
  async onApplicationBootstrap(): Promise<void> {
    await this.campaign();
    await this.activation;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => {
        void this.campaign().finally(() => this.schedule());
      },
      Math.floor(this.config.WORKER_LEASE_TTL_MS / 3),
    );
  }

  /** Takes or renews the lease; a Redis error keeps the current state (the next round retries). */
  private async campaign(): Promise<void> {
    if (this.stopped) return;
    let now: boolean;
    try {
      now = await this.lease.hold();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'market lease not renewed (Redis); retrying');
      return;
    }
    if (this.heldNow && !now) {
      this.metrics.set('market', false);
      this.onLost();
      return;
    }
    if (!this.heldNow && now) {
      this.heldNow = true;
      this.metrics.set('market', true);
      this.logger.info(
        { worker: this.metrics.identity },
        'took the market lease: starting the feed, the paper exchange, signals and strategies',
      );
      this.activation = this.activate().catch((err: unknown) => {
        this.logger.fatal({ err }, 'could not start the market after taking its lease: exiting so another worker takes it');
        this.onLost();
      });
    }
  }

  private async activate(): Promise<void> {
    this.sessions.openPaper(await this.mock.open());
    await this.feed.start();
    await this.host.startQueue(PAPER_ORDERS_QUEUE);
    // Fills the last holder's exchange made and did not get to apply, and its orders still PENDING.
    await this.reconciler
      .runOnce()
      .catch((err: unknown) => this.logger.warn({ err }, 'paper reconciliation at takeover failed; the next round retries'));
  }

  /**
   * Hands the lease over on a graceful stop: the paper jobs running finish, the feed and the
   * matching stop, and only then is the lease released, so the next holder never overlaps them.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (!this.heldNow) return;
    await this.activation;
    await this.host.stopQueue(PAPER_ORDERS_QUEUE);
    await this.feed.stop();
    await this.mock.close();
    await this.lease.release().catch(() => undefined);
    this.metrics.set('market', false);
  }
}
