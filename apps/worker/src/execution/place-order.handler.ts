import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { BrokerError } from '@tradeloop/brokers';
import { JOBS, type JobPayload } from '@tradeloop/contracts';
import { LOGGER, type JobHandler } from '@tradeloop/platform';
import { BrokerSessions } from './broker-sessions';

/**
 * Sends a PENDING order through its account's session (libs/brokers `OrderExecution.place`: never
 * twice — an attempt that may have reached the broker is looked up by tag first). Retryable
 * errors throw, and BullMQ retries with backoff; final ones reject the order.
 */
@Injectable()
export class PlaceOrderHandler implements JobHandler<typeof JOBS.placeOrder> {
  readonly job = JOBS.placeOrder;

  constructor(
    @Inject(BrokerSessions) private readonly sessions: BrokerSessions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(payload: JobPayload<typeof JOBS.placeOrder>): Promise<string> {
    const session = await this.sessions.forOrder(payload.orderId, payload);
    try {
      return await session.place(payload.orderId);
    } catch (err) {
      if (err instanceof BrokerError)
        this.logger.warn({ orderId: payload.orderId, kind: err.kind, err: err.message }, 'placement failed; will retry');
      throw err;
    }
  }
}
