import { DomainError } from '../errors';
import type { PriceTicks } from '../market';
import type { Quantity } from '../units';
import { isTerminalStatus, remainingQuantity, type OrderFill, type OrderState, type OrderStatus } from './order';
import { applyOrderEvent, type OrderEvent } from './order-transitions';

/**
 * The canonical statuses an adapter reports (docs/brokers.md 4.4), plus EXPIRED for brokers (and the
 * mock) that report end-of-day expiry. PARTIALLY_FILLED is accepted although no broker sends it.
 */
export const BROKER_REPORT_STATUSES = [
  'PENDING_SUBMIT',
  'OPEN',
  'TRIGGER_PENDING',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELLED',
  'REJECTED',
  'EXPIRED',
  'UNKNOWN',
] as const;
export type BrokerReportStatus = (typeof BROKER_REPORT_STATUSES)[number];

/**
 * What a broker says about one of our orders. Fill fields are CUMULATIVE (docs/brokers.md 4.5: no
 * broker pushes per-trade fills on the order channel).
 */
export interface BrokerOrderReport {
  readonly status: BrokerReportStatus;
  readonly filledQuantity: Quantity;
  /** Average price of everything filled so far, in ticks; ignored while nothing is filled. */
  readonly averagePrice: PriceTicks | null;
  /**
   * The step the broker rounds that average to, in ticks (100 for an average given to the
   * paisa); 1 by default, since converting to ticks rounds to one tick at least.
   */
  readonly averagePriceStep?: PriceTicks;
  readonly rejectReason?: string | null;
}

export interface BrokerUpdateResult {
  readonly order: OrderState;
  /** The fill this report reveals (the increase in cumulative quantity), if any. */
  readonly fill: OrderFill | null;
  /** The events applied, in order: persist them as the order's history. */
  readonly events: readonly OrderEvent[];
  /**
   * `stale`: the report is behind what we already know (reports arrive over two channels and
   * out of order, docs/brokers.md 4.5) and changes nothing. `unchanged`: nothing new.
   */
  readonly outcome: 'applied' | 'unchanged' | 'stale';
}

/** Id of a fill derived from cumulative quantities: unique within the order and stable under redelivery. */
export const derivedFillId = (cumulativeQuantity: Quantity): string => `cum:${cumulativeQuantity}`;

/**
 * Turns a cumulative broker report into events and applies them through the transition table.
 *
 * The fill is the increase in cumulative quantity. Its price is not simply
 * (avg·cum − ourFilledValue) / Δqty: brokers round the average they report, and after a large
 * fill that rounding, divided by a small Δqty, can put the derived price anywhere (a unit
 * bought at ₹100.00 after 10 000 at ₹100.0049, under an average rounded to the paisa, would come
 * out at ₹51). Instead: the true price lies in the interval consistent with the reported
 * average ± half its rounding step, every real fill is on the instrument's tick, and fills of
 * one order sit close to its average — so the fill is priced at the tick inside that interval
 * nearest the reported average — exact whenever only one tick fits, the usual case for averages
 * reported to 1/10000 rupee.
 * Each fill re-anchors our filled value inside the broker's reported band, so rounding never
 * accumulates. Should no tick fit (an inconsistent report), the same rule runs on the 1-tick
 * grid, and failing that the reported average is used.
 *
 * Use one fill source per order: either these derived fills or the broker's trade book, never
 * both, or the same execution would be counted twice under two ids.
 */
export function applyBrokerUpdate(
  order: OrderState,
  report: BrokerOrderReport,
  instrument: { readonly tickSize: PriceTicks } = { tickSize: 1 },
): BrokerUpdateResult {
  const cum = report.filledQuantity;
  if (!Number.isSafeInteger(cum) || cum < 0)
    throw new DomainError('VALIDATION_FAILED', `Reported filled quantity must be a non-negative integer, got ${cum}`);
  if (cum > order.quantity) {
    throw new DomainError('INVALID_STATE', `Broker reports ${cum} filled of a ${order.quantity}-unit order`, {
      context: { reason: 'OVERFILL', quantity: order.quantity, reported: cum },
    });
  }
  // Cumulative quantity only grows: a smaller one is an older report.
  if (cum < order.filledQuantity) return { order, fill: null, events: [], outcome: 'stale' };

  const events: OrderEvent[] = [];
  let fill: OrderFill | null = null;
  if (cum > order.filledQuantity) {
    fill = { id: derivedFillId(cum), quantity: cum - order.filledQuantity, price: derivedFillPrice(order, report, instrument.tickSize) };
    // A terminal order that gains fills is a real disagreement: applyOrderEvent refuses it.
    events.push({ type: 'FILL', fill });
  }
  const afterFill = fill ? applyOrderEvent(order, events[0]!) : order;
  const statusEvent = statusEventFor(afterFill, report);
  if (statusEvent) events.push(statusEvent);
  const result = statusEvent ? applyOrderEvent(afterFill, statusEvent) : afterFill;
  if (events.length > 0) return { order: result, fill, events, outcome: 'applied' };
  // Nothing to apply: either we already know all this, or the report is behind us.
  return { order, fill: null, events, outcome: isBehind(order, report.status) ? 'stale' : 'unchanged' };
}

