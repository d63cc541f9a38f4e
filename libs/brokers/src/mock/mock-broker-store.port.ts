import type { Exchange, OrderSide, OrderType, PriceTicks, Product, Quantity, TradeValue, Validity } from '@tradeloop/domain';

/** The mock's own order statuses: the canonical report names, as a real broker's raw statuses. */
export const MOCK_ORDER_STATUSES = ['OPEN', 'TRIGGER_PENDING', 'FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED'] as const;
export type MockOrderStatus = (typeof MOCK_ORDER_STATUSES)[number];
export const MOCK_OPEN_STATUSES: readonly MockOrderStatus[] = ['OPEN', 'TRIGGER_PENDING'];
export const isMockOrderOpen = (s: MockOrderStatus): boolean => s === 'OPEN' || s === 'TRIGGER_PENDING';

/** One order as the mock broker holds it: one row. */
export interface MockOrderRecord {
  readonly brokerOrderId: string;
  /** From the `order` sequence: placement order, the tie-break for everything. */
  readonly seq: number;
  readonly tag: string | null;
  readonly exchange: Exchange;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly product: Product;
  readonly validity: Validity;
  readonly quantity: Quantity;
  readonly price: PriceTicks | null;
  readonly triggerPrice: PriceTicks | null;
  readonly status: MockOrderStatus;
  readonly filledQuantity: Quantity;
  /** Σ trade quantity × price (ticks·units), exact: the average is filledValue / filledQuantity. */
  readonly filledValue: TradeValue;
  /** Trades so far: with the seed, it decides the size of the next partial fill. */
  readonly fillCount: number;
  readonly rejectReason: string | null;
  /** Epoch ms (mock time). Ticks before `liveAt` (acceptance + latency) do not reach the order. */
  readonly acceptedAt: number;
  readonly liveAt: number;
  readonly updatedAt: number;
  /** 1 when inserted, +1 on every update: the optimistic-concurrency check. */
  readonly version: number;
}

/** One execution: one row, never updated. */
export interface MockTradeRecord {
  readonly tradeId: string;
  /** From the `trade` sequence. */
  readonly seq: number;
  readonly brokerOrderId: string;
  readonly exchange: Exchange;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly product: Product;
  readonly quantity: Quantity;
  readonly price: PriceTicks;
  /** The `ts` of the tick it filled on. */
  readonly ts: number;
}

export type MockSequenceName = 'order' | 'trade';

/**
 * Where the mock broker keeps its state. The mock must behave like an external system: killing
 * our worker must not lose the orders "at the broker", so in the running system this is Postgres
 * (implemented in libs/trading) and a restarted worker's mock picks up where the old one stopped.
 * `InMemoryMockBrokerStore` is the test double.
 *
 * Every method is one simple statement (or one short transaction), e.g.:
 *
 *   mock_broker_orders(broker_order_id text PK, seq bigint UNIQUE, tag text, exchange, symbol,
 *     side, type, product, validity, quantity int, price_ticks bigint NULL, trigger_ticks bigint NULL,
 *     status text, filled_quantity int, filled_value_tick_units numeric, fill_count int, reject_reason text,
 *     accepted_at / live_at / updated_at bigint (epoch ms), version int)
 *     + INDEX (tag) + partial INDEX (seq) WHERE status IN ('OPEN','TRIGGER_PENDING')
 *   mock_broker_trades(trade_id text PK, seq bigint UNIQUE, broker_order_id text REFERENCES
 *     mock_broker_orders, exchange, symbol, side, product, quantity int, price_ticks bigint, ts bigint)
 *   two SEQUENCEs (or a counters table) for `nextSequence`.
 *
 * Conventions: after the insert only quantity, price, trigger price, status, the fill fields,
 * reject reason, updated_at and version change (ids, tag, instrument, side, type, product,
 * validity, accepted_at and live_at never do); lists are ordered by `seq` ascending; records handed in and out are immutable
 * values (a store must not keep a reference it later mutates); `filledValue` is a bigint (pg
 * returns BIGINT as a string: convert). Prices and quantities fit in a JS number exactly.
 */
export interface MockBrokerStore {
  /** The next value of a counter, starting at 1, never handed out twice even across restarts: `SELECT nextval(…)`. */
  nextSequence(name: MockSequenceName): Promise<number>;
  /**
   * `INSERT INTO mock_broker_orders …` (version 1), with the trades it made on arrival (an
   * order that met a marketable book fills as it is accepted) — in ONE statement or transaction.
   */
  insertOrder(order: MockOrderRecord, trades?: readonly MockTradeRecord[]): Promise<void>;
  /**
   * In ONE transaction: `UPDATE mock_broker_orders SET … , version = $new WHERE broker_order_id
   * = $id AND version = $expectedVersion`; only if that changed exactly one row, `INSERT INTO
   * mock_broker_trades` each of `newTrades`. Returns false, having written nothing, when the
   * version did not match (another process moved the order first). `order.version` is
   * `expectedVersion + 1`. A fill is thus never recorded without its order update, or twice.
   */
  updateOrder(order: MockOrderRecord, expectedVersion: number, newTrades: readonly MockTradeRecord[]): Promise<boolean>;
  /** `SELECT … WHERE broker_order_id = $1`; null when absent. */
  getOrder(brokerOrderId: string): Promise<MockOrderRecord | null>;
  /** `SELECT … WHERE tag = $1 ORDER BY seq`. */
  findOrdersByTag(tag: string): Promise<MockOrderRecord[]>;
  /** `SELECT … [WHERE status IN ('OPEN','TRIGGER_PENDING')] ORDER BY seq`. */
  listOrders(filter?: { readonly openOnly?: boolean }): Promise<MockOrderRecord[]>;
  /** `SELECT … [WHERE broker_order_id = $1] ORDER BY seq`. */
  listTrades(filter?: { readonly brokerOrderId?: string }): Promise<MockTradeRecord[]>;
}
