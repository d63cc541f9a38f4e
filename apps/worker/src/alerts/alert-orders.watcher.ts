import { Inject, Injectable, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { ALERT_ORDER_TAG, AlertPositionsRepository, ProcessDeliveryUseCase, WebhookDeliveriesRepository } from '@tradeloop/alerts';
import { isTerminalStatus } from '@tradeloop/domain';
import { QuotesStore } from '@tradeloop/market';
import { LOGGER } from '@tradeloop/platform';
import { ExecutionService } from '@tradeloop/trading';

/** Shadow positions are marked to market this often (docs/alerts.md "Positions"). */
const MARK_EVERY_MS = 1_000;

/**
 * Alert orders' ends (docs/alerts.md "Processing"): the execution path tells this process about
 * every change to an order tagged `alert` (no polling); when one ends, its delivery is settled
 * (`filled` / `rejected`, real positions opened at the average price). Also marks the open shadow
 * positions to market from the quotes store once a second.
 */
@Injectable()
export class AlertOrdersWatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    @Inject(ExecutionService) private readonly execution: ExecutionService,
    @Inject(ProcessDeliveryUseCase) private readonly process: ProcessDeliveryUseCase,
    @Inject(WebhookDeliveriesRepository) private readonly deliveries: WebhookDeliveriesRepository,
    @Inject(AlertPositionsRepository) private readonly positions: AlertPositionsRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  private readonly listener = (change: { orderId: string; status: string }): void => {
    if (!isTerminalStatus(change.status as never)) return;
    const p = this.deliveries
      .orderedHolding(change.orderId)
      .then((id) => (id ? this.process.settle(id) : undefined))
      .catch((err: unknown) =>
        this.log.warn({ orderId: change.orderId, err: (err as Error).message }, 'alert order not settled; the job retry settles it'),
      );
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  };

  onApplicationBootstrap(): void {
    this.execution.taggedOrderListeners.set(ALERT_ORDER_TAG, this.listener);
    this.timer = setInterval(() => void this.mark(), MARK_EVERY_MS);
    this.timer.unref();
  }

  private async mark(): Promise<void> {
    try {
      const symbols = await this.positions.shadowOpenSymbols();
      if (symbols.length === 0) return;
      const quotes = await this.quotes.get(symbols);
      const at = new Date();
      for (const [symbol, q] of quotes) await this.positions.mark(symbol, q[2], at);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'shadow positions not marked');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.execution.taggedOrderListeners.delete(ALERT_ORDER_TAG);
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
  }
}
