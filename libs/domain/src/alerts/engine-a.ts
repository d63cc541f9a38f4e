import type { FieldError } from '../errors';
import { formatMoney, type Paise } from '../money';
import { tradeValue, valueToPaise } from '../trading/units';
import type { OrderSide } from '../trading/order';
import type { Quantity } from '../units';
import type { MarketContext } from './market-context';

/**
 * Engine A, the rule engine (docs/alerts.md, "Engines"): named rules, each pass / fail with its
 * reason; ENTER only when every rule passes. Every rule is evaluated (no short cut), so the
 * decision record shows all of them.
 */

/** What the engines decide about: an entry alert (an EXIT alert closes, it is not decided). */
export interface EngineAlert {
  readonly symbol: string;
  readonly action: OrderSide;
  /** The order's size in units, resolved from the alert's size rule. */
  readonly quantity: Quantity;
}

export type EngineVerdict = 'ENTER' | 'SKIP';

/** Limits both engines check (engine A as rules, engine B's risk agent as a veto). */
export interface EngineLimits {
  /** Open positions the user may hold after this entry (the entry counts as one more). */
  readonly maxOpenPositions: number;
  /** Gross exposure after this entry (current + quantity × LTP), paise. */
  readonly maxExposure: Paise;
}

export interface EngineAConfig {
  /** IST time window [from, to) in which entries are allowed, "HH:MM". */
  readonly session: { readonly from: string; readonly to: string };
  /** Symbols allowed; null: any. */
  readonly allowedSymbols: readonly string[] | null;
  /** Directions allowed (non-empty). */
  readonly directions: readonly OrderSide[];
  readonly limits: EngineLimits;
}

export const DEFAULT_ENGINE_LIMITS: EngineLimits = Object.freeze({ maxOpenPositions: 5, maxExposure: 50_000_000n });

/** Defaults: 09:20–15:00 IST (after the first five minutes, not in the last half hour), any symbol, both directions, 5 positions, ₹5,00,000. */
export const DEFAULT_ENGINE_A_CONFIG: EngineAConfig = Object.freeze({
  session: Object.freeze({ from: '09:20', to: '15:00' }),
  allowedSymbols: null,
  directions: Object.freeze(['BUY', 'SELL'] as OrderSide[]),
  limits: DEFAULT_ENGINE_LIMITS,
});

export const ENGINE_A_RULES = [
  'SESSION_WINDOW',
  'ALLOWED_SYMBOL',
  'DIRECTION_ALLOWED',
  'MAX_OPEN_POSITIONS',
  'MAX_EXPOSURE',
  'NO_DUPLICATE_POSITION',
] as const;
export type EngineARule = (typeof ENGINE_A_RULES)[number];

export interface RuleResult {
  readonly rule: EngineARule;
  readonly pass: boolean;
  readonly reason: string;
}

export interface EngineADecision {
  readonly engine: 'A';
  readonly decision: EngineVerdict;
  /** Every rule in ENGINE_A_RULES order. */
  readonly rules: readonly RuleResult[];
  /** The failed rules' names (empty on ENTER). */
  readonly failed: readonly EngineARule[];
  readonly at: number;
}

