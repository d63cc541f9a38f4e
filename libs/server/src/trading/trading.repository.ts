import { Inject, Injectable } from '@nestjs/common';
import { FLAT_POSITION, type OrderStatus, type Position, type Product } from '@tradeloop/domain';
import { Db, type Sql } from '../db';
import { ORDER_COLUMNS, type OrderRow } from './order-row';

export const OPEN_STATUSES: readonly OrderStatus[] = ['PENDING', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED'];

interface PositionRow {
  symbol: string;
  product: Product;
  net_quantity: number;
  lot_cost: string;
  lot_quantity: number;
  lot_closed_quantity: number;
  lot_closed_cash_flow: string;
  realized_before_lot: string;
}

const toPosition = (r: PositionRow): Position => ({
  netQuantity: r.net_quantity,
  lotCost: BigInt(r.lot_cost),
  lotQuantity: r.lot_quantity,
  lotClosedQuantity: r.lot_closed_quantity,
  lotClosedCashFlow: BigInt(r.lot_closed_cash_flow),
  realizedBeforeLot: BigInt(r.realized_before_lot),
});

export interface NewOrderRow {
  id: string;
  userId: string;
  symbol: string;
  side: string;
  type: string;
  product: string;
  validity: string;
  quantity: number;
  price: number | null;
  triggerPrice: number | null;
  referencePrice: number;
  shortQuantity: number;
  reserved: bigint;
  clientTag: string | null;
  strategyId: string | null;
  broker: string;
}

export interface TradeInsert {
  id: string;
  orderId: string;
  userId: string;
  symbol: string;
  side: string;
  product: string;
  quantity: number;
  price: number;
  value: bigint;
  fees: bigint;
  taxes: bigint;
  charges: unknown;
  realizedDelta: bigint;
  broker: string;
  brokerTradeId: string;
  executedAt: Date;
}

/** Orders, their history, trades and positions: plain SQL, inside the caller's transaction. */
@Injectable()
export class TradingRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  async insertOrder(sql: Sql, o: NewOrderRow): Promise<OrderRow> {
    const [row] = await sql.rows<OrderRow>(
      `INSERT INTO orders (id, user_id, symbol, side, type, product, validity, quantity, price_ticks, trigger_ticks, status,
         reference_price_ticks, short_quantity, reserved_paise, client_tag, strategy_id, broker)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'PENDING', $11, $12, $13, $14, $15, $16)
       RETURNING ${ORDER_COLUMNS}`,
      [o.id, o.userId, o.symbol, o.side, o.type, o.product, o.validity, o.quantity, o.price, o.triggerPrice, o.referencePrice, o.shortQuantity, o.reserved.toString(), o.clientTag, o.strategyId, o.broker],
    );
    return row!;
  }

  async appendEvent(sql: Sql, orderId: string, status: OrderStatus, event: string, details: Record<string, unknown> = {}): Promise<void> {
    await sql.rows(`INSERT INTO order_events (order_id, status, event, details) VALUES ($1, $2, $3, $4)`, [orderId, status, event, JSON.stringify(details)]);
  }

  async order(id: string, sql: Sql = this.db.sql, opts: { userId?: string; lock?: boolean } = {}): Promise<OrderRow | undefined> {
    const params: unknown[] = [id];
    let where = 'id = $1';
    if (opts.userId) {
      params.push(opts.userId);
      where += ' AND user_id = $2';
    }
    return sql.maybeOne<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE ${where}${opts.lock ? ' FOR UPDATE' : ''}`, params);
  }

  /** Applies column changes and bumps the version; returns the new row. */
  async updateOrder(sql: Sql, id: string, set: Partial<{ status: OrderStatus; filledQuantity: number; filledValue: bigint; reserved: bigint; brokerOrderIds: string[]; rejectReason: string | null; cancelRequested: boolean; quantity: number; price: number | null; triggerPrice: number | null }>): Promise<OrderRow> {
    const cols: string[] = [];
    const params: unknown[] = [id];
    const add = (col: string, v: unknown) => {
      params.push(v);
      cols.push(`${col} = $${params.length}`);
    };
    if (set.status !== undefined) add('status', set.status);
    if (set.filledQuantity !== undefined) add('filled_quantity', set.filledQuantity);
    if (set.filledValue !== undefined) add('filled_value', set.filledValue.toString());
    if (set.reserved !== undefined) add('reserved_paise', set.reserved.toString());
    if (set.brokerOrderIds !== undefined) add('broker_order_ids', set.brokerOrderIds);
    if (set.rejectReason !== undefined) add('reject_reason', set.rejectReason);
    if (set.cancelRequested !== undefined) add('cancel_requested', set.cancelRequested);
    if (set.quantity !== undefined) add('quantity', set.quantity);
    if (set.price !== undefined) add('price_ticks', set.price);
    if (set.triggerPrice !== undefined) add('trigger_ticks', set.triggerPrice);
    const [row] = await sql.rows<OrderRow>(
      `UPDATE orders SET ${cols.join(', ')}${cols.length ? ', ' : ''}updated_at = clock_timestamp(), version = version + 1 WHERE id = $1 RETURNING ${ORDER_COLUMNS}`,
      params,
    );
    return row!;
  }

  async listOrders(userId: string, q: { status?: string; symbol?: string; limit: number }): Promise<OrderRow[]> {
    const params: unknown[] = [userId];
    const where = ['user_id = $1'];
    if (q.status === 'open') where.push(`status = ANY('{${OPEN_STATUSES.join(',')}}')`);
    else if (q.status) {
      params.push(q.status);
      where.push(`status = $${params.length}`);
    }
    if (q.symbol) {
      params.push(q.symbol.toUpperCase());
      where.push(`symbol = $${params.length}`);
    }
    params.push(q.limit);
    return this.db.sql.rows<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
  }

  async history(orderId: string, sql: Sql = this.db.sql): Promise<{ status: OrderStatus; event: string; details: Record<string, unknown>; at: Date }[]> {
    return sql.rows(`SELECT status, event, details, at FROM order_events WHERE order_id = $1 ORDER BY id`, [orderId]);
  }

  async openOrders(sql: Sql, userId: string): Promise<OrderRow[]> {
    return sql.rows<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE user_id = $1 AND status = ANY($2::text[])`, [userId, OPEN_STATUSES]);
  }

  /** Orders still to be worked by the engine (any user), oldest first: for recovery sweeps. */
  async unfinished(olderThanMs: number, limit = 500): Promise<OrderRow[]> {
    return this.db.sql.rows<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE status = ANY($1::text[]) AND updated_at < now() - make_interval(secs => $2) ORDER BY created_at LIMIT $3`,
      [OPEN_STATUSES, olderThanMs / 1000, limit],
    );
  }

  async recentOrderTimes(sql: Sql, userId: string, sinceMs: number): Promise<number[]> {
    const rows = await sql.rows<{ t: string }>(`SELECT (extract(epoch FROM created_at) * 1000)::bigint::text AS t FROM orders WHERE user_id = $1 AND created_at > $2`, [userId, new Date(sinceMs).toISOString()]);
    return rows.map((r) => Number(r.t));
  }

  async position(sql: Sql, userId: string, symbol: string, product: Product, lock = false): Promise<Position> {
    // FOR UPDATE locks nothing when the row does not exist yet: two first fills of the same
    // position would both start from flat and one would be lost. Create the flat row first.
    if (lock) {
      await sql.rows(
        `INSERT INTO positions (user_id, symbol, product, net_quantity, lot_cost, lot_quantity, lot_closed_quantity, lot_closed_cash_flow, realized_before_lot)
         VALUES ($1, $2, $3, 0, 0, 0, 0, 0, 0) ON CONFLICT DO NOTHING`,
        [userId, symbol, product],
      );
    }
    const row = await sql.maybeOne<PositionRow>(
      `SELECT symbol, product, net_quantity, lot_cost::text, lot_quantity, lot_closed_quantity, lot_closed_cash_flow::text, realized_before_lot::text
       FROM positions WHERE user_id = $1 AND symbol = $2 AND product = $3${lock ? ' FOR UPDATE' : ''}`,
      [userId, symbol, product],
    );
    return row ? toPosition(row) : FLAT_POSITION;
  }

  async positions(userId: string, sql: Sql = this.db.sql): Promise<(Position & { symbol: string; product: Product })[]> {
    const rows = await sql.rows<PositionRow>(
      `SELECT symbol, product, net_quantity, lot_cost::text, lot_quantity, lot_closed_quantity, lot_closed_cash_flow::text, realized_before_lot::text
       FROM positions WHERE user_id = $1 ORDER BY symbol, product`,
      [userId],
    );
    return rows.map((r) => ({ ...toPosition(r), symbol: r.symbol, product: r.product }));
  }

  async savePosition(sql: Sql, userId: string, symbol: string, product: Product, p: Position): Promise<void> {
    await sql.rows(
      `INSERT INTO positions (user_id, symbol, product, net_quantity, lot_cost, lot_quantity, lot_closed_quantity, lot_closed_cash_flow, realized_before_lot)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (user_id, symbol, product) DO UPDATE SET net_quantity = EXCLUDED.net_quantity, lot_cost = EXCLUDED.lot_cost,
         lot_quantity = EXCLUDED.lot_quantity, lot_closed_quantity = EXCLUDED.lot_closed_quantity,
         lot_closed_cash_flow = EXCLUDED.lot_closed_cash_flow, realized_before_lot = EXCLUDED.realized_before_lot, updated_at = now()`,
      [userId, symbol, product, p.netQuantity, p.lotCost.toString(), p.lotQuantity, p.lotClosedQuantity, p.lotClosedCashFlow.toString(), p.realizedBeforeLot.toString()],
    );
  }

  /** Inserts a trade unless this broker trade id was applied already; false means "seen before". */
  async insertTrade(sql: Sql, t: TradeInsert): Promise<boolean> {
    const rows = await sql.rows(
      `INSERT INTO trades (id, order_id, user_id, symbol, side, product, quantity, price_ticks, value_paise, fees_paise, taxes_paise, charges,
         realized_delta, broker, broker_trade_id, executed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (broker, broker_trade_id) DO NOTHING RETURNING 1`,
      [t.id, t.orderId, t.userId, t.symbol, t.side, t.product, t.quantity, t.price, t.value.toString(), t.fees.toString(), t.taxes.toString(), JSON.stringify(t.charges), t.realizedDelta.toString(), t.broker, t.brokerTradeId, t.executedAt.toISOString()],
    );
    return rows.length === 1;
  }

  async trades(userId: string, limit: number): Promise<{ id: string; order_id: string; symbol: string; side: string; product: string; quantity: number; price_ticks: string; value_paise: string; fees_paise: string; taxes_paise: string; charges: { name: string; kind: string; amount: string }[]; broker_trade_id: string; executed_at: Date }[]> {
    return this.db.sql.rows(
      `SELECT id, order_id, symbol, side, product, quantity, price_ticks::text, value_paise::text, fees_paise::text, taxes_paise::text, charges, broker_trade_id, executed_at
       FROM trades WHERE user_id = $1 ORDER BY executed_at DESC, id DESC LIMIT $2`,
      [userId, limit],
    );
  }

  /** Σ realized P&L change of today's (IST) fills, ticks·units. */
  async realizedToday(sql: Sql, userId: string, dayStart: number): Promise<bigint> {
    const row = await sql.one<{ v: string }>(`SELECT coalesce(sum(realized_delta), 0)::text AS v FROM trades WHERE user_id = $1 AND executed_at >= $2`, [userId, new Date(dayStart).toISOString()]);
    return BigInt(row.v);
  }
}
