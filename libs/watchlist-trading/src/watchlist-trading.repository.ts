import { Injectable } from '@nestjs/common';
import type { LegFill, OrderSide, OrderStatus, Product } from '@tradeloop/domain';
import type { Sql } from '@tradeloop/platform';

/** A `trade_legs` row (bigint as text). */
export interface LegRow {
  id: string;
  user_id: string;
  watchlist_id: string;
  row_symbol: string;
  symbol: string;
  kind: 'EQ' | 'FUT' | 'CE' | 'PE';
  product: Product;
  settings: Record<string, { value: unknown; source: string }>;
  generation: number;
  tsl_armed: boolean;
  tsl_stop_ticks: string | null;
  tsl_best_ticks: string | null;
  created_at: Date;
  updated_at: Date;
}
const LEG_COLUMNS = `id, user_id, watchlist_id, row_symbol, symbol, kind, product, settings, generation, tsl_armed,
  tsl_stop_ticks::text, tsl_best_ticks::text, created_at, updated_at`;

/** A working (not terminal) order of a leg on one account. */
export interface LegOrderRow {
  id: string;
  side: OrderSide;
  quantity: number;
  filled_quantity: number;
  status: OrderStatus;
  cancel_requested: boolean;
  pending_modification: { quantity?: number } | null;
  broker_order_ids: string[];
}

export interface IntentRow {
  body_hash: string;
  response: unknown;
  created_at: Date;
}

export interface RiskExitListRow {
  id: string;
  trigger_id: string;
  leg_id: string;
  symbol: string;
  kind: 'TP' | 'SL' | 'TSL';
  trigger_price_ticks: string;
  level_ticks: string;
  reason: string;
  status: 'triggered' | 'sent';
  order_ids: string[];
  created_at: Date;
}

/** The existing leg (`t`) has no account with a target: it opens from flat. */
const FLAT = `NOT EXISTS (SELECT 1 FROM trade_leg_accounts a WHERE a.leg_id = t.id AND a.target_quantity <> 0)`;

const WORKING = `status NOT IN ('FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED')`;

/** One leg account as the engine reads it (legAccountSnapshots). */
export interface LegAccountSnapshot {
  orders: LegOrderRow[];
  fills: LegFill[];
  target: number | null;
  /** An OpenAlgo account's net in the leg's (symbol, product): what a smart order's position_size starts from; null elsewhere. */
  smartBase: number | null;
}

/** SQL of watchlist trading: intents, legs and their accounts, the legs' orders and fills. Every method runs on the caller's `Sql`. */
@Injectable()
export class WatchlistTradingRepository {
  async ownsWatchlist(sql: Sql, userId: string, watchlistId: string): Promise<boolean> {
    return (await sql.maybeOne(`SELECT 1 FROM watchlists WHERE id = $1::uuid AND user_id = $2`, [watchlistId, userId])) !== undefined;
  }

  /** The symbols of the user's watchlist, or undefined when it is not theirs. */
  async watchlistSymbols(sql: Sql, userId: string, watchlistId: string): Promise<string[] | undefined> {
    const r = await sql.maybeOne<{ symbols: string[] }>(
      `SELECT coalesce(array_agg(i.symbol) FILTER (WHERE i.symbol IS NOT NULL), '{}') AS symbols
       FROM watchlists w LEFT JOIN watchlist_items i ON i.watchlist_id = w.id
       WHERE w.id = $1::uuid AND w.user_id = $2 GROUP BY w.id`,
      [watchlistId, userId],
    );
    return r?.symbols;
  }

  /** An index, or a symbol some instrument is a derivative of. */
  async isUnderlying(sql: Sql, symbol: string): Promise<boolean> {
    const r = await sql.maybeOne(
      `SELECT 1 WHERE EXISTS (SELECT 1 FROM instruments WHERE symbol = $1 AND instrument_type = 'INDEX')
          OR EXISTS (SELECT 1 FROM instruments WHERE underlying = $1)`,
      [symbol],
    );
    return r !== undefined;
  }

  async findIntent(sql: Sql, userId: string, intentId: string): Promise<IntentRow | undefined> {
    return sql.maybeOne<IntentRow>(`SELECT body_hash, response, created_at FROM trade_intents WHERE user_id = $1 AND intent_id = $2`, [
      userId,
      intentId,
    ]);
  }

  /** Records a click; undefined when the id is taken already (a replay or a concurrent duplicate). */
  async insertIntent(
    sql: Sql,
    i: {
      userId: string;
      intentId: string;
      watchlistId: string;
      action: string;
      bodyHash: string;
      body: unknown;
      resolvedSettings: unknown;
      instrumentSymbol: string | null;
    },
  ): Promise<{ created_at: Date } | undefined> {
    return sql.maybeOne<{ created_at: Date }>(
      `INSERT INTO trade_intents (user_id, intent_id, watchlist_id, action, body_hash, body, resolved_settings, instrument_symbol)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)
       ON CONFLICT (user_id, intent_id) DO NOTHING
       RETURNING created_at`,
      [
        i.userId,
        i.intentId,
        i.watchlistId,
        i.action,
        i.bodyHash,
        JSON.stringify(i.body),
        JSON.stringify(i.resolvedSettings),
        i.instrumentSymbol,
      ],
    );
  }

