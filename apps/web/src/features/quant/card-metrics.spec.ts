import { describe, expect, it } from 'vitest';
import { foldRows, holdoutRow } from './card-metrics';

describe('foldRows', () => {
  it('pairs each model fold with the baseline fold, keeping only finite metrics', () => {
    const rows = foldRows({
      walkForward: {
        model: { folds: [{ fold: 0, auc: 0.51, logLoss: 0.69, hitRate: 0.5, sharpe: -1.2 }, { fold: 1, auc: 0.49, sharpe: null }] },
        baseline: { folds: [{ fold: 0, auc: 0.5 }] },
      },
    });
    expect(rows).toEqual([
      { fold: 'Fold 0', model: { auc: 0.51, logLoss: 0.69, hitRate: 0.5, sharpe: -1.2 }, baseline: { auc: 0.5 } },
      { fold: 'Fold 1', model: { auc: 0.49 }, baseline: {} },
    ]);
  });

  it('gives nothing for a card without walk-forward folds', () => {
    expect(foldRows(undefined)).toEqual([]);
    expect(foldRows({ walkForward: 'n/a' })).toEqual([]);
    expect(foldRows({ walkForward: { model: { folds: 'x' } } })).toEqual([]);
  });

  it('reads the holdout when present', () => {
    expect(holdoutRow({ holdout: { model: { auc: 0.5 }, baseline: { auc: 0.48 } } })).toEqual({ fold: 'Holdout', model: { auc: 0.5 }, baseline: { auc: 0.48 } });
    expect(holdoutRow({})).toBeNull();
  });
});
