import { Inject, Injectable } from '@nestjs/common';
import { JOBS, type JobPayload } from '@tradeloop/contracts';
import { type JobHandler } from '@tradeloop/platform';
import { BrokerSessions } from './broker-sessions';

/**
 * Carries out a cancel request through the order's account session: an order not yet at the
 * broker is cancelled here; one at the broker is cancelled there, and the broker's CANCELLED
 * report releases the hold. An order that filled meanwhile stays filled.
 */
@Injectable()
export class CancelOrderHandler implements JobHandler<typeof JOBS.cancelOrder> {
  readonly job = JOBS.cancelOrder;

  constructor(@Inject(BrokerSessions) private readonly sessions: BrokerSessions) {}

  async handle(payload: JobPayload<typeof JOBS.cancelOrder>): Promise<string> {
    return (await this.sessions.forOrder(payload.orderId)).cancel(payload.orderId);
  }
}
