import type { FieldError } from '../errors';
import type { Instrument } from '../market/instruments';
import { formatPrice, PRICE_SCALE, type PriceTicks } from '../market/price';
import { exitLevels, type LegSide } from '../watchlist/exits';
import { blackScholesGreeksInto, DAYS_PER_YEAR, emptyGreeks, expiryCloseMs, type Greeks } from './greeks';

/**
 * The exit engine's tiers (docs/alerts.md, "Exit engine"), evaluated on every tick of an open
 * position, real or shadow; the first rule that fires wins:
 *   1 HARD_FAIL   — BROKER_REJECTION, MISSING_FILL, DATA_CORRUPTION, STALE_TICK (close and flag);
 *   2 PROTECTION  — STOP_LOSS, MAX_HOLDING_TIME, MIN_DAYS_TO_EXPIRY;
 *   3 PROFIT      — TARGET;
 *   4 DEGRADATION — DELTA, GAMMA, THETA, VEGA (options: Black–Scholes on the tick's IV).
 * Prices are integer ticks; the stop and target levels are computed once per position in
 * {@link exitTierPlan} (with the watchlist's exitLevels, short mirroring long), so a tick is a
 * handful of integer comparisons. {@link evaluateExitTiers} creates no object unless it exits.
 */

export const EXIT_TIERS = { 1: 'HARD_FAIL', 2: 'PROTECTION', 3: 'PROFIT', 4: 'DEGRADATION' } as const;
export type ExitTier = keyof typeof EXIT_TIERS;

/**
 * An EXIT alert from the position's own source (docs/alerts.md "EXIT alerts"): not one of the
 * engine's tiers — the sender asked — recorded as tier 0, rule `EXIT_ALERT`, before any tier.
 */
export const EXIT_ALERT_TIER = 0;
export const EXIT_ALERT_RULE = 'EXIT_ALERT';
export interface ExitAlertSignal {
  readonly tier: typeof EXIT_ALERT_TIER;
  readonly rule: typeof EXIT_ALERT_RULE;
  readonly reason: string;
  readonly flag: false;
}
/** A recorded exit's tier name: ALERT (0, an EXIT alert) or the engine's tier. */
export const exitTierName = (tier: number): string =>
  tier === EXIT_ALERT_TIER ? 'ALERT' : (EXIT_TIERS[tier as ExitTier] ?? `tier ${tier}`);

export const EXIT_TIER_RULES = [
  'BROKER_REJECTION',
  'MISSING_FILL',
  'DATA_CORRUPTION',
  'STALE_TICK',
  'STOP_LOSS',
  'MAX_HOLDING_TIME',
  'MIN_DAYS_TO_EXPIRY',
  'TARGET',
  'DELTA',
  'GAMMA',
  'THETA',
  'VEGA',
] as const;
export type ExitTierRule = (typeof EXIT_TIER_RULES)[number];

export interface ExitSignal {
  readonly tier: ExitTier;
  readonly rule: ExitTierRule;
  readonly reason: string;
  /** Tier 1: close and flag the position for a person to look at. */
  readonly flag: boolean;
}

export interface ExitTierConfig {
  /** An order with no fill this long after it was placed is a MISSING_FILL (ms). */
  readonly fillTimeoutMs: number;
  /** A tick older than this when evaluated is a STALE_TICK (ms). */
  readonly staleTickMs: number;
  /** Percent of the entry (≤ 2 decimals) against the position; null: off. */
  readonly stopLossPct: number | null;
  readonly maxHoldingMinutes: number | null;
  /** Derivatives: exit when fewer calendar days than this remain to the expiry's close; null: off. */
  readonly minDaysToExpiry: number | null;
  /** Percent of the entry (≤ 2 decimals) in the position's favour; null: off. */
  readonly targetPct: number | null;
  /** Options: exit when |delta| < this; null: off. */
  readonly minAbsDelta: number | null;
  /** Options: exit when gamma (per rupee of the underlying) < this; null: off. */
  readonly minGamma: number | null;
  /** Options: exit when the position's theta per day as a percent of the LTP (short = −theta) < this; null: off. */
  readonly minThetaPctPerDay: number | null;
  /** Options: exit when vega (rupees per vol point) < this; null: off. */
  readonly minVega: number | null;
  /** Risk-free rate for the greeks (annual, continuous). */
  readonly rate: number;
}

