import { z } from 'zod';
import { PRODUCTS } from '@tradeloop/domain';
import { orNull } from '../common';
import { PriceSchema } from '../market/instruments.schema';

/*
 * Watchlist trading (docs/watchlist-trading.md; docs/api.md "Watchlist trading"): six tiers of
 * sparse settings, quick orders as idempotent intents with target positions fanned out to
 * accounts, legs with per-unit TP / SL / trailing-stop exits.
 */

/** Where an effective value came from, lowest precedence first. */
export const SETTINGS_TIERS = ['global', 'index', 'watchlist', 'user', 'symbol', 'click'] as const;
export type SettingsTier = (typeof SETTINGS_TIERS)[number];

export const STRIKE_POLICIES = ['FLOAT_OFS', 'ANCHOR'] as const;
export type StrikePolicy = (typeof STRIKE_POLICIES)[number];

/** A per-unit price distance in rupees, as a decimal string ("30", "12.5", "0.05"); > 0. */
const PerUnit = z
  .string()
  .trim()
  .max(20)
  .regex(/^\d{1,9}(\.\d{1,4})?$/, 'a price in rupees, e.g. "30" or "12.50"');

/**
 * One tier's values: every key optional (sparse), unknown keys refused. `null` on a key clears it
 * in that tier (the next tier down shows through). Cross-field and range rules beyond the shape
 * (TP / SL > 0, trail step > 0, …) are the domain's (validateSettings), which names the field.
 */
export const SettingsValuesSchema = z.strictObject({
  strikePolicy: z.enum(STRIKE_POLICIES).nullable().optional(),
  stepLots: z.number().int('a whole number of lots').min(1).max(1_000).nullable().optional(),
  product: z.enum(PRODUCTS).nullable().optional(),
  strikeStep: PerUnit.nullable().optional(),
  tpPerUnit: PerUnit.nullable().optional(),
  slPerUnit: PerUnit.nullable().optional(),
  tslEnabled: orNull(z.boolean(), 'cleared in this tier').optional(),
  tslArmAfter: PerUnit.nullable().optional(),
  tslTrailBy: PerUnit.nullable().optional(),
  tslStep: PerUnit.nullable().optional(),
  maxLotsPerLeg: z.number().int('a whole number of lots').min(1).max(10_000).nullable().optional(),
  accountIds: z
    .array(z.uuid('must be a broker account id'))
    .max(20)
    .refine((a) => new Set(a).size === a.length, 'accounts must not repeat')
    .nullable()
    .optional(),
});
export type SettingsValues = z.infer<typeof SettingsValuesSchema>;
export const SETTINGS_KEYS = Object.keys(SettingsValuesSchema.shape) as (keyof SettingsValues)[];
export type SettingsKey = keyof SettingsValues;

/** GET|PUT of one tier: the tier's own sparse values. PUT replaces the tier's whole set. */
export const SettingsTierSchema = z.object({
  tier: z.enum(SETTINGS_TIERS),
  /** '' for global; the underlying, watchlist id, user id or symbol of the tier. */
  key: z.string(),
  values: z.record(z.string(), z.unknown()),
  updatedAt: orNull(z.iso.datetime(), 'never set'),
});
export type SettingsTierDto = z.infer<typeof SettingsTierSchema>;
export const PutSettingsSchema = z.strictObject({ values: SettingsValuesSchema });

/** GET /api/v1/settings/effective: every key's effective value and the tier it came from. */
export const EffectiveSettingsSchema = z.object({
  values: z.record(z.string(), z.object({ value: z.unknown(), source: z.enum(SETTINGS_TIERS) })),
});
export type EffectiveSettings = z.infer<typeof EffectiveSettingsSchema>;

export const QUICK_ACTIONS = ['BUY', 'SELL', 'BUY_CE', 'SELL_CE', 'BUY_PE', 'SELL_PE', 'EXIT', 'EXIT_ALL'] as const;
export type QuickAction = (typeof QUICK_ACTIONS)[number];
export const TRADE_MODES = ['EQUITY', 'FUTURES', 'OPTIONS'] as const;
export type TradeMode = (typeof TRADE_MODES)[number];
/** ATM, ITM1…ITM20, OTM1…OTM20. */
export const OptionLegSchema = z.string().regex(/^(ATM|ITM([1-9]|1\d|20)|OTM([1-9]|1\d|20))$/, 'ATM, ITM1…ITM20 or OTM1…OTM20');
export const ExpirySelectorSchema = z.union([
  z.literal('weekly'),
  z.literal('monthly'),
  z.iso.date('weekly, monthly or a date YYYY-MM-DD'),
]);

