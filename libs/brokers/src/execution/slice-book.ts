import type { BrokerOrderReport, BrokerReportStatus, Quantity } from '@tradeloop/domain';
import { combineSliceReports, isTerminalReport } from '../adapter/status.mapper';

/**
 * The latest report of each broker order one of our orders was sliced into (Kite autoslice,
 * Upstox v3 `slice`), kept with the order so a report for one slice is combined with what the
 * others last said — never applied to the whole order on its own (docs/brokers.md 4.5).
 */
export interface SliceState {
  readonly status: BrokerReportStatus;
  readonly filledQuantity: Quantity;
  readonly averagePrice: number | null;
  readonly averagePriceStep: number;
  readonly rejectReason: string | null;
  /** Epoch ms of the report. */
  readonly updatedAt: number;
}

export type SliceBook = Readonly<Record<string, SliceState>>;

export interface SliceReportInput extends BrokerOrderReport {
  readonly updatedAt: number;
}

const toState = (r: SliceReportInput): SliceState => ({
  status: r.status,
  filledQuantity: r.filledQuantity,
  averagePrice: r.filledQuantity > 0 ? r.averagePrice : null,
  averagePriceStep: r.averagePriceStep ?? 1,
  rejectReason: r.rejectReason ?? null,
  updatedAt: r.updatedAt,
});

/**
 * Whether `next` says more than `prev` about one broker order. Cumulative fills only grow, so a
 * smaller fill is an older report; at the same fill a terminal status is final, and between two
 * working states the later report wins.
 */
export function isNewerSliceReport(prev: SliceState | undefined, next: SliceReportInput): boolean {
  if (!prev) return true;
  if (next.filledQuantity !== prev.filledQuantity) return next.filledQuantity > prev.filledQuantity;
  if (isTerminalReport(prev.status)) return false;
  if (isTerminalReport(next.status)) return true;
  return next.updatedAt >= prev.updatedAt && next.status !== prev.status;
}

/** The book with `report` for slice `brokerOrderId` taken in when it is newer; `changed` says whether it was. */
export function mergeSliceReport(
  book: SliceBook,
  brokerOrderId: string,
  report: SliceReportInput,
): { readonly book: SliceBook; readonly changed: boolean } {
  if (!isNewerSliceReport(book[brokerOrderId], report)) return { book, changed: false };
  return { book: { ...book, [brokerOrderId]: toState(report) }, changed: true };
}

/**
 * The one cumulative report for our order of `quantity` sliced into `brokerOrderIds`. A slice not
 * heard from yet counts as working with nothing filled, so the order is not finished before every
 * slice is.
 */
export function combinedSliceReport(quantity: Quantity, brokerOrderIds: readonly string[], book: SliceBook): BrokerOrderReport {
  return combineSliceReports(
    quantity,
    brokerOrderIds.map(
      (id): BrokerOrderReport =>
        book[id] ?? { status: 'UNKNOWN', filledQuantity: 0, averagePrice: null, averagePriceStep: 1, rejectReason: null },
    ),
  );
}
