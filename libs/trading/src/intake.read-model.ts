import { Inject, Injectable } from '@nestjs/common';
import {
  bucketStart,
  unrealizedPnl,
  valueToPaise,
  type OrderSide,
  type Paise,
  type Position,
  type PriceTicks,
  type Product,
  type Quantity,
  type TradeValue,
  type UserId,
} from '@tradeloop/domain';
import type { Sql } from '@tradeloop/platform';
import { QuotesStore, type WireTick } from '@tradeloop/market';
import { limitsFromRow, LIMITS_COLUMNS, type LimitsRow, type SwitchRow, type UserRiskLimits } from './risk.repository';
import { OPEN_STATUSES, toPosition, type PositionRow } from './trading.repository';

export interface TradingSnapshot {
  openOrders: { symbol: string; product: Product; side: OrderSide; remainingQuantity: Quantity }[];
  positions: { symbol: string; product: Product; netQuantity: Quantity }[];
  /** Realized today + unrealized now, paise (negative is a loss). */
  dayPnl: Paise;
  recentOrderTimes: number[];
}

export interface IntakeState {
  limits: UserRiskLimits;
  switches: { global: SwitchRow; user: SwitchRow; strategy: SwitchRow | null };
  /** Last traded price of the order's symbol, null when unknown (or Redis is away). */
  ltp: PriceTicks | null;
  snapshot: TradingSnapshot;
}

interface IntakeRow {
  limits: LimitsRow | null;
  switches: (SwitchRow & { scope: string })[];
  open_orders: { account_id: string; symbol: string; product: Product; side: OrderSide; remaining: Quantity }[];
  positions: PositionRow[];
  recent: string[];
  realized: string;
}

/** An order placed after the picture was read, as it would be read back: open for its whole quantity, placed now. */
export interface IntakePlaced {
  accountId: string;
  symbol: string;
  product: Product;
  side: OrderSide;
  quantity: Quantity;
}

/**
 * One user's intake picture (one statement, one Redis read) for a batch of orders under the
 * user's intake lock: `state` answers for an order's account and symbol exactly what a fresh read
 * would, and `placed` folds in an order the batch placed — it is open for its whole quantity and
 * counts in the order rate, which is all a fresh read would see differently (positions, P&L and
 * switches change only on fills and admin actions, which the lock does not hold back but which a
 * transaction started before them would not see either).
 */
export class IntakeView {
  private readonly openOrders: IntakeRow['open_orders'];
  private readonly recent: number[];

  constructor(
    private readonly row: IntakeRow,
    private readonly strategyId: string | null,
    private readonly positions: (Position & { accountId: string; symbol: string; product: Product })[],
    private readonly quotes: Map<string, WireTick>,
    private readonly unrealized: TradeValue,
    private readonly now: number,
  ) {
    this.openOrders = [...row.open_orders];
    this.recent = row.recent.map(Number);
  }

  /** What intake decides an order of `symbol` on `accountId` with (null: the user's whole picture, every account). */
  state(symbol: string, accountId: string | null): IntakeState {
    const off: SwitchRow = { engaged: false, reason: null, changed_at: null };
    const find = (scope: string) => this.row.switches.find((x) => x.scope === scope) ?? off;
    return {
      limits: limitsFromRow(this.row.limits),
      switches: { global: find('global'), user: find('user'), strategy: this.strategyId ? find('strategy') : null },
      ltp: this.quotes.get(symbol)?.[2] ?? null,
      snapshot: {
        openOrders: this.openOrders
          .filter((o) => accountId === null || o.account_id === accountId)
          .map((o) => ({ symbol: o.symbol, product: o.product, side: o.side, remainingQuantity: o.remaining })),
        positions: this.positions
          .filter((p) => accountId === null || p.accountId === accountId)
          .map((p) => ({ symbol: p.symbol, product: p.product, netQuantity: p.netQuantity })),
        dayPnl: valueToPaise(BigInt(this.row.realized) + this.unrealized),
        recentOrderTimes: [...this.recent],
      },
    };
  }

  /** An order the batch placed: from now on it is open and in the order rate. */
  placed(o: IntakePlaced): void {
    this.openOrders.push({ account_id: o.accountId, symbol: o.symbol, product: o.product, side: o.side, remaining: o.quantity });
    this.recent.push(this.now);
  }
}

/**
 * The intake read model: what the risk rules and the reservation need to know about a user —
 * read from five tables (risk_limits, kill_switches, orders, positions, trades) in one statement
 * inside the order's transaction, under the user's intake lock — plus the marks from the quote
 * store. Used by order intake (one order, or a batch) and by the automatic trip, which decide
 * with the same picture.
 */
@Injectable()
export class IntakeReadModel {
  constructor(@Inject(QuotesStore) private readonly quotes: QuotesStore) {}

