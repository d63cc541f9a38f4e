import { Inject, Injectable } from '@nestjs/common';
import { JOBS, type JobPayload } from '@tradeloop/contracts';
import { JobProducer, type JobHandler } from '@tradeloop/platform';
import { BrokerSessions } from './broker-sessions';

/**
 * Carries out a pending modification through the order's account session. Confirmed: the order
 * takes its new terms and hold; should the larger hold no longer be there, the order is
 * cancelled. Refused for good: the order stays as it was, with the reason in its history.
 */
@Injectable()
export class ModifyOrderHandler implements JobHandler<typeof JOBS.modifyOrder> {
  readonly job = JOBS.modifyOrder;

  constructor(
    @Inject(BrokerSessions) private readonly sessions: BrokerSessions,
    @Inject(JobProducer) private readonly jobs: JobProducer,
  ) {}

  async handle(payload: JobPayload<typeof JOBS.modifyOrder>): Promise<string> {
    const outcome = await (await this.sessions.forOrder(payload.orderId)).modify(payload.orderId);
    if (outcome !== 'modified, cancel') return outcome;
    await this.jobs.enqueue(JOBS.cancelOrder, { orderId: payload.orderId }, { jobId: `cancel_${payload.orderId}` });
    return 'modified, then cancelled for want of funds';
  }
}
