import { Inject, Injectable } from '@nestjs/common';
import {
  encodeOrderHistoryDetails,
  type OrderHistoryDetails,
  type OrderHistoryEvent,
  type OrderHistoryEventType,
  type CancelRequestDetails,
  type HistoryFill,
  type OrderPlacedDetails,
  type OrderId,
  type OrderModification,
  type OrderStatus,
  type Paise,
  type Position,
  type PriceTicks,
  type Product,
  type Quantity,
  type TradeValue,
  type UserId,
} from '@tradeloop/domain';
import type { SliceBook } from '@tradeloop/brokers';
import { auditInsertMany, type AuditRecord } from '@tradeloop/identity';
import { Db, GroupCommit, type Sql } from '@tradeloop/platform';
import { ORDER_COLUMNS, type OrderRow } from './order-row';
import { TRADE_COLUMNS, type TradeRow } from './trading-dtos';

export const OPEN_STATUSES: readonly OrderStatus[] = ['PENDING', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED'];

export interface PositionRow {
  account_id: string;
  symbol: string;
  product: Product;
  net_quantity: Quantity;
  lot_cost_tick_units: string;
  lot_quantity: Quantity;
  lot_closed_quantity: Quantity;
  lot_closed_cash_flow_tick_units: string;
  realized_before_lot_tick_units: string;
}

/** A position as it is held: per account, symbol and product. */
export type AccountPosition = Position & { accountId: string; symbol: string; product: Product };

/** Map key of a position: account, symbol, product. */
export const positionKey = (p: { accountId: string; symbol: string; product: Product }): string =>
  `${p.accountId}|${p.symbol}|${p.product}`;

/** A position's key across users (positionKey is within one user's). */
export const lockedPositionKey = (p: { userId: string; accountId: string; symbol: string; product: Product }): string =>
  `${p.userId}|${positionKey(p)}`;

export const toPosition = (r: Omit<PositionRow, 'account_id'>): Position => ({
  netQuantity: r.net_quantity,
  lotCost: BigInt(r.lot_cost_tick_units),
  lotQuantity: r.lot_quantity,
  lotClosedQuantity: r.lot_closed_quantity,
  lotClosedCashFlow: BigInt(r.lot_closed_cash_flow_tick_units),
  realizedBeforeLot: BigInt(r.realized_before_lot_tick_units),
});

/** A new order's own columns; its terms, reservation basis and hold come from its PLACED entry. */
export interface NewOrderRow {
  id: OrderId;
  userId: UserId;
  symbol: string;
  clientTag: string | null;
  strategyId: string | null;
  signalId?: string | null;
  /** The broker account it goes through, and that account's broker (`mock` for paper). */
  accountId: string;
  broker: string;
  /** The book its hold is placed in (hold-book.ts). */
  holdBook: 'wallet' | 'paper';
  /** The watchlist leg and the click (intent) it carries a delta for (docs/watchlist-trading.md). */
  legId?: string | null;
  intentId?: string | null;
  /** A smart order: the net position at the broker it should leave (OpenAlgo placesmartorder); null for an ordinary order. */
  positionSize?: number | null;
}

export interface TradeInsert {
  id: string;
  orderId: OrderId;
  userId: UserId;
  symbol: string;
  side: string;
  product: string;
  quantity: Quantity;
  price: PriceTicks;
  value: Paise;
  fees: Paise;
  taxes: Paise;
  charges: unknown;
  realizedDelta: TradeValue;
  broker: string;
  brokerTradeId: string;
  executedAt: Date;
}

export type OrderChanges = Partial<{
  status: OrderStatus;
  filledQuantity: Quantity;
  filledValue: TradeValue;
  reserved: Paise;
  brokerOrderIds: string[];
  brokerSlices: SliceBook;
  rejectReason: string | null;
  cancelRequested: boolean;
  quantity: Quantity;
  price: PriceTicks | null;
  triggerPrice: PriceTicks | null;
  referencePrice: PriceTicks;
  shortQuantity: Quantity;
  pendingModification: OrderModification | null;
  holdBook: 'wallet' | 'paper';
}>;

/** One history entry to write: a typed event (domain order-history.ts) and the order's status after it. */
export type OrderEventInsert = OrderHistoryEvent & { readonly status: OrderStatus };

const storedDetails = (e: OrderHistoryEvent): string => JSON.stringify(encodeOrderHistoryDetails(e));

const ORDER_CHANGE_COLUMNS: Record<keyof OrderChanges, (v: never) => { col: string; value: unknown }> = {
  status: (v: OrderStatus) => ({ col: 'status', value: v }),
  filledQuantity: (v: Quantity) => ({ col: 'filled_quantity', value: v }),
  filledValue: (v: TradeValue) => ({ col: 'filled_value_tick_units', value: v.toString() }),
  reserved: (v: Paise) => ({ col: 'reserved_paise', value: v.toString() }),
  holdBook: (v: 'wallet' | 'paper') => ({ col: 'hold_book', value: v }),
  brokerOrderIds: (v: string[]) => ({ col: 'broker_order_ids', value: v }),
  brokerSlices: (v: SliceBook) => ({ col: 'broker_slices', value: JSON.stringify(v) }),
  rejectReason: (v: string | null) => ({ col: 'reject_reason', value: v }),
  cancelRequested: (v: boolean) => ({ col: 'cancel_requested', value: v }),
  quantity: (v: Quantity) => ({ col: 'quantity', value: v }),
  price: (v: PriceTicks | null) => ({ col: 'price_ticks', value: v }),
  triggerPrice: (v: PriceTicks | null) => ({ col: 'trigger_ticks', value: v }),
  referencePrice: (v: PriceTicks) => ({ col: 'reference_price_ticks', value: v }),
  shortQuantity: (v: Quantity) => ({ col: 'short_quantity', value: v }),
  pendingModification: (v: object | null) => ({ col: 'pending_modification', value: v === null ? null : JSON.stringify(v) }),
};

/** `col = $n, ` for each change, numbered after the statement's first `before` parameters. */
function orderAssignments(set: OrderChanges, before: number): { assignments: string; params: unknown[] } {
  const params: unknown[] = [];
  let assignments = '';
  for (const [key, value] of Object.entries(set) as [keyof OrderChanges, never][]) {
    if (value === undefined) continue;
    const { col, value: v } = ORDER_CHANGE_COLUMNS[key](value);
    params.push(v);
    assignments += `${col} = $${before + params.length}, `;
  }
  return { assignments, params };
}

export interface PositionSave {
  userId: UserId;
  accountId: string;
  symbol: string;
  product: Product;
  position: Position;
}

/** INSERT of `trades` (parameters numbered from `first`): a statement, or a CTE. */
function tradesInsert(trades: readonly TradeInsert[], first: number): { text: string; params: unknown[] } {
  const col = <T>(f: (t: TradeInsert) => T) => trades.map(f);
  const types = [
    'uuid',
    'uuid',
    'uuid',
    'text',
    'text',
    'text',
    'int',
    'bigint',
    'bigint',
    'bigint',
    'bigint',
    'text',
    'bigint',
    'text',
    'text',
    'timestamptz',
  ];
  return {
    text: `INSERT INTO trades (id, order_id, user_id, symbol, side, product, quantity, price_ticks, value_paise, fees_paise, taxes_paise, charges,
         realized_delta_tick_units, broker, broker_trade_id, executed_at)
       SELECT c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11::jsonb, c12, c13, c14, c15
       FROM unnest(${types.map((t, i) => `$${first + i}::${t}[]`).join(', ')}) AS x(${types.map((_, i) => `c${i}`).join(', ')})`,
    params: [
      col((t) => t.id),
      col((t) => t.orderId),
      col((t) => t.userId),
      col((t) => t.symbol),
      col((t) => t.side),
      col((t) => t.product),
      col((t) => t.quantity),
      col((t) => t.price),
      col((t) => t.value.toString()),
      col((t) => t.fees.toString()),
      col((t) => t.taxes.toString()),
      col((t) => JSON.stringify(t.charges)),
      col((t) => t.realizedDelta.toString()),
      col((t) => t.broker),
      col((t) => t.brokerTradeId),
      col((t) => t.executedAt.toISOString()),
    ],
  };
}

/** UPSERT of position states (parameters numbered from `first`): a statement, or a CTE. */
function positionsUpsert(rows: readonly PositionSave[], first: number): { text: string; params: unknown[] } {
  const col = <T>(f: (r: PositionSave) => T) => rows.map(f);
  const types = ['uuid', 'uuid', 'text', 'text', 'int', 'bigint', 'int', 'int', 'bigint', 'bigint'];
  return {
    text: `INSERT INTO positions (user_id, account_id, symbol, product, net_quantity, lot_cost_tick_units, lot_quantity, lot_closed_quantity, lot_closed_cash_flow_tick_units, realized_before_lot_tick_units)
       SELECT * FROM unnest(${types.map((t, i) => `$${first + i}::${t}[]`).join(', ')})
       ON CONFLICT (user_id, account_id, symbol, product) DO UPDATE SET net_quantity = EXCLUDED.net_quantity, lot_cost_tick_units = EXCLUDED.lot_cost_tick_units,
         lot_quantity = EXCLUDED.lot_quantity, lot_closed_quantity = EXCLUDED.lot_closed_quantity,
         lot_closed_cash_flow_tick_units = EXCLUDED.lot_closed_cash_flow_tick_units, realized_before_lot_tick_units = EXCLUDED.realized_before_lot_tick_units, updated_at = now()`,
    params: [
      col((r) => r.userId),
      col((r) => r.accountId),
      col((r) => r.symbol),
      col((r) => r.product),
      col((r) => r.position.netQuantity),
      col((r) => r.position.lotCost.toString()),
      col((r) => r.position.lotQuantity),
      col((r) => r.position.lotClosedQuantity),
      col((r) => r.position.lotClosedCashFlow.toString()),
      col((r) => r.position.realizedBeforeLot.toString()),
    ],
  };
}

/** An order waiting to be marked as being sent (TradingRepository.markSending). */
interface PendingSend {
  orderId: OrderId;
  resolve: (row: (OrderRow & { send_attempts: number }) | undefined) => void;
  reject: (err: unknown) => void;
}

/** Orders, their history, trades and positions: plain SQL, inside the caller's transaction. */
@Injectable()
export class TradingRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  /**
   * A new PENDING order, the first entry of its history (PLACED) and its audit event, in one
   * statement. The row's terms, reservation basis and hold are the PLACED entry's.
   */
  async insertOrder(sql: Sql, o: NewOrderRow, placed: OrderPlacedDetails, audit: AuditRecord): Promise<OrderRow> {
    const [row] = await this.insertOrders(sql, [{ order: o, placed, audit }]);
    return row!;
  }

  /**
   * insertOrder for several orders (a group commit of intakes, ADR 0015): the orders, their
   * PLACED entries and audit events in one statement. Rows come back in the order given.
   */
  async insertOrders(
    sql: Sql,
    items: readonly { order: NewOrderRow; placed: OrderPlacedDetails; audit: AuditRecord }[],
  ): Promise<OrderRow[]> {
    const col = <T>(f: (i: (typeof items)[number]) => T) => items.map(f);
    const a = auditInsertMany(
      items.map((i) => i.audit),
      24,
    );
    const rows = await sql.rows<OrderRow>(
      `WITH x AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::bigint[], $10::bigint[],
           $11::bigint[], $12::int[], $13::bigint[], $14::text[], $15::text[], $16::text[], $17::text[], $18::uuid[], $19::uuid[], $20::text[], $21::uuid[], $22::uuid[], $23::int[])
           AS x(id, user_id, symbol, side, type, product, validity, quantity, price_ticks, trigger_ticks, reference_price_ticks, short_quantity, reserved_paise,
             client_tag, strategy_id, broker, details, signal_id, account_id, hold_book, leg_id, intent_id, position_size)
       ), o AS (
         INSERT INTO orders (id, user_id, symbol, side, type, product, validity, quantity, price_ticks, trigger_ticks, status,
           reference_price_ticks, short_quantity, reserved_paise, client_tag, strategy_id, broker, signal_id, account_id, hold_book, leg_id, intent_id, position_size)
         SELECT id, user_id, symbol, side, type, product, validity, quantity, price_ticks, trigger_ticks, 'PENDING',
           reference_price_ticks, short_quantity, reserved_paise, client_tag, strategy_id, broker, signal_id, account_id, hold_book, leg_id, intent_id, position_size
         FROM x
         RETURNING ${ORDER_COLUMNS}
       ), e AS (
         INSERT INTO order_events (order_id, status, event, details) SELECT x.id, 'PENDING', 'PLACED', x.details::jsonb FROM x
       ), a AS (${a.text})
       SELECT * FROM o`,
      [
        col((i) => i.order.id),
        col((i) => i.order.userId),
        col((i) => i.order.symbol),
        col((i) => i.placed.side),
        col((i) => i.placed.type),
        col((i) => i.placed.product),
        col((i) => i.placed.validity),
        col((i) => i.placed.quantity),
        col((i) => i.placed.price),
        col((i) => i.placed.triggerPrice),
        col((i) => i.placed.referencePrice),
        col((i) => i.placed.shortQuantity),
        col((i) => i.placed.reserved.toString()),
        col((i) => i.order.clientTag),
        col((i) => i.order.strategyId),
        col((i) => i.order.broker),
        col((i) => storedDetails({ event: 'PLACED', details: i.placed })),
        col((i) => i.order.signalId ?? null),
        col((i) => i.order.accountId),
        col((i) => i.order.holdBook),
        col((i) => i.order.legId ?? null),
        col((i) => i.order.intentId ?? null),
        col((i) => i.order.positionSize ?? null),
        ...a.params,
      ],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return items.map((i) => byId.get(i.order.id)!);
  }

  /** Appends one history entry (the order row is the caller's to change, in the same transaction). */
  async appendEvent<E extends OrderHistoryEventType>(
    sql: Sql,
    orderId: OrderId,
    status: OrderStatus,
    event: E,
    details: OrderHistoryDetails<E>,
  ): Promise<void> {
    await sql.rows(`INSERT INTO order_events (order_id, status, event, details) VALUES ($1, $2, $3, $4)`, [
      orderId,
      status,
      event,
      storedDetails({ event, details } as OrderHistoryEvent),
    ]);
  }

  /**
   * Marks a sendable order (PENDING, not at the broker, no cancel asked) as being sent: bumps its
   * send attempts and records SENDING, in one statement. Undefined when the order is not
   * sendable. The UPDATE re-reads the row once it holds the lock, so of two concurrent callers
   * the second sees attempt 2 and must look the order up at the broker before sending.
   */
  markSending(orderId: OrderId): Promise<(OrderRow & { send_attempts: number }) | undefined> {
    return new Promise((resolve, reject) => this.sending.submit({ orderId, resolve, reject }));
  }

  /** markSending of orders sent at the same time (concurrent jobs): one statement for all (ADR 0015). */
  private readonly sending = new GroupCommit<PendingSend>({
    key: (p) => p.orderId,
    write: async (batch) => {
      try {
        const rows = await this.db.sql.rows<OrderRow & { send_attempts: number }>(
          `WITH o AS (
             UPDATE orders SET send_attempts = send_attempts + 1, updated_at = clock_timestamp()
             WHERE id = ANY($1::uuid[]) AND status = 'PENDING' AND cardinality(broker_order_ids) = 0 AND NOT cancel_requested
             RETURNING ${ORDER_COLUMNS}, send_attempts
           ), e AS (
             INSERT INTO order_events (order_id, status, event, details) SELECT id, 'PENDING', $2, json_build_object('attempt', send_attempts) FROM o
           )
           SELECT * FROM o`,
          // The SENDING entry's details, { attempt }, are built here: the attempt is the UPDATE's.
          [batch.map((p) => p.orderId), 'SENDING' satisfies OrderHistoryEventType],
        );
        const byId = new Map(rows.map((r) => [r.id, r]));
        for (const p of batch) p.resolve(byId.get(p.orderId));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    },
    fail: (batch, err) => batch.forEach((p) => p.reject(err)),
    maxBatch: 64,
    maxInFlight: 2,
    maxWaitMs: 2,
  });

  /**
   * Saves an order's new state and appends its history entries — with the trades and position
   * states of the fills the change made — in one statement; returns the new row. `events` are
   * written in the order given. A trade seen before is a unique violation: the caller's order
   * lock and cumulative fill ids make that impossible, so it aborts the transaction loudly.
   */
  async saveOrder(
    sql: Sql,
    id: OrderId,
    set: OrderChanges,
    events: readonly OrderEventInsert[],
    fills: { trades: readonly TradeInsert[]; positions: readonly PositionSave[] } = { trades: [], positions: [] },
  ): Promise<OrderRow> {
    const params: unknown[] = [id, events.map((e) => e.status), events.map((e) => e.event), events.map(storedDetails)];
    const { assignments, params: setParams } = orderAssignments(set, params.length);
    params.push(...setParams);
    const ctes: string[] = [];
    if (fills.trades.length > 0) {
      const t = tradesInsert(fills.trades, params.length + 1);
      params.push(...t.params);
      ctes.push(`t AS (${t.text})`);
    }
    if (fills.positions.length > 0) {
      const p = positionsUpsert(fills.positions, params.length + 1);
      params.push(...p.params);
      ctes.push(`p AS (${p.text})`);
    }
    const [row] = await sql.rows<OrderRow>(
      `WITH u AS (
         UPDATE orders SET ${assignments}updated_at = clock_timestamp(), version = version + 1 WHERE id = $1 RETURNING ${ORDER_COLUMNS}
       ), e AS (
         INSERT INTO order_events (order_id, status, event, details)
         SELECT $1, x.status, x.event, x.details::jsonb FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS x(status, event, details, n) ORDER BY x.n
       )${ctes.map((c) => `, ${c}`).join('')}
       SELECT * FROM u`,
      params,
    );
    return row!;
  }

  /**
   * saveOrder for several orders changed in one transaction (the engine's group commit, ADR
   * 0015), in ONE statement: each order's columns set to its draft's row (the rows are locked by
   * the caller), the history entries in the order given, the trades, and each position's last
   * state. Returns the new rows in the order given.
   */
  async saveOrders(
    sql: Sql,
    drafts: readonly {
      row: OrderRow;
      events: readonly OrderEventInsert[];
      trades: readonly TradeInsert[];
      positions: readonly PositionSave[];
    }[],
  ): Promise<OrderRow[]> {
    const col = <T>(f: (r: OrderRow) => T) => drafts.map((d) => f(d.row));
    const events = drafts.flatMap((d) => d.events.map((e) => ({ id: d.row.id, e })));
    const params: unknown[] = [
      col((r) => r.id),
      col((r) => r.status),
      col((r) => r.filled_quantity),
      col((r) => r.filled_value_tick_units),
      col((r) => r.reserved_paise),
      col((r) => r.hold_book),
      col((r) => JSON.stringify(r.broker_order_ids)),
      col((r) => (r.broker_slices === null ? null : JSON.stringify(r.broker_slices))),
      col((r) => r.reject_reason),
      col((r) => r.cancel_requested),
      col((r) => r.quantity),
      col((r) => r.price_ticks),
      col((r) => r.trigger_ticks),
      col((r) => r.reference_price_ticks),
      col((r) => r.short_quantity),
      col((r) => (r.pending_modification === null ? null : JSON.stringify(r.pending_modification))),
      events.map((x) => x.id),
      events.map((x) => x.e.status),
      events.map((x) => x.e.event),
      events.map((x) => storedDetails(x.e)),
    ];
    const ctes: string[] = [];
    const trades = drafts.flatMap((d) => d.trades);
    if (trades.length > 0) {
      const t = tradesInsert(trades, params.length + 1);
      params.push(...t.params);
      ctes.push(`t AS (${t.text})`);
    }
    // A position two orders of the batch moved: its last state (the drafts are in the order they were built).
    const positions = [...new Map(drafts.flatMap((d) => d.positions.map((p) => [lockedPositionKey(p), p] as const))).values()];
    if (positions.length > 0) {
      const p = positionsUpsert(positions, params.length + 1);
      params.push(...p.params);
      ctes.push(`p AS (${p.text})`);
    }
    const rows = await sql.rows<OrderRow>(
      `WITH x AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::numeric[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bool[],
           $11::int[], $12::bigint[], $13::bigint[], $14::bigint[], $15::int[], $16::text[])
           AS x(x_id, x_status, x_filled_quantity, x_filled_value, x_reserved, x_hold_book, x_broker_ids, x_broker_slices, x_reject_reason, x_cancel_requested,
             x_quantity, x_price_ticks, x_trigger_ticks, x_reference_price_ticks, x_short_quantity, x_pending_modification)
       ), u AS (
         UPDATE orders SET status = x_status, filled_quantity = x_filled_quantity, filled_value_tick_units = x_filled_value, reserved_paise = x_reserved,
           hold_book = x_hold_book, broker_order_ids = ARRAY(SELECT jsonb_array_elements_text(x_broker_ids::jsonb)), broker_slices = x_broker_slices::jsonb,
           reject_reason = x_reject_reason, cancel_requested = x_cancel_requested, quantity = x_quantity, price_ticks = x_price_ticks,
           trigger_ticks = x_trigger_ticks, reference_price_ticks = x_reference_price_ticks, short_quantity = x_short_quantity,
           pending_modification = x_pending_modification::jsonb, updated_at = clock_timestamp(), version = version + 1
         FROM x WHERE id = x_id
         RETURNING ${ORDER_COLUMNS}
       ), e AS (
         INSERT INTO order_events (order_id, status, event, details)
         SELECT y.o, y.s, y.ev, y.d::jsonb FROM unnest($17::uuid[], $18::text[], $19::text[], $20::text[]) WITH ORDINALITY AS y(o, s, ev, d, n) ORDER BY y.n
       )${ctes.map((c) => `, ${c}`).join('')}
       SELECT * FROM u`,
      params,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return drafts.map((d) => byId.get(d.row.id)!);
  }

  async order(id: OrderId, sql: Sql = this.db.sql, opts: { userId?: UserId; lock?: boolean } = {}): Promise<OrderRow | undefined> {
    const params: unknown[] = [id];
    let where = 'id = $1';
    if (opts.userId) {
      params.push(opts.userId);
      where += ' AND user_id = $2';
    }
    return sql.maybeOne<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE ${where}${opts.lock ? ' FOR UPDATE' : ''}`, params);
  }

  /**
   * Several orders, locked for the rest of the transaction in id order (so two transactions
   * locking overlapping sets never wait on each other in a cycle), and — in the same statement —
   * the positions of those in `filling` (lockPosition for each: created flat if missing, locked in
   * key order). Missing order ids are absent. Positions are keyed by lockedPositionKey.
   */
  async lockOrders(
    sql: Sql,
    ids: readonly OrderId[],
    filling: readonly OrderId[] = [],
  ): Promise<{ orders: Map<string, OrderRow>; positions: Map<string, Position> }> {
    const rows = await sql.rows<OrderRow & { locked_positions: (PositionRow & { user_id: UserId })[] | null }>(
      `WITH o AS (
         SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE
       ), p AS (
         INSERT INTO positions (user_id, account_id, symbol, product, net_quantity, lot_cost_tick_units, lot_quantity, lot_closed_quantity, lot_closed_cash_flow_tick_units, realized_before_lot_tick_units)
         SELECT DISTINCT o.user_id, o.account_id, o.symbol, o.product, 0, 0, 0, 0, 0, 0 FROM o WHERE o.id = ANY($2::uuid[])
         ORDER BY 1, 2, 3, 4
         ON CONFLICT (user_id, account_id, symbol, product) DO UPDATE SET net_quantity = positions.net_quantity
         RETURNING user_id, account_id, symbol, product, net_quantity, lot_cost_tick_units::text, lot_quantity, lot_closed_quantity,
           lot_closed_cash_flow_tick_units::text, realized_before_lot_tick_units::text
       )
       SELECT o.*, (SELECT json_agg(p) FROM p) AS locked_positions FROM o`,
      [ids, filling],
    );
    const orders = new Map<string, OrderRow>();
    const positions = new Map<string, Position>();
    for (const { locked_positions, ...order } of rows) {
      orders.set(order.id, order);
      for (const p of locked_positions ?? [])
        positions.set(
          lockedPositionKey({ userId: p.user_id, accountId: p.account_id, symbol: p.symbol, product: p.product }),
          toPosition(p),
        );
    }
    return { orders, positions };
  }

  /** Applies column changes and bumps the version; returns the new row. */
  async updateOrder(sql: Sql, id: OrderId, set: OrderChanges): Promise<OrderRow> {
    const { assignments, params } = orderAssignments(set, 1);
    const [row] = await sql.rows<OrderRow>(
      `UPDATE orders SET ${assignments}updated_at = clock_timestamp(), version = version + 1 WHERE id = $1 RETURNING ${ORDER_COLUMNS}`,
      [id, ...params],
    );
    return row!;
  }

  async listOrders(
    userId: UserId,
    q: { status?: string; symbol?: string; strategyId?: string; accountId?: string; limit: number },
  ): Promise<OrderRow[]> {
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
    if (q.strategyId) {
      params.push(q.strategyId);
      where.push(`strategy_id = $${params.length}`);
    }
    if (q.accountId) {
      params.push(q.accountId);
      where.push(`account_id = $${params.length}`);
    }
    params.push(q.limit);
    return this.db.sql.rows<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
  }

  async history(
    orderId: OrderId,
    sql: Sql = this.db.sql,
  ): Promise<{ status: OrderStatus; event: string; details: Record<string, unknown>; at: Date }[]> {
    return sql.rows(`SELECT status, event, details, at FROM order_events WHERE order_id = $1 ORDER BY id`, [orderId]);
  }

  /**
   * Marks every open order in `scope` (one user's, one strategy's, or everyone's) as
   * cancel-requested and records who asked, each entry with the order's own status (a request does
   * not change it); in the caller's transaction. Returns the ids: the caller enqueues their cancel
   * jobs after the commit. Orders already asked to cancel are skipped, unless `again` (the kill
   * switch asks again, so a cancel that went missing is re-driven).
   */
  async requestCancelOfOpenOrders(
    sql: Sql,
    scope: { userId: UserId } | { strategyId: string } | 'all',
    request: CancelRequestDetails,
    opts: { again?: boolean } = {},
  ): Promise<OrderId[]> {
    const params: unknown[] = [OPEN_STATUSES];
    const where = ['status = ANY($1::text[])'];
    if (scope !== 'all') {
      params.push('userId' in scope ? scope.userId : scope.strategyId);
      where.push(`${'userId' in scope ? 'user_id' : 'strategy_id'} = $2`);
    }
    if (!opts.again) where.push('NOT cancel_requested');
    const open = await sql.rows<{ id: OrderId; status: OrderStatus }>(
      `UPDATE orders SET cancel_requested = true, updated_at = clock_timestamp(), version = version + 1
        WHERE ${where.join(' AND ')} RETURNING id, status`,
      params,
    );
    for (const o of open) await this.appendEvent(sql, o.id, o.status, 'CANCEL_REQUESTED', request);
    return open.map((o) => o.id);
  }

  /** Our order for one of its broker order ids. */
  /**
   * Our order holding this broker order id; with `accountId` only that account's (two installs of
   * one broker — OpenAlgo — number their orders independently, so ids repeat across accounts).
   */
  async orderIdForBrokerId(brokerOrderId: string, accountId?: string): Promise<string | undefined> {
    const r = await this.db.sql.maybeOne<{ id: string }>(
      `SELECT id FROM orders WHERE broker_order_ids @> ARRAY[$1]::text[] AND ($2::uuid IS NULL OR account_id = $2::uuid)`,
      [brokerOrderId, accountId ?? null],
    );
    return r?.id;
  }

  /** Our order (id, account, status) that holds this broker order id on an account of that broker kind. */
  async orderOfBrokerId(kind: string, brokerOrderId: string): Promise<{ id: string; account_id: string; status: OrderStatus } | undefined> {
    return this.db.sql.maybeOne(
      `SELECT o.id, o.account_id, o.status FROM orders o JOIN broker_accounts a ON a.id = o.account_id
       WHERE o.broker_order_ids @> ARRAY[$2]::text[] AND a.kind = $1 LIMIT 1`,
      [kind, brokerOrderId],
    );
  }

  async openOrders(sql: Sql, userId: UserId): Promise<OrderRow[]> {
    return sql.rows<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE user_id = $1 AND status = ANY($2::text[])`, [
      userId,
      OPEN_STATUSES,
    ]);
  }

  /**
   * Which of `symbols` someone has an open order or a non-flat position in (any user, any
   * account): what the daily roll of the simulated listing must not delist.
   */
  async symbolsInUse(symbols: readonly string[], sql: Sql = this.db.sql): Promise<Set<string>> {
    if (symbols.length === 0) return new Set();
    const rows = await sql.rows<{ symbol: string }>(
      `SELECT symbol FROM orders WHERE symbol = ANY($1::text[]) AND status = ANY($2::text[])
       UNION
       SELECT symbol FROM positions WHERE symbol = ANY($1::text[]) AND net_quantity <> 0`,
      [symbols, OPEN_STATUSES],
    );
    return new Set(rows.map((r) => r.symbol));
  }

  /**
   * Open orders of paper accounts (broker `mock`) whose hold still lives in the wallet: placed
   * before paper orders held in the paper book. Ids, oldest first (the hold move).
   */
  async paperOrdersHeldInWallet(limit = 10_000): Promise<OrderId[]> {
    const rows = await this.db.sql.rows<{ id: OrderId }>(
      `SELECT id FROM orders WHERE hold_book = 'wallet' AND broker = 'mock' AND status = ANY($1::text[]) ORDER BY created_at, id LIMIT $2`,
      [OPEN_STATUSES, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Orders still to be worked by the engine (any user), oldest first: for recovery sweeps. */
  async unfinished(olderThanMs: number, limit = 500): Promise<OrderRow[]> {
    return this.db.sql.rows<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE status = ANY($1::text[]) AND updated_at < now() - make_interval(secs => $2) ORDER BY created_at LIMIT $3`,
      [OPEN_STATUSES, olderThanMs / 1000, limit],
    );
  }

  /** One account's orders still working at its broker (they carry broker ids), oldest first: reconciled after a reconnect. */
  async unfinishedOfAccount(accountId: string, limit = 5_000): Promise<OrderRow[]> {
    return this.db.sql.rows<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE account_id = $1 AND status = ANY($2::text[]) AND cardinality(broker_order_ids) > 0 ORDER BY created_at LIMIT $3`,
      [accountId, OPEN_STATUSES, limit],
    );
  }

  async recentOrderTimes(sql: Sql, userId: UserId, sinceMs: number): Promise<number[]> {
    const rows = await sql.rows<{ t: string }>(
      `SELECT (extract(epoch FROM created_at) * 1000)::bigint::text AS t FROM orders WHERE user_id = $1 AND created_at > $2`,
      [userId, new Date(sinceMs).toISOString()],
    );
    return rows.map((r) => Number(r.t));
  }

  /**
   * The position row, locked for the rest of the transaction — created flat first if it does
   * not exist (FOR UPDATE locks nothing on a missing row: two first fills of one position would
   * both start from flat and one would be lost). One statement: the no-op DO UPDATE takes the
   * lock and returns the row as it is once the lock is ours.
   */
  async lockPosition(sql: Sql, userId: UserId, accountId: string, symbol: string, product: Product): Promise<Position> {
    const row = await sql.one<PositionRow>(
      `INSERT INTO positions (user_id, account_id, symbol, product, net_quantity, lot_cost_tick_units, lot_quantity, lot_closed_quantity, lot_closed_cash_flow_tick_units, realized_before_lot_tick_units)
       VALUES ($1, $4, $2, $3, 0, 0, 0, 0, 0, 0)
       ON CONFLICT (user_id, account_id, symbol, product) DO UPDATE SET net_quantity = positions.net_quantity
       RETURNING account_id, symbol, product, net_quantity, lot_cost_tick_units::text, lot_quantity, lot_closed_quantity, lot_closed_cash_flow_tick_units::text, realized_before_lot_tick_units::text`,
      [userId, symbol, product, accountId],
    );
    return toPosition(row);
  }

  async positions(userId: UserId, sql: Sql = this.db.sql): Promise<AccountPosition[]> {
    const rows = await sql.rows<PositionRow>(
      `SELECT account_id, symbol, product, net_quantity, lot_cost_tick_units::text, lot_quantity, lot_closed_quantity, lot_closed_cash_flow_tick_units::text, realized_before_lot_tick_units::text
       FROM positions WHERE user_id = $1 ORDER BY symbol, product, account_id`,
      [userId],
    );
    return rows.map((r) => ({ ...toPosition(r), accountId: r.account_id, symbol: r.symbol, product: r.product }));
  }

  async trades(userId: UserId, limit: number): Promise<TradeRow[]> {
    return this.db.sql.rows(`SELECT ${TRADE_COLUMNS} FROM trades WHERE user_id = $1 ORDER BY executed_at DESC, id DESC LIMIT $2`, [
      userId,
      limit,
    ]);
  }

  /**
   * Every fill of the user, oldest first, with the account its order went through and the charges
   * it paid: what the P&L history replays (docs/api.md `GET /api/v1/portfolio/pnl-history`).
   */
  async historyFills(userId: UserId): Promise<HistoryFill[]> {
    const rows = await this.db.sql.rows<{
      account_id: string;
      symbol: string;
      side: 'BUY' | 'SELL';
      product: string;
      quantity: number;
      price_ticks: string;
      executed_at: Date;
      charges: string;
    }>(
      `SELECT o.account_id, t.symbol, t.side, t.product, t.quantity, t.price_ticks::text, t.executed_at,
              (t.fees_paise + t.taxes_paise)::text AS charges
       FROM trades t JOIN orders o ON o.id = t.order_id
       WHERE t.user_id = $1 ORDER BY t.executed_at, t.id`,
      [userId],
    );
    return rows.map((r) => ({
      key: `${r.account_id}|${r.symbol}|${r.product}`,
      symbol: r.symbol,
      side: r.side,
      quantity: r.quantity,
      price: Number(r.price_ticks),
      at: r.executed_at.getTime(),
      charges: BigInt(r.charges),
    }));
  }

  /** Σ realized P&L change of today's (IST) fills, ticks·units. */
  async realizedToday(sql: Sql, userId: UserId, dayStart: number): Promise<TradeValue> {
    const row = await sql.one<{ v: string }>(
      `SELECT coalesce(sum(realized_delta_tick_units), 0)::text AS v FROM trades WHERE user_id = $1 AND executed_at >= $2`,
      [userId, new Date(dayStart).toISOString()],
    );
    return BigInt(row.v);
  }
}
