import type { JobName } from '@tradeloop/contracts';
import type { OrderId } from '@tradeloop/domain';
import { ROUTER_ORDERS_QUEUE, type JobProducer, type OrderJobForwarder } from '@tradeloop/platform';
import type { TradingRepository } from '@tradeloop/trading';

/**
 * The router queue's forwarder (order-routing.ts): a job that does not name its account (a
 * cancel, a modify) is looked up and sent, with its job id, to its account's queue — the paper
 * queue or a live partition — so it runs where the account's other jobs run. An order that does
 * not exist is not forwarded: its handler runs here and answers for it.
 */
export function orderJobForwarder(trading: TradingRepository, producer: JobProducer): OrderJobForwarder {
  return async (name: JobName, payload: unknown, jobId: string) => {
    const p = payload as { orderId?: string; accountId?: string; broker?: string };
    let route: { accountId: string; broker?: string | undefined } | null = p.accountId
      ? { accountId: p.accountId, broker: p.broker }
      : null;
    if (!route?.broker && p.orderId) {
      const order = await trading.order(p.orderId as OrderId);
      if (order) route = { accountId: order.account_id, broker: order.broker };
    }
    if (!route || producer.queueOf(name, payload as never, route) === ROUTER_ORDERS_QUEUE) return false;
    await producer.enqueue(name, payload as never, { jobId }, route);
    return true;
  };
}
