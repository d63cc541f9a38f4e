import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  applyOrderEvent,
  foldLegFills,
  holdTx,
  orderReservation,
  transitionOf,
  walletBook,
  type BrokerAccountId,
  type OrderHistoryEvent,
  type OrderId,
  type OrderTerms,
  type PriceTicks,
  type UserId,
} from '@tradeloop/domain';
import { QuotesStore } from '@tradeloop/market';
import { Db, type Sql } from '@tradeloop/platform';
import { KiteGttSessions, orderState, TradingRepository, type GttExitTerms, type GttSession, type GttState } from '@tradeloop/trading';
import { LedgerRepository } from '@tradeloop/wallet';
import type { StandingExitRelease, StandingExits, StandingExitSyncOutcome } from './standing-exits.port';
import { protectedQuantity, sameStandingExit, standingExitTarget, standingExitTerms, type StandingExitTarget } from './standing-exits.plan';
import { StandingExitsRepository, type LegAccountFacts, type LegGttRow } from './standing-exits.repository';

type Observed =
  | { readonly state: 'active' }
  | { readonly state: 'triggered'; readonly gttOrderId: string | null }
  | { readonly state: 'gone' };

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const num = (v: string | null): number | null => (v === null ? null : Number(v));

/**
 * Standing exits held at the broker (docs/watchlist-trading.md, "Standing exits"): one Kite GTT per
 * leg and account for the account's whole net (OCO when the leg has TP and SL, a single trigger
 * when it has one), placed, modified or deleted so it always matches the account's fills and the
 * leg's settings snapshot; other brokers hold nothing (our exit engine does).
 *
 * Each call runs in one transaction under an advisory lock per leg and account (the broker calls
 * included), so two callers never place two triggers for the same pair. A trigger Kite has fired
 * is adopted: the order it placed (no tag of ours; its id is in the trigger's `orders[].result`)
 * becomes an order row of the leg on that account, accepted at the broker ('gtt-triggered'), and
 * the account's target goes to 0 — so the reconciler applies its fill like any other order's, the
 * leg's net on the account becomes 0 once, and neither convergence nor our own exit sells again.
 */