function derivedFillPrice(order: OrderState, report: BrokerOrderReport, tickSize: PriceTicks): PriceTicks {
  const avg = report.averagePrice;
  const step: PriceTicks = report.averagePriceStep ?? 1;
  if (avg === null || !Number.isSafeInteger(avg) || avg <= 0) {
    throw new DomainError('VALIDATION_FAILED', `A report with ${report.filledQuantity} filled needs a positive average price`);
  }
  if (!Number.isSafeInteger(step) || step < 1) throw new DomainError('VALIDATION_FAILED', 'averagePriceStep must be a positive integer');
  // Δq·p ∈ [(avg − step/2)·cum − ours, (avg + step/2)·cum − ours], doubled to stay in integers.
  const cum = BigInt(report.filledQuantity);
  const den = 2n * BigInt(report.filledQuantity - order.filledQuantity);
  const lo = (2n * BigInt(avg) - BigInt(step)) * cum - 2n * order.filledValue;
  const hi = (2n * BigInt(avg) + BigInt(step)) * cum - 2n * order.filledValue;
  return nearestOnGrid(lo, hi, den, BigInt(avg), BigInt(tickSize)) ?? nearestOnGrid(lo, hi, den, BigInt(avg), 1n) ?? avg;
}

/** The multiple of `grid` in [lo/den, hi/den], at least one grid step, nearest `target`; null if none. */
function nearestOnGrid(lo: bigint, hi: bigint, den: bigint, target: bigint, grid: bigint): PriceTicks | null {
  const d = den * grid;
  let kMin = ceilDiv(lo, d);
  const kMax = floorDiv(hi, d);
  if (kMin < 1n) kMin = 1n;
  if (kMin > kMax) return null;
  const want = (2n * target + grid) / (2n * grid); // round(target / grid), target > 0
  const k = want < kMin ? kMin : want > kMax ? kMax : want;
  return Number(k * grid);
}

const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));
const ceilDiv = (a: bigint, b: bigint): bigint => -floorDiv(-a, b);

// How far along each status is. A report of an earlier stage than ours is stale. A partially
// filled order is at the OPEN stage because brokers report it as OPEN (its quantities tell).
const ORDER_STAGE: Readonly<Record<OrderStatus, number>> = {
  PENDING: 0,
  TRIGGER_PENDING: 1,
  OPEN: 2,
  PARTIALLY_FILLED: 2,
  FILLED: 3,
  CANCELLED: 3,
  REJECTED: 3,
  EXPIRED: 3,
};
const REPORT_STAGE: Readonly<Record<BrokerReportStatus, number | null>> = {
  PENDING_SUBMIT: 0,
  TRIGGER_PENDING: 1,
  OPEN: 2,
  PARTIALLY_FILLED: 2,
  FILLED: 3,
  CANCELLED: 3,
  REJECTED: 3,
  EXPIRED: 3,
  UNKNOWN: null,
};

/** The status event a report implies for an order whose fills are already up to date. */
function statusEventFor(order: OrderState, report: BrokerOrderReport): OrderEvent | null {
  // Terminal states never change; a report that agrees, or lags, changes nothing.
  if (isTerminalStatus(order.status)) return null;
  switch (report.status) {
    case 'PENDING_SUBMIT':
    case 'UNKNOWN': // docs/brokers.md 4.4: treat as non-terminal and reconcile again.
      return null;
    case 'TRIGGER_PENDING':
      return order.status === 'PENDING' ? { type: 'ARMED' } : null;
    case 'OPEN':
    case 'PARTIALLY_FILLED':
      return order.status === 'PENDING' || order.status === 'TRIGGER_PENDING' ? { type: 'OPENED' } : null;
    case 'FILLED':
      // The fill event already moved a fully filled order to FILLED; anything else disagrees.
      throw new DomainError(
        'INVALID_STATE',
        `Broker reports the order complete with ${report.filledQuantity} of ${order.quantity} filled`,
        {
          context: { reason: 'ILLEGAL_TRANSITION', remaining: remainingQuantity(order) },
        },
      );
    case 'CANCELLED':
      return { type: 'CANCELLED' };
    case 'REJECTED':
      // Part of it traded, so it was accepted: what the broker calls a rejection is the end of
      // the remainder. Keep the fills and close it as cancelled.
      return order.filledQuantity > 0
        ? { type: 'CANCELLED' }
        : { type: 'REJECTED', reason: report.rejectReason || 'Rejected by the broker' };
    case 'EXPIRED':
      return { type: 'EXPIRED' };
  }
}

function isBehind(order: OrderState, reported: BrokerReportStatus): boolean {
  const theirs = REPORT_STAGE[reported];
  return theirs !== null && theirs < ORDER_STAGE[order.status];
}
