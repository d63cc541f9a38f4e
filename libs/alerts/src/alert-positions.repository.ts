import { Inject, Injectable } from '@nestjs/common';
import type { AlertEngine, ExitTierConfig, OrderSide } from '@tradeloop/domain';
import { Db, type Sql } from '@tradeloop/platform';
import { v7 as uuidv7 } from 'uuid';

/** A position an alert opened (docs/alerts.md "Positions"): real (an account's filled entry) or shadow. */
export interface NewAlertPosition {
  deliveryId: string;
  sourceId: string;
  userId: string;
  /** null for a shadow position. */
  accountId: string | null;
  engine: AlertEngine;
  symbol: string;
  side: OrderSide;
  quantity: number;
  /** Ticks. */
  entryPrice: number;
  entryOrderId: string | null;
  openedAt: Date;
  exitConfig: ExitTierConfig;
}

export interface AlertPositionRow {
  id: string;
  delivery_id: string;
  source_id: string;
  user_id: string;
  account_id: string | null;
  engine: AlertEngine;
  shadow: boolean;
  symbol: string;
  side: OrderSide;
  quantity: string;
  entry_price: string;
  opened_at: Date;
  status: 'open' | 'closed';
  exit_price: string | null;
  mark_price: string | null;
  realized_pnl_paise: string | null;
  closed_at: Date | null;
}

/** SQL for `alert_positions` (migration 1763826600000). Opening is idempotent on the unique keys. */
@Injectable()
export class AlertPositionsRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  /** Opens the row unless it exists (one real row per delivery and account, one shadow per delivery); its id when this call opened it. */
  async open(p: NewAlertPosition, sql: Sql = this.db.sql): Promise<string | null> {
    const shadow = p.accountId === null;
    const rows = await sql.rows(
      `INSERT INTO alert_positions (id, delivery_id, source_id, user_id, account_id, engine, shadow, symbol, side, quantity, entry_price,
         entry_order_id, opened_at, exit_config, mark_price, marked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $11, $13)
       ON CONFLICT ${shadow ? '(delivery_id) WHERE shadow' : '(delivery_id, account_id) WHERE NOT shadow'} DO NOTHING RETURNING id`,
      [
        uuidv7(),
        p.deliveryId,
        p.sourceId,
        p.userId,
        p.accountId,
        p.engine,
        shadow,
        p.symbol,
        p.side,
        p.quantity,
        p.entryPrice,
        p.entryOrderId,
        p.openedAt,
        JSON.stringify(p.exitConfig),
      ],
    );
    return (rows[0] as { id: string } | undefined)?.id ?? null;
  }

  /** Open real positions of a source (its `maxOpenPositions`). */
  async openRealCount(sourceId: string, sql: Sql = this.db.sql): Promise<number> {
    const r = await sql.one<{ n: string }>(
      `SELECT count(*)::text AS n FROM alert_positions WHERE source_id = $1 AND NOT shadow AND status = 'open'`,
      [sourceId],
    );
    return Number(r.n);
  }

  /** Symbols with open shadow positions (the mark loop's work). */
  async shadowOpenSymbols(sql: Sql = this.db.sql): Promise<string[]> {
    const rows = await sql.rows<{ symbol: string }>(`SELECT DISTINCT symbol FROM alert_positions WHERE shadow AND status = 'open'`);
    return rows.map((r) => r.symbol);
  }

  /** Marks the open shadow positions of `symbol` at `price` (ticks). */
  async mark(symbol: string, price: number, at: Date, sql: Sql = this.db.sql): Promise<number> {
    const rows = await sql.rows(
      `UPDATE alert_positions SET mark_price = $2, marked_at = $3 WHERE symbol = $1 AND shadow AND status = 'open' RETURNING id`,
      [symbol, price, at],
    );
    return rows.length;
  }

  /** Every position of a source, oldest first (the comparison reads them). */
  /** The source's open positions (real and shadow) on a symbol, oldest first: what an EXIT alert flattens. */
  openOfSource(sourceId: string, symbol: string, sql: Sql = this.db.sql): Promise<AlertPositionRow[]> {
    return sql.rows<AlertPositionRow>(
      `SELECT id, delivery_id, source_id, user_id, account_id, engine, shadow, symbol, side, quantity::text, entry_price::text, opened_at,
              status, exit_price::text, mark_price::text, realized_pnl_paise::text, closed_at
         FROM alert_positions WHERE source_id = $1 AND symbol = $2 AND status = 'open' ORDER BY opened_at, id`,
      [sourceId, symbol],
    );
  }

  /** These positions, open or not (an EXIT alert's job resumed after a crash). */
  byIds(ids: readonly string[], sql: Sql = this.db.sql): Promise<AlertPositionRow[]> {
    return sql.rows<AlertPositionRow>(
      `SELECT id, delivery_id, source_id, user_id, account_id, engine, shadow, symbol, side, quantity::text, entry_price::text, opened_at,
              status, exit_price::text, mark_price::text, realized_pnl_paise::text, closed_at
         FROM alert_positions WHERE id = ANY($1::uuid[]) ORDER BY opened_at, id`,
      [[...ids]],
    );
  }

  async forSource(sourceId: string, sql: Sql = this.db.sql): Promise<AlertPositionRow[]> {
    return sql.rows<AlertPositionRow>(
      `SELECT id, delivery_id, source_id, user_id, account_id, engine, shadow, symbol, side, quantity::text, entry_price::text, opened_at,
              status, exit_price::text, mark_price::text, realized_pnl_paise::text, closed_at
         FROM alert_positions WHERE source_id = $1 ORDER BY opened_at, id`,
      [sourceId],
    );
  }
}
