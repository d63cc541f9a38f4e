import { Inject, Injectable } from '@nestjs/common';
import type { BrokerOrder, CommandOrder, ExecutionBook, ExecutionOrder } from '@tradeloop/brokers';
import { isTerminalStatus, type AcceptedHow, type OrderId } from '@tradeloop/domain';
import { InstrumentsRepository } from '@tradeloop/market';
import { ExecutionService } from './execution.service';
import { orderState, type OrderRow } from './order-row';
import { TradingRepository } from './trading.repository';

/**
 * Our side of the execution protocol (libs/brokers `OrderExecution`), over Postgres: each call
 * is one ExecutionService transaction. The instrument an order is sent for comes from the
 * instrument table (its exchange), never from the symbol's spelling.
 */
@Injectable()
export class PgExecutionBook implements ExecutionBook {
  constructor(
    @Inject(ExecutionService) private readonly execution: ExecutionService,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
  ) {}

  async beginSend(orderId: string): Promise<{ action: 'send' | 'lookup' | 'skip'; order: ExecutionOrder | undefined }> {
    const { action, order } = await this.execution.beginSend(orderId as OrderId);
    if (action === 'skip' || !order) return { action: 'skip', order: undefined };
    return { action, order: await this.executionOrder(order) };
  }

  async accepted(orderId: string, brokerOrderIds: readonly string[], how: AcceptedHow, reports: readonly BrokerOrder[]): Promise<void> {
    await this.execution.accepted(
      orderId as OrderId,
      brokerOrderIds,
      how,
      reports.map((report) => ({ brokerOrderId: report.brokerOrderId, report })),
    );
  }

  rejected(orderId: string, reason: string): Promise<void> {
    return this.execution.rejected(orderId as OrderId, reason);
  }

  applyReport(orderId: string, report: BrokerOrder): Promise<unknown> {
    return this.execution.applyReport(orderId as OrderId, report.brokerOrderId, report, report.updatedAt);
  }

  orderForBrokerId(brokerOrderId: string): Promise<string | undefined> {
    return this.execution.orderForBrokerId(brokerOrderId);
  }

  /**
   * This book as one live account's session sees it: a broker order id resolves among that
   * account's orders only — two installs of one broker (OpenAlgo) number their orders on their own,
   * so the same id can belong to two accounts. (Paper accounts share the one mock broker, whose ids
   * are unique: they use the book itself.)
   */
  forAccount(accountId: string): ExecutionBook {
    const scoped = Object.create(this) as PgExecutionBook;
    scoped.orderForBrokerId = (brokerOrderId: string) => this.execution.orderForBrokerId(brokerOrderId, accountId);
    return scoped;
  }

  async commandOrder(orderId: string): Promise<CommandOrder | undefined> {
    const o = await this.trading.order(orderId as OrderId);
    if (!o) return undefined;
    return {
      id: o.id,
      status: o.status,
      terminal: isTerminalStatus(o.status),
      brokerOrderIds: o.broker_order_ids,
      pendingModification: o.pending_modification,
    };
  }

  cancelledLocally(orderId: string): Promise<void> {
    return this.execution.cancelledLocally(orderId as OrderId);
  }

  modified(orderId: string): Promise<{ cancel: boolean }> {
    return this.execution.modified(orderId as OrderId);
  }

  modificationRejected(orderId: string, reason: string): Promise<void> {
    return this.execution.modificationRejected(orderId as OrderId, reason);
  }

  private async executionOrder(o: OrderRow): Promise<ExecutionOrder> {
    const instrument = await this.instruments.cachedBySymbol(o.symbol);
    // Intake validated the symbol against this table; an instrument gone since is a data error, not a guess.
    if (!instrument) throw new Error(`instrument ${o.symbol} of order ${o.id} is not in the instrument table`);
    const t = orderState(o);
    return {
      id: o.id,
      side: t.side,
      type: t.type,
      product: t.product,
      validity: t.validity,
      quantity: t.quantity,
      price: t.price,
      triggerPrice: t.triggerPrice,
      instrument: { exchange: instrument.exchange, symbol: o.symbol },
      createdAt: o.created_at.getTime(),
      ...(o.position_size !== null && o.position_size !== undefined ? { positionSize: o.position_size } : {}),
    };
  }
}
