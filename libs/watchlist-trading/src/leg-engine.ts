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
import { CancelOrderUseCase, ModifyOrderUseCase, PlaceOrderUseCase, type PlaceItem } from '@tradeloop/trading';
import { WatchlistTradingRepository, type LegAccountSnapshot, type LegOrderRow } from './watchlist-trading.repository';

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

/** A leg as the engine moves it. */
export interface EngineLeg {
  id: string;
  userId: UserId;
  symbol: string;
  product: Product;
}

/** What an order of a settle carries: `seed` derives its idempotency key (the intent, a trigger, a convergence). */
export interface SettleContext {
  seed: string;
  intentId?: string;
  meta: RequestMeta;
  tag: string;
}

/** One leg account to move: `decide` gets its state and returns the target (units). */
export interface SettleItem {
  leg: EngineLeg;
  accountId: string;
  decide: (s: LegAccountState) => number;
  ctx: SettleContext;
  /**
   * Leave the leg account as it is when a risk exit of its leg is in flight (a convergence): the
   * exit flattens it with its own orders, named on the exit. Checked under the lock, after the
   * snapshot, so an exit committed before the snapshot's target was read is always seen.
   */
  yieldToExit?: boolean;
}

/** One item's plan under the locks. */
interface Planned {
  item: SettleItem;
  state: LegAccountState;
  working: WorkingOrder[];
  target: number;
  actions: DeltaAction[];
  smartBase: number | null;
}

/**
 * Moves legs on accounts to targets (docs/watchlist-trading.md, "Intents and target positions"):
 * under a lock per (leg, account) — in this process a queue, across processes a
 * transaction-scoped advisory lock — it reads the filled net and the working orders, lets the
 * caller decide the target, stores it, and sends only the delta through the normal order path
 * (planDelta: cancel what works against it, amend a working order along it, else place one).
 * Several leg accounts settle in one transaction (a click's fan-out, an exit's accounts): their
 * new orders go through one batched intake (PlaceOrderUseCase.placeWithin), each accepted or
 * refused on its own, and commit with their targets. When the order path refuses an account's
 * delta its target falls back to what is filled and working, so nothing keeps retrying a refused
 * order.
 */
