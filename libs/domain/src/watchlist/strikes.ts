import { DomainError } from '../errors';
import type { Instrument } from '../market/instruments';
import type { PriceTicks } from '../market/price';
import type { StrikePolicyValue } from './settings';

/**
 * Strike resolution (docs/watchlist-trading.md, "Quick orders and strike resolution"): pure and
 * deterministic. Every refusal is a VALIDATION_FAILED naming its field.
 */

export type OptionSide = 'CE' | 'PE';
/** 'weekly', 'monthly' or a listed date YYYY-MM-DD. */
export type ExpirySelector = string;

const invalid = (field: string, message: string, summary = message): DomainError =>
  new DomainError('VALIDATION_FAILED', summary, { fieldErrors: [{ field, message }] });

const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;

/** Today's calendar date in IST (YYYY-MM-DD). */
export const todayIst = (now: Date): string => new Date(now.getTime() + IST_OFFSET_MS).toISOString().slice(0, 10);

/**
 * The expiry a selector names among the listed expiries (any order, repeats allowed):
 * - `weekly`: the nearest listed expiry on or after today;
 * - `monthly`: the nearest one on or after today that is the last listed expiry of its calendar month;
 * - a date: must be listed, and not before today.
 */
export function selectExpiry(selector: ExpirySelector, listed: readonly string[], today: string, field = 'expiry'): string {
  const expiries = [...new Set(listed)].sort();
  const upcoming = expiries.filter((d) => d >= today);
  if (selector === 'weekly') {
    const first = upcoming[0];
    if (first === undefined) throw invalid(field, 'no expiry is listed on or after today');
    return first;
  }
  if (selector === 'monthly') {
    const lastOfMonth = (d: string) => !expiries.some((e) => e > d && e.slice(0, 7) === d.slice(0, 7));
    const monthly = upcoming.find(lastOfMonth);
    if (monthly === undefined) throw invalid(field, 'no monthly expiry is listed on or after today');
    return monthly;
  }
  if (!upcoming.includes(selector))
    throw invalid(field, `${selector} is not a listed expiry${upcoming.length ? ` (listed: ${upcoming.join(', ')})` : ''}`);
  return selector;
}

/** ATM: the price rounded to the nearest multiple of the step, a half rounding up. */
export function atmStrike(ltp: PriceTicks, step: PriceTicks): PriceTicks {
  if (!Number.isSafeInteger(step) || step <= 0) throw new RangeError(`strike step must be a positive integer, got ${step}`);
  return Math.floor((2 * ltp + step) / (2 * step)) * step;
}

/** `ATM` → 0; `ITMn` → n steps in the money; `OTMn` → n steps out (signed: + in the money). */
export function parseOptionLeg(leg: string, field = 'optionLeg'): { moneyness: 'ATM' | 'ITM' | 'OTM'; steps: number } {
  if (leg === 'ATM') return { moneyness: 'ATM', steps: 0 };
  const m = /^(ITM|OTM)([1-9]\d*)$/.exec(leg);
  if (!m) throw invalid(field, 'must be ATM, ITMn or OTMn');
  return { moneyness: m[1] as 'ITM' | 'OTM', steps: Number(m[2]) };
}

/** The strike `leg` names: for a call in the money is lower, for a put higher. */
export function offsetStrike(atm: PriceTicks, step: PriceTicks, leg: string, type: OptionSide, field = 'optionLeg'): PriceTicks {
  const { moneyness, steps } = parseOptionLeg(leg, field);
  if (moneyness === 'ATM') return atm;
  const itm = moneyness === 'ITM' ? 1 : -1;
  const lower = type === 'CE' ? itm : -itm;
  return atm - lower * steps * step;
}

/** The smallest gap between distinct strikes: the step when the profile names none. */
export function inferStrikeStep(strikes: readonly PriceTicks[]): PriceTicks | null {
  const sorted = [...new Set(strikes)].sort((a, b) => a - b);
  let step: number | null = null;
  for (let i = 1; i < sorted.length; i += 1) {
    const gap = sorted[i]! - sorted[i - 1]!;
    if (step === null || gap < step) step = gap;
  }
  return step;
}

const isActive = (i: Instrument) => i.active !== false;

export interface OptionQuery {
  underlying: string;
  type: OptionSide;
  /** ATM, ITMn, OTMn. */
  leg: string;
  expiry: ExpirySelector;
  /** The underlying's last price. */
  ltp: PriceTicks;
  /** The profile's strike step in ticks; null infers it from the listed strikes of the expiry. */
  strikeStep: PriceTicks | null;
  today: string;
}

