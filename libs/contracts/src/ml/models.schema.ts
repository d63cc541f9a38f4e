import { z } from 'zod';
import { trimmedText, orNull } from '../common';
import { ModelCardSchema, SIGNAL_SIDES } from './model-card.schema';
import { pageOf, PageQuerySchema } from '../common/pagination.schema';

/** Lifecycle (docs/api.md "ML: models, signals, strategies"): staging → shadow (records signals, never trades) → production (one per name) → archived. */
export const MODEL_STAGES = ['staging', 'shadow', 'production', 'archived'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

export const ModelSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  version: z.string(),
  stage: z.enum(MODEL_STAGES),
  featureSetVersion: z.string(),
  metrics: z.record(z.string(), z.unknown()),
  createdBy: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
});
export type ModelDto = z.infer<typeof ModelSchema>;
export const ModelStageChangeSchema = z.object({ from: z.enum(MODEL_STAGES).nullable(), to: z.enum(MODEL_STAGES), actorId: z.uuid().nullable(), reason: z.string(), at: z.iso.datetime() });
export const ModelDetailSchema = ModelSchema.extend({ card: ModelCardSchema, checksum: z.string(), sizeBytes: z.number().int(), stages: z.array(ModelStageChangeSchema) });
export type ModelDetailDto = z.infer<typeof ModelDetailSchema>;

export const PromoteModelSchema = z.strictObject({ stage: z.enum(MODEL_STAGES) });
export type PromoteModelRequest = z.infer<typeof PromoteModelSchema>;

/** `POST /models/:id/predict`: a symbol (its live features) or the raw features by name. */
export const PredictRequestSchema = z
  .strictObject({
    symbol: trimmedText(40).optional(),
    features: z.record(z.string().max(64), z.number()).optional(),
  })
  .refine((r) => (r.symbol === undefined) !== (r.features === undefined), { message: 'send either symbol or features, not both', path: ['symbol'] });
export type PredictRequest = z.infer<typeof PredictRequestSchema>;

export const PredictResponseSchema = z.object({
  score: z.number(),
  signal: z.enum(SIGNAL_SIDES),
  features: z.record(z.string(), z.number()),
  latencyMs: z.number(),
});
export type PredictResponse = z.infer<typeof PredictResponseSchema>;

export const SignalSchema = z.object({
  id: z.string(),
  modelId: z.uuid(),
  modelVersion: z.string(),
  stage: z.enum(MODEL_STAGES),
  symbol: z.string(),
  ts: z.iso.datetime(),
  score: z.number(),
  signal: z.enum(SIGNAL_SIDES),
  featuresHash: z.string(),
});
export type SignalDto = z.infer<typeof SignalSchema>;

export const STRATEGY_KINDS = ['ml-signal', 'sma-crossover'] as const;
export const STRATEGY_MODES = ['paper', 'live'] as const;
export const STRATEGY_STATUSES = ['stopped', 'running'] as const;

const Units = z.number().int().min(1).max(1_000_000);
/** `sma-crossover` params: SMAs of the close on `timeframe` bars; long `quantity` after an upward cross. */
export const SmaCrossoverParamsSchema = z
  .strictObject({
    fast: z.number().int().min(1).max(500),
    slow: z.number().int().min(2).max(1000),
    quantity: Units,
    allowShort: z.boolean().default(false),
    timeframe: z.enum(['1m', '5m', '15m', '1h', '1d']).default('1m'),
  })
  .refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] });
/** `ml-signal` params: long `quantity` on BUY; flat (or short) on SELL. */
export const MlSignalParamsSchema = z.strictObject({ quantity: Units, allowShort: z.boolean().default(false) });

export const CreateStrategySchema = z
  .strictObject({
    name: trimmedText(80),
    kind: z.enum(STRATEGY_KINDS),
    symbols: z
      .array(trimmedText(40).toUpperCase())
      .min(1)
      .max(50)
      .refine((s) => new Set(s).size === s.length, 'symbols must be distinct'),
    /** Checked against the kind's own schema (400 naming `params.<field>`). */
    params: z.record(z.string().max(64), z.union([z.number(), z.string().max(200), z.boolean()])).default({}),
    modelId: z.uuid('not a model id').optional(),
    mode: z.enum(STRATEGY_MODES),
    /** Per-symbol position limit of this strategy, in units (default 10 × the order quantity). */
    maxPositionUnits: Units.optional(),
    /** The broker account it trades: a live account for `live` (required); the owner's paper account for `paper` (the default). */
    accountId: z.uuid('must be a broker account id').optional(),
  })
  .refine((s) => s.mode !== 'live' || s.accountId !== undefined, { message: 'a live strategy needs the live broker account it trades', path: ['accountId'] })
  .refine((s) => s.kind !== 'ml-signal' || s.modelId !== undefined, { message: 'an ml-signal strategy needs a modelId', path: ['modelId'] })
  .refine((s) => s.kind === 'ml-signal' || s.modelId === undefined, { message: 'only an ml-signal strategy takes a modelId', path: ['modelId'] });
