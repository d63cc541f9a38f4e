import { Inject, Injectable } from '@nestjs/common';
import { BrokerError, KiteAdapter } from '@tradeloop/brokers';
import { JOBS, type JobPayload } from '@tradeloop/contracts';
import { isTerminalStatus } from '@tradeloop/domain';
import { type JobHandler } from '@tradeloop/platform';
import { TradingRepository } from '@tradeloop/trading';
import { BrokerSessions } from './broker-sessions';

/**
 * An order update a broker pushed to the API, handed to the account's session:
 * - a Kite postback (checksum verified there) joins the ticker's frames on the same path
 *   (verified again, read, deduplicated) and reaches our order like any other update;
 * - an Upstox webhook is unsigned, so it only names our order: the order is re-read from Upstox
 *   over REST and what Upstox answers there is applied (docs/brokers.md 2.4).
 */
@Injectable()
export class BrokerUpdateHandler implements JobHandler<typeof JOBS.brokerUpdate> {
  readonly job = JOBS.brokerUpdate;

  constructor(
    @Inject(BrokerSessions) private readonly sessions: BrokerSessions,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
  ) {}

  async handle(payload: JobPayload<typeof JOBS.brokerUpdate>): Promise<string> {
    if (payload.source === 'upstox-webhook') return this.reread(payload.accountId, payload.orderId);
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

  private async reread(accountId: string, orderId: string): Promise<string> {
    const order = await this.trading.order(orderId as never);
    if (!order || order.account_id !== accountId) return 'not an order of this account';
    if (isTerminalStatus(order.status)) return `already ${order.status}`;
    try {
      const execution = await this.sessions.forAccount(accountId);
      const { applied } = await execution.reconcile([{ id: order.id, brokerOrderIds: order.broker_order_ids }]);
      return `re-read ${applied} from Upstox`;
    } catch (err) {
      // No session (the account needs a login): a hint is not worth retrying; the reconciler reads it after the login.
      if (err instanceof BrokerError && err.kind === 'auth') return `not re-read: ${err.message}`;
      throw err;
    }
  }
}
