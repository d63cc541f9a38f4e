import type { FieldError } from '../errors';
import { PRICE_SCALE, type PriceTicks } from '../market/price';
import type { Product } from '../trading/order';

/**
 * Watchlist trading settings in six tiers (docs/watchlist-trading.md, "Settings: six tiers"): each
 * tier a sparse set of known keys; the effective value of a key comes from the highest tier that
 * sets it, else the built-in default (reported as `global`).
 */
export const SETTINGS_TIER_ORDER = ['global', 'index', 'watchlist', 'user', 'symbol', 'click'] as const;
export type SettingsTierName = (typeof SETTINGS_TIER_ORDER)[number];

export const STRIKE_POLICY_VALUES = ['FLOAT_OFS', 'ANCHOR'] as const;
export type StrikePolicyValue = (typeof STRIKE_POLICY_VALUES)[number];

/** The effective settings of a click, every key present (null: not set anywhere, e.g. no TP). */
export interface TradingSettings {
  strikePolicy: StrikePolicyValue;
  stepLots: number;
  product: Product;
  /** Rupees as a decimal string ("50"); null: inferred from the listed strikes. */
  strikeStep: string | null;
  tpPerUnit: string | null;
  slPerUnit: string | null;
  tslEnabled: boolean;
  tslArmAfter: string | null;
  tslTrailBy: string | null;
  tslStep: string | null;
  maxLotsPerLeg: number;
  /** Empty: the user's default account. */
  accountIds: string[];
}
export type TradingSettingsKey = keyof TradingSettings;

/** The built-in defaults, under every tier. */
export const DEFAULT_TRADING_SETTINGS: Readonly<TradingSettings> = Object.freeze({
  strikePolicy: 'FLOAT_OFS',
  stepLots: 1,
  product: 'MIS',
  strikeStep: null,
  tpPerUnit: null,
  slPerUnit: null,
  tslEnabled: false,
  tslArmAfter: null,
  tslTrailBy: null,
  tslStep: null,
  maxLotsPerLeg: 10,
  accountIds: [],
});

export const TRADING_SETTINGS_KEYS = Object.keys(DEFAULT_TRADING_SETTINGS) as TradingSettingsKey[];

/** One tier's sparse values (`null` or absent: this tier does not set the key). */
export type SettingsTierValues = { readonly [K in TradingSettingsKey]?: TradingSettings[K] | null };

export interface ResolvedSetting<K extends TradingSettingsKey = TradingSettingsKey> {
  value: TradingSettings[K];
  source: SettingsTierName;
}
export type ResolvedSettings = { [K in TradingSettingsKey]: ResolvedSetting<K> };

/** Each key's effective value and the tier it came from: the highest tier that sets it wins. */
export function resolveSettings(tiers: Partial<Record<SettingsTierName, SettingsTierValues | null | undefined>>): ResolvedSettings {
  const out = {} as Record<TradingSettingsKey, ResolvedSetting>;
  for (const key of TRADING_SETTINGS_KEYS) {
    let found: ResolvedSetting = { value: DEFAULT_TRADING_SETTINGS[key], source: 'global' };
    for (const tier of SETTINGS_TIER_ORDER) {
      const v = tiers[tier]?.[key];
      if (v !== undefined && v !== null) found = { value: v, source: tier };
    }
    out[key] = found;
  }
  return out as ResolvedSettings;
}

/** The plain values of a resolved set. */
export const settingsValues = (r: ResolvedSettings): TradingSettings =>
  Object.fromEntries(TRADING_SETTINGS_KEYS.map((k) => [k, r[k].value])) as unknown as TradingSettings;

const PER_UNIT = /^(\d{1,9})(?:\.(\d{1,4}))?$/;

/** A per-unit distance in rupees ("12.5") as price ticks; null when absent or malformed. */
export function perUnitTicks(value: string | null | undefined): PriceTicks | null {
  if (value === null || value === undefined) return null;
  const m = PER_UNIT.exec(value.trim());
  if (!m) return null;
  return Number(m[1]) * PRICE_SCALE + Number((m[2] ?? '').padEnd(4, '0'));
}

const POSITIVE_KEYS = ['strikeStep', 'tpPerUnit', 'slPerUnit', 'tslTrailBy', 'tslStep'] as const;

/**
 * The rules beyond the shape that one set of values can break on its own (a tier, or a resolved
 * set): distances > 0 (arm-after ≥ 0), trail step ≤ trail-by, stepLots ≤ maxLotsPerLeg — the
 * cross-field rules only when both fields are in the set. Field names are the keys.
 */
export function validateSettings(values: SettingsTierValues): FieldError[] {
  const errors: FieldError[] = [];
  const ticks = (k: TradingSettingsKey): PriceTicks | null => {
    const v = values[k];
    return typeof v === 'string' ? perUnitTicks(v) : null;
  };
  for (const key of [...POSITIVE_KEYS, 'tslArmAfter'] as const) {
    const v = values[key];
    if (v === undefined || v === null) continue;
    const t = perUnitTicks(v);
    if (t === null) errors.push({ field: key, message: 'must be a price in rupees, e.g. "30" or "12.50"' });
    else if (key !== 'tslArmAfter' && t <= 0) errors.push({ field: key, message: 'must be greater than zero' });
  }
  const step = ticks('tslStep');
  const by = ticks('tslTrailBy');
  if (step !== null && by !== null && step > 0 && by > 0 && step > by)
    errors.push({ field: 'tslStep', message: 'the trail step must not exceed the trail-by distance' });
  const lots = values.stepLots;
  const max = values.maxLotsPerLeg;
  if (typeof lots === 'number' && typeof max === 'number' && lots > max)
    errors.push({ field: 'stepLots', message: `must not exceed maxLotsPerLeg (${max})` });
  return errors;
}

/**
 * The rules of a resolved set at a click: every rule of validateSettings on the effective values,
 * and — when the click opens or adds to a long at `entry` (the contract's LTP) — an SL per unit at
 * or beyond the entry (a stop at or below zero) is refused.
 */
export function validateResolved(
  resolved: TradingSettings,
  click: { side: 'BUY' | 'SELL'; entry: PriceTicks | null } | null,
): FieldError[] {
  const errors = validateSettings(resolved);
  if (click && click.side === 'BUY' && click.entry !== null) {
    const sl = perUnitTicks(resolved.slPerUnit);
    if (sl !== null && sl > 0 && sl >= click.entry)
      errors.push({ field: 'slPerUnit', message: `a stop-loss of ${resolved.slPerUnit} per unit is at or beyond the entry of a long` });
  }
  return errors;
}
