import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  foldLegFills,
  isDomainError,
  planDelta,
  workingQuantity,
  type DeltaAction,
  type ErrorCode,
  type OrderId,
  type Product,
  type UserId,
  type WorkingOrder,
} from '@tradeloop/domain';
import { APP_CONFIG, Db, type AppConfig, type Sql } from '@tradeloop/platform';
import type { RequestMeta } from '@tradeloop/identity';
import { CancelOrderUseCase, ModifyOrderUseCase, PlaceOrderUseCase } from '@tradeloop/trading';
import { WatchlistTradingRepository, type LegOrderRow } from './watchlist-trading.repository';

/** One leg's position on one account, as the engine sees it under the leg-account lock. */
export interface LegAccountState {
  /** Filled net (the leg's fills on the account, folded). */
  filled: number;
  /** Signed remainder of its working orders (cancels in flight excluded). */
  working: number;
  /** The stored target (null: the account has none yet). */
  target: number | null;
}

export interface LegAccountOutcome {
  status: 'accepted' | 'refused' | 'failed';
  orderId?: string;
  /** Signed units the click moved filled + working by: + buy, − sell. */
  deltaQuantity: number;
  targetQuantity: number;
  reason?: string;
}

/** The order path's refusals (a 4xx a person could act on); anything else on an account is a failure. */
const REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'VALIDATION_FAILED',
  'RISK_REJECTED',
  'INSUFFICIENT_FUNDS',
  'KILL_SWITCH_ENGAGED',
  'IDEMPOTENCY_CONFLICT',
  'CONFLICT',
  'INVALID_STATE',
  'NOT_FOUND',
  'RATE_LIMITED',
  'FORBIDDEN',
]);

const outcomeOf = (err: unknown): { status: 'refused' | 'failed'; reason: string } => {
  if (isDomainError(err)) return { status: REFUSALS.has(err.code) ? 'refused' : 'failed', reason: err.message };
  return { status: 'failed', reason: err instanceof Error ? err.message : String(err) };
};

/** A working order as planDelta sees it: a pending modification counts at its new quantity; only an order the broker holds can be amended. */
const toWorking = (o: LegOrderRow): WorkingOrder => {
  const quantity = o.pending_modification?.quantity ?? o.quantity;
  const sign = o.side === 'BUY' ? 1 : -1;
  return {
    orderId: o.id,
    quantity,
    remaining: sign * Math.max(0, quantity - o.filled_quantity),
    amendable: o.pending_modification === null && (o.status === 'OPEN' || o.status === 'PARTIALLY_FILLED'),
  };
};

export const legAccountLockKey = (legId: string, accountId: string) => `leg:${legId}:${accountId}`;

/** An order key of this leg account, derived from `seed` (the intent, or a convergence). */
export const legOrderKey = (seed: string, legId: string, accountId: string) =>
  `wl-${createHash('sha256').update(`${seed}|${legId}|${accountId}`).digest('hex').slice(0, 48)}`;

/**
 * Moves one leg on one account to a target (docs/watchlist-trading.md, "Intents and target
 * positions"): under a lock per (leg, account) — in this process a queue, across processes a
 * transaction-scoped advisory lock — it reads the filled net and the working orders, lets the
 * caller decide the target, stores it, and sends only the delta through the normal order path
 * (planDelta: cancel what works against it, amend a working order along it, else place one).
 * When the order path refuses the delta the target falls back to what is filled and working, so
 * nothing keeps retrying a refused order.
 */
