import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@tradeloop/platform';
import { CandleChunksRepository } from '@tradeloop/market';

const EVERY_MS = 5 * 60_000;

/**
 * Moves closed candle windows from loose rows into chunks, shortly after start and then every
 * five minutes (a 1m window closes once a day, so most runs find nothing). Safe to run in every
 * worker replica at once: each window moves in its own transaction with DELETE … RETURNING.
 */
@Injectable()
export class CandleCompactionLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(CandleChunksRepository) private readonly chunks: CandleChunksRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      this.running = this.runOnce().finally(() => {
        this.running = null;
        if (this.timer) this.timer = setTimeout(tick, EVERY_MS);
      });
    };
    this.timer = setTimeout(tick, 5_000);
  }

  async runOnce(): Promise<void> {
    const started = Date.now();
    try {
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
  }
}
