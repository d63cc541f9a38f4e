import type { AcceptedHow, OrderTerms } from '@tradeloop/domain';
import type { BrokerOrder, OrderModification } from '../adapter/broker-adapter.port';
import type { InstrumentRef } from '../adapter/identifiers';

/** An order as the execution component sends it: its terms, its instrument (from our instrument table) and when it was created. */
export interface ExecutionOrder extends OrderTerms {
  readonly id: string;
  readonly instrument: InstrumentRef;
  /** Epoch ms: a heuristic correlation (brokers without tags) ignores broker orders older than this. */
  readonly createdAt: number;
  /** A smart order: the net position at the broker it should leave for (instrument, product) (see PlaceOrderRequest). */
  readonly positionSize?: number;
}

/** An order as a cancel or modify command needs it. */
export interface CommandOrder {
  readonly id: string;
  /** Our status (for the reasons written into its history). */
  readonly status: string;
  readonly terminal: boolean;
  readonly brokerOrderIds: readonly string[];
  readonly pendingModification: OrderModification | null;
}

/**
 * Our side of execution, as the broker-facing component needs it (implemented over Postgres in
 * libs/trading): each call is one transaction on one order, idempotent, and safe to repeat.
 */
export interface ExecutionBook {
  /**
   * Marks the order as being sent (committed before any broker call). `lookup`: an earlier
   * attempt may have reached the broker; `skip`: terminal, already accepted, or cancelled first.
   */
  beginSend(orderId: string): Promise<{ action: 'send' | 'lookup' | 'skip'; order: ExecutionOrder | undefined }>;
  /** The broker holds the order under these ids; `reports` it already sent are applied in the same transaction. */
  accepted(orderId: string, brokerOrderIds: readonly string[], how: AcceptedHow, reports: readonly BrokerOrder[]): Promise<void>;
  /** Refused for good (by the broker, or by us before sending). */
  rejected(orderId: string, reason: string): Promise<void>;
  /** Applies a broker report for one of the order's broker ids (combined with its other slices when it was sliced). */
  applyReport(orderId: string, report: BrokerOrder): Promise<unknown>;
  /** Our order for a broker order id of this account, if we have recorded it. */
  orderForBrokerId(brokerOrderId: string): Promise<string | undefined>;
  /** The order as a cancel or modify command sees it. */
  commandOrder(orderId: string): Promise<CommandOrder | undefined>;
  /** Cancelled while still ours (never accepted by the broker). */
  cancelledLocally(orderId: string): Promise<void>;
  /** The broker confirmed the pending modification. `cancel`: the larger hold it needs is gone, cancel the order. */
  modified(orderId: string): Promise<{ cancel: boolean }>;
  modificationRejected(orderId: string, reason: string): Promise<void>;
}
