import { Inject, Injectable } from '@nestjs/common';
import {
  decodeOrderHistoryEvent,
  isDomainError,
  replayOrderStatuses,
  type OrderHistoryEvent,
  type OrderStatus,
  type ReplayedOrder,
} from '@tradeloop/domain';
import { Db, inSnapshot } from '@tradeloop/platform';
import { ORDER_COLUMNS, type OrderRow } from './order-row';

export interface OrderHistoryProblem {
  orderId: string;
  problem: string;
}

export interface OrderHistoryVerifyResult {
  ok: boolean;
  ordersChecked: number;
  problems: OrderHistoryProblem[];
}

interface StoredEntry {
  status: OrderStatus;
  event: string;
  details: unknown;
}
interface StoredTrade {
  quantity: number;
  price: number;
  brokerTradeId: string;
}
type Row = OrderRow & { send_attempts: number; history: StoredEntry[]; trades: StoredTrade[] };

const MAX_PROBLEMS = 1000;

/**
 * Replays every order's stored history (domain `replayOrder`) and compares it with the order's
 * row, in one read-only snapshot: a row and its history entries are written in one transaction,
 * so at any snapshot they must agree — status, terms, fills, reject reason, reservation basis,
 * hold, broker ids, cancel flag, pending change and send attempts; each entry's stored status
 * must be the status the replay reaches after it; and the fills must be the order's trades.
 */
@Injectable()
export class OrderHistoryVerifier {
  constructor(@Inject(Db) private readonly db: Db) {}

  async verify(opts: { orderIds?: readonly string[] } = {}): Promise<OrderHistoryVerifyResult> {
    const problems: OrderHistoryProblem[] = [];
    let ordersChecked = 0;
    await inSnapshot(this.db, async (_sql, stream) => {
      const rows = await stream(
        `SELECT ${ORDER_COLUMNS}, send_attempts,
           coalesce((SELECT json_agg(json_build_object('status', e.status, 'event', e.event, 'details', e.details) ORDER BY e.id)
                     FROM order_events e WHERE e.order_id = orders.id), '[]') AS history,
           coalesce((SELECT json_agg(json_build_object('quantity', t.quantity, 'price', t.price_ticks, 'brokerTradeId', t.broker_trade_id))
                     FROM trades t WHERE t.order_id = orders.id), '[]') AS trades
         FROM orders ${opts.orderIds ? 'WHERE id = ANY($1::uuid[])' : ''} ORDER BY id`,
        opts.orderIds ? [opts.orderIds] : [],
      );
      for await (const row of rows as unknown as AsyncIterable<Row>) {
        ordersChecked += 1;
        for (const problem of orderHistoryProblems(row)) if (problems.length < MAX_PROBLEMS) problems.push({ orderId: row.id, problem });
      }
    });
    return { ok: problems.length === 0, ordersChecked, problems };
  }
}

/** What is wrong between one order's row, its stored history and its trades (nothing: []). */
export function orderHistoryProblems(row: OrderRow & { send_attempts: number; history: StoredEntry[]; trades: StoredTrade[] }): string[] {
  let history: OrderHistoryEvent[];
  let replayed: { order: ReplayedOrder; statuses: OrderStatus[] };
  try {
    history = row.history.map((h) => decodeOrderHistoryEvent(h.event, h.details));
    replayed = replayOrderStatuses(history);
  } catch (err) {
    if (!isDomainError(err)) throw err;
    return [`history does not replay: ${err.message}`];
  }
  const o = replayed.order;
  const problems: string[] = [];
  const same = (what: string, stored: unknown, replay: unknown) => {
    if (JSON.stringify(stored) !== JSON.stringify(replay))
      problems.push(`${what}: row has ${JSON.stringify(stored)}, history replays to ${JSON.stringify(replay)}`);
  };
  const ticks = (v: string | null) => (v === null ? null : Number(v));
  same('side', row.side, o.side);
  same('type', row.type, o.type);
  same('product', row.product, o.product);
  same('validity', row.validity, o.validity);
  same('status', row.status, o.status);
  same('quantity', row.quantity, o.quantity);
  same('price', ticks(row.price_ticks), o.price);
  same('triggerPrice', ticks(row.trigger_ticks), o.triggerPrice);
  same('filledQuantity', row.filled_quantity, o.filledQuantity);
  same('filledValue', row.filled_value_tick_units, o.filledValue.toString());
  same('rejectReason', row.reject_reason, o.rejectReason);
  same('referencePrice', Number(row.reference_price_ticks), o.referencePrice);
  same('shortQuantity', row.short_quantity, o.shortQuantity);
  same('reserved', row.reserved_paise, o.reserved.toString());
  same('brokerOrderIds', row.broker_order_ids, o.brokerOrderIds);
  same('cancelRequested', row.cancel_requested, o.cancelRequested);
  same('pendingModification', canonical(row.pending_modification), canonical(o.pendingModification));
  same('sendAttempts', row.send_attempts, o.sendAttempts);
  same(
    'entry statuses',
    row.history.map((h) => h.status),
    replayed.statuses,
  );
  // The fills are the order's trades (trade id = broker order id ':' fill id).
  const fills = o.fills.map((f) => `${f.id} ${f.quantity}@${f.price}`).sort();
  const trades = row.trades
    .map((t) => {
      const prefix = o.brokerOrderIds.find((b) => t.brokerTradeId.startsWith(`${b}:`));
      return `${prefix === undefined ? t.brokerTradeId : t.brokerTradeId.slice(prefix.length + 1)} ${t.quantity}@${t.price}`;
    })
    .sort();
  same('fills (as trades)', trades, fills);
  return problems;
}

const canonical = (v: object | null) => (v === null ? null : Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))));
