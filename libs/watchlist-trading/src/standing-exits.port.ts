/**
 * Standing exit orders (docs/watchlist-trading.md, "Standing exits"; issue 16 part 6).
 *
 * A leg's TP and SL, held at the broker where the broker can hold them: on a Kite account one
 * two-leg (OCO) GTT per leg and account, for that account's whole net quantity (SELL for a long,
 * BUY for a short); when one side triggers Kite removes the other (one cancels the other). On
 * every other broker nothing is placed: the worker's exit engine holds TP and SL (per leg).
 *
 * Who calls what:
 * - `sync` after anything that may move a leg's net on an account, its average entry or its
 *   settings snapshot: a fill of one of the leg's orders (the convergence job), a new intent. It
 *   places, modifies or deletes the GTT so the broker holds exactly the current net at the current
 *   levels; it is idempotent and cheap when nothing changed. It never throws for a broker failure:
 *   the failure is in the outcome and the next sync tries again.
 * - `release` BEFORE our own exit (a risk exit, an EXIT / EXIT_ALL intent) sends an order that
 *   flattens the account. It deletes the GTT and says what the broker did with it:
 *   - `none`: there was no GTT (not Kite, no TP/SL, or flat): exit as usual;
 *   - `deleted`: it was still active and is gone now: exit as usual;
 *   - `triggered`: it had already fired: the broker's GTT order IS the exit of this account, so
 *     our exit must NOT send another order for it (the GTT's order is adopted as the leg's exit:
 *     `gttOrderId` is the broker's id of the order it placed, when Kite reported one);
 *   - `unknown`: the broker could not be asked (session lost, timeout). The caller should not
 *     flatten blindly; retry later (the GTT may still fire).
 */
export interface StandingExits {
  sync(legId: string, accountId: string): Promise<StandingExitSyncOutcome>;
  release(legId: string, accountId: string): Promise<StandingExitRelease>;
}

/** What `sync` did at the broker. */
export type StandingExitSyncOutcome =
  | { readonly action: 'not_supported' } // not a Kite account: our engine holds the exits
  | { readonly action: 'none' } // nothing to hold (no TP/SL, flat) and nothing held
  | { readonly action: 'unchanged' | 'placed' | 'modified' | 'deleted'; readonly triggerId: string | null }
  | { readonly action: 'triggered'; readonly triggerId: string; readonly gttOrderId: string | null }
  | { readonly action: 'failed'; readonly reason: string };

export type StandingExitRelease =
  | { readonly outcome: 'none' }
  | { readonly outcome: 'deleted'; readonly triggerId: string }
  | { readonly outcome: 'triggered'; readonly triggerId: string; readonly gttOrderId: string | null }
  | { readonly outcome: 'unknown'; readonly triggerId: string; readonly reason: string };

/** Nest injection token for the `StandingExits` implementation (provided by WatchlistTradingModule). */
export const STANDING_EXITS = Symbol('StandingExits');
