import { tradeValue, type BrokerOrderReport, type BrokerReportStatus, type PriceTicks } from '@tradeloop/domain';
import type { BrokerOrder, CorrelationProbe } from './broker-adapter.port';
import { sameInstrument } from './identifiers';

/** A broker's raw status strings (lower-case keys) → the domain's canonical report status. */
export type StatusTable = Readonly<Record<string, BrokerReportStatus>>;

const table = (groups: Partial<Record<BrokerReportStatus, readonly string[]>>): StatusTable => {
  const out: Record<string, BrokerReportStatus> = {};
  for (const [status, raws] of Object.entries(groups) as [BrokerReportStatus, readonly string[]][]) {
    for (const raw of raws) out[raw.toLowerCase()] = status;
  }
  return Object.freeze(out);
};

/** docs/brokers.md 1.4 / 4.4. Transient "modify/cancel pending" states are still working orders. */
export const KITE_STATUSES: StatusTable = table({
  PENDING_SUBMIT: ['PUT ORDER REQ RECEIVED', 'PUT ORDER REQUEST RECEIVED', 'VALIDATION PENDING', 'OPEN PENDING', 'AMO REQ RECEIVED'],
  OPEN: ['OPEN', 'MODIFIED', 'MODIFY VALIDATION PENDING', 'MODIFY PENDING', 'CANCEL PENDING'],
  TRIGGER_PENDING: ['TRIGGER PENDING'],
  FILLED: ['COMPLETE'],
  CANCELLED: ['CANCELLED'],
  REJECTED: ['REJECTED'],
});

/** docs/brokers.md 2.4 / 4.4: Upstox's 17 lower-case statuses. "not modified"/"not cancelled" leave the order working. */
export const UPSTOX_STATUSES: StatusTable = table({
  PENDING_SUBMIT: [
    'put order req received',
    'validation pending',
    'open pending',
    'after market order req received',
    'modify after market order req received',
  ],
  OPEN: ['open', 'modified', 'not modified', 'modify pending', 'modify validation pending', 'cancel pending', 'not cancelled'],
  TRIGGER_PENDING: ['trigger pending'],
  FILLED: ['complete'],
  CANCELLED: ['cancelled', 'cancelled after market order'],
  REJECTED: ['rejected'],
});

/** docs/brokers.md 3.6 / 4.4: OpenAlgo's lossy set (`pending` is a stop waiting for its trigger). */
export const OPENALGO_STATUSES: StatusTable = table({
  OPEN: ['open'],
  TRIGGER_PENDING: ['trigger pending', 'pending'],
  FILLED: ['complete'],
  CANCELLED: ['cancelled'],
  REJECTED: ['rejected'],
  EXPIRED: ['expired'],
});

/** The mock speaks the canonical names, EXPIRED included. */
export const MOCK_STATUSES: StatusTable = table({
  OPEN: ['OPEN'],
  TRIGGER_PENDING: ['TRIGGER_PENDING'],
  FILLED: ['FILLED'],
  CANCELLED: ['CANCELLED'],
  REJECTED: ['REJECTED'],
  EXPIRED: ['EXPIRED'],
});

const TERMINAL: ReadonlySet<BrokerReportStatus> = new Set(['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED']);
export const isTerminalReport = (s: BrokerReportStatus): boolean => TERMINAL.has(s);

/**
 * A raw status in canonical form, case-insensitively. Anything unknown is UNKNOWN: non-terminal,
 * reconcile again (docs/brokers.md 4.4). No broker has a partial-fill status: a working order with
 * some quantity filled becomes PARTIALLY_FILLED here.
 */
export function normaliseStatus(
  raw: string,
  statuses: StatusTable,
  fill?: { readonly filledQuantity: number; readonly quantity: number },
): BrokerReportStatus {
  const status = statuses[raw.trim().toLowerCase()] ?? 'UNKNOWN';
  if (fill && status === 'OPEN' && fill.filledQuantity > 0 && fill.filledQuantity < fill.quantity) return 'PARTIALLY_FILLED';
  return status;
}