export type CreateStrategyRequest = z.infer<typeof CreateStrategySchema>;

export const StrategyPositionSchema = z.object({ symbol: z.string(), netQuantity: z.number().int(), averagePrice: orNull(z.string(), 'flat'), lastPrice: orNull(z.string(), 'no price yet'), unrealizedPnl: z.string() });
export const StrategySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(STRATEGY_KINDS),
  symbols: z.array(z.string()),
  params: z.record(z.string(), z.unknown()),
  modelId: z.uuid().nullable(),
  mode: z.enum(STRATEGY_MODES),
  /** The broker account its orders go through. */
  accountId: orNull(z.uuid(), 'a live strategy created before broker accounts: set one to start it'),
  status: z.enum(STRATEGY_STATUSES),
  maxPositionUnits: z.number().int(),
  killSwitch: z.object({ engaged: z.boolean(), reason: orNull(z.string(), 'never engaged') }),
  lastError: orNull(z.string(), 'no error'),
  lastErrorAt: z.iso.datetime().nullable(),
  /** P&L of the strategy's own fills (weighted average, before charges), at the latest prices. */
  pnl: z.object({ realized: z.string(), unrealized: z.string(), total: z.string(), charges: z.string() }),
  positions: z.array(StrategyPositionSchema),
  orders: z.number().int(),
  /**
   * Whether it can decide yet: an sma-crossover needs `slow` closed bars of its timeframe for
   * every symbol (`warming` until then); an ml-signal strategy follows its model's signals.
   * `lastBarAt`: the close of its newest bar (sma-crossover) or its model's newest signal.
   */
  readiness: z.object({
    state: z.enum(['warming', 'ready']),
    timeframe: orNull(z.string(), 'an ml-signal strategy follows its model, not bars of its own'),
    barsNeeded: z.number().int().nonnegative(),
    barsHave: z.number().int().nonnegative(),
    lastBarAt: z.iso.datetime().nullable(),
  }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type StrategyDto = z.infer<typeof StrategySchema>;
export const StrategyKillSwitchSchema = z.strictObject({ engaged: z.boolean(), reason: trimmedText(200).optional() });

/** `GET /signals?symbol=&modelId=&limit=&cursor=`, newest first. */
export const SignalListQuerySchema = PageQuerySchema.extend({
  symbol: trimmedText(40).optional(),
  modelId: z.uuid('not a model id').optional(),
});
export type SignalListQuery = z.infer<typeof SignalListQuerySchema>;
export const SignalListSchema = pageOf(SignalSchema);

/** One signal with what it was computed from: the compliance walk order → signal → model → features. */
export const SignalDetailSchema = SignalSchema.extend({
  modelName: z.string(),
  timeframe: z.string(),
  /** Close of the bar the features were computed on. */
  close: z.string(),
  features: z.record(z.string(), z.number()),
  createdAt: z.iso.datetime(),
});
export type SignalDetailDto = z.infer<typeof SignalDetailSchema>;

/** `GET /signals/compare?modelId=&otherModelId=&symbol=`: two models on the same bars (shadow vs production). */
export const SignalCompareQuerySchema = z.strictObject({
  modelId: z.uuid('not a model id'),
  otherModelId: z.uuid('not a model id'),
  symbol: trimmedText(40).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const SignalCompareSchema = z.object({
  bars: z.number().int(),
  /** Share of those bars where both gave the same verdict (null when there were none). */
  agreement: orNull(z.number(), 'no bar in common'),
  items: z.array(z.object({ symbol: z.string(), ts: z.iso.datetime(), a: SignalSchema, b: SignalSchema })),
});
export type SignalCompareDto = z.infer<typeof SignalCompareSchema>;

/** The realtime `signal` event (quant, admin and compliance users get every model's signals). */
export const SignalEventSchema = z.object({ signal: SignalSchema, seq: z.number().int().positive() });
export type SignalEvent = z.infer<typeof SignalEventSchema>;
