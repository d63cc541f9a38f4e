import {
  DEFAULT_EXIT_TIER_CONFIG,
  evaluateExitTiers,
  exitTierPlan,
  impliedVolatility,
  PRICE_SCALE,
  validateExitTierConfig,
  type ExitSignal,
  type ExitStatus,
  type ExitTick,
  type ExitTierConfig,
  type ExitTierPlan,
  type Instrument,
  type PriceTicks,
} from '@tradeloop/domain';

/** What the evaluator is told about an open alert position (docs/alerts.md "Exit engine"). */
export interface AlertPositionForExit {
  positionId: string;
  userId: string;
  /** Real positions have their account; shadow ones none. */
  accountId: string | null;
  shadow: boolean;
  symbol: string;
  /** The entry's side: BUY opened a long, SELL a short. */
  side: 'BUY' | 'SELL';
  quantity: number;
  entry: PriceTicks;
  openedAt: number;
  instrument: Instrument;
  /** The position's exit_config snapshot (merged over the defaults; an unreadable one is a hard fail). */
  exitConfig: unknown;
  /** The broker's rejection of the position's order, if any (tier 1 BROKER_REJECTION). */
  brokerRejection: string | null;
  /** When its still-unfilled order was placed (tier 1 MISSING_FILL after the timeout); null once filled. */
  awaitingFillSince: number | null;
}

/** An alert position under watch. */
export interface WatchedAlertPosition {
  readonly positionId: string;
  readonly userId: string;
  readonly accountId: string | null;
  readonly shadow: boolean;
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
  readonly quantity: number;
  readonly entry: PriceTicks;
  /** The option's underlying (for its LTP, the greeks and the implied volatility); null otherwise. */
  readonly underlying: string | null;
  readonly plan: ExitTierPlan;
  /** Reused per tick (the order state and the evaluation time). */
  readonly status: ExitStatus;
  /** Set when the exit config snapshot is unreadable: the first tick exits it (tier 1, DATA_CORRUPTION). */
  readonly configProblem: string | null;
}

/** One position's exit in a batch: the signal, and the price it was judged at (the tick's, or for a corrupt tick the symbol's last good one). */
export interface AlertExitFired {
  readonly position: WatchedAlertPosition;
  readonly signal: ExitSignal;
  /** The LTP the exit was judged at (ticks), positive; the entry when no good price was ever seen. */
  readonly price: PriceTicks;
  /** The tick's own time (epoch ms). */
  readonly tickTs: number;
}

export interface AlertExitBatchResult {
  /** Positions that exited in this batch, each once; they are no longer watched. */
  readonly exits: AlertExitFired[];
  /** Ticks that hit at least one watched position. */
  readonly matched: number;
}

/** A tick as the evaluator reads it: symbol, its time (epoch ms) and LTP (ticks). */
export interface AlertTick {
  readonly symbol: string;
  readonly ts: number;
  readonly ltp: number;
}

