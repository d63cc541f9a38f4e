import { z } from 'zod';
import { ALERT_ENGINES, ORDER_SIDES } from '@tradeloop/domain';
import { orNull } from '../common';

/*
 * A user's engine configuration and the A/B comparison (docs/alerts.md "Engines"; docs/api.md
 * "Engines"). Amounts are decimal rupee strings ("500000.00"), P&L figures paise as strings. The
 * schema checks types and shape; ranges are the domain validators' (field-named 400s).
 */

const Money = z.string().max(20);
const Hhmm = z.string().max(5);
const num = () => z.number();
const numOrNull = (off: string) => orNull(z.number(), off);

const LimitsSchema = z.strictObject({
  /** Open positions after the entry (the entry counts as one more). */
  maxOpenPositions: z.number().int(),
  /** Gross exposure after the entry, rupees. */
  maxExposure: Money,
});

export const EngineAConfigSchema = z.strictObject({
  /** IST window [from, to) for entries, "HH:MM". */
  session: z.strictObject({ from: Hhmm, to: Hhmm }),
  allowedSymbols: orNull(z.array(z.string().max(40)).max(500), 'any symbol'),
  directions: z.array(z.enum(ORDER_SIDES)).max(2),
  limits: LimitsSchema,
});

export const AgentWeightsSchema = z.strictObject({
  context: z.number(),
  technical: z.number(),
  risk: z.number(),
  orb: z.number(),
  pattern: z.number(),
  squeeze: z.number(),
  ml: z.number(),
});

export const EngineBConfigSchema = z.strictObject({
  /** Whole percents per agent, summing to 100. */
  weights: AgentWeightsSchema,
  /** ENTER when the weighted support ≥ this (0–100) and the risk agent did not veto. */
  entryThreshold: num(),
  /** The risk agent vetoes above this risk score (0–100). */
  vetoThreshold: num(),
  limits: LimitsSchema,
  trendLookback: num(),
  trendThresholdPct: num(),
  atrPctHigh: num(),
  lowBandwidthPercentile: num(),
});

export const ExitTierConfigSchema = z.strictObject({
  fillTimeoutMs: num(),
  staleTickMs: num(),
  stopLossPct: numOrNull('off'),
  maxHoldingMinutes: numOrNull('off'),
  minDaysToExpiry: numOrNull('off'),
  targetPct: numOrNull('off'),
  minAbsDelta: numOrNull('off'),
  minGamma: numOrNull('off'),
  minThetaPctPerDay: numOrNull('off'),
  minVega: numOrNull('off'),
  rate: num(),
});

export const EngineConfigSchema = z.object({
  a: EngineAConfigSchema,
  b: EngineBConfigSchema,
  exit: ExitTierConfigSchema,
  /** When the user last saved it; null: the defaults (never saved). */
  updatedAt: orNull(z.iso.datetime(), 'never saved: the defaults'),
});
export type EngineConfigDto = z.infer<typeof EngineConfigSchema>;

/** PUT: any of the three sections, each given whole (a section left out keeps its current value). */
export const PutEngineConfigSchema = z
  .strictObject({
    a: EngineAConfigSchema.optional(),
    b: EngineBConfigSchema.optional(),
    exit: ExitTierConfigSchema.optional(),
  })
  .refine((b) => b.a !== undefined || b.b !== undefined || b.exit !== undefined, { message: 'give at least one of a, b, exit' });
export type PutEngineConfigRequest = z.infer<typeof PutEngineConfigSchema>;

export const EngineCompareQuerySchema = z.strictObject({ sourceId: z.uuid('must be a webhook source id') });

/** One engine's figures, real (its routed decisions, traded) or shadow (its decisions when not routed). */
export const EngineFiguresSchema = z.object({
  decisions: z.number().int(),
  enters: z.number().int(),
  skips: z.number().int(),
  positions: z.number().int(),
  open: z.number().int(),
  closed: z.number().int(),
  wins: z.number().int(),
  /** Winning closed positions / closed; null with none closed. */
  winRate: orNull(z.number(), 'nothing closed yet'),
  realizedPnlPaise: z.string(),
  openPnlPaise: z.string(),
  pnlPaise: z.string(),
  /** Largest fall of cumulative P&L from a running peak (paise, ≥ 0). */
  maxDrawdownPaise: z.string(),
  /** Decision latency (ms, both engines on one context); null with no decisions. */
  latencyMs: z.object({ p50: orNull(z.number(), 'no decisions'), p99: orNull(z.number(), 'no decisions') }),
});

export const EngineCompareSchema = z.object({
  sourceId: z.uuid(),
  engines: z.array(z.object({ engine: z.enum(ALERT_ENGINES), real: EngineFiguresSchema, shadow: EngineFiguresSchema })),
});
export type EngineCompareDto = z.infer<typeof EngineCompareSchema>;
