/** The per-fold walk-forward metrics the Models page charts, read defensively from a card. */
export const FOLD_METRICS = [
  { key: 'auc', label: 'AUC', digits: 3 },
  { key: 'logLoss', label: 'Log loss', digits: 3 },
  { key: 'hitRate', label: 'Hit rate', digits: 3 },
  { key: 'sharpe', label: 'Sharpe (after fees)', digits: 2 },
] as const;
export type FoldMetric = (typeof FOLD_METRICS)[number]['key'];

export interface FoldRow {
  fold: string;
  model: Partial<Record<FoldMetric, number>>;
  baseline: Partial<Record<FoldMetric, number>>;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const folds = (side: unknown): Record<string, unknown>[] => {
  const list = (side as { folds?: unknown } | undefined)?.folds;
  return Array.isArray(list) ? (list.filter((f) => f && typeof f === 'object') as Record<string, unknown>[]) : [];
};
const pick = (f: Record<string, unknown> | undefined): Partial<Record<FoldMetric, number>> =>
  Object.fromEntries(FOLD_METRICS.map((m) => [m.key, num(f?.[m.key])]).filter(([, v]) => v !== undefined));

/**
 * Rows of `metrics.walkForward.{model, baseline}.folds` (as ml/ card.py writes them), one per
 * fold, model beside baseline. A card without them gives no rows: the page says so.
 */
export function foldRows(metrics: Record<string, unknown> | undefined): FoldRow[] {
  const wf = metrics?.walkForward as { model?: unknown; baseline?: unknown } | undefined;
  const model = folds(wf?.model);
  const baseline = folds(wf?.baseline);
  return model.map((f, i) => ({ fold: `Fold ${num(f.fold) ?? i}`, model: pick(f), baseline: pick(baseline[i]) }));
}

/** The holdout row, if the card has one. */
export function holdoutRow(metrics: Record<string, unknown> | undefined): FoldRow | null {
  const h = metrics?.holdout as { model?: Record<string, unknown>; baseline?: Record<string, unknown> } | undefined;
  return h?.model ? { fold: 'Holdout', model: pick(h.model), baseline: pick(h.baseline) } : null;
}
