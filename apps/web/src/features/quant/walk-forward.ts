/**
 * Reads the walk-forward section of a model card (`metrics.walkForward`, written by
 * ml/src/tradeloop_ml/train.py) into rows the charts can draw: one per fold, the model's numbers
 * beside the baseline's. A card from another trainer may lack any of it; what is missing is
 * null (a gap in the chart), never a made-up zero.
 */

export const FOLD_METRICS = [
  { key: 'auc', label: 'AUC', hint: 'above 0.5 ranks ups above downs', reference: 0.5, digits: 3 },
  { key: 'logLoss', label: 'Log loss', hint: 'lower is better; 0.693 is a coin flip', reference: Math.LN2, digits: 3 },
  { key: 'hitRate', label: 'Hit rate', hint: 'share of in-market decisions that were right', reference: 0.5, digits: 3 },
  { key: 'sharpe', label: 'Sharpe after fees', hint: 'annualised, thresholded signal, fees paid', reference: 0, digits: 2 },
] as const;

export type FoldMetricKey = (typeof FOLD_METRICS)[number]['key'];

export interface FoldRow {
  fold: number;
  label: string;
  /** Validation window of the fold, ISO times, when the card has them. */
  from: string | null;
  to: string | null;
  model: Record<FoldMetricKey, number | null>;
  baseline: Record<FoldMetricKey, number | null>;
}

export interface WalkForward {
  scheme: string | null;
  modelKind: string | null;
  baselineKind: string | null;
  folds: FoldRow[];
  modelMean: Record<FoldMetricKey, number | null>;
  baselineMean: Record<FoldMetricKey, number | null>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

const metricsOf = (v: unknown): Record<FoldMetricKey, number | null> => {
  const o = isObj(v) ? v : {};
  return { auc: num(o.auc), logLoss: num(o.logLoss), hitRate: num(o.hitRate), sharpe: num(o.sharpe) };
};

const foldsOf = (side: unknown): Obj[] => (isObj(side) && Array.isArray(side.folds) ? side.folds.filter(isObj) : []);

/** The card's walk-forward results, or null when the card has none to show. */
export function extractWalkForward(metrics: unknown): WalkForward | null {
  const wf = isObj(metrics) ? metrics.walkForward : undefined;
  if (!isObj(wf)) return null;
  const model = isObj(wf.model) ? wf.model : {};
  const baseline = isObj(wf.baseline) ? wf.baseline : {};
  const modelFolds = foldsOf(model);
  const baselineFolds = foldsOf(baseline);
  if (modelFolds.length === 0) return null;
  const baselineByFold = new Map(baselineFolds.map((f, i) => [num(f.fold) ?? i, f]));
  const folds = modelFolds.map((f, i): FoldRow => {
    const index = num(f.fold) ?? i;
    const validation = isObj(f.validation) ? f.validation : {};
    return {
      fold: index,
      label: `Fold ${index + 1}`,
      from: str(validation.from),
      to: str(validation.to),
      model: metricsOf(f),
      baseline: metricsOf(baselineByFold.get(index)),
    };
  });
  return {
    scheme: str(wf.scheme),
    modelKind: str(model.kind),
    baselineKind: str(baseline.kind),
    folds,
    modelMean: metricsOf(model.mean),
    baselineMean: metricsOf(baseline.mean),
  };
}

/** A metric for a table cell: fixed digits, an em dash for none. */
export const formatMetric = (value: number | null, digits: number): string => (value === null ? '—' : value.toFixed(digits));

/**
 * The y-axis of one metric's chart: every value and the no-skill reference inside, with a margin
 * so the smallest bar still shows, rounded outwards to a step of 1, 2 or 5 × 10^k, and the ticks
 * on that step.
 */
export function metricAxis(values: readonly (number | null)[], reference: number): { domain: [number, number]; ticks: number[] } {
  const all = [...values.filter((v): v is number => v !== null), reference];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  const span = hi - lo || Math.abs(hi) || 1;
  lo -= span * 0.15;
  hi += span * 0.1;
  const raw = (hi - lo) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const round = (v: number) => Number(v.toFixed(12));
  const first = Math.floor(lo / step);
  const last = Math.ceil(hi / step);
  const ticks = Array.from({ length: last - first + 1 }, (_, i) => round((first + i) * step));
  return { domain: [ticks[0]!, ticks.at(-1)!], ticks };
}