// How far along a working slice is, to pick the status of a sliced order that is still working.
const WORKING_RANK: Partial<Record<BrokerReportStatus, number>> = {
  UNKNOWN: 0,
  PENDING_SUBMIT: 1,
  TRIGGER_PENDING: 2,
  OPEN: 3,
  PARTIALLY_FILLED: 3,
};

/**
 * One cumulative report for our order from the broker orders it was sliced into (Kite
 * autoslice, Upstox v3 `slice`, OpenAlgo splitorder). `quantity` is our order's quantity: slices
 * refused at placement never appear as orders, so their part counts as never filling.
 *
 * - Fill: the sum of the slices' cumulative quantities at their quantity-weighted average
 *   price. Rounding that average to a tick widens the uncertainty band `applyBrokerUpdate`
 *   works with by one tick (`averagePriceStep`), unless the division is exact.
 * - Status: while any slice works, the most advanced working status (OPEN before
 *   TRIGGER_PENDING before PENDING_SUBMIT before UNKNOWN), PARTIALLY_FILLED when something has
 *   filled. Once every slice is terminal: FILLED if everything filled; REJECTED if nothing
 *   filled and every slice was rejected; otherwise the remainder ended — EXPIRED when some
 *   slice expired and none was cancelled, else CANCELLED.
 */
export function combineSliceReports(quantity: number, slices: readonly BrokerOrderReport[]): BrokerOrderReport {
  let filled = 0;
  let value = 0n;
  let step = 1;
  let working: BrokerReportStatus | null = null;
  let rejected = 0;
  let cancelled = 0;
  let expired = 0;
  let reason: string | null = null;
  for (const s of slices) {
    if (s.filledQuantity > 0) {
      if (s.averagePrice === null) throw new RangeError('a slice with fills needs an average price');
      filled += s.filledQuantity;
      value += tradeValue(s.filledQuantity, s.averagePrice);
      step = Math.max(step, s.averagePriceStep ?? 1);
    }
    if (!isTerminalReport(s.status)) {
      if (working === null || (WORKING_RANK[s.status] ?? 0) > (WORKING_RANK[working] ?? 0)) working = s.status;
    } else if (s.status === 'REJECTED') {
      rejected += 1;
      reason ??= s.rejectReason ?? null;
    } else if (s.status === 'CANCELLED') cancelled += 1;
    else if (s.status === 'EXPIRED') expired += 1;
  }
  let averagePrice: PriceTicks | null = null;
  if (filled > 0) {
    const q = BigInt(filled);
    averagePrice = Number((2n * value + q) / (2n * q)); // half-up; value > 0
    if (value % q !== 0n) step += 1;
  }
  let status: BrokerReportStatus;
  if (slices.length === 0) status = 'REJECTED';
  else if (working !== null) status = filled > 0 && (working === 'OPEN' || working === 'PARTIALLY_FILLED') ? 'PARTIALLY_FILLED' : working;
  else if (filled >= quantity) status = 'FILLED';
  else if (filled === 0 && rejected > 0 && rejected === slices.length) status = 'REJECTED';
  else status = expired > 0 && cancelled === 0 ? 'EXPIRED' : 'CANCELLED';
  return { status, filledQuantity: filled, averagePrice, averagePriceStep: step, rejectReason: reason };
}

/**
 * The key consumers dedupe updates on (docs/brokers.md 4.5): the same transition can arrive over
 * the WebSocket, a postback and a poll.
 */
export const orderUpdateKey = (o: Pick<BrokerOrder, 'brokerOrderId' | 'status' | 'filledQuantity'>): string =>
  `${o.brokerOrderId}|${o.status}|${o.filledQuantity}`;

/**
 * For brokers without client tags (OpenAlgo): the orders that could be the one we sent — same
 * instrument, side and quantity, placed at or after `sentAfter`. More than one match means we
 * cannot tell: the caller must not guess and should raise it for a person to resolve.
 */
export const matchOrdersHeuristically = (orders: readonly BrokerOrder[], probe: CorrelationProbe): BrokerOrder[] =>
  orders.filter(
    (o) =>
      sameInstrument(o.instrument, probe.instrument) &&
      o.side === probe.side &&
      o.quantity === probe.quantity &&
      o.placedAt >= probe.sentAfter,
  );
