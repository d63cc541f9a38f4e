import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@tradeloop/platform';
import { LedgerSealer } from '@tradeloop/wallet';

const INTERVAL_MS = 200;

/**
 * Keeps the ledger's hash chain current: every 200 ms it seals what committed since. Several
 * workers may run it; the sealer's advisory lock lets one seal at a time.
 */
@Injectable()
export class LedgerSealerLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(LedgerSealer) private readonly sealer: LedgerSealer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sealer
        .sealAll()
        .then((n) => {
          if (n > 0) this.logger.debug({ sealed: n }, 'ledger sealed');
        })
        .catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'ledger sealing failed; will retry'))
        .finally(() => {
          this.running = undefined;
        });
    }, INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
