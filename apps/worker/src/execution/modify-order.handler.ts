import { Inject, Injectable } from '@nestjs/common';
import { asBrokerOrderId, BrokerError } from '@tradeloop/brokers';
import { JOBS, type JobPayload } from '@tradeloop/contracts';
import { isTerminalStatus } from '@tradeloop/domain';
import { JobProducer, type JobHandler } from '@tradeloop/platform';
import { ExecutionService, TradingRepository } from '@tradeloop/trading';
import { BrokerHost } from './broker-host';

/**
 * Carries out a pending modification at the broker. Confirmed: the order takes its new terms
 * and hold (ExecutionService.modified). Refused for good (filled meanwhile, bad for the broker):
 * the order stays as it was, with the reason in its history. Retryable errors retry the job.
 * Repeating the broker call is harmless: it sets the same absolute values again.
 */
@Injectable()
export class ModifyOrderHandler implements JobHandler<typeof JOBS.modifyOrder> {
  readonly job = JOBS.modifyOrder;

  constructor(
    @Inject(ExecutionService) private readonly execution: ExecutionService,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(BrokerHost) private readonly host: BrokerHost,
    @Inject(JobProducer) private readonly jobs: JobProducer,
  ) {}

  async handle(payload: JobPayload<typeof JOBS.modifyOrder>): Promise<string> {
    const order = await this.trading.order(payload.orderId);
    const change = order?.pending_modification;
    if (!order || !change) return 'nothing to do';
    if (isTerminalStatus(order.status) || order.broker_order_ids.length !== 1) {
      await this.execution.modificationRejected(
        order.id,
        isTerminalStatus(order.status) ? `the order is ${order.status}` : 'a sliced order cannot be modified',
      );
      return 'refused here';
    }
    const id = order.broker_order_ids[0]!;
    try {
      await this.host.adapter.modifyOrder(asBrokerOrderId(id), change);
    } catch (err) {
      if (!(err instanceof BrokerError) || err.kind !== 'final') throw err;
      await this.execution.modificationRejected(order.id, err.brokerMessage ?? err.message);
      // The broker's view (e.g. it filled meanwhile) is applied too.
      const state = await this.host.adapter.getOrder(asBrokerOrderId(id));
      await this.execution.applyReport(order.id, id, state, state.updatedAt);
      return 'refused by the broker';
    }
    const { cancel } = await this.execution.modified(order.id);
    if (cancel) await this.jobs.enqueue(JOBS.cancelOrder, { orderId: order.id }, { jobId: `cancel_${order.id}` });
    return cancel ? 'modified, then cancelled for want of funds' : 'modified';
  }
}