const HHMM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;
/** "09:20" → 560 minutes since midnight; null when not a valid HH:MM. */
export function parseIstMinute(text: unknown): number | null {
  const m = typeof text === 'string' ? HHMM.exec(text) : null;
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** The value in paise of `quantity` at the context's LTP (half-up to the paisa). */
export const entryValue = (alert: EngineAlert, ctx: MarketContext): Paise => valueToPaise(tradeValue(alert.quantity, ctx.ltp));

/** The limit checks shared by engine A and engine B's risk agent: null when within, else the reason. */
export function openPositionsBreach(limits: EngineLimits, ctx: MarketContext): string | null {
  const after = ctx.positions.openCount + 1;
  return after > limits.maxOpenPositions
    ? `${ctx.positions.openCount} open positions; one more would exceed the limit of ${limits.maxOpenPositions}`
    : null;
}

export function exposureBreach(limits: EngineLimits, alert: EngineAlert, ctx: MarketContext): string | null {
  const after = ctx.positions.exposure + entryValue(alert, ctx);
  return after > limits.maxExposure
    ? `exposure would be ₹${formatMoney(after)}, above the limit of ₹${formatMoney(limits.maxExposure)}`
    : null;
}

/** Runs every rule; ENTER only when all pass. */
export function decideEngineA(alert: EngineAlert, ctx: MarketContext, config: EngineAConfig = DEFAULT_ENGINE_A_CONFIG): EngineADecision {
  const from = parseIstMinute(config.session.from);
  const to = parseIstMinute(config.session.to);
  const s = ctx.session;
  const exposure = exposureBreach(config.limits, alert, ctx);
  const positions = openPositionsBreach(config.limits, ctx);
  const rules: RuleResult[] = [
    !s.tradingDay
      ? { rule: 'SESSION_WINDOW', pass: false, reason: 'not a trading day' }
      : from === null || to === null || s.istMinute < from || s.istMinute >= to
        ? { rule: 'SESSION_WINDOW', pass: false, reason: `${hhmm(s.istMinute)} IST is outside ${config.session.from}–${config.session.to}` }
        : { rule: 'SESSION_WINDOW', pass: true, reason: `${hhmm(s.istMinute)} IST is inside ${config.session.from}–${config.session.to}` },
    config.allowedSymbols === null
      ? { rule: 'ALLOWED_SYMBOL', pass: true, reason: 'every symbol is allowed' }
      : config.allowedSymbols.includes(alert.symbol)
        ? { rule: 'ALLOWED_SYMBOL', pass: true, reason: `${alert.symbol} is allowed` }
        : { rule: 'ALLOWED_SYMBOL', pass: false, reason: `${alert.symbol} is not in the allowed symbols` },
    config.directions.includes(alert.action)
      ? { rule: 'DIRECTION_ALLOWED', pass: true, reason: `${alert.action} is allowed` }
      : { rule: 'DIRECTION_ALLOWED', pass: false, reason: `${alert.action} is not allowed` },
    positions === null
      ? { rule: 'MAX_OPEN_POSITIONS', pass: true, reason: `${ctx.positions.openCount + 1} of ${config.limits.maxOpenPositions} positions` }
      : { rule: 'MAX_OPEN_POSITIONS', pass: false, reason: positions },
    exposure === null
      ? { rule: 'MAX_EXPOSURE', pass: true, reason: `exposure within ₹${formatMoney(config.limits.maxExposure)}` }
      : { rule: 'MAX_EXPOSURE', pass: false, reason: exposure },
    ctx.positions.symbolOpen
      ? { rule: 'NO_DUPLICATE_POSITION', pass: false, reason: `a position in ${alert.symbol} is already open` }
      : { rule: 'NO_DUPLICATE_POSITION', pass: true, reason: `no open position in ${alert.symbol}` },
  ];
  const failed = rules.filter((r) => !r.pass).map((r) => r.rule);
  return { engine: 'A', decision: failed.length === 0 ? 'ENTER' : 'SKIP', rules, failed, at: ctx.now };
}

const hhmm = (minute: number): string => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Field-named problems with limits (`prefix` is the path of the limits object). Like the config
 * validators, it takes what a request body decoded to, so a wrong shape is an error, not a crash.
 */
export function validateEngineLimits(limits: EngineLimits, prefix: string): FieldError[] {
  if (!isObject(limits)) return [{ field: prefix, message: 'must be an object with maxOpenPositions and maxExposure' }];
  const errors: FieldError[] = [];
  if (!Number.isSafeInteger(limits.maxOpenPositions) || limits.maxOpenPositions < 1)
    errors.push({ field: `${prefix}.maxOpenPositions`, message: 'must be a whole number ≥ 1' });
  if (typeof limits.maxExposure !== 'bigint' || limits.maxExposure <= 0n)
    errors.push({ field: `${prefix}.maxExposure`, message: 'must be an amount greater than zero' });
  return errors;
}

/** Field-named problems with an engine A config; empty when valid (used by PUT /api/v1/engines/config). */
export function validateEngineAConfig(config: EngineAConfig): FieldError[] {
  if (!isObject(config)) return [{ field: '', message: 'must be an object' }];
  const errors: FieldError[] = [];
  const session: unknown = config.session;
  if (!isObject(session)) errors.push({ field: 'session', message: 'must be an object with from and to' });
  else {
    const from = parseIstMinute(session.from);
    const to = parseIstMinute(session.to);
    if (from === null) errors.push({ field: 'session.from', message: 'must be an IST time "HH:MM"' });
    if (to === null) errors.push({ field: 'session.to', message: 'must be an IST time "HH:MM"' });
    if (from !== null && to !== null && from >= to) errors.push({ field: 'session.to', message: 'must be after session.from' });
  }
  const symbols: unknown = config.allowedSymbols;
  if (symbols !== null && !Array.isArray(symbols)) errors.push({ field: 'allowedSymbols', message: 'must be a list of symbols or null' });
  else if (Array.isArray(symbols)) {
    if (symbols.length === 0) errors.push({ field: 'allowedSymbols', message: 'must list at least one symbol (null allows every symbol)' });
    symbols.forEach((s: unknown, i) => {
      if (typeof s !== 'string' || !/^[A-Z0-9][A-Z0-9&_.-]{0,39}$/.test(s))
        errors.push({ field: `allowedSymbols[${i}]`, message: 'must be an upper-case symbol' });
    });
    if (new Set(symbols).size !== symbols.length) errors.push({ field: 'allowedSymbols', message: 'must not repeat a symbol' });
  }
  const directions: unknown = config.directions;
  if (!Array.isArray(directions)) errors.push({ field: 'directions', message: 'must be a list of BUY, SELL' });
  else {
    if (directions.length === 0) errors.push({ field: 'directions', message: 'must allow at least one of BUY, SELL' });
    directions.forEach((d: unknown, i) => {
      if (d !== 'BUY' && d !== 'SELL') errors.push({ field: `directions[${i}]`, message: 'must be BUY or SELL' });
    });
    if (new Set(directions).size !== directions.length) errors.push({ field: 'directions', message: 'must not repeat a direction' });
  }
  return [...errors, ...validateEngineLimits(config.limits, 'limits')];
}
