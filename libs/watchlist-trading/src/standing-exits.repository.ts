import { Injectable } from '@nestjs/common';
import type { BrokerKind } from '@tradeloop/contracts';
import type { OrderSide, Product } from '@tradeloop/domain';
import type { Sql } from '@tradeloop/platform';

/** A `trade_leg_gtts` row (bigint as text): the GTT holding a leg's TP / SL on one account. */
export interface LegGttRow {
  leg_id: string;
  account_id: string;
  trigger_id: string;
  kind: 'single' | 'two-leg';
  exit_side: OrderSide;
  quantity: number;
  entry_ticks: string;
  tp_ticks: string | null;
  sl_ticks: string | null;
  status: 'active' | 'deleted' | 'triggered' | 'gone';
  broker_order_id: string | null;
  exit_order_id: string | null;
}
const GTT_COLUMNS = `leg_id, account_id, trigger_id, kind, exit_side, quantity, entry_ticks::text, tp_ticks::text, sl_ticks::text,
  status, broker_order_id, exit_order_id`;

/** What sync needs of one account of a leg: the leg, the account's broker, the instrument. */
export interface LegAccountFacts {
  leg_id: string;
  user_id: string;
  symbol: string;
  product: Product;
  settings: Record<string, unknown>;
  account_kind: BrokerKind;
  /** The leg's target on the account (trade_leg_accounts); null when the account is not one of the leg's. */
  target_quantity: number | null;
  exchange: string;
  lot_size: number;
  tick_size: string;
}

/** One fill of one of the leg's orders on the account, in fill order. */
export interface LegAccountFillRow {
  side: OrderSide;
  quantity: number;
  price_ticks: string;
}

/** The standing exits' table, and the reads sync needs (plain SQL, inside the caller's transaction). */
@Injectable()
export class StandingExitsRepository {
  async facts(sql: Sql, legId: string, accountId: string): Promise<LegAccountFacts | undefined> {
    return sql.maybeOne<LegAccountFacts>(
      `SELECT l.id AS leg_id, l.user_id, l.symbol, l.product, l.settings, b.kind AS account_kind, a.target_quantity,
              i.exchange, i.lot_size, i.tick_size_ticks::text AS tick_size
         FROM trade_legs l
         JOIN broker_accounts b ON b.id = $2
         JOIN instruments i ON i.symbol = l.symbol
         LEFT JOIN trade_leg_accounts a ON a.leg_id = l.id AND a.account_id = b.id
        WHERE l.id = $1`,
      [legId, accountId],
    );
  }

  /** The account's broker kind, or null when there is no such account. */
  async accountKind(sql: Sql, accountId: string): Promise<BrokerKind | null> {
    const row = await sql.maybeOne<{ kind: BrokerKind }>(`SELECT kind FROM broker_accounts WHERE id = $1`, [accountId]);
    return row?.kind ?? null;
  }

  /** Our order on the account carrying this broker order id (ids are unique per account, not across brokers). */
  async orderOfBrokerId(sql: Sql, accountId: string, brokerOrderId: string): Promise<string | null> {
    const row = await sql.maybeOne<{ id: string }>(
      `SELECT id FROM orders WHERE account_id = $1 AND $2 = ANY(broker_order_ids) ORDER BY created_at LIMIT 1`,
      [accountId, brokerOrderId],
    );
    return row?.id ?? null;
  }

  /** The fills of the leg's orders on the account, oldest first (the fill aggregator's input). */
  async fills(sql: Sql, legId: string, accountId: string): Promise<LegAccountFillRow[]> {
    return sql.rows<LegAccountFillRow>(
      `SELECT t.side, t.quantity, t.price_ticks::text
         FROM trades t JOIN orders o ON o.id = t.order_id
        WHERE o.leg_id = $1 AND o.account_id = $2
        ORDER BY t.executed_at, t.id`,
      [legId, accountId],
    );
  }

  async gtt(sql: Sql, legId: string, accountId: string, opts: { lock?: boolean } = {}): Promise<LegGttRow | undefined> {
    return sql.maybeOne<LegGttRow>(
      `SELECT ${GTT_COLUMNS} FROM trade_leg_gtts WHERE leg_id = $1 AND account_id = $2${opts.lock ? ' FOR UPDATE' : ''}`,
      [legId, accountId],
    );
  }

  /** The (leg, account) pairs whose trigger is still active at the broker, least recently checked first. */
  async active(sql: Sql, limit = 500): Promise<{ leg_id: string; account_id: string; trigger_id: string }[]> {
    return sql.rows(`SELECT leg_id, account_id, trigger_id FROM trade_leg_gtts WHERE status = 'active' ORDER BY updated_at LIMIT $1`, [
      limit,
    ]);
  }

  /** The trigger now at the broker for the pair (a new one replaces the last row). */
  async saveActive(
    sql: Sql,
    row: Pick<LegGttRow, 'leg_id' | 'account_id' | 'trigger_id' | 'kind' | 'exit_side' | 'quantity'> & {
      entry: number;
      tp: number | null;
      sl: number | null;
    },
  ): Promise<void> {
    await sql.rows(
      `INSERT INTO trade_leg_gtts (leg_id, account_id, trigger_id, kind, exit_side, quantity, entry_ticks, tp_ticks, sl_ticks, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active')
       ON CONFLICT (leg_id, account_id) DO UPDATE SET trigger_id = EXCLUDED.trigger_id, kind = EXCLUDED.kind,
         exit_side = EXCLUDED.exit_side, quantity = EXCLUDED.quantity, entry_ticks = EXCLUDED.entry_ticks,
         tp_ticks = EXCLUDED.tp_ticks, sl_ticks = EXCLUDED.sl_ticks, status = 'active', broker_order_id = NULL,
         exit_order_id = NULL, updated_at = now()`,
      [row.leg_id, row.account_id, row.trigger_id, row.kind, row.exit_side, row.quantity, row.entry, row.tp, row.sl],
    );
  }

  async setStatus(
    sql: Sql,
    legId: string,
    accountId: string,
    status: LegGttRow['status'],
    adopted: { brokerOrderId: string | null; exitOrderId: string | null } = { brokerOrderId: null, exitOrderId: null },
  ): Promise<void> {
    await sql.rows(
      `UPDATE trade_leg_gtts SET status = $3, broker_order_id = $4, exit_order_id = $5, updated_at = now()
        WHERE leg_id = $1 AND account_id = $2`,
      [legId, accountId, status, adopted.brokerOrderId, adopted.exitOrderId],
    );
  }

  /** Checked now (an active trigger read back unchanged): it goes to the back of the sweep. */
  async touch(sql: Sql, legId: string, accountId: string): Promise<void> {
    await sql.rows(`UPDATE trade_leg_gtts SET updated_at = now() WHERE leg_id = $1 AND account_id = $2`, [legId, accountId]);
  }

  /** The leg's target on the account is flat: the broker's GTT order closed it (convergence must not rebuild it). */
  async flattenTarget(sql: Sql, legId: string, accountId: string): Promise<void> {
    await sql.rows(`UPDATE trade_leg_accounts SET target_quantity = 0, updated_at = now() WHERE leg_id = $1 AND account_id = $2`, [
      legId,
      accountId,
    ]);
  }
}