@Injectable()
export class LegEngine {
  private readonly queues = new Map<string, Promise<unknown>>();
  /**
   * A settle holds one pooled connection (its locks) and may need another for a cancel or an
   * amendment: at most this many run at once in a process, so a wide fan-out cannot take every
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

  /** Runs `work` alone for these leg accounts: queued in this process behind each key's earlier work, then under their advisory locks. */
  private serialised<T>(keys: readonly string[], work: (sql: Sql) => Promise<T>): Promise<T> {
    const before = Promise.all(keys.map((k) => this.queues.get(k) ?? Promise.resolve()));
    const go = () => this.withPermit(() => this.db.tx(work, { lock: keys }));
    const run = before.then(go, go);
    const tail = run.catch(() => undefined);
    for (const key of keys) this.queues.set(key, tail);
    void tail.then(() => {
      for (const key of keys) if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  async state(sql: Sql, legId: string, accountId: string): Promise<{ state: LegAccountState; working: WorkingOrder[] }> {
    return stateOf(await this.repo.legAccountSnapshot(sql, legId, accountId));
  }

  /** Decides and reaches a target for one leg account (`settleMany` of one). */
  async settle(leg: EngineLeg, accountId: string, decide: (s: LegAccountState) => number, ctx: SettleContext): Promise<LegAccountOutcome> {
    return (await this.settleMany([{ leg, accountId, decide, ctx }]))[0]!;
  }

  /**
   * Decides and reaches a target for each leg account, in one transaction holding all their locks.
   * Outcomes in the items' order; one account's refusal or failure never stops the others.
   */
  async settleMany(items: readonly SettleItem[]): Promise<LegAccountOutcome[]> {
    if (items.length === 0) return [];
    const announce: (() => Promise<void>)[] = [];
    const outcomes = await this.serialised(
      items.map((i) => legAccountLockKey(i.leg.id, i.accountId)),
      async (sql) => {
        // One statement reads every leg account, one stores every target.
        const snapshots = await this.repo.legAccountSnapshots(
          sql,
          items.map((i) => ({ legId: i.leg.id, accountId: i.accountId })),
        );
        const exiting = items.some((i) => i.yieldToExit)
          ? await this.repo.legsExiting(
              sql,
              items.filter((i) => i.yieldToExit).map((i) => i.leg.id),
            )
          : new Set<string>();
        const out = new Array<LegAccountOutcome>(items.length);
        const planned: Planned[] = [];
        for (const [k, item] of items.entries()) {
          const { state, working } = stateOf(snapshots[k]!);
          if (item.yieldToExit && exiting.has(item.leg.id)) {
            out[k] = { status: 'accepted', deltaQuantity: 0, targetQuantity: state.target ?? state.filled + state.working };
            continue;
          }
          const target = item.decide(state);
          planned[k] = {
            item,
            state,
            working,
            target,
            actions: planDelta(target, state.filled, working),
            smartBase: snapshots[k]!.smartBase,
          };
        }
        const live = [...planned.entries()].filter((e): e is [number, Planned] => e[1] !== undefined);
        await this.repo.setTargets(
          sql,
          live.map(([, p]) => ({ legId: p.item.leg.id, accountId: p.item.accountId, target: p.target })),
        );
        // Cancels and amendments first, each through its use case (they take no intake lock, and
        // the batch below holds the user's until the commit).
        const batch: number[] = [];
        for (const [i, p] of live) {
          if (p.actions.length === 1 && p.actions[0]!.kind === 'place') batch.push(i);
          else out[i] = await this.applyActions(sql, p);
        }
        // New orders: one batched intake per user (one in practice: a click's or a leg's accounts).
        for (const userId of new Set(batch.map((i) => planned[i]!.item.leg.userId))) {
          const mine = batch.filter((i) => planned[i]!.item.leg.userId === userId);
          const items = mine.map((i) => this.orderOf(planned[i]!));
          const placed = await this.place.placeWithin(sql, userId, items);
          announce.push(placed.afterCommit);
          for (const [k, i] of mine.entries()) {
            const p = planned[i]!;
            const o = placed.outcomes[k]!;
            if (o.ok)
              out[i] = {
                status: 'accepted',
                orderId: o.order.id,
                deltaQuantity: p.target - p.state.filled - p.state.working,
                targetQuantity: p.target,
              };
            else out[i] = await this.fallBack(sql, p, p.state.working, o.error);
          }
        }
        return out;
      },
    );
    await Promise.all(announce.map((a) => a()));
    return outcomes;
  }

  /** Cancels and amendments (and an order that must replace an amendment) through their use cases, one after another. */
  private async applyActions(sql: Sql, p: Planned): Promise<LegAccountOutcome> {
    let orderId: string | undefined;
    let remainingWorking = p.state.working;
    try {
      for (const a of p.actions) {
        const sent = await this.apply(p.item, a);
        if (a.kind === 'cancel') remainingWorking -= p.working.find((w) => w.orderId === a.orderId)?.remaining ?? 0;
        if (sent) orderId = sent;
      }
    } catch (err) {
      return this.fallBack(sql, p, remainingWorking, err);
    }
    return {
      status: 'accepted',
      ...(orderId ? { orderId } : {}),
      deltaQuantity: p.target - p.state.filled - p.state.working,
      targetQuantity: p.target,
    };
  }

  /** Refused or failed: the target falls back to what is filled and still working. */
  private async fallBack(sql: Sql, p: Planned, working: number, err: unknown): Promise<LegAccountOutcome> {
    const target = p.state.filled + working;
    await this.repo.setTarget(sql, p.item.leg.id, p.item.accountId, target);
    return { ...outcomeOf(err), deltaQuantity: 0, targetQuantity: target };
  }

  /** One action through the normal order path; the id of the order that carries the need, if any. */
  private async apply(item: SettleItem, a: DeltaAction): Promise<string | undefined> {
    const { leg, ctx } = item;
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
        return this.placeAlone(item, a.delta > 0 ? 'BUY' : 'SELL', Math.abs(a.delta));
      }
    }
    return this.placeAlone(item, a.side, a.quantity);
  }

  /** An order outside the batch (after a cancel or a failed amendment), through the single intake. */
  private async placeAlone(item: SettleItem, side: 'BUY' | 'SELL', quantity: number): Promise<string> {
    const base = await this.repo.smartOrderBase(this.db.sql, item.accountId, item.leg.symbol, item.leg.product);
    const order = orderFor(item, side, quantity, base);
    const res = await this.place.execute(item.leg.userId, order.body, order.key, order.meta, order.opts);
    return res.body.order.id;
  }

  private orderOf(p: Planned): PlaceItem {
    const a = p.actions[0] as Extract<DeltaAction, { kind: 'place' }>;
    return orderFor(p.item, a.side, a.quantity, p.smartBase);
  }
}

/** A leg account's state from its snapshot. One statement, one snapshot: an order filling meanwhile is either working or filled, never both. */
function stateOf(snapshot: LegAccountSnapshot): { state: LegAccountState; working: WorkingOrder[] } {
  const filled = foldLegFills(snapshot.fills).netQuantity;
  const working = snapshot.orders.filter((o) => !o.cancel_requested).map(toWorking);
  return { state: { filled, working: workingQuantity(working), target: snapshot.target }, working };
}

/**
 * The MARKET order that moves a leg account by `quantity` on `side`, keyed by the settle's seed.
 * On OpenAlgo (`base` not null) the delta goes out as placesmartorder: position_size is the net it
 * leaves (docs/watchlist-trading.md "Fan-out").
 */
function orderFor(item: SettleItem, side: 'BUY' | 'SELL', quantity: number, base: number | null): PlaceItem {
  const { leg, accountId, ctx } = item;
  return {
    body: { symbol: leg.symbol, side, type: 'MARKET', quantity, product: leg.product, validity: 'DAY', tag: ctx.tag, accountId },
    key: legOrderKey(ctx.seed, leg.id, accountId),
    meta: ctx.meta,
    opts: {
      legId: leg.id,
      ...(ctx.intentId ? { intentId: ctx.intentId } : {}),
      ...(base !== null ? { positionSize: base + (side === 'BUY' ? quantity : -quantity) } : {}),
    },
  };
}
