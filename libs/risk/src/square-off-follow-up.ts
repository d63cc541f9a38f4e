import { Inject, Injectable } from '@nestjs/common';
import type { UserId } from '@tradeloop/domain';
import { JOBS, type Order } from '@tradeloop/contracts';
import { Db, JobProducer } from '@tradeloop/platform';
import type { RequestMeta } from '@tradeloop/identity';
import { intakeLockKey, PlaceOrderUseCase, squareOffItems, TradingRepository, type PlaceOutcome } from '@tradeloop/trading';

/** How long a square-off waits for the cancels asked for with it, whose same-side orders it would otherwise count as already closing. */
export const CANCEL_WAIT_MS = 10_000;
/** A square-off refused this many times (no quote, funds to cover a short…) is given up and logged. */
export const MAX_SQUARE_OFF_ATTEMPTS = 5;

/** One square-off of a user: the orders it placed, and the positions whose order intake refused. */
export interface SquareOffResult {
  placed: Order[];
  refused: { symbol: string; product: string; accountId: string; error: unknown }[];
}

/**
 * A follow-up that squares off after cancels (an automatic trip's, a kill switch's): its record
 * gives these hooks, `SquareOffFollowUp.step` does the rest.
 */
export interface FollowUpTask {
  /** The record's id (logs, the re-sent cancels' job ids). */
  id: string;
  userId: UserId;
  /** When the cancels were asked for (the trip, the engagement of the switch). */
  since: Date;
  squareOff: boolean;
  /** Tag of the re-sent cancel jobs' ids: `cancel_<order>_<cancelTag>`. */
  cancelTag: string;
  /** The request key of square-off attempt `n` (1, 2, …); its orders' Idempotency-Keys derive from it. */
  requestKey(attempt: number): string;
  /** Counts an attempt before it is made; returns its number (1, 2, …). */
  countAttempt(): Promise<number>;
  /** After an attempt that placed orders (a later one may still follow). */
  onPlaced?(orders: readonly Order[]): Promise<void>;
  /** Marks the record done with its outcome. */
  finish(outcome: string): Promise<void>;
}

/**
 * "Square off after the cancels" (docs/domain.md "Risk"), for automatic trips and kill switches
 * alike. `step` is one idempotent step, called by the worker's risk monitor each round until it
 * says `done`: it waits (up to CANCEL_WAIT_MS) for the user's orders whose cancel was asked for,
 * re-sends the cancels still open when the wait ends, then squares off when the task says so.
 *
 * The square-off of one user is one transaction under the user's intake lock: positions and open
 * orders are read under the lock, and all the orders go through `PlaceOrderUseCase.placeWithin`
 * (the normal intake, order by order: holds, risk — reducing orders pass an engaged switch —,
 * audit, history, Idempotency-Keys). So a second follow-up of the same user (a retry, another
 * worker after a lost lease) waits for the first's commit and then counts its orders as closing:
 * nothing is placed twice. A refused order is retried in a later attempt under a new request key
 * (a refusal is remembered per key), and given up after MAX_SQUARE_OFF_ATTEMPTS.
 */
@Injectable()
export class SquareOffFollowUp {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(PlaceOrderUseCase) private readonly place: PlaceOrderUseCase,
    @Inject(JobProducer) private readonly jobs: JobProducer,
  ) {}

  /** One step of the task; throws (to be retried next round) when an attempt failed and attempts remain. */
  async step(t: FollowUpTask, meta: RequestMeta, now = Date.now()): Promise<'done' | 'waiting'> {
    const open = await this.trading.openOrders(this.db.sql, t.userId);
    const cancelling = open.filter((o) => o.cancel_requested);
    if (cancelling.length > 0 && now - t.since.getTime() < CANCEL_WAIT_MS) return 'waiting';
    if (cancelling.length > 0) {
      await Promise.all(
        cancelling.map((o) =>
          this.jobs.enqueue(JOBS.cancelOrder, { orderId: o.id }, { jobId: `cancel_${o.id}_${t.cancelTag}` }).catch(() => undefined),
        ),
      );
    }
    if (!t.squareOff) {
      await t.finish(cancelling.length > 0 ? 'orders still open after the wait' : 'no open orders left');
      return 'done';
    }
    const attempt = await t.countAttempt();
    let result: SquareOffResult;
    try {
      result = await this.squareOff(t.userId, t.requestKey(attempt), meta);
    } catch (err) {
      if (attempt < MAX_SQUARE_OFF_ATTEMPTS) throw err;
      await t.finish(`square-off gave up after ${attempt} attempts: ${(err as Error).message}`.slice(0, 500));
      return 'done';
    }
    if (result.placed.length > 0) await t.onPlaced?.(result.placed);
    if (result.refused.length === 0) {
      await t.finish(`squared off with ${result.placed.length} order(s)`);
      return 'done';
    }
    const first = result.refused[0]!;
    const why = `${result.refused.length} square-off order(s) refused, first ${first.symbol} ${first.product}: ${(first.error as Error).message}`;
    if (attempt < MAX_SQUARE_OFF_ATTEMPTS) throw new Error(why);
    await t.finish(`square-off gave up after ${attempt} attempts: ${why}`.slice(0, 500));
    return 'done';
  }

  /**
   * Squares off every open position of the user (all accounts) in one transaction under their
   * intake lock; see the class comment. The placed orders go to their broker as any order of this
   * process does (in the worker: straight to the broker session).
   */
  async squareOff(userId: UserId, requestKey: string, meta: RequestMeta): Promise<SquareOffResult> {
    const batch = await this.db.tx(
      async (sql) => {
        const positions = await this.trading.positions(userId, sql);
        const open = await this.trading.openOrders(sql, userId);
        const items = squareOffItems(positions, open, requestKey, meta);
        if (items.length === 0) return { items, outcomes: [] as PlaceOutcome[], afterCommit: async () => undefined };
        return { items, ...(await this.place.placeWithin(sql, userId, items)) };
      },
      { lock: intakeLockKey(userId) },
    );
    await batch.afterCommit();
    const result: SquareOffResult = { placed: [], refused: [] };
    batch.outcomes.forEach((o, i) => {
      const body = batch.items[i]!.body;
      if (o.ok) {
        if (!o.replayed) result.placed.push(o.order);
      } else result.refused.push({ symbol: body.symbol, product: body.product, accountId: body.accountId!, error: o.error });
    });
    return result;
  }
}