export const DEFAULT_EXIT_TIER_CONFIG: ExitTierConfig = Object.freeze({
  fillTimeoutMs: 30_000,
  staleTickMs: 10_000,
  stopLossPct: 30,
  maxHoldingMinutes: 375,
  minDaysToExpiry: 0.1,
  targetPct: 50,
  minAbsDelta: 0.05,
  minGamma: null,
  minThetaPctPerDay: -10,
  minVega: null,
  rate: 0.065,
});

/** Everything about a position that does not change from tick to tick (build once per position). */
export interface ExitTierPlan {
  readonly side: LegSide;
  /** +1 long, −1 short. */
  readonly dir: 1 | -1;
  readonly entry: PriceTicks;
  readonly openedAt: number;
  readonly stop: PriceTicks | null;
  readonly target: PriceTicks | null;
  /** Holding-time limit: exit at or after this (epoch ms); null: off. */
  readonly holdUntil: number | null;
  /** Expiry close (15:30 IST) of a derivative, epoch ms; null for a cash instrument. */
  readonly expiryClose: number | null;
  /** Exit after this (fewer than minDaysToExpiry days left); null: off. */
  readonly expiryCutoff: number | null;
  readonly option: { readonly kind: 'CE' | 'PE'; readonly strike: number } | null;
  readonly greeksOn: boolean;
  readonly config: ExitTierConfig;
  /** Reused per tick by the greeks (mutable on purpose). */
  readonly scratch: Greeks;
}

/** What a tick brings; the caller may reuse one object for every tick. */
export interface ExitTick {
  /** When the price was observed (epoch ms). */
  ts: number;
  ltp: PriceTicks;
  /** The underlying's LTP in ticks (options, for the greeks); null when not known. */
  underlying: PriceTicks | null;
  /** The option's implied volatility (annual); null when not known. */
  iv: number | null;
}

/** The position's order state and the evaluation time; reusable like the tick. */
export interface ExitStatus {
  now: number;
  /** The broker's rejection reason of the position's order (or its exit order), if any. */
  brokerRejection: string | null;
  /** When the still-unfilled order was placed; null once filled. */
  awaitingFillSince: number | null;
}

const DAY_MS = 86_400_000;
const YEAR_MS = DAY_MS * DAYS_PER_YEAR;

/** A percent of the entry in whole ticks: round half up, at least 1 tick (pct has ≤ 2 decimals). */
export function percentOfTicks(entry: PriceTicks, pct: number): PriceTicks {
  const bp = BigInt(Math.round(pct * 100));
  const ticks = Number((BigInt(entry) * bp + 5_000n) / 10_000n);
  return Math.max(1, ticks);
}

/**
 * The plan of a position: stop = entry ∓ percentOfTicks(entry, stopLossPct) and target = entry ±
 * percentOfTicks(entry, targetPct) (− / + for a long, mirrored for a short), via exitLevels.
 */
export function exitTierPlan(
  position: { readonly side: LegSide; readonly entry: PriceTicks; readonly openedAt: number; readonly instrument: Instrument },
  config: ExitTierConfig = DEFAULT_EXIT_TIER_CONFIG,
): ExitTierPlan {
  const { side, entry, openedAt, instrument } = position;
  const levels = exitLevels(
    {
      slPerUnit: config.stopLossPct === null ? null : percentOfTicks(entry, config.stopLossPct),
      tpPerUnit: config.targetPct === null ? null : percentOfTicks(entry, config.targetPct),
      trailing: null,
    },
    entry,
    side,
  );
  const expiryClose = instrument.expiry === undefined ? null : expiryCloseMs(instrument.expiry);
  if (expiryClose !== null && !Number.isFinite(expiryClose))
    throw new RangeError(`${instrument.symbol} has an unreadable expiry ${instrument.expiry}`);
  const kind = instrument.instrumentType;
  const option =
    (kind === 'CE' || kind === 'PE') && instrument.strike !== undefined && expiryClose !== null
      ? { kind, strike: instrument.strike / PRICE_SCALE }
      : null;
  return {
    side,
    dir: side === 'LONG' ? 1 : -1,
    entry,
    openedAt,
    stop: levels.sl,
    target: levels.tp,
    holdUntil: config.maxHoldingMinutes === null ? null : openedAt + config.maxHoldingMinutes * 60_000,
    expiryClose,
    expiryCutoff: expiryClose === null || config.minDaysToExpiry === null ? null : expiryClose - config.minDaysToExpiry * DAY_MS,
    option,
    greeksOn:
      option !== null &&
      (config.minAbsDelta !== null || config.minGamma !== null || config.minThetaPctPerDay !== null || config.minVega !== null),
    config,
    scratch: emptyGreeks(),
  };
}

