import { Inject, Injectable } from '@nestjs/common';
import { BrokerError, KiteAdapter } from '@tradeloop/brokers';
import { JOBS, type JobPayload } from '@tradeloop/contracts';
import { type JobHandler } from '@tradeloop/platform';
import { BrokerSessions } from './broker-sessions';

/**
 * An order update a broker pushed to the API (a Kite postback, checksum verified there), handed
 * to the account's adapter: it joins the ticker's frames on the same path (verified again, read,
 * deduplicated) and reaches our order through the session like any other update.
 */
@Injectable()
export class BrokerUpdateHandler implements JobHandler<typeof JOBS.brokerUpdate> {
  readonly job = JOBS.brokerUpdate;

  constructor(@Inject(BrokerSessions) private readonly sessions: BrokerSessions) {}

  async handle(payload: JobPayload<typeof JOBS.brokerUpdate>): Promise<string> {
    const adapter = await this.sessions.adapterOf(payload.accountId);
    if (!(adapter instanceof KiteAdapter)) return 'not a kite account';
    try {
      const order = adapter.ingestPostback(JSON.stringify(payload.body));
      return `applied ${order.brokerOrderId} ${order.status}`;
    } catch (err) {
      // A body that does not verify or read will not on a retry either.
      if (err instanceof BrokerError && err.kind === 'final') return `refused: ${err.message}`;
      throw err;
    }
  }
}
