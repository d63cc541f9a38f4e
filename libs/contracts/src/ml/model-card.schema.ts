import { z } from 'zod';
import { trimmedText } from '../common';

/** A model or feature name as it travels between the Python trainer, the card and the server. */
const FeatureName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'snake_case, at most 64 characters');
const Probability = z.number().min(0).max(1);

/**
 * The model card (docs/domain.md, "Signals from models"), written by `npm run ml:train` beside the
 * .onnx. Required fields are checked strictly; anything else the trainer adds (dataset hash,
 * library versions, the training distribution for drift monitoring…) is kept as given.
 */
export const ModelCardSchema = z
  .looseObject({
    name: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and -'),
    version: trimmedText(40),
    featureSetVersion: trimmedText(64),
    features: z
      .array(FeatureName)
      .min(1)
      .max(512)
      .refine((f) => new Set(f).size === f.length, 'feature names must be unique'),
    target: trimmedText(200),
    horizon: z.number().int().positive().max(10_000),
    threshold: z.strictObject({ buy: Probability, sell: Probability }).refine((t) => t.sell <= t.buy, 'sell threshold must not exceed the buy threshold'),
    metrics: z.looseObject({}),
    trainedAt: z.iso.datetime({ offset: true }),
    trainer: trimmedText(200),
  });
export type ModelCard = z.infer<typeof ModelCardSchema>;

/** What a score means: BUY at or above the buy threshold, SELL at or below the sell one, else HOLD. */
export const SIGNAL_SIDES = ['BUY', 'SELL', 'HOLD'] as const;
export type SignalSide = (typeof SIGNAL_SIDES)[number];