  /** Drops an intent that sent nothing (it failed before its first order): its id may be used again. */
  async forgetIntent(sql: Sql, userId: string, intentId: string): Promise<void> {
    await sql.rows(`DELETE FROM trade_intents WHERE user_id = $1 AND intent_id = $2 AND response IS NULL`, [userId, intentId]);
  }

  async completeIntent(sql: Sql, userId: string, intentId: string, response: unknown): Promise<void> {
    await sql.rows(`UPDATE trade_intents SET response = $3::jsonb, completed_at = now() WHERE user_id = $1 AND intent_id = $2`, [
      userId,
      intentId,
      JSON.stringify(response),
    ]);
  }

  /**
   * The leg of (user, watchlist, contract, product), created or given the click's settings
   * snapshot. A leg that opens again from flat (no account with a target) starts a new generation
   * with its trailing-stop state cleared.
   */
  async upsertLeg(
    sql: Sql,
    l: {
      id: string;
      userId: string;
      watchlistId: string;
      rowSymbol: string;
      symbol: string;
      kind: LegRow['kind'];
      product: Product;
      settings: unknown;
    },
  ): Promise<LegRow> {
    return sql.one<LegRow>(
      `INSERT INTO trade_legs AS t (id, user_id, watchlist_id, row_symbol, symbol, kind, product, settings)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
       ON CONFLICT (user_id, watchlist_id, symbol, product) DO UPDATE SET
         settings = EXCLUDED.settings,
         row_symbol = EXCLUDED.row_symbol,
         updated_at = now(),
         generation = CASE WHEN ${FLAT} THEN t.generation + 1 ELSE t.generation END,
         tsl_armed = CASE WHEN ${FLAT} THEN false ELSE t.tsl_armed END,
         tsl_stop_ticks = CASE WHEN ${FLAT} THEN NULL ELSE t.tsl_stop_ticks END,
         tsl_best_ticks = CASE WHEN ${FLAT} THEN NULL ELSE t.tsl_best_ticks END
       RETURNING ${LEG_COLUMNS.replace(/(^|,\s*)(\w+)/g, '$1t.$2')}`,
      [l.id, l.userId, l.watchlistId, l.rowSymbol, l.symbol, l.kind, l.product, JSON.stringify(l.settings)],
    );
  }

  async leg(sql: Sql, legId: string): Promise<LegRow | undefined> {
    return sql.maybeOne<LegRow>(`SELECT ${LEG_COLUMNS} FROM trade_legs WHERE id = $1`, [legId]);
  }

  /** The user's legs of a watchlist (one row, one option side, or all), oldest first. */
  async legsOf(
    sql: Sql,
    userId: string,
    watchlistId: string,
    filter: { rowSymbol?: string; kind?: LegRow['kind'] } = {},
  ): Promise<LegRow[]> {
    return sql.rows<LegRow>(
      `SELECT ${LEG_COLUMNS} FROM trade_legs
       WHERE user_id = $1 AND watchlist_id = $2 AND ($3::text IS NULL OR row_symbol = $3) AND ($4::text IS NULL OR kind = $4)
       ORDER BY created_at, id`,
      [userId, watchlistId, filter.rowSymbol ?? null, filter.kind ?? null],
    );
  }

  /** Every leg of the user, oldest first. */
  async legsOfUser(sql: Sql, userId: string): Promise<LegRow[]> {
    return sql.rows<LegRow>(`SELECT ${LEG_COLUMNS} FROM trade_legs WHERE user_id = $1 ORDER BY created_at, id`, [userId]);
  }

  /** The contract an open leg of the row's option side holds (ANCHOR): a non-zero target on some account; the latest updated first. */
  async anchoredContract(
    sql: Sql,
    userId: string,
    watchlistId: string,
    rowSymbol: string,
    kind: 'CE' | 'PE',
    product: Product,
  ): Promise<string | null> {
    const r = await sql.maybeOne<{ symbol: string }>(
      `SELECT l.symbol FROM trade_legs l
       WHERE l.user_id = $1 AND l.watchlist_id = $2 AND l.row_symbol = $3 AND l.kind = $4 AND l.product = $5
         AND EXISTS (SELECT 1 FROM trade_leg_accounts a WHERE a.leg_id = l.id AND a.target_quantity <> 0)
       ORDER BY l.updated_at DESC, l.id LIMIT 1`,
      [userId, watchlistId, rowSymbol, kind, product],
    );
    return r?.symbol ?? null;
  }

