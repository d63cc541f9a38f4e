import { describe, expect, it } from 'vitest';
import { fromForm, toForm, weightsTotal } from './engine-form';

const CONFIG = {
  a: {
    session: { from: '09:20', to: '15:00' },
    allowedSymbols: null,
    directions: ['BUY', 'SELL'] as ('BUY' | 'SELL')[],
    limits: { maxOpenPositions: 5, maxExposure: '500000.00' },
  },
  b: {
    weights: { context: 20, technical: 25, risk: 30, orb: 10, pattern: 5, squeeze: 5, ml: 5 },
    entryThreshold: 60,
    vetoThreshold: 80,
    limits: { maxOpenPositions: 5, maxExposure: '500000.00' },
    trendLookback: 20,
    trendThresholdPct: 0.5,
    atrPctHigh: 3,
    lowBandwidthPercentile: 20,
  },
  exit: {
    fillTimeoutMs: 30000,
    staleTickMs: 60000,
    stopLossPct: 2,
    maxHoldingMinutes: null,
    minDaysToExpiry: 1,
    targetPct: 4,
    minAbsDelta: null,
    minGamma: null,
    minThetaPctPerDay: null,
    minVega: null,
    rate: 0.065,
  },
};

describe('engine form', () => {
  it('round-trips a config through the text fields', () => {
    expect(fromForm(toForm(CONFIG))).toEqual(CONFIG);
  });

  it('reads symbols, directions and blanks: symbols upper-cased and de-duplicated, blank exit tiers off, blank required numbers NaN (the server names the field)', () => {
    const f = {
      ...toForm(CONFIG),
      'a.allowedSymbols': 'reliance, INFY reliance',
      'a.directions.SELL': '',
      'exit.targetPct': ' ',
      'b.entryThreshold': '',
    };
    const body = fromForm(f);
    expect(body.a.allowedSymbols).toEqual(['RELIANCE', 'INFY']);
    expect(body.a.directions).toEqual(['BUY']);
    expect(body.exit.targetPct).toBeNull();
    expect(body.b.entryThreshold).toBeNaN();
    expect(JSON.parse(JSON.stringify(body)).b.entryThreshold).toBeNull();
  });

  it('sums the weights live; a non-number makes the sum unknown', () => {
    const f = toForm(CONFIG);
    expect(weightsTotal(f)).toBe(100);
    expect(weightsTotal({ ...f, 'b.weights.ml': '' })).toBe(95);
    expect(weightsTotal({ ...f, 'b.weights.ml': '15' })).toBe(110);
    expect(weightsTotal({ ...f, 'b.weights.ml': 'x' })).toBeNull();
  });
});