@Injectable()
export class LegEngine {
  private readonly queues = new Map<string, Promise<unknown>>();
  /**
   * A leg account's work holds one pooled connection (its lock) and needs another for each order
   * call: at most this many run at once in a process, so a wide fan-out cannot take every
   * connection and wait on itself.
   */
  private readonly permits: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(Db) private readonly db: Db,
    @Inject(WatchlistTradingRepository) private readonly repo: WatchlistTradingRepository,
    @Inject(PlaceOrderUseCase) private readonly place: PlaceOrderUseCase,
    @Inject(ModifyOrderUseCase) private readonly modify: ModifyOrderUseCase,
    @Inject(CancelOrderUseCase) private readonly cancel: CancelOrderUseCase,
  ) {
    this.permits = Math.max(1, Math.floor(config.DATABASE_POOL_SIZE / 3));
  }

  private async withPermit<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.permits) await new Promise<void>((r) => this.waiting.push(r));
    else this.active += 1;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }

  /** Runs `work` alone for this leg account: queued in this process, then under the advisory lock. */
  private serialised<T>(key: string, work: (sql: Sql) => Promise<T>): Promise<T> {
    const before = this.queues.get(key) ?? Promise.resolve();
    const go = () => this.withPermit(() => this.db.tx(work, { lock: key }));
    const run = before.then(go, go);
    const tail = run.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  async state(sql: Sql, legId: string, accountId: string): Promise<{ state: LegAccountState; working: WorkingOrder[] }> {
    // One statement, one snapshot: an order filling meanwhile is either working or filled, never both.
    const { orders, fills, target } = await this.repo.legAccountSnapshot(sql, legId, accountId);
    const filled = foldLegFills(fills).netQuantity;
    const working = orders.filter((o) => !o.cancel_requested).map(toWorking);
    return { state: { filled, working: workingQuantity(working), target }, working };
  }

  /**
   * Decides and reaches a target for one leg account. `decide` gets the state and returns the
   * target (units). `seed` derives the idempotency key of an order placed here.
   */
  async settle(
    leg: { id: string; userId: UserId; symbol: string; product: Product },
    accountId: string,
    decide: (s: LegAccountState) => number,
    ctx: { seed: string; intentId?: string; meta: RequestMeta; tag: string },
  ): Promise<LegAccountOutcome> {
    return this.serialised(legAccountLockKey(leg.id, accountId), async (sql) => {
      const { state, working } = await this.state(sql, leg.id, accountId);
      const target = decide(state);
      const delta = target - state.filled - state.working;
      await this.repo.setTarget(sql, leg.id, accountId, target);
      const actions = planDelta(target, state.filled, working);
      let orderId: string | undefined;
      let remainingWorking = state.working;
      try {
        for (const a of actions) {
          const sent = await this.apply(leg, accountId, a, ctx);
          if (a.kind === 'cancel') remainingWorking -= working.find((w) => w.orderId === a.orderId)?.remaining ?? 0;
          if (sent) orderId = sent;
        }
      } catch (err) {
        // Refused or failed: the target falls back to what is filled and still working.
        await this.repo.setTarget(sql, leg.id, accountId, state.filled + remainingWorking);
        return { ...outcomeOf(err), deltaQuantity: 0, targetQuantity: state.filled + remainingWorking };
      }
      return { status: 'accepted', ...(orderId ? { orderId } : {}), deltaQuantity: delta, targetQuantity: target };
    });
  }

  /** One action through the normal order path; the id of the order that carries the need, if any. */
  private async apply(
    leg: { id: string; userId: UserId; symbol: string; product: Product },
    accountId: string,
    a: DeltaAction,
    ctx: { seed: string; intentId?: string; meta: RequestMeta; tag: string },
  ): Promise<string | undefined> {
    if (a.kind === 'cancel') {
      try {
        await this.cancel.execute(leg.userId, a.orderId as OrderId, ctx.meta);
      } catch (err) {
        // Already terminal (filled or cancelled meanwhile): the convergence after that event restores the target.
        if (!isDomainError(err) || err.code !== 'INVALID_STATE') throw err;
      }
      return undefined;
    }
    if (a.kind === 'amend') {
      try {
        await this.modify.execute(leg.userId, a.orderId as OrderId, { quantity: a.quantity }, ctx.meta);
        return a.orderId;
      } catch (err) {
        // Not amendable after all (it left OPEN meanwhile): a new order carries the need.
        if (!isDomainError(err) || (err.code !== 'INVALID_STATE' && err.code !== 'VALIDATION_FAILED')) throw err;
        return this.placeOrder(leg, accountId, a.delta > 0 ? 'BUY' : 'SELL', Math.abs(a.delta), ctx);
      }
    }
    return this.placeOrder(leg, accountId, a.side, a.quantity, ctx);
  }

  private async placeOrder(
    leg: { id: string; userId: UserId; symbol: string; product: Product },
    accountId: string,
    side: 'BUY' | 'SELL',
    quantity: number,
    ctx: { seed: string; intentId?: string; meta: RequestMeta; tag: string },
  ): Promise<string> {
    // On OpenAlgo the delta goes out as placesmartorder: position_size is the net it leaves (docs/watchlist-trading.md "Fan-out").
    const base = await this.repo.smartOrderBase(this.db.sql, accountId, leg.symbol, leg.product);
    const res = await this.place.execute(
      leg.userId,
      { symbol: leg.symbol, side, type: 'MARKET', quantity, product: leg.product, validity: 'DAY', tag: ctx.tag, accountId },
      legOrderKey(ctx.seed, leg.id, accountId),
      ctx.meta,
      {
        legId: leg.id,
        ...(ctx.intentId ? { intentId: ctx.intentId } : {}),
        ...(base !== null ? { positionSize: base + (side === 'BUY' ? quantity : -quantity) } : {}),
      },
    );
    return res.body.order.id;
  }
}