export interface ResolvedOption {
  instrument: Instrument;
  expiry: string;
  atm: PriceTicks;
  strike: PriceTicks;
  step: PriceTicks;
}

/**
 * The option contract a click names among `instruments` (any instruments; only active options of
 * the underlying count). Refusals: no options (`symbol`), no such expiry (`expiry`), a strike
 * beyond the listed ones (`optionLeg`), a step that matches no listed strike (`strikeStep`).
 */
export function resolveOption(q: OptionQuery, instruments: readonly Instrument[]): ResolvedOption {
  const chain = instruments.filter(
    (i) => isActive(i) && i.underlying === q.underlying && (i.instrumentType === 'CE' || i.instrumentType === 'PE'),
  );
  if (chain.length === 0) throw invalid('symbol', `${q.underlying} has no listed options`);
  const expiry = selectExpiry(q.expiry, chain.map((i) => i.expiry!).filter(Boolean), q.today);
  const series = chain.filter((i) => i.expiry === expiry && i.instrumentType === q.type && i.strike !== undefined);
  const strikes = series.map((i) => i.strike!);
  const step = q.strikeStep ?? inferStrikeStep(strikes);
  if (step === null) {
    // One listed strike: it is the only one a click can name.
    if (q.leg !== 'ATM') throw invalid('optionLeg', `only one ${q.type} strike is listed for ${expiry}`);
    return { instrument: series[0]!, expiry, atm: strikes[0]!, strike: strikes[0]!, step: 0 };
  }
  if (step <= 0) throw invalid('strikeStep', 'must be greater than zero');
  const atm = atmStrike(q.ltp, step);
  const strike = offsetStrike(atm, step, q.leg, q.type);
  const instrument = series.find((i) => i.strike === strike);
  if (!instrument) {
    const lo = Math.min(...strikes);
    const hi = Math.max(...strikes);
    if (strike < lo || strike > hi) throw invalid('optionLeg', `${q.leg} is beyond the listed ${q.type} strikes of ${expiry}`);
    throw invalid(
      'strikeStep',
      `no ${q.type} strike is listed at ${strike / 10_000} for ${expiry}: the strike step does not match the chain`,
    );
  }
  return { instrument, expiry, atm, strike, step };
}

/** FUTURES mode: the nearest active future of the underlying (nearest monthly) on or after today. */
export function resolveFuture(underlying: string, instruments: readonly Instrument[], today: string): Instrument {
  const futures = instruments
    .filter((i) => isActive(i) && i.instrumentType === 'FUT' && i.underlying === underlying && (i.expiry ?? '') >= today)
    .sort((a, b) => (a.expiry! < b.expiry! ? -1 : a.expiry! > b.expiry! ? 1 : 0));
  const first = futures[0];
  if (!first) throw invalid('tradeMode', `${underlying} has no listed futures`);
  return first;
}

/**
 * The strike policy: `ANCHOR` keeps the contract the side's open leg already holds; with the side
 * flat (no anchored contract), and always under `FLOAT_OFS`, the freshly resolved one.
 */
export function applyStrikePolicy<T>(policy: StrikePolicyValue, anchored: T | null, floating: () => T): T {
  if (policy === 'ANCHOR' && anchored !== null) return anchored;
  return floating();
}

/** Units per click: stepLots × the contract's lot size; a step that is not whole lots is refused. */
export function clickQuantity(stepLots: number, lotSize: number, field = 'stepLots'): number {
  if (!Number.isSafeInteger(stepLots) || stepLots < 1) throw invalid(field, 'must be a whole number of lots, at least 1');
  return stepLots * lotSize;
}

/** The underlying a row trades options and futures of: the row itself for an index or an equity, its underlying for a derivative. */
export function rowUnderlying(row: Pick<Instrument, 'symbol' | 'instrumentType' | 'underlying'>): string {
  if (row.instrumentType === 'INDEX' || row.instrumentType === 'EQ') return row.symbol;
  return row.underlying ?? row.symbol;
}

/** The index tier of a row: the row itself for an index, the instrument's underlying for a derivative, none for a plain equity. */
export function indexProfileOf(row: Pick<Instrument, 'symbol' | 'instrumentType' | 'underlying'>): string | null {
  if (row.instrumentType === 'INDEX') return row.symbol;
  if (row.instrumentType === 'EQ') return null;
  return row.underlying ?? null;
}