/** POST /api/v1/orders/quick. */
export const QuickOrderSchema = z.strictObject({
  /** Client-supplied, idempotent: the same id and body answer the same; another body is a 409. */
  intentId: z.uuid('must be a UUID the client chose for this click'),
  watchlistId: z.uuid(),
  symbol: z.string().trim().min(1).max(40),
  action: z.enum(QUICK_ACTIONS),
  tradeMode: z.enum(TRADE_MODES),
  optionLeg: OptionLegSchema.optional(),
  expiry: ExpirySelectorSchema.optional(),
  /** EXIT on an options row: only this side's legs (both when absent). */
  optionType: z.enum(['CE', 'PE']).optional(),
  /** The click tier: values for this click only. */
  overrides: SettingsValuesSchema.optional(),
});
export type QuickOrderRequest = z.infer<typeof QuickOrderSchema>;

export const IntentInstrumentSchema = z.object({
  symbol: z.string(),
  instrumentType: z.enum(['EQ', 'INDEX', 'FUT', 'CE', 'PE']),
  expiry: orNull(z.iso.date(), 'not a derivative'),
  strike: orNull(PriceSchema, 'not an option'),
  lotSize: z.number().int(),
});
export type IntentInstrument = z.infer<typeof IntentInstrumentSchema>;

export const IntentResultSchema = z.object({
  accountId: z.uuid(),
  /** The leg's contract on this account (EXIT_ALL and EXIT touch several). */
  symbol: z.string(),
  status: z.enum(['accepted', 'refused', 'failed']),
  /** The order that carries the delta (placed, or the working one amended); absent when nothing was sent. */
  orderId: z.uuid().optional(),
  /** Signed units sent: + buy, − sell; 0 when the target was already met. */
  deltaQuantity: z.number().int(),
  /** This account's target position for the leg after the click, in units. */
  targetQuantity: z.number().int(),
  reason: z.string().optional(),
});
export type IntentResult = z.infer<typeof IntentResultSchema>;

export const QuickOrderResponseSchema = z.object({
  intent: z.object({
    id: z.uuid(),
    action: z.enum(QUICK_ACTIONS),
    /** The resolved contract; null for EXIT_ALL and an EXIT over several contracts. */
    instrument: IntentInstrumentSchema.nullable(),
    /** The target position per account after the click (the first account's when they differ); null for exits over several legs. */
    targetQuantity: z.number().int().nullable(),
    /** The effective settings snapshotted into the intent, each with its source tier. */
    resolvedSettings: EffectiveSettingsSchema.shape.values,
    results: z.array(IntentResultSchema),
    createdAt: z.iso.datetime(),
  }),
  summary: z.object({ total: z.number().int(), accepted: z.number().int(), failed: z.number().int() }),
});
export type QuickOrderResponse = z.infer<typeof QuickOrderResponseSchema>;

export const LegSchema = z.object({
  legId: z.uuid(),
  watchlistId: z.uuid(),
  accountId: z.uuid(),
  symbol: z.string(),
  /** The watchlist row the leg was opened from (the underlying for options and futures). */
  rowSymbol: z.string(),
  product: z.enum(PRODUCTS),
  netQuantity: z.number().int(),
  targetQuantity: z.number().int(),
  averagePrice: orNull(PriceSchema, 'flat'),
  ltp: orNull(PriceSchema, 'no quote yet'),
  pnlPerUnit: orNull(PriceSchema, 'flat or no quote'),
  tpPrice: orNull(PriceSchema, 'no take-profit'),
  slPrice: orNull(PriceSchema, 'no stop-loss'),
  tsl: z.object({
    enabled: z.boolean(),
    armed: z.boolean(),
    currentStop: orNull(PriceSchema, 'not armed'),
    bestPrice: orNull(PriceSchema, 'not armed'),
  }),
});
export type Leg = z.infer<typeof LegSchema>;
export const LegListSchema = z.object({ items: z.array(LegSchema) });

export const RISK_EXIT_KINDS = ['TP', 'SL', 'TSL'] as const;
export type RiskExitKind = (typeof RISK_EXIT_KINDS)[number];
export const RiskExitSchema = z.object({
  id: z.uuid(),
  triggerId: z.string(),
  legId: z.uuid(),
  symbol: z.string(),
  kind: z.enum(RISK_EXIT_KINDS),
  /** The price that breached, and the level it breached. */
  triggerPrice: PriceSchema,
  level: PriceSchema,
  reason: z.string(),
  status: z.enum(['triggered', 'sent']),
  orderIds: z.array(z.uuid()),
  createdAt: z.iso.datetime(),
});
export type RiskExit = z.infer<typeof RiskExitSchema>;
export const RiskExitListSchema = z.object({ items: z.array(RiskExitSchema) });
