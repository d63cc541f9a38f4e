import { Inject, Injectable } from '@nestjs/common';
import { asBrokerOrderId, BrokerError } from '@tradeloop/brokers';
import { JOBS, type JobPayload } from '@tradeloop/contracts';
import { isTerminalStatus } from '@tradeloop/domain';
import { type JobHandler } from '@tradeloop/platform';
import { ExecutionService, TradingRepository } from '@tradeloop/trading';
import { BrokerHost } from './broker-host';

/**
 * Carries out a cancel request: an order not yet at the broker is cancelled here; one at the
 * broker is cancelled there, and the broker's CANCELLED update releases the hold. An order that
 * filled meanwhile stays filled (the broker's final error is the answer).
 */
@Injectable()
export class CancelOrderHandler implements JobHandler<typeof JOBS.cancelOrder> {
  readonly job = JOBS.cancelOrder;

  constructor(
    @Inject(ExecutionService) private readonly execution: ExecutionService,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(BrokerHost) private readonly host: BrokerHost,
  ) {}

  async handle(payload: JobPayload<typeof JOBS.cancelOrder>): Promise<string> {
    const order = await this.trading.order(payload.orderId);
    if (!order || isTerminalStatus(order.status)) return 'nothing to do';
    if (order.broker_order_ids.length === 0) {
      await this.execution.cancelledLocally(order.id);
      // A placement in flight may still record ids: then the place job sees the cancel flag or we run again.
      const after = await this.trading.order(order.id);
      if (after && !isTerminalStatus(after.status)) throw new Error('order reached the broker meanwhile; cancel again');
      return 'cancelled before sending';
    }
    for (const id of order.broker_order_ids) {
      try {
        await this.host.adapter.cancelOrder(asBrokerOrderId(id));
      } catch (err) {
        if (!(err instanceof BrokerError) || err.kind !== 'final') throw err;
      }
      const state = await this.host.adapter.getOrder(asBrokerOrderId(id));
      await this.execution.applyReport(order.id, id, state, state.updatedAt);
    }
    return 'cancelled at the broker';
  }
}
