import { Inject, Injectable } from '@nestjs/common';
import type { MockBrokerStore, MockOrderRecord, MockSequenceName, MockTradeRecord } from '@tradeloop/brokers';
import { Db } from '@tradeloop/platform';

interface OrderRow {
  broker_order_id: string;
  seq: string;
  tag: string | null;
  exchange: MockOrderRecord['exchange'];
  symbol: string;
  side: MockOrderRecord['side'];
  type: MockOrderRecord['type'];
  product: MockOrderRecord['product'];
  validity: MockOrderRecord['validity'];
  quantity: number;
  price_ticks: string | null;
  trigger_ticks: string | null;
  status: MockOrderRecord['status'];
  filled_quantity: number;
  filled_value_tick_units: string;
  fill_count: number;
  reject_reason: string | null;
  accepted_at: string;
  live_at: string;
  updated_at: string;
  version: number;
}

const ORDER_COLS = `broker_order_id, seq::text, tag, exchange, symbol, side, type, product, validity, quantity, price_ticks::text, trigger_ticks::text, status,
  filled_quantity, filled_value_tick_units::text, fill_count, reject_reason, accepted_at::text, live_at::text, updated_at::text, version`;
const TRADE_COLS = `trade_id, seq::text, broker_order_id, exchange, symbol, side, product, quantity, price_ticks::text, ts::text`;

const toOrder = (r: OrderRow): MockOrderRecord => ({
  brokerOrderId: r.broker_order_id,
  seq: Number(r.seq),
  tag: r.tag,
  exchange: r.exchange,
  symbol: r.symbol,
  side: r.side,
  type: r.type,
  product: r.product,
  validity: r.validity,
  quantity: r.quantity,
  price: r.price_ticks === null ? null : Number(r.price_ticks),
  triggerPrice: r.trigger_ticks === null ? null : Number(r.trigger_ticks),
  status: r.status,
  filledQuantity: r.filled_quantity,
  filledValue: BigInt(r.filled_value_tick_units),
  fillCount: r.fill_count,
  rejectReason: r.reject_reason,
  acceptedAt: Number(r.accepted_at),
  liveAt: Number(r.live_at),
  updatedAt: Number(r.updated_at),
  version: r.version,
});

interface TradeRow {
  trade_id: string;
  seq: string;
  broker_order_id: string;
  exchange: MockTradeRecord['exchange'];
  symbol: string;
  side: MockTradeRecord['side'];
  product: MockTradeRecord['product'];
  quantity: number;
  price_ticks: string;
  ts: string;
}
const toTrade = (r: TradeRow): MockTradeRecord => ({
  tradeId: r.trade_id,
  seq: Number(r.seq),
  brokerOrderId: r.broker_order_id,
  exchange: r.exchange,
  symbol: r.symbol,
  side: r.side,
  product: r.product,
  quantity: r.quantity,
  price: Number(r.price_ticks),
  ts: Number(r.ts),
});

/**
 * The mock broker's books in Postgres (schema `mock_broker`), so "the broker" survives our worker
 * being killed: a restarted worker's MockBroker carries on with the same orders and trades.
 */
/** Sequence values fetched per round trip: the sequences step by this much (migration 1763807400000-execution-round-trips). */
export const MOCK_SEQUENCE_BLOCK = 64;

const TRADE_INSERT = `INSERT INTO mock_broker.trades (trade_id, seq, broker_order_id, exchange, symbol, side, product, quantity, price_ticks, ts)
  SELECT * FROM unnest($TRADES_1::text[], $TRADES_2::bigint[], $TRADES_3::text[], $TRADES_4::text[], $TRADES_5::text[], $TRADES_6::text[], $TRADES_7::text[], $TRADES_8::int[], $TRADES_9::bigint[], $TRADES_10::bigint[])`;

/** `TRADE_INSERT` with its parameters numbered from `first`, and their values. */
function tradeInsert(trades: readonly MockTradeRecord[], first: number): { text: string; params: unknown[] } {
  const text = TRADE_INSERT.replace(/\$TRADES_(\d+)/g, (_, n: string) => `$${first + Number(n) - 1}`);
  const col = <T>(f: (t: MockTradeRecord) => T) => trades.map(f);
  return {
    text,
    params: [
      col((t) => t.tradeId),
      col((t) => t.seq),
      col((t) => t.brokerOrderId),
      col((t) => t.exchange),
      col((t) => t.symbol),
      col((t) => t.side),
      col((t) => t.product),
      col((t) => t.quantity),
      col((t) => t.price),
      col((t) => t.ts),
    ],
  };
}

/**
 * The mock broker's books in Postgres (schema `mock_broker`), so "the broker" survives our worker
 * being killed: a restarted worker's MockBroker carries on with the same orders and trades.
 * Every write is one statement (one round trip, atomic on its own).
 */
