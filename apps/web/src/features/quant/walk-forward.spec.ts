import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractWalkForward, formatMetric, metricAxis } from './walk-forward';

const fold = (index: number, extra: Record<string, unknown> = {}) => ({
  fold: index,
  train: { from: '2026-08-25T05:16:00.000Z', to: '2026-09-22T06:59:00.000Z', bars: 10, rows: 80 },
  validation: { from: `2026-09-2${index}T07:30:00.000Z`, to: `2026-10-0${index + 1}T05:11:00.000Z`, bars: 5, rows: 40 },
  auc: 0.5 + index / 100,
  logLoss: 0.7,
  accuracy: 0.5,
  hitRate: 0.51,
  sharpe: -1 - index,
  ...extra,
});

describe('extractWalkForward', () => {
  it('puts each fold’s model and baseline numbers side by side', () => {
    const wf = extractWalkForward({
      walkForward: {
        scheme: 'expanding window',
        model: { kind: 'lightgbm', folds: [fold(0), fold(1)], mean: { auc: 0.505, logLoss: 0.7, hitRate: 0.51, sharpe: -1.5 } },
        baseline: { kind: 'logistic-regression', folds: [fold(1, { auc: 0.49, sharpe: 0.3 }), fold(0, { auc: 0.48, hitRate: null })] },
      },
    });
    expect(wf).not.toBeNull();
    expect(wf!.modelKind).toBe('lightgbm');
    expect(wf!.baselineKind).toBe('logistic-regression');
    expect(wf!.folds.map((f) => f.label)).toEqual(['Fold 1', 'Fold 2']);
    expect(wf!.folds[0]).toMatchObject({
      fold: 0,
      from: '2026-09-20T07:30:00.000Z',
      model: { auc: 0.5, sharpe: -1 },
      baseline: { auc: 0.48, hitRate: null },
    });
    // Matched by fold index, not by position in the array.
    expect(wf!.folds[1]!.baseline).toEqual({ auc: 0.49, logLoss: 0.7, hitRate: 0.51, sharpe: 0.3 });
    expect(wf!.modelMean.sharpe).toBe(-1.5);
    expect(wf!.baselineMean).toEqual({ auc: null, logLoss: null, hitRate: null, sharpe: null });
  });

  it('turns a missing or non-numeric metric into null, not zero', () => {
    const wf = extractWalkForward({ walkForward: { model: { folds: [{ auc: 'n/a', sharpe: Number.NaN }] } } });
    expect(wf!.folds[0]).toMatchObject({ fold: 0, from: null, model: { auc: null, logLoss: null, hitRate: null, sharpe: null } });
    expect(wf!.folds[0]!.baseline).toEqual({ auc: null, logLoss: null, hitRate: null, sharpe: null });
  });

  it('is null for a card without walk-forward folds', () => {
    expect(extractWalkForward({})).toBeNull();
    expect(extractWalkForward(null)).toBeNull();
    expect(extractWalkForward({ walkForward: { model: { folds: [] } } })).toBeNull();
    expect(extractWalkForward({ walkForward: 'see report' })).toBeNull();
  });

  it('reads the shipped demo model’s card', () => {
    const card = JSON.parse(readFileSync(join(__dirname, '../../../../../models/demo-momentum/1/card.json'), 'utf8')) as {
      metrics: unknown;
    };
    const wf = extractWalkForward(card.metrics)!;
    expect(wf.folds.length).toBeGreaterThan(1);
    for (const f of wf.folds) {
      expect(f.model.auc).toBeGreaterThan(0);
      expect(f.model.logLoss).toBeGreaterThan(0);
      expect(typeof f.model.sharpe).toBe('number');
      expect(typeof f.baseline.auc).toBe('number');
      expect(f.from).toMatch(/^\d{4}-/);
    }
  });
});

describe('formatMetric', () => {
  it('fixes the digits and shows a dash for none', () => {
    expect(formatMetric(0.50432, 3)).toBe('0.504');
    expect(formatMetric(-5.8737, 2)).toBe('-5.87');
    expect(formatMetric(null, 2)).toBe('—');
  });
});

describe('metricAxis', () => {
  it('holds every value and the reference, the lowest bar above the floor, on round steps', () => {
    const { domain, ticks } = metricAxis([0.468, 0.515, null, 0.489], 0.5);
    expect(domain).toEqual([0.46, 0.52]);
    expect(ticks).toEqual([0.46, 0.48, 0.5, 0.52]);
  });

  it('takes the zero line into a range of negative Sharpes', () => {
    const { domain, ticks } = metricAxis([-13.73, -5.38, -4.56], 0);
    expect(domain).toEqual([-20, 5]);
    expect(ticks).toEqual([-20, -15, -10, -5, 0, 5]);
  });

  it('copes with a single value equal to the reference', () => {
    const { domain } = metricAxis([0.5], 0.5);
    expect(domain[0]).toBeLessThan(0.5);
    expect(domain[1]).toBeGreaterThan(0.5);
  });
});
