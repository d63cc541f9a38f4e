import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { BrokerError, type BrokerOrder } from '@tradeloop/brokers';
import { JOBS, type JobPayload } from '@tradeloop/contracts';
import { APP_CONFIG, LOGGER, type AppConfig, type JobHandler } from '@tradeloop/platform';
import { ExecutionService, orderState, type OrderRow } from '@tradeloop/trading';
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
    this.host.expectPlacement(order.id);
    try {
      if (action === 'lookup' && (await this.adoptExisting(order))) return 'adopted';
      const res = await this.host.adapter.placeOrder({
        ...orderState(order),
        clientOrderId: order.id,
        instrument: { exchange: exchangeOf(order), symbol: order.symbol },
      });
      // Fault tests: die exactly between the broker's acceptance and our write.
      if (this.config.FAULT_INJECTION === 'crash-after-broker-accept') process.kill(process.pid, 'SIGKILL');
      await this.accept(order, res.brokerOrderIds, 'sent');
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
    } finally {
      // Accepted or not, nothing is kept for this placement any longer (adopt already took its updates).
      this.host.forgetPlacement(order.id);
    }
  }

  /** Looks the order up by its tag; adopts what the broker has. True when found. */
  private async adoptExisting(order: OrderRow): Promise<boolean> {
    const found = await this.host.adapter.findOrdersByTag({
      clientOrderId: order.id,
      instrument: { exchange: exchangeOf(order), symbol: order.symbol },
      side: order.side,
      quantity: order.quantity,
      sentAfter: order.created_at.getTime(),
    });
    if (found.orders.length === 0) return false;
    await this.accept(
      order,
      found.orders.map((o) => o.brokerOrderId),
      'found-by-tag',
      found.orders,
    );
    return true;
  }

  /**
   * Records the acceptance together with what the broker already reported (an order that met a
   * marketable book fills as it arrives), then routes later updates straight to the order.
   */
  private async accept(
    order: OrderRow,
    ids: readonly string[],
    how: 'sent' | 'found-by-tag',
    known: readonly BrokerOrder[] = [],
  ): Promise<void> {
    const reports = new Map<string, BrokerOrder>();
    for (const o of known) reports.set(o.brokerOrderId, o);
    for (const o of this.host.takeKept(ids))
      if (!reports.has(o.brokerOrderId) || reports.get(o.brokerOrderId)!.updatedAt <= o.updatedAt) reports.set(o.brokerOrderId, o);
    await this.execution.accepted(
      order.id,
      ids,
      how,
      [...reports.values()].map((report) => ({ brokerOrderId: report.brokerOrderId, report })),
    );
    this.host.adopt(order.id, ids);
  }
}

export const exchangeOf = (o: OrderRow) => (/(FUT|CE|PE)$/.test(o.symbol) && /\d/.test(o.symbol) ? ('NFO' as const) : ('NSE' as const));