const exit = (tier: ExitTier, rule: ExitTierRule, reason: string): ExitSignal => ({ tier, rule, reason, flag: tier === 1 });
const isTicks = (p: unknown): boolean => Number.isSafeInteger(p) && (p as number) > 0;

/**
 * One evaluation; null when nothing fires. Tier 1 first; an order still waiting for its fill
 * (within the timeout) has no position yet, so nothing else is evaluated. Comparisons: stop at
 * or through (long LTP ≤ stop, short LTP ≥ stop), target at or through, holding time at or after
 * its end, days to expiry strictly below the minimum, greeks strictly below their thresholds,
 * the tick stale when now − ts > staleTickMs.
 */
export function evaluateExitTiers(plan: ExitTierPlan, tick: ExitTick, status: ExitStatus): ExitSignal | null {
  const c = plan.config;
  const now = status.now;
  // Tier 1: hard fail.
  if (status.brokerRejection !== null) return exit(1, 'BROKER_REJECTION', `the broker rejected the order: ${status.brokerRejection}`);
  if (status.awaitingFillSince !== null) {
    if (now - status.awaitingFillSince >= c.fillTimeoutMs)
      return exit(1, 'MISSING_FILL', `no fill ${now - status.awaitingFillSince} ms after the order`);
    return null;
  }
  const ltp = tick.ltp;
  if (!isTicks(ltp)) return exit(1, 'DATA_CORRUPTION', `LTP ${String(ltp)} is not a positive whole number of ticks`);
  if (tick.underlying !== null && !isTicks(tick.underlying))
    return exit(1, 'DATA_CORRUPTION', `underlying ${String(tick.underlying)} is not a positive whole number of ticks`);
  if (tick.iv !== null && !(Number.isFinite(tick.iv) && tick.iv >= 0))
    return exit(1, 'DATA_CORRUPTION', `IV ${String(tick.iv)} is not a finite number ≥ 0`);
  if (!Number.isFinite(tick.ts) || now - tick.ts > c.staleTickMs)
    return exit(1, 'STALE_TICK', `the tick is ${now - tick.ts} ms old (limit ${c.staleTickMs} ms)`);
  // Tier 2: protection.
  const dir = plan.dir;
  if (plan.stop !== null && dir * (ltp - plan.stop) <= 0)
    return exit(
      2,
      'STOP_LOSS',
      `LTP ${formatPrice(ltp)} reached the stop ${formatPrice(plan.stop)} (${c.stopLossPct} % of ${formatPrice(plan.entry)})`,
    );
  if (plan.holdUntil !== null && now >= plan.holdUntil)
    return exit(2, 'MAX_HOLDING_TIME', `held for ${c.maxHoldingMinutes} minutes or more`);
  if (plan.expiryCutoff !== null && now > plan.expiryCutoff)
    return exit(
      2,
      'MIN_DAYS_TO_EXPIRY',
      `${(((plan.expiryClose as number) - now) / DAY_MS).toFixed(2)} days to expiry, below ${c.minDaysToExpiry}`,
    );
  // Tier 3: profit.
  if (plan.target !== null && dir * (ltp - plan.target) >= 0)
    return exit(
      3,
      'TARGET',
      `LTP ${formatPrice(ltp)} reached the target ${formatPrice(plan.target)} (${c.targetPct} % of ${formatPrice(plan.entry)})`,
    );
  // Tier 4: degradation (options with the underlying and IV on the tick).
  if (!plan.greeksOn || tick.underlying === null || tick.iv === null) return null;
  const o = plan.option!;
  const g = blackScholesGreeksInto(
    plan.scratch,
    o.kind,
    tick.underlying / PRICE_SCALE,
    o.strike,
    ((plan.expiryClose as number) - now) / YEAR_MS,
    tick.iv,
    c.rate,
  );
  if (c.minAbsDelta !== null && Math.abs(g.delta) < c.minAbsDelta)
    return exit(4, 'DELTA', `|delta| ${Math.abs(g.delta).toFixed(4)} below ${c.minAbsDelta}`);
  if (c.minGamma !== null && g.gamma < c.minGamma) return exit(4, 'GAMMA', `gamma ${g.gamma.toExponential(3)} below ${c.minGamma}`);
  if (c.minThetaPctPerDay !== null) {
    const thetaPct = ((dir * g.theta * PRICE_SCALE) / ltp) * 100;
    if (thetaPct < c.minThetaPctPerDay)
      return exit(4, 'THETA', `position theta ${thetaPct.toFixed(2)} % of the LTP a day, below ${c.minThetaPctPerDay} %`);
  }
  if (c.minVega !== null && g.vega < c.minVega) return exit(4, 'VEGA', `vega ${g.vega.toFixed(4)} below ${c.minVega}`);
  return null;
}