  /**
   * Positions and open orders are the order's account's (`accountId`; null: all the user's): what
   * an order can reduce, sell or add to is held at one broker — a Kite sell does not close a paper
   * long. The day's P&L (realized and marked) and the order rate are the user's, across accounts. (docs/domain.md "Accounts and books".)
   */
  async read(
    sql: Sql,
    userId: UserId,
    strategyId: string | null,
    symbol: string,
    accountId: string | null,
    now = Date.now(),
  ): Promise<IntakeState> {
    return (await this.view(sql, userId, strategyId, [symbol], now)).state(symbol, accountId);
  }

  /**
   * Everything intake decides with — the user's limits, the switches that apply, open orders,
   * positions, orders of the last minute, realized P&L today — in ONE statement (one round trip
   * on the order's connection, under its per-user lock), plus the marks: the LTPs of `symbols`
   * and of every open position, in one Redis read. Without Redis the LTPs are null and open
   * positions count at zero unrealized P&L until prices return.
   */
  async view(sql: Sql, userId: UserId, strategyId: string | null, symbols: readonly string[], now = Date.now()): Promise<IntakeView> {
    const [view] = await this.views(sql, [{ userId, strategyId, symbols }], now);
    return view!;
  }

  /**
   * `view` for several users at once (a group commit of intakes, ADR 0015): one statement and one
   * Redis read for all of them; each view is exactly what `view` would read for its user.
   */
  async views(
    sql: Sql,
    who: readonly { userId: UserId; strategyId: string | null; symbols: readonly string[] }[],
    now = Date.now(),
  ): Promise<IntakeView[]> {
    const rows = await sql.rows<IntakeRow & { n: string }>(
      `SELECT u.n::text AS n,
         (SELECT row_to_json(l) FROM (SELECT ${LIMITS_COLUMNS} FROM risk_limits WHERE user_id = u.user_id) l) AS limits,
         (SELECT coalesce(json_agg(json_build_object('scope', scope, 'engaged', engaged, 'reason', reason, 'changed_at', changed_at)), '[]')
            FROM kill_switches WHERE (scope = 'global' AND scope_id = '') OR (scope = 'user' AND scope_id = u.user_id::text) OR (scope = 'strategy' AND scope_id = u.strategy_id)) AS switches,
         (SELECT coalesce(json_agg(json_build_object('account_id', account_id, 'symbol', symbol, 'product', product, 'side', side, 'remaining', quantity - filled_quantity)), '[]')
            FROM orders WHERE user_id = u.user_id AND status = ANY($3::text[])) AS open_orders,
         (SELECT coalesce(json_agg(json_build_object('account_id', account_id, 'symbol', symbol, 'product', product, 'net_quantity', net_quantity, 'lot_cost_tick_units', lot_cost_tick_units::text,
              'lot_quantity', lot_quantity, 'lot_closed_quantity', lot_closed_quantity, 'lot_closed_cash_flow_tick_units', lot_closed_cash_flow_tick_units::text,
              'realized_before_lot_tick_units', realized_before_lot_tick_units::text)), '[]')
            FROM positions WHERE user_id = u.user_id AND net_quantity <> 0) AS positions,
         (SELECT coalesce(array_agg((extract(epoch FROM created_at) * 1000)::bigint::text), '{}') FROM orders WHERE user_id = u.user_id AND created_at > $4) AS recent,
         (SELECT coalesce(sum(realized_delta_tick_units), 0)::text FROM trades WHERE user_id = u.user_id AND executed_at >= $5) AS realized
       FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS u(user_id, strategy_id, n)`,
      [
        who.map((w) => w.userId),
        who.map((w) => w.strategyId ?? ''),
        OPEN_STATUSES,
        new Date(now - 60_000).toISOString(),
        new Date(bucketStart(now, '1d')).toISOString(),
      ],
    );
    const byN = new Map(rows.map((r) => [Number(r.n), r]));
    const pictures = who.map((w, i) => {
      const r = byN.get(i + 1)!;
      const positions = r.positions.map((p) => ({ ...toPosition(p), accountId: p.account_id, symbol: p.symbol, product: p.product }));
      return { w, r, positions };
    });
    const symbols = new Set<string>();
    for (const { w, positions } of pictures) {
      for (const s of w.symbols) symbols.add(s);
      for (const p of positions) symbols.add(p.symbol);
    }
    const quotes = await this.quotes.get([...symbols]).catch(() => new Map<string, never>());
    return pictures.map(({ w, r, positions }) => {
      let unrealized: TradeValue = 0n;
      for (const p of positions) {
        const mark = quotes.get(p.symbol)?.[2];
        if (mark !== undefined) unrealized += unrealizedPnl(p, mark);
      }
      return new IntakeView(r, w.strategyId, positions, quotes, unrealized, now);
    });
  }
}
