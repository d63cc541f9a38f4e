import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { asBrokerOrderId, BrokerError, type BrokerOrder } from '@tradeloop/brokers';
import { JOBS, type JobPayload } from '@tradeloop/contracts';
import { APP_CONFIG, ExecutionService, LOGGER, orderState, type AppConfig, type JobHandler, type OrderRow } from '@tradeloop/server';
import { BrokerHost } from './broker-host';

/**
 * Sends a PENDING order to the broker. Never sends twice: the order is marked SENDING (committed)
 * before the call, and if a previous attempt got that far — it crashed, or the call's outcome was
 * ambiguous — the broker is asked for orders carrying our tag first and those are adopted.
 * Retryable errors throw (BullMQ retries with backoff); final ones reject the order.
 */
@Injectable()
export class PlaceOrderHandler implements JobHandler<typeof JOBS.placeOrder> {
  readonly job = JOBS.placeOrder;

  constructor(
    @Inject(ExecutionService) private readonly execution: ExecutionService,
    @Inject(BrokerHost) private readonly host: BrokerHost,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(payload: JobPayload<typeof JOBS.placeOrder>): Promise<string> {
    const { action, order } = await this.execution.beginSend(payload.orderId);
    if (action === 'skip' || !order) return 'skipped';
    if (action === 'lookup' && (await this.adoptExisting(order))) return 'adopted';
    try {
      const res = await this.host.adapter.placeOrder({ ...orderState(order), clientOrderId: order.id, instrument: { exchange: exchangeOf(order), symbol: order.symbol } });
      // Fault tests: die exactly between the broker's acceptance and our write.
      if (this.config.FAULT_INJECTION === 'crash-after-broker-accept') process.kill(process.pid, 'SIGKILL');
      await this.execution.accepted(order.id, res.brokerOrderIds, 'sent');
      await this.catchUp(order.id, res.brokerOrderIds);
      return 'sent';
    } catch (err) {
      if (!(err instanceof BrokerError)) throw err;
      if (err.kind === 'final') {
        await this.execution.rejected(order.id, err.brokerMessage ?? err.message);
        return 'rejected';
      }
      if (err.kind === 'ambiguous' && (await this.adoptExisting(order))) return 'adopted';
      this.logger.warn({ orderId: order.id, kind: err.kind, err: err.message }, 'placement failed; will retry');
      throw err;
    }
  }

  /** Looks the order up by its tag; adopts what the broker has. True when found. */
  private async adoptExisting(order: OrderRow): Promise<boolean> {
    const found = await this.host.adapter.findOrdersByTag({ clientOrderId: order.id, instrument: { exchange: exchangeOf(order), symbol: order.symbol }, side: order.side, quantity: order.quantity, sentAfter: order.created_at.getTime() });
    if (found.orders.length === 0) return false;
    const ids = found.orders.map((o) => o.brokerOrderId);
    await this.execution.accepted(order.id, ids, 'found-by-tag');
    await this.catchUp(order.id, ids, found.orders);
    return true;
  }

  /** Updates pushed before the ids were recorded found no order: apply the current state now. */
  private async catchUp(orderId: string, ids: readonly string[], known?: readonly BrokerOrder[]): Promise<void> {
    for (const id of ids) {
      const o = known?.find((k) => k.brokerOrderId === id) ?? (await this.host.adapter.getOrder(asBrokerOrderId(id)));
      await this.execution.applyReport(orderId, id, o, o.updatedAt);
    }
  }
}

export const exchangeOf = (o: OrderRow) => (/(FUT|CE|PE)$/.test(o.symbol) && /\d/.test(o.symbol) ? ('NFO' as const) : ('NSE' as const));