@Injectable()
export class KiteStandingExits implements StandingExits {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(KiteGttSessions) private readonly sessions: KiteGttSessions,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
    @Inject(StandingExitsRepository) private readonly repo: StandingExitsRepository,
  ) {}

  /** An account's broker never changes: known once, so fills on paper accounts cost no transaction here. */
  private readonly kinds = new Map<string, string>();

  async sync(legId: string, accountId: string): Promise<StandingExitSyncOutcome> {
    const kind = await this.kindOf(accountId);
    if (kind === null) return { action: 'none' };
    if (kind !== 'kite') return { action: 'not_supported' };
    return this.db.tx((sql) => this.syncIn(sql, legId, accountId), { lock: lockKey(legId, accountId) });
  }

  async release(legId: string, accountId: string): Promise<StandingExitRelease> {
    if ((await this.kindOf(accountId)) !== 'kite') return { outcome: 'none' };
    return this.db.tx((sql) => this.releaseIn(sql, legId, accountId), { lock: lockKey(legId, accountId) });
  }

  private async kindOf(accountId: string): Promise<string | null> {
    const known = this.kinds.get(accountId);
    if (known !== undefined) return known;
    const kind = await this.repo.accountKind(this.db.sql, accountId);
    if (kind !== null) this.kinds.set(accountId, kind);
    return kind;
  }

  /** Our order adopting the leg's fired trigger on the account (null until one is adopted). */
  async exitOrderOf(legId: string, accountId: string): Promise<string | null> {
    return (await this.repo.gtt(this.db.sql, legId, accountId))?.exit_order_id ?? null;
  }

  /** The pairs whose trigger is active at the broker, least recently checked first. */
  async activePairs(limit = 500): Promise<{ legId: string; accountId: string }[]> {
    return (await this.repo.active(this.db.sql, limit)).map((r) => ({ legId: r.leg_id, accountId: r.account_id }));
  }

  /**
   * The pairs whose trigger we hold as active but Kite no longer lists as active (it fired, ended
   * or is gone): one read of each account's GTT book, not one per trigger. The worker's sweep syncs
   * them (a fired one is adopted). An account whose book cannot be read now is skipped.
   */
  async changedPairs(limit = 5_000): Promise<{ legId: string; accountId: string }[]> {
    const byAccount = new Map<string, { leg_id: string; trigger_id: string }[]>();
    for (const r of await this.repo.active(this.db.sql, limit)) byAccount.set(r.account_id, [...(byAccount.get(r.account_id) ?? []), r]);
    const out: { legId: string; accountId: string }[] = [];
    for (const [accountId, rows] of byAccount) {
      const statuses = await this.sessions
        .forAccount(accountId)
        .then((s) => s.statuses())
        .catch(() => null);
      if (statuses === null) continue;
      for (const r of rows) if (statuses.get(r.trigger_id) !== 'active') out.push({ legId: r.leg_id, accountId });
    }
    return out;
  }

  // ---------------------------------------------------------------- sync

  private async syncIn(sql: Sql, legId: string, accountId: string): Promise<StandingExitSyncOutcome> {
    const facts = await this.repo.facts(sql, legId, accountId);
    if (!facts) return { action: 'none' };
    if (facts.account_kind !== 'kite') return { action: 'not_supported' };
    const held = await this.repo.gtt(sql, legId, accountId, { lock: true });
    try {
      const kite = await this.sessions.forAccount(accountId);
      let active: LegGttRow | null = null;
      if (held?.status === 'active') {
        const seen = await this.observe(sql, kite, held, facts);
        if (seen.state === 'triggered') return { action: 'triggered', triggerId: held.trigger_id, gttOrderId: seen.gttOrderId };
        if (seen.state === 'active') active = held;
      }
      const tickSize = Number(facts.tick_size);
      const fills = await this.repo.fills(sql, legId, accountId);
      const position = foldLegFills(
        fills.map((f) => ({ accountId: accountId as BrokerAccountId, side: f.side, quantity: f.quantity, price: Number(f.price_ticks) })),
      );
      const mine = position.accounts.find((a) => a.accountId === accountId);
      // Only what the account means to keep: never a trigger beside our own reducing orders.
      const kept = protectedQuantity(mine?.netQuantity ?? 0, facts.target_quantity);
      const target = standingExitTarget(kept, mine?.averagePrice ?? null, facts.settings, tickSize);
      if (target === null) return active ? await this.remove(sql, kite, active, facts) : { action: 'none' };
      if (active && sameStandingExit(heldTarget(active), target)) return { action: 'unchanged', triggerId: active.trigger_id };
      const lastPrice = (await kite.lastPrice(facts.exchange, facts.symbol).catch(() => null)) ?? (await this.ourLastPrice(facts.symbol));
      if (lastPrice === null) return { action: 'failed', reason: `no last price for ${facts.symbol}` };
      const planned = standingExitTerms(
        target,
        { exchange: facts.exchange, symbol: facts.symbol, lotSize: facts.lot_size, tickSize },
        facts.product,
        lastPrice,
      );
      if ('refused' in planned) {
        // What the broker holds no longer matches the position: better nothing (our engine exits) than a wrong quantity.
        if (active) await this.remove(sql, kite, active, facts);
        return { action: 'failed', reason: planned.refused };
      }
      if (active) {
        if ((await kite.modify(active.trigger_id, planned.terms)) === 'ok') {
          await this.save(sql, legId, accountId, active.trigger_id, planned.terms, target);
          return { action: 'modified', triggerId: active.trigger_id };
        }
        // Refused: it fired or ended in between; read it back.
        const seen = await this.observe(sql, kite, active, facts);
        if (seen.state === 'triggered') return { action: 'triggered', triggerId: active.trigger_id, gttOrderId: seen.gttOrderId };
        if (seen.state === 'active') return { action: 'failed', reason: `Kite refused to modify trigger ${active.trigger_id}` };
      }
      const triggerId = await kite.place(planned.terms);
      await this.save(sql, legId, accountId, triggerId, planned.terms, target);
      return { action: 'placed', triggerId };
    } catch (e) {
      return { action: 'failed', reason: reason(e) };
    }
  }

  private async save(
    sql: Sql,
    legId: string,
    accountId: string,
    triggerId: string,
    terms: GttExitTerms,
    t: StandingExitTarget,
  ): Promise<void> {
    await this.repo.saveActive(sql, {
      leg_id: legId,
      account_id: accountId,
      trigger_id: triggerId,
      kind: terms.legs.length === 2 ? 'two-leg' : 'single',
      exit_side: t.exitSide,
      quantity: t.quantity,
      entry: t.entry,
      tp: t.tp,
      sl: t.sl,
    });
  }

  /** Deletes an active trigger; one that fired in between is adopted instead. */
  private async remove(sql: Sql, kite: GttSession, active: LegGttRow, facts: LegAccountFacts): Promise<StandingExitSyncOutcome> {
    if ((await kite.delete(active.trigger_id)) === 'refused') {
      const seen = await this.observe(sql, kite, active, facts);
      if (seen.state === 'triggered') return { action: 'triggered', triggerId: active.trigger_id, gttOrderId: seen.gttOrderId };
      if (seen.state === 'active') throw new Error(`Kite refused to delete trigger ${active.trigger_id}`);
      return { action: 'deleted', triggerId: active.trigger_id };
    }
    await this.repo.setStatus(sql, active.leg_id, active.account_id, 'deleted');
    return { action: 'deleted', triggerId: active.trigger_id };
  }

  // ---------------------------------------------------------------- release

  private async releaseIn(sql: Sql, legId: string, accountId: string): Promise<StandingExitRelease> {
    const held = await this.repo.gtt(sql, legId, accountId, { lock: true });
    if (!held) return { outcome: 'none' };
    if (held.status === 'triggered') return this.fired(held, held.broker_order_id);
    if (held.status !== 'active') return { outcome: 'none' };
    const facts = await this.repo.facts(sql, legId, accountId);
    if (!facts) return { outcome: 'none' };
    try {
      const kite = await this.sessions.forAccount(accountId);
      const seen = await this.observe(sql, kite, held, facts);
      if (seen.state === 'triggered') return this.fired(held, seen.gttOrderId);
      if (seen.state === 'gone') return { outcome: 'none' };
      const removed = await this.remove(sql, kite, held, facts);
      return removed.action === 'triggered' ? this.fired(held, removed.gttOrderId) : { outcome: 'deleted', triggerId: held.trigger_id };
    } catch (e) {
      return { outcome: 'unknown', triggerId: held.trigger_id, reason: reason(e) };
    }
  }

  /** A fired trigger: its order is the exit — unless Kite could not place one, when nothing stands and our exit goes as usual. */
  private fired(held: LegGttRow, gttOrderId: string | null): StandingExitRelease {
    return gttOrderId === null
      ? { outcome: 'deleted', triggerId: held.trigger_id }
      : { outcome: 'triggered', triggerId: held.trigger_id, gttOrderId };
  }

  // ---------------------------------------------------------------- reading back and adopting

  /** The held trigger as Kite has it now; a fired one is adopted, an ended one marked gone. */
  private async observe(sql: Sql, kite: GttSession, held: LegGttRow, facts: LegAccountFacts): Promise<Observed> {
    const state = await kite.state(held.trigger_id);
    if (state.status === 'active') {
      await this.repo.touch(sql, held.leg_id, held.account_id);
      return { state: 'active' };
    }
    if (state.status === 'triggered') return { state: 'triggered', gttOrderId: await this.adopt(sql, held, state, facts) };
    await this.repo.setStatus(sql, held.leg_id, held.account_id, 'gone');
    return { state: 'gone' };
  }

  /**
   * A fired trigger's order becomes the leg's exit on the account: an order row of the leg (its
   * hold as intake would place it), accepted at the broker under Kite's order id; the account's
   * target goes to 0. Returns the broker's order id, or null when Kite could not place one.
   */
  private async adopt(
    sql: Sql,
    held: LegGttRow,
    state: Extract<GttState, { status: 'triggered' }>,
    facts: LegAccountFacts,
  ): Promise<string | null> {
    const placed = state.placed;
    if (placed === null) {
      await this.repo.setStatus(sql, held.leg_id, held.account_id, 'triggered');
      return null;
    }
    const known = await this.repo.orderOfBrokerId(sql, held.account_id, placed.orderId);
    if (known) {
      await this.repo.flattenTarget(sql, held.leg_id, held.account_id);
      await this.repo.setStatus(sql, held.leg_id, held.account_id, 'triggered', { brokerOrderId: placed.orderId, exitOrderId: known });
      return placed.orderId;
    }
    const terms: OrderTerms = {
      side: placed.side,
      type: 'LIMIT',
      product: facts.product,
      validity: 'DAY',
      quantity: placed.quantity, // NSE / NFO count units at Kite, as we do (docs/brokers.md 4.3)
      price: placed.price,
      triggerPrice: null,
    };
    const ltp = (await this.ourLastPrice(facts.symbol)) ?? placed.price;
    // A SELL closing the long sells what the account holds; a BUY covering a short holds its cost, as at intake.
    const { basis, amount } = orderReservation(terms, { ltp, sellableQuantity: placed.side === 'SELL' ? held.quantity : 0 });
    const id = uuidv7() as OrderId;
    const userId = facts.user_id as UserId;
    if (amount > 0n) await this.ledger.post(sql, holdTx(walletBook(userId), amount, id));
    const row = await this.trading.insertOrder(
      sql,
      {
        id,
        userId,
        symbol: facts.symbol,
        clientTag: null,
        strategyId: null,
        accountId: held.account_id,
        broker: 'kite',
        holdBook: 'wallet',
        legId: held.leg_id,
      },
      { ...terms, referencePrice: basis.referencePrice, shortQuantity: basis.shortQuantity, reserved: amount, reducing: true, ltp },
      {
        actorId: null,
        action: 'order.placed',
        subject: `order:${id}`,
        details: {
          symbol: facts.symbol,
          side: terms.side,
          type: terms.type,
          quantity: terms.quantity,
          product: terms.product,
          accountId: held.account_id,
          legId: held.leg_id,
          via: 'kite-gtt',
          triggerId: held.trigger_id,
          brokerOrderId: placed.orderId,
        },
      },
    );
    const accepted: OrderHistoryEvent = { event: 'ACCEPTED', details: { brokerOrderIds: [placed.orderId], how: 'gtt-triggered' } };
    const transition = transitionOf(accepted, row);
    const status = transition ? applyOrderEvent(orderState(row), transition).status : row.status;
    await this.trading.saveOrder(sql, id, { status, brokerOrderIds: [placed.orderId] }, [{ ...accepted, status }]);
    await this.repo.flattenTarget(sql, held.leg_id, held.account_id);
    await this.repo.setStatus(sql, held.leg_id, held.account_id, 'triggered', { brokerOrderId: placed.orderId, exitOrderId: id });
    return placed.orderId;
  }

  private async ourLastPrice(symbol: string): Promise<PriceTicks | null> {
    const tick = (await this.quotes.get([symbol]).catch(() => new Map<string, never>())).get(symbol);
    return tick && tick[2] > 0 ? tick[2] : null;
  }
}

const lockKey = (legId: string, accountId: string): string => `standing-exit:${legId}:${accountId}`;

const heldTarget = (row: LegGttRow) => ({
  exitSide: row.exit_side,
  quantity: row.quantity,
  tp: num(row.tp_ticks),
  sl: num(row.sl_ticks),
});