  /** The accounts of legs with their targets. */
  async legAccounts(sql: Sql, legIds: readonly string[]): Promise<{ leg_id: string; account_id: string; target_quantity: number }[]> {
    if (legIds.length === 0) return [];
    return sql.rows(
      `SELECT leg_id, account_id, target_quantity FROM trade_leg_accounts WHERE leg_id = ANY($1::uuid[]) ORDER BY leg_id, account_id`,
      [legIds],
    );
  }

  async target(sql: Sql, legId: string, accountId: string): Promise<number | null> {
    const r = await sql.maybeOne<{ target_quantity: number }>(
      `SELECT target_quantity FROM trade_leg_accounts WHERE leg_id = $1 AND account_id = $2`,
      [legId, accountId],
    );
    return r?.target_quantity ?? null;
  }

  async setTarget(sql: Sql, legId: string, accountId: string, target: number): Promise<void> {
    await this.setTargets(sql, [{ legId, accountId, target }]);
  }

  /** Several leg accounts' targets in one statement. */
  async setTargets(sql: Sql, targets: readonly { legId: string; accountId: string; target: number }[]): Promise<void> {
    if (targets.length === 0) return;
    await sql.rows(
      `INSERT INTO trade_leg_accounts (leg_id, account_id, target_quantity)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[])
       ON CONFLICT (leg_id, account_id) DO UPDATE SET target_quantity = EXCLUDED.target_quantity, updated_at = now()`,
      [targets.map((t) => t.legId), targets.map((t) => t.accountId), targets.map((t) => t.target)],
    );
  }

  /**
   * The leg account as one snapshot — its working orders (oldest first), its fills (in fill order)
   * and its target — read in ONE statement: read apart, an order filling in between would count
   * both as working and as filled.
   */
  async legAccountSnapshot(sql: Sql, legId: string, accountId: string): Promise<LegAccountSnapshot> {
    return (await this.legAccountSnapshots(sql, [{ legId, accountId }]))[0]!;
  }

  /**
   * Several leg accounts' snapshots in ONE statement (in the pairs' order), each with what a smart
   * order on it starts from (`smartBase`: an OpenAlgo account's net in the leg's symbol and product
   * as our book holds it; null for any other kind of account).
   */
  async legAccountSnapshots(sql: Sql, pairs: readonly { legId: string; accountId: string }[]): Promise<LegAccountSnapshot[]> {
    const rows = await sql.rows<{
      orders: LegOrderRow[];
      fills: { side: OrderSide; quantity: number; price: string }[];
      target: number | null;
      kind: string | null;
      net: number;
    }>(
      `SELECT
         (SELECT coalesce(json_agg(json_build_object('id', o.id, 'side', o.side, 'quantity', o.quantity, 'filled_quantity', o.filled_quantity,
                   'status', o.status, 'cancel_requested', o.cancel_requested, 'pending_modification', o.pending_modification,
                   'broker_order_ids', o.broker_order_ids) ORDER BY o.created_at, o.id), '[]'::json)
          FROM orders o WHERE o.leg_id = p.leg_id AND o.account_id = p.account_id AND o.${WORKING}) AS orders,
         (SELECT coalesce(json_agg(json_build_object('side', t.side, 'quantity', t.quantity, 'price', t.price_ticks::text)
                   ORDER BY t.executed_at, t.created_at, t.id), '[]'::json)
          FROM trades t JOIN orders o ON o.id = t.order_id WHERE o.leg_id = p.leg_id AND o.account_id = p.account_id) AS fills,
         (SELECT target_quantity FROM trade_leg_accounts WHERE leg_id = p.leg_id AND account_id = p.account_id) AS target,
         (SELECT a.kind FROM broker_accounts a WHERE a.id = p.account_id) AS kind,
         coalesce((SELECT ps.net_quantity FROM positions ps JOIN trade_legs l ON l.id = p.leg_id
                    WHERE ps.account_id = p.account_id AND ps.symbol = l.symbol AND ps.product = l.product), 0) AS net
       FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS p(leg_id, account_id, n)
       ORDER BY p.n`,
      [pairs.map((p) => p.legId), pairs.map((p) => p.accountId)],
    );
    return rows.map((r, i) => ({
      orders: r.orders,
      fills: r.fills.map((f) => ({
        accountId: pairs[i]!.accountId as LegFill['accountId'],
        side: f.side,
        quantity: f.quantity,
        price: Number(f.price) as LegFill['price'],
      })),
      target: r.target,
      smartBase: r.kind === 'openalgo' ? r.net : null,
    }));
  }