/** The position's config snapshot over the defaults, or the problems that make it unreadable. */
export function exitConfigOf(snapshot: unknown): { config: ExitTierConfig; problem: string | null } {
  if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot))
    return { config: DEFAULT_EXIT_TIER_CONFIG, problem: 'the exit config snapshot is not an object' };
  const config = { ...DEFAULT_EXIT_TIER_CONFIG, ...(snapshot as Partial<ExitTierConfig>) };
  const errors = validateExitTierConfig(config);
  return errors.length === 0
    ? { config, problem: null }
    : {
        config: DEFAULT_EXIT_TIER_CONFIG,
        problem: `the exit config snapshot is unreadable: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
      };
}

const isTicks = (p: number): boolean => Number.isSafeInteger(p) && p > 0;

/**
 * The alert exit engine's in-memory index and evaluation (docs/alerts.md "Exit engine"), free of
 * I/O so it can be measured on its own — the shape of the watchlist's ExitEvaluator: symbol →
 * open positions, each with its tier plan (exitTierPlan over its exit_config snapshot) built once;
 * a tick batch runs evaluateExitTiers for the positions of the ticked symbols only, tick by tick in
 * batch order. A position that exits leaves the index at once, so a tick storm exits it once.
 *
 * Options: the underlying's LTP comes from its own ticks (remembered per underlying of a watched
 * option, seeded by `seedPrice`), the IV is implied from the option's LTP and the underlying's
 * (impliedVolatility) — the wire tick quotes none. Without both, tier 4 is not judged on that tick.
 */
export class AlertExitEvaluator {
  private readonly bySymbol = new Map<string, Map<string, WatchedAlertPosition>>();
  private readonly byId = new Map<string, WatchedAlertPosition>();
  /** Underlying symbol → how many watched options read it. */
  private readonly underlyings = new Map<string, number>();
  /** The last good LTP of every symbol that is watched or an underlying of a watched option. */
  private readonly last = new Map<string, PriceTicks>();
  private readonly tick: ExitTick = { ts: 0, ltp: 0, underlying: null, iv: null };

  constructor(private readonly clock: () => number = Date.now) {}

  get size(): number {
    return this.byId.size;
  }

  get(positionId: string): WatchedAlertPosition | undefined {
    return this.byId.get(positionId);
  }

  positionIds(): string[] {
    return [...this.byId.keys()];
  }

  /** Symbols whose price the evaluator reads (watched ones and underlyings of watched options). */
  symbols(): string[] {
    return [...new Set([...this.bySymbol.keys(), ...this.underlyings.keys()])];
  }

  /** A known price (the quotes store at load), kept unless a tick already brought a newer one. */
  seedPrice(symbol: string, ltp: PriceTicks): void {
    if (isTicks(ltp) && !this.last.has(symbol)) this.last.set(symbol, ltp);
  }

  /** Watches an open position, replacing what was known of it (its order state may have changed). */
  upsert(p: AlertPositionForExit): WatchedAlertPosition {
    this.remove(p.positionId);
    const { config, problem } = exitConfigOf(p.exitConfig);
    const plan = exitTierPlan(
      { side: p.side === 'BUY' ? 'LONG' : 'SHORT', entry: p.entry, openedAt: p.openedAt, instrument: p.instrument },
      config,
    );
    const underlying = plan.option !== null && p.instrument.underlying ? p.instrument.underlying : null;
    const watched: WatchedAlertPosition = {
      positionId: p.positionId,
      userId: p.userId,
      accountId: p.accountId,
      shadow: p.shadow,
      symbol: p.symbol,
      side: p.side,
      quantity: p.quantity,
      entry: p.entry,
      underlying,
      plan,
      status: { now: 0, brokerRejection: p.brokerRejection, awaitingFillSince: p.awaitingFillSince },
      configProblem: problem,
    };
    this.byId.set(p.positionId, watched);
    let positions = this.bySymbol.get(p.symbol);
    if (!positions) this.bySymbol.set(p.symbol, (positions = new Map()));
    positions.set(p.positionId, watched);
    if (underlying) this.underlyings.set(underlying, (this.underlyings.get(underlying) ?? 0) + 1);
    return watched;
  }

  remove(positionId: string): void {
    const p = this.byId.get(positionId);
    if (!p) return;
    this.byId.delete(positionId);
    const positions = this.bySymbol.get(p.symbol);
    positions?.delete(positionId);
    if (positions?.size === 0) {
      this.bySymbol.delete(p.symbol);
      if (!this.underlyings.has(p.symbol)) this.last.delete(p.symbol);
    }
    if (p.underlying) {
      const n = (this.underlyings.get(p.underlying) ?? 1) - 1;
      if (n > 0) this.underlyings.set(p.underlying, n);
      else {
        this.underlyings.delete(p.underlying);
        if (!this.bySymbol.has(p.underlying)) this.last.delete(p.underlying);
      }
    }
  }

  clear(): void {
    this.byId.clear();
    this.bySymbol.clear();
    this.underlyings.clear();
    this.last.clear();
  }

  /**
   * Runs a batch of ticks through the positions of their symbols. A tick of an underlying updates
   * its price first (for the options read later in the batch). Hard-fail inputs: a tick whose LTP
   * is not a positive whole number of ticks (DATA_CORRUPTION) and one older than the position's
   * `staleTickMs` (STALE_TICK) come from the tick; BROKER_REJECTION and MISSING_FILL from the
   * position's order state (upsert); an unreadable config snapshot is DATA_CORRUPTION.
   */
  evaluate(ticks: Iterable<AlertTick>): AlertExitBatchResult {
    const exits: AlertExitFired[] = [];
    let matched = 0;
    const now = this.clock();
    const t = this.tick;
    for (const k of ticks) {
      const good = isTicks(k.ltp);
      if (good && (this.underlyings.has(k.symbol) || this.bySymbol.has(k.symbol))) this.last.set(k.symbol, k.ltp);
      const positions = this.bySymbol.get(k.symbol);
      if (!positions) continue;
      matched++;
      for (const p of positions.values()) {
        let signal: ExitSignal | null;
        if (p.configProblem !== null) signal = { tier: 1, rule: 'DATA_CORRUPTION', reason: p.configProblem, flag: true };
        else {
          t.ts = k.ts;
          t.ltp = k.ltp;
          t.underlying = p.underlying === null ? null : (this.last.get(p.underlying) ?? null);
          t.iv = good && t.underlying !== null && p.plan.greeksOn ? impliedIvOf(p.plan, k.ltp, t.underlying, now) : null;
          p.status.now = now;
          signal = evaluateExitTiers(p.plan, t, p.status);
        }
        if (signal === null) continue;
        exits.push({ position: p, signal, price: good ? k.ltp : (this.last.get(k.symbol) ?? p.entry), tickTs: k.ts });
        this.remove(p.positionId);
      }
    }
    return { exits, matched };
  }
}

/** The IV implied by the option's LTP and the underlying's at `now`; null when no σ gives the price. */
function impliedIvOf(plan: ExitTierPlan, ltp: PriceTicks, underlying: PriceTicks, now: number): number | null {
  const o = plan.option!;
  const years = ((plan.expiryClose as number) - now) / (86_400_000 * 365);
  return impliedVolatility(o.kind, ltp / PRICE_SCALE, underlying / PRICE_SCALE, o.strike, years, plan.config.rate);
}