@Injectable()
export class PgMockBrokerStore implements MockBrokerStore {
  /** The unused rest of the last block fetched from each sequence (a restart abandons it: gaps, never repeats). */
  private readonly blocks: Record<MockSequenceName, { next: number; end: number }> = {
    order: { next: 0, end: 0 },
    trade: { next: 0, end: 0 },
  };

  constructor(@Inject(Db) private readonly db: Db) {}

  async nextSequence(name: MockSequenceName): Promise<number> {
    const block = this.blocks[name];
    if (block.next >= block.end) {
      const r = await this.db.sql.one<{ v: string }>(
        `SELECT nextval('mock_broker.${name === 'order' ? 'order_seq' : 'trade_seq'}')::text AS v`,
      );
      // Two callers can both find the block empty: each keeps the block it fetched.
      if (block.next >= block.end) {
        block.next = Number(r.v);
        block.end = block.next + MOCK_SEQUENCE_BLOCK;
      }
    }
    const v = block.next;
    block.next += 1;
    return v;
  }

  async insertOrder(o: MockOrderRecord, trades: readonly MockTradeRecord[] = []): Promise<void> {
    const t = tradeInsert(trades, 22);
    await this.db.sql.rows(
      `WITH o AS (
         INSERT INTO mock_broker.orders (broker_order_id, seq, tag, exchange, symbol, side, type, product, validity, quantity, price_ticks, trigger_ticks, status,
           filled_quantity, filled_value_tick_units, fill_count, reject_reason, accepted_at, live_at, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING 1
       )${trades.length > 0 ? `, t AS (${t.text})` : ''}
       SELECT 1 FROM o`,
      [
        o.brokerOrderId,
        o.seq,
        o.tag,
        o.exchange,
        o.symbol,
        o.side,
        o.type,
        o.product,
        o.validity,
        o.quantity,
        o.price,
        o.triggerPrice,
        o.status,
        o.filledQuantity,
        o.filledValue.toString(),
        o.fillCount,
        o.rejectReason,
        o.acceptedAt,
        o.liveAt,
        o.updatedAt,
        o.version,
        ...(trades.length > 0 ? t.params : []),
      ],
    );
  }

  async updateOrder(o: MockOrderRecord, expectedVersion: number, newTrades: readonly MockTradeRecord[]): Promise<boolean> {
    const t = tradeInsert(newTrades, 14);
    // The trades are inserted only when the versioned update matched (the WHERE EXISTS).
    const rows = await this.db.sql.rows(
      `WITH u AS (
         UPDATE mock_broker.orders SET quantity = $3, price_ticks = $4, trigger_ticks = $5, status = $6, filled_quantity = $7, filled_value_tick_units = $8,
           fill_count = $9, reject_reason = $10, live_at = $11, updated_at = $12, version = $13
         WHERE broker_order_id = $1 AND version = $2 RETURNING 1
       )${newTrades.length > 0 ? `, t AS (${t.text} WHERE EXISTS (SELECT 1 FROM u))` : ''}
       SELECT 1 FROM u`,
      [
        o.brokerOrderId,
        expectedVersion,
        o.quantity,
        o.price,
        o.triggerPrice,
        o.status,
        o.filledQuantity,
        o.filledValue.toString(),
        o.fillCount,
        o.rejectReason,
        o.liveAt,
        o.updatedAt,
        o.version,
        ...(newTrades.length > 0 ? t.params : []),
      ],
    );
    return rows.length === 1;
  }

  async getOrder(id: string): Promise<MockOrderRecord | null> {
    const r = await this.db.sql.maybeOne<OrderRow>(`SELECT ${ORDER_COLS} FROM mock_broker.orders WHERE broker_order_id = $1`, [id]);
    return r ? toOrder(r) : null;
  }

  async findOrdersByTag(tag: string): Promise<MockOrderRecord[]> {
    return (await this.db.sql.rows<OrderRow>(`SELECT ${ORDER_COLS} FROM mock_broker.orders WHERE tag = $1 ORDER BY seq`, [tag])).map(
      toOrder,
    );
  }

  async listOrders(filter: { readonly openOnly?: boolean } = {}): Promise<MockOrderRecord[]> {
    const where = filter.openOnly ? `WHERE status IN ('OPEN', 'TRIGGER_PENDING')` : '';
    return (await this.db.sql.rows<OrderRow>(`SELECT ${ORDER_COLS} FROM mock_broker.orders ${where} ORDER BY seq`)).map(toOrder);
  }

  async listTrades(filter: { readonly brokerOrderId?: string } = {}): Promise<MockTradeRecord[]> {
    const rows = filter.brokerOrderId
      ? await this.db.sql.rows<TradeRow>(`SELECT ${TRADE_COLS} FROM mock_broker.trades WHERE broker_order_id = $1 ORDER BY seq`, [
          filter.brokerOrderId,
        ])
      : await this.db.sql.rows<TradeRow>(`SELECT ${TRADE_COLS} FROM mock_broker.trades ORDER BY seq`);
    return rows.map(toTrade);
  }
}