  /** The leg's orders on the account that are not terminal, oldest first. */
  async workingOrders(sql: Sql, legId: string, accountId: string): Promise<LegOrderRow[]> {
    return sql.rows<LegOrderRow>(
      `SELECT id, side, quantity, filled_quantity, status, cancel_requested, pending_modification, broker_order_ids
       FROM orders WHERE leg_id = $1 AND account_id = $2 AND ${WORKING}
       ORDER BY created_at, id`,
      [legId, accountId],
    );
  }

  /**
   * An OpenAlgo account's net position in (symbol, product) as our book holds it (its fills), for a
   * smart order's `position_size`; null for any other kind of account.
   */
  async smartOrderBase(sql: Sql, accountId: string, symbol: string, product: Product): Promise<number | null> {
    const r = await sql.maybeOne<{ kind: string; net: number }>(
      `SELECT a.kind, coalesce((SELECT p.net_quantity FROM positions p WHERE p.account_id = a.id AND p.symbol = $2 AND p.product = $3), 0) AS net
       FROM broker_accounts a WHERE a.id = $1`,
      [accountId, symbol, product],
    );
    return r && r.kind === 'openalgo' ? r.net : null;
  }

  /** The fills of the legs' orders (every account), in fill order. */
  async fills(sql: Sql, legIds: readonly string[]): Promise<(LegFill & { legId: string })[]> {
    if (legIds.length === 0) return [];
    const rows = await sql.rows<{ leg_id: string; account_id: string; side: OrderSide; quantity: number; price_ticks: string }>(
      `SELECT o.leg_id, o.account_id, t.side, t.quantity, t.price_ticks::text
       FROM trades t JOIN orders o ON o.id = t.order_id
       WHERE o.leg_id = ANY($1::uuid[])
       ORDER BY t.executed_at, t.created_at, t.id`,
      [legIds],
    );
    return rows.map((r) => ({
      legId: r.leg_id,
      accountId: r.account_id as LegFill['accountId'],
      side: r.side,
      quantity: r.quantity,
      price: Number(r.price_ticks) as LegFill['price'],
    }));
  }

  /**
   * Leg accounts that may be off their target with nothing working to get there: the target
   * differs from the filled net and no order of the leg on the account is working. For the sweep.
   * A leg whose risk exit is triggered but not yet sent is its exit's to flatten (with the exit's
   * own orders, named on the exit), never the sweep's.
   */
  async unconverged(sql: Sql, limit: number): Promise<{ leg_id: string; account_id: string; user_id: string }[]> {
    return sql.rows(
      `SELECT a.leg_id, a.account_id, l.user_id
       FROM trade_leg_accounts a JOIN trade_legs l ON l.id = a.leg_id
       WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.leg_id = a.leg_id AND o.account_id = a.account_id AND o.${WORKING})
         AND NOT EXISTS (SELECT 1 FROM risk_exits x WHERE x.leg_id = a.leg_id AND x.status = 'triggered')
         AND a.target_quantity <> coalesce((
           SELECT sum(CASE WHEN t.side = 'BUY' THEN t.quantity ELSE -t.quantity END)
           FROM trades t JOIN orders o ON o.id = t.order_id
           WHERE o.leg_id = a.leg_id AND o.account_id = a.account_id), 0)
       ORDER BY a.updated_at, a.leg_id, a.account_id
       LIMIT $1`,
      [limit],
    );
  }

  /** Whether the leg has a risk exit triggered and not yet sent: its exit flattens it, nothing else does. */
  /** Of these legs, those with a risk exit in flight (`triggered`). */
  async legsExiting(sql: Sql, legIds: readonly string[]): Promise<Set<string>> {
    const rows = await sql.rows<{ leg_id: string }>(
      `SELECT DISTINCT leg_id FROM risk_exits WHERE leg_id = ANY($1::uuid[]) AND status = 'triggered'`,
      [[...new Set(legIds)]],
    );
    return new Set(rows.map((r) => r.leg_id));
  }

  async exitInFlight(sql: Sql, legId: string): Promise<boolean> {
    return (await sql.maybeOne(`SELECT 1 FROM risk_exits WHERE leg_id = $1 AND status = 'triggered' LIMIT 1`, [legId])) !== undefined;
  }

  /** The user's fired exits, newest first (id breaks a tie). */
  async riskExits(sql: Sql, userId: string, limit = 200): Promise<RiskExitListRow[]> {
    return sql.rows<RiskExitListRow>(
      `SELECT r.id, r.trigger_id, r.leg_id, l.symbol, r.kind, r.trigger_price_ticks::text, r.level_ticks::text, r.reason, r.status,
              r.order_ids::text[], r.created_at
       FROM risk_exits r JOIN trade_legs l ON l.id = r.leg_id
       WHERE r.user_id = $1
       ORDER BY r.created_at DESC, r.id DESC
       LIMIT $2`,
      [userId, limit],
    );
  }
}
