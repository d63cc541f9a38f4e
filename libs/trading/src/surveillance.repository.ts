import { Inject, Injectable } from '@nestjs/common';
import type {
  SurveillanceOrderExportQuery,
  SurveillanceOrderQuery,
  SurveillanceTradeExportQuery,
  SurveillanceTradeQuery,
} from '@tradeloop/contracts';
import { brokerOfKind } from '@tradeloop/accounts';
import { CursorKeys, Db, cursorCodec, streamQuery } from '@tradeloop/platform';
import { ORDER_COLUMNS, type OrderRow } from './order-row';
import { TRADE_COLUMNS, type TradeRow } from './trading-dtos';
import { OPEN_STATUSES } from './trading.repository';

/**
 * Compliance surveillance: every user's orders and fills, newest first, keyset-paginated on
 * (created_at, id) and (executed_at, id). The timestamps travel as Postgres prints them in UTC,
 * microseconds kept: a JS Date would drop to milliseconds and skip or repeat rows placed within
 * the same millisecond (a batch of orders shares its transaction's time).
 */
const ORDERS_CURSOR = cursorCodec('surveillance-orders', [CursorKeys.pgTimestampUtc, CursorKeys.uuid]);
const TRADES_CURSOR = cursorCodec('surveillance-trades', [CursorKeys.pgTimestampUtc, CursorKeys.uuid]);

const exact = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'`;

/** An order row with whose it is (`user_id` is an OrderRow column) and, in the export, their email. */
export type SurveillanceOrderRow = OrderRow & { user_email?: string | null };
/** A trade row with whose it is and its broker; in the export, their email. */
export type SurveillanceTradeRow = TradeRow & { user_id: string; broker: string; user_email?: string | null };

/** WHERE clauses with their parameters, numbered as they are added. */
class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  add(clause: string): void {
    this.clauses.push(clause);
  }
  get sql(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

/** What each order filter means: one place for the list and the export. */
function orderWhere(q: SurveillanceOrderExportQuery): Where {
  const w = new Where();
  if (q.userId) w.add(`user_id = ${w.param(q.userId)}::uuid`);
  if (q.symbol) w.add(`symbol = ${w.param(q.symbol.toUpperCase())}`);
  if (q.status === 'open') w.add(`status = ANY(${w.param(OPEN_STATUSES)}::text[])`);
  else if (q.status) w.add(`status = ${w.param(q.status)}`);
  if (q.side) w.add(`side = ${w.param(q.side)}`);
  if (q.accountKind) w.add(`broker = ${w.param(brokerOfKind(q.accountKind))}`);
  if (q.placedBy) w.add(q.placedBy === 'strategy' ? 'strategy_id IS NOT NULL' : 'strategy_id IS NULL');
  if (q.from) w.add(`created_at >= ${w.param(q.from)}::timestamptz`);
  if (q.to) w.add(`created_at < ${w.param(q.to)}::timestamptz`);
  return w;
}

function tradeWhere(q: SurveillanceTradeExportQuery): Where {
  const w = new Where();
  if (q.userId) w.add(`user_id = ${w.param(q.userId)}::uuid`);
  if (q.symbol) w.add(`symbol = ${w.param(q.symbol.toUpperCase())}`);
  if (q.side) w.add(`side = ${w.param(q.side)}`);
  if (q.accountKind) w.add(`broker = ${w.param(brokerOfKind(q.accountKind))}`);
  if (q.orderId) w.add(`order_id = ${w.param(q.orderId)}::uuid`);
  if (q.from) w.add(`executed_at >= ${w.param(q.from)}::timestamptz`);
  if (q.to) w.add(`executed_at < ${w.param(q.to)}::timestamptz`);
  return w;
}

const userEmail = (table: string) => `(SELECT u.email FROM users u WHERE u.id = ${table}.user_id) AS user_email`;

@Injectable()
export class SurveillanceRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  /** One page of everyone's orders, newest first. */
  async orders(q: SurveillanceOrderQuery): Promise<{ rows: SurveillanceOrderRow[]; nextCursor: string | null }> {
    const w = orderWhere(q);
    if (q.cursor) {
      const [at, id] = ORDERS_CURSOR.decode(q.cursor);
      w.add(`(created_at, id) < (${w.param(at)}::timestamptz, ${w.param(id)}::uuid)`);
    }
    const rows = await this.db.sql.rows<SurveillanceOrderRow & { cursor_at: string }>(
      `SELECT ${ORDER_COLUMNS}, ${exact('created_at')} AS cursor_at FROM orders ${w.sql}
       ORDER BY created_at DESC, id DESC LIMIT ${w.param(q.limit + 1)}`,
      w.params,
    );
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return { rows: page, nextCursor: rows.length > q.limit && last ? ORDERS_CURSOR.encode([last.cursor_at, last.id]) : null };
  }

  /** One page of everyone's fills, newest first. */
  async trades(q: SurveillanceTradeQuery): Promise<{ rows: SurveillanceTradeRow[]; nextCursor: string | null }> {
    const w = tradeWhere(q);
    if (q.cursor) {
      const [at, id] = TRADES_CURSOR.decode(q.cursor);
      w.add(`(executed_at, id) < (${w.param(at)}::timestamptz, ${w.param(id)}::uuid)`);
    }
    const rows = await this.db.sql.rows<SurveillanceTradeRow & { cursor_at: string }>(
      `SELECT ${TRADE_COLUMNS}, user_id, broker, ${exact('executed_at')} AS cursor_at FROM trades ${w.sql}
       ORDER BY executed_at DESC, id DESC LIMIT ${w.param(q.limit + 1)}`,
      w.params,
    );
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return { rows: page, nextCursor: rows.length > q.limit && last ? TRADES_CURSOR.encode([last.cursor_at, last.id]) : null };
  }

  /** Every matching order, oldest first, with its owner's email, streamed row by row. Call `done` when finished. */
  streamOrders(q: SurveillanceOrderExportQuery): Promise<{ stream: NodeJS.ReadableStream; done: () => void }> {
    const w = orderWhere(q);
    return streamQuery(this.db, `SELECT ${ORDER_COLUMNS}, ${userEmail('orders')} FROM orders ${w.sql} ORDER BY created_at, id`, w.params);
  }

  /** Every matching fill, oldest first, with its owner's email, streamed row by row. Call `done` when finished. */
  streamTrades(q: SurveillanceTradeExportQuery): Promise<{ stream: NodeJS.ReadableStream; done: () => void }> {
    const w = tradeWhere(q);
    return streamQuery(
      this.db,
      `SELECT ${TRADE_COLUMNS}, user_id, broker, ${userEmail('trades')} FROM trades ${w.sql} ORDER BY executed_at, id`,
      w.params,
    );
  }
}
