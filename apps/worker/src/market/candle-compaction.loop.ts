import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { APP_CONFIG, LOGGER, REDIS, type AppConfig } from '@tradeloop/platform';
import { CandleChunksRepository } from '@tradeloop/market';
import { LeaderLease } from '../risk/leader-lease';
import { LeaseMetrics } from '../scale/lease-metrics';

const EVERY_MS = 5 * 60_000;

/**
 * Moves closed candle windows from loose rows into chunks, shortly after start and then every
 * five minutes (a 1m window closes once a day, so most runs find nothing). One worker at a time
 * runs it (a lease that outlives a round, so it stays with its holder, and moves within a round
 * when the holder dies: docs/architecture.md "Scale-out"). Running it twice would still be safe:
 * each window moves in its own transaction with DELETE … RETURNING.
 */
@Injectable()
export class CandleCompactionLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly lease: LeaderLease;

  constructor(
    @Inject(CandleChunksRepository) private readonly chunks: CandleChunksRepository,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS) redis: Redis,
    @Inject(LeaseMetrics) private readonly metrics: LeaseMetrics,
  ) {
    this.lease = new LeaderLease(redis, `${config.REDIS_PREFIX}:candles:compaction:leader`, EVERY_MS + 60_000, metrics.identity);
    metrics.set('candle-compaction', false);
  }

  onApplicationBootstrap(): void {
    const tick = () => {
      this.running = this.runOnce().finally(() => {
        this.running = null;
        if (this.timer) this.timer = setTimeout(tick, EVERY_MS);
      });
    };
    this.timer = setTimeout(tick, 5_000);
  }

  /** One round, when this worker holds (or takes) the lease. */
  async runOnce(): Promise<void> {
    const started = Date.now();
    try {
      const mine = await this.lease.hold();
      this.metrics.set('candle-compaction', mine);
      if (!mine) return;
      const moved = await this.chunks.compact(Date.now());
      if (moved > 0) this.logger.info({ windows: moved, ms: Date.now() - started }, 'candle windows compacted into chunks');
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'candle compaction failed; retrying next round');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.lease.release().catch(() => undefined);
  }
}
