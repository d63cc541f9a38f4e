import type { LiveModelSource } from './live-model';

/**
 * What the live loop needs from the model registry and the inference runtime, as injection
 * tokens: the registry module provides them (useExisting), the signal engine only sees these.
 */
export const LIVE_MODELS = Symbol('LIVE_MODELS');
export interface LiveModels {
  /** Production and shadow models. */
  liveModels(): Promise<LiveModelSource[]>;
}

export const MODEL_SCORER = Symbol('MODEL_SCORER');
export interface ModelScorer {
  /** Scores n rows (row-major float32 in the card's input order) in one inference call. */
  score(model: LiveModelSource, rows: Float32Array, n: number): Promise<Float32Array>;
  /** Lets go of what it holds for models not in `keep` (archived, replaced). */
  retain?(keep: readonly LiveModelSource[]): Promise<void>;
}

/** Redis channel the registry publishes on after a stage change, so the worker reloads at once. */
export const modelsChangedChannel = (prefix: string): string => `${prefix}:ml:models-changed`;
