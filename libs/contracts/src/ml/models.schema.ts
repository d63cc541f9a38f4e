import { z } from 'zod';
import { ModelCardSchema, SIGNAL_SIDES } from './model-card.schema';

/** Lifecycle (API.md): staging → shadow (records signals, never trades) → production (one per name) → archived. */
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
export const ModelDetailSchema = ModelSchema.extend({ card: ModelCardSchema, checksum: z.string(), sizeBytes: z.number().int() });

export const PromoteModelSchema = z.strictObject({ stage: z.enum(MODEL_STAGES) });
export type PromoteModelRequest = z.infer<typeof PromoteModelSchema>;

/** `POST /models/:id/predict`: a symbol (its live features) or the raw features by name. */
export const PredictRequestSchema = z.union([
  z.strictObject({ symbol: z.string().trim().min(1).max(40) }),
  z.strictObject({ features: z.record(z.string(), z.number()) }),
]);
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

export const CreateStrategySchema = z.strictObject({
  name: z.string().trim().min(1).max(80),
  kind: z.enum(STRATEGY_KINDS),
  symbols: z.array(z.string().trim().min(1).max(40)).min(1).max(50),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
  modelId: z.uuid().optional(),
  mode: z.enum(STRATEGY_MODES),
}).refine((s) => s.kind !== 'ml-signal' || s.modelId !== undefined, { message: 'an ml-signal strategy needs a modelId', path: ['modelId'] });
export type CreateStrategyRequest = z.infer<typeof CreateStrategySchema>;