const twoDecimals = (n: number): boolean => Math.abs(Math.round(n * 100) - n * 100) < 1e-6;

/** Field-named problems with an exit config; empty when valid. */
export function validateExitTierConfig(c: ExitTierConfig): FieldError[] {
  if (typeof c !== 'object' || c === null) return [{ field: '', message: 'must be an object' }];
  const errors: FieldError[] = [];
  const check = (field: keyof ExitTierConfig, ok: boolean, message: string) => {
    if (!ok) errors.push({ field, message });
  };
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  check('fillTimeoutMs', Number.isSafeInteger(c.fillTimeoutMs) && c.fillTimeoutMs > 0, 'must be a whole number of ms > 0');
  check('staleTickMs', Number.isSafeInteger(c.staleTickMs) && c.staleTickMs > 0, 'must be a whole number of ms > 0');
  check(
    'stopLossPct',
    c.stopLossPct === null || (num(c.stopLossPct) && c.stopLossPct > 0 && c.stopLossPct <= 1000 && twoDecimals(c.stopLossPct)),
    'must be null or a percent above 0 and at most 1000 with at most 2 decimals',
  );
  check(
    'targetPct',
    c.targetPct === null || (num(c.targetPct) && c.targetPct > 0 && c.targetPct <= 10_000 && twoDecimals(c.targetPct)),
    'must be null or a percent above 0 and at most 10000 with at most 2 decimals',
  );
  check(
    'maxHoldingMinutes',
    c.maxHoldingMinutes === null || (Number.isSafeInteger(c.maxHoldingMinutes) && c.maxHoldingMinutes > 0),
    'must be null or a whole number of minutes > 0',
  );
  check(
    'minDaysToExpiry',
    c.minDaysToExpiry === null || (num(c.minDaysToExpiry) && c.minDaysToExpiry >= 0),
    'must be null or a number of days ≥ 0',
  );
  check(
    'minAbsDelta',
    c.minAbsDelta === null || (num(c.minAbsDelta) && c.minAbsDelta >= 0 && c.minAbsDelta <= 1),
    'must be null or from 0 to 1',
  );
  check('minGamma', c.minGamma === null || (num(c.minGamma) && c.minGamma >= 0), 'must be null or a number ≥ 0');
  check('minThetaPctPerDay', c.minThetaPctPerDay === null || num(c.minThetaPctPerDay), 'must be null or a finite percent');
  check('minVega', c.minVega === null || (num(c.minVega) && c.minVega >= 0), 'must be null or a number ≥ 0');
  check('rate', num(c.rate) && c.rate >= 0 && c.rate <= 1, 'must be an annual rate from 0 to 1');
  return errors;
}
