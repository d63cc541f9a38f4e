import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { exitLevels, exitSettingsOf, foldLegFills, formatPrice, legSideOf, type PriceTicks, type UserId } from '@tradeloop/domain';
import type { Leg, RiskExit } from '@tradeloop/contracts';
import { Db } from '@tradeloop/platform';
import { QuotesStore } from '@tradeloop/market';
import { LegEngine, type LegAccountOutcome, type LegAccountState } from './leg-engine';
import { WatchlistTradingRepository } from './watchlist-trading.repository';
import { STANDING_EXITS, type StandingExits } from './standing-exits.port';

/** Why a leg account is converged again (docs/watchlist-trading.md, "Intents and target positions"). */
export type ConvergeCause = 'filled' | 'cancelled' | 'rejected' | 'expired' | 'changed' | 'sweep';

/** What a convergence moves a leg account to: its stored target, or — refused, or never set — what is filled and working. */
const convergedTarget = (cause: ConvergeCause, s: LegAccountState): number =>
  cause === 'rejected' || s.target === null ? s.filled + s.working : s.target;

/**
 * Re-runs planDelta for one leg on one account after one of its orders changed (a fill, a cancel,
 * a rejection) or when the sweep finds it off its target with nothing working. The target stays
 * what the last click or exit set — except after a rejection, which the engine does not retry:
 * the target then becomes what is filled and still working (an order the broker refuses would be
 * refused again, every few seconds).
 */
@Injectable()
export class ConvergeLegUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(WatchlistTradingRepository) private readonly repo: WatchlistTradingRepository,
    @Inject(LegEngine) private readonly engine: LegEngine,
    @Inject(STANDING_EXITS) private readonly standing: StandingExits,
  ) {}

  async execute(legId: string, accountId: string, cause: ConvergeCause): Promise<LegAccountOutcome | null> {
    const sql = this.db.sql;
    // Read at once, without the lock: a leg account already at its target (the usual case after a
    // fill) needs no transaction. The snapshot is one statement, so it is never half a fill; a
    // change after it has its own convergence.
    const [leg, exiting, seen] = await Promise.all([
      this.repo.leg(sql, legId),
      this.repo.exitInFlight(sql, legId),
      this.engine.state(sql, legId, accountId),
    ]);
    if (!leg) return null;
    // A risk exit in flight flattens the leg with its own orders (named on the exit); a convergence
    // now would race it with an order of its own. The exit's resend carries it through.
    if (exiting) return null;
    const target = convergedTarget(cause, seen.state);
    const outcome: LegAccountOutcome =
      target === seen.state.target && target === seen.state.filled + seen.state.working
        ? { status: 'accepted', deltaQuantity: 0, targetQuantity: target }
        : (
            await this.engine.settleMany([
              {
                leg: { id: leg.id, userId: leg.user_id as UserId, symbol: leg.symbol, product: leg.product },
                accountId,
                decide: (s) => convergedTarget(cause, s),
                ctx: { seed: `converge:${uuidv7()}`, meta: {}, tag: 'converge' },
                // The check above is without the lock: an exit fired since is seen under it.
                yieldToExit: true,
              },
            ])
          )[0]!;
    // A fill moved the account's net or entry: the standing exit at the broker (Kite GTT) follows. Never throws.
    if (cause === 'filled') await this.standing.sync(legId, accountId).catch(() => undefined);
    return outcome;
  }

  /** Leg accounts off their target with nothing working (the sweep's candidates). */
  unconverged(limit: number): Promise<{ leg_id: string; account_id: string }[]> {
    return this.repo.unconverged(this.db.sql, limit);
  }
}

const price = (t: number | null): string | null => (t === null ? null : formatPrice(t as PriceTicks));

/** GET /api/v1/legs: the user's open legs per account with their exits (docs/watchlist-trading.md). */
@Injectable()
export class ListLegsQuery {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(WatchlistTradingRepository) private readonly repo: WatchlistTradingRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
  ) {}

  async execute(userId: UserId): Promise<Leg[]> {
    const sql = this.db.sql;
    const legs = await this.repo.legsOfUser(sql, userId);
    const ids = legs.map((l) => l.id);
    const [accounts, fills] = await Promise.all([this.repo.legAccounts(sql, ids), this.repo.fills(sql, ids)]);
    const marks = await this.quotes.get([...new Set(legs.map((l) => l.symbol))]).catch(() => new Map<string, never>());
    const out: Leg[] = [];
    for (const leg of legs) {
      const position = foldLegFills(fills.filter((f) => f.legId === leg.id));
      const exits = exitSettingsOf(leg.settings);
      const side = legSideOf(position.netQuantity);
      const levels = side && position.averageEntry !== null ? exitLevels(exits, position.averageEntry, side) : { tp: null, sl: null };
      const ltp = (marks.get(leg.symbol)?.[2] as PriceTicks | undefined) ?? null;
      for (const a of accounts.filter((x) => x.leg_id === leg.id)) {
        const mine = position.accounts.find((p) => p.accountId === a.account_id);
        const net = mine?.netQuantity ?? 0;
        if (net === 0 && a.target_quantity === 0) continue;
        const avg = mine?.averagePrice ?? null;
        out.push({
          legId: leg.id,
          watchlistId: leg.watchlist_id,
          accountId: a.account_id,
          symbol: leg.symbol,
          rowSymbol: leg.row_symbol,
          product: leg.product,
          netQuantity: net,
          targetQuantity: a.target_quantity,
          averagePrice: price(avg),
          ltp: price(ltp),
          pnlPerUnit: avg === null || ltp === null || net === 0 ? null : price(net > 0 ? ltp - avg : avg - ltp),
          tpPrice: price(levels.tp),
          slPrice: price(levels.sl),
          tsl: {
            enabled: exits.trailing !== null,
            armed: leg.tsl_armed,
            currentStop: leg.tsl_stop_ticks === null ? null : price(Number(leg.tsl_stop_ticks)),
            bestPrice: leg.tsl_best_ticks === null ? null : price(Number(leg.tsl_best_ticks)),
          },
        });
      }
    }
    return out;
  }
}

/** GET /api/v1/risk-exits: the user's fired exits, newest first (the id breaks a tie). */
@Injectable()
export class ListRiskExitsQuery {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(WatchlistTradingRepository) private readonly repo: WatchlistTradingRepository,
  ) {}

  async execute(userId: UserId): Promise<RiskExit[]> {
    return (await this.repo.riskExits(this.db.sql, userId)).map((r) => ({
      id: r.id,
      triggerId: r.trigger_id,
      legId: r.leg_id,
      symbol: r.symbol,
      kind: r.kind,
      triggerPrice: formatPrice(Number(r.trigger_price_ticks) as PriceTicks),
      level: formatPrice(Number(r.level_ticks) as PriceTicks),
      reason: r.reason,
      status: r.status,
      orderIds: r.order_ids,
      createdAt: r.created_at.toISOString(),
    }));
  }
}
