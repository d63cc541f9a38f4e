import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { JOBS } from '@tradeloop/contracts';
import { asBrokerOrderId } from '@tradeloop/brokers';
import { JobProducer, LOGGER } from '@tradeloop/platform';
import { ExecutionService, TradingRepository } from '@tradeloop/trading';
import { BrokerHost } from './broker-host';

const EVERY_MS = 10_000;

/**
 * Brings our orders in line with the broker's truth, at start and every 10 s: an order at the
 * broker gets the broker's current state applied (a fill pushed while we were down, or lost, is
 * applied now — once, by its fill id); a PENDING order that has waited is put back on the queue
 * (its job looks it up by tag before sending anything). This is what makes a worker killed
 * between the broker's acceptance and our database write end in exactly the broker's truth.
 */
@Injectable()
export class OrderReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(ExecutionService) private readonly execution: ExecutionService,
    @Inject(BrokerHost) private readonly host: BrokerHost,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'order reconciliation failed; next round retries'))
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(tick, EVERY_MS);
        });
    };
    this.timer = setTimeout(tick, 500);
  }

  async runOnce(olderThanMs = 2_000): Promise<{ checked: number; requeued: number }> {
    const orders = await this.trading.unfinished(olderThanMs);
    let requeued = 0;
    for (const o of orders) {
      if (o.broker_order_ids.length === 0) {
        // A fresh job id: the original (completed or failed) one would be ignored by the queue.
        await this.jobs.enqueue(JOBS.placeOrder, { orderId: o.id }, { jobId: `place_${o.id}_r${Date.now()}` });
        requeued += 1;
        continue;
      }
      for (const id of o.broker_order_ids) {
        const state = await this.host.adapter.getOrder(asBrokerOrderId(id));
        await this.execution.applyReport(o.id, id, state, state.updatedAt);
      }
    }
    return { checked: orders.length, requeued };
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
