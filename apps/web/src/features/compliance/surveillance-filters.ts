import type { BrokerKind, PlacedBy } from '@tradeloop/contracts';
import type { OrderSide, OrderStatus } from '@tradeloop/domain';
import { localInputToIso } from '../../lib/format';
import { isUuid } from '../../lib/ledger';

// Compliance → Surveillance's filters without React: what is chosen, and what the server is asked for.

export type SurveillanceTab = 'orders' | 'trades';
export const isSurveillanceTab = (v: string | null): v is SurveillanceTab => v === 'orders' || v === 'trades';

/** The filters as chosen. One set for both tabs; status and "placed by" narrow orders only, the order trades only. */
export interface SurveillanceFilters {
  /** A person's id, picked by email or name. */
  userId: string;
  symbol: string;
  side: OrderSide | '';
  /** One status, or `open` for every working one. */
  status: OrderStatus | 'open' | '';
  accountKind: BrokerKind | '';
  placedBy: PlacedBy | '';
  /** The fills of one order (from an order row's "fills" link). */
  orderId: string;
  /** `<input type="datetime-local">` values in the display zone. */
  from: string;
  to: string;
}

export const EMPTY_SURVEILLANCE_FILTERS: SurveillanceFilters = {
  userId: '',
  symbol: '',
  side: '',
  status: '',
  accountKind: '',
  placedBy: '',
  orderId: '',
  from: '',
  to: '',
};

export type SurveillanceQuery = Partial<
  Record<'userId' | 'symbol' | 'side' | 'status' | 'accountKind' | 'placedBy' | 'orderId' | 'from' | 'to', string>
>;

/** "From" must come before "To"; null when the range is fine (or open). */
export function rangeProblem(filters: SurveillanceFilters): string | null {
  const from = localInputToIso(filters.from);
  const to = localInputToIso(filters.to);
  return from && to && from >= to ? '“From” must be before “To”' : null;
}

/** A symbol as the server matches it: trimmed, upper-cased (it also upper-cases; this keeps the cache key stable). */
export const normaliseSymbol = (symbol: string) => symbol.trim().toUpperCase().slice(0, 40);

/** What the server is asked for on `tab`: only complete values (a half-typed id or an inverted range is left out). */
export function toSurveillanceQuery(filters: SurveillanceFilters, tab: SurveillanceTab): SurveillanceQuery {
  const query: SurveillanceQuery = {};
  if (isUuid(filters.userId)) query.userId = filters.userId.trim().toLowerCase();
  const symbol = normaliseSymbol(filters.symbol);
  if (symbol) query.symbol = symbol;
  if (filters.side) query.side = filters.side;
  if (filters.accountKind) query.accountKind = filters.accountKind;
  if (tab === 'orders') {
    if (filters.status) query.status = filters.status;
    if (filters.placedBy) query.placedBy = filters.placedBy;
  } else if (isUuid(filters.orderId)) query.orderId = filters.orderId.trim().toLowerCase();
  if (!rangeProblem(filters)) {
    const from = localInputToIso(filters.from);
    const to = localInputToIso(filters.to);
    if (from) query.from = from;
    if (to) query.to = to;
  }
  return query;
}
