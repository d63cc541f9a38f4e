import { FEATURE_SET_V1, isTimeframe, type FeatureDistribution, type FeatureSet, type SignalThresholds, type Timeframe } from '@tradeloop/domain';
import type { ModelCard, ModelStage } from '@tradeloop/contracts';

/** A registered model the live loop runs (production or shadow), as the registry describes it. */
export interface LiveModelSource {
  id: string;
  name: string;
  version: string;
  stage: ModelStage;
  card: ModelCard;
}

/** What the signal engine needs of a model, resolved once when the model is (re)loaded. */
export interface CompiledModel<M extends LiveModelSource = LiveModelSource> {
  source: M;
  timeframe: Timeframe;
  threshold: SignalThresholds;
  /** For each input column (card order), its index in the feature set's row. */
  columns: Int32Array;
  /** The card's training distribution per input column, when the card carries one. */
  distributions: FeatureDistribution[] | null;
}

/**
 * Resolves a card against the server's feature set: every input must be a feature of the set
 * (the registry checked the version already; this also guards a card edited by hand), and the
 * timeframe must be one we aggregate. Returns the reason when the model cannot run live.
 */
export function compileModel<M extends LiveModelSource>(model: M, featureSet: FeatureSet = FEATURE_SET_V1): CompiledModel<M> | { error: string } {
  const card = model.card as ModelCard & { timeframe?: unknown; featureDistribution?: { features?: unknown } };
  if (card.featureSetVersion !== featureSet.version) return { error: `feature set ${card.featureSetVersion} is not the server's ${featureSet.version}` };
  if (!isTimeframe(card.timeframe)) return { error: `card timeframe ${String(card.timeframe)} is not one of ours` };
  const names = featureSet.features;
  const columns = new Int32Array(card.features.length);
  for (let j = 0; j < card.features.length; j += 1) {
    const at = names.indexOf(card.features[j]!);
    if (at < 0) return { error: `feature ${card.features[j]} is not in feature set ${featureSet.name}` };
    columns[j] = at;
  }
  return { source: model, timeframe: card.timeframe, threshold: card.threshold, columns, distributions: distributionsOf(card.featureDistribution?.features, card.features) };
}

function distributionsOf(raw: unknown, features: readonly string[]): FeatureDistribution[] | null {
  if (!Array.isArray(raw) || raw.length !== features.length) return null;
  const out: FeatureDistribution[] = [];
  for (let j = 0; j < raw.length; j += 1) {
    const d = raw[j] as { name?: unknown; edges?: unknown; proportions?: unknown };
    const numbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (d.name !== features[j] || !numbers(d.edges) || !numbers(d.proportions) || d.proportions.length !== d.edges.length + 1) return null;
    out.push({ name: features[j]!, edges: d.edges, proportions: d.proportions });
  }
  return out;
}
