import { describe, expect, it } from 'vitest';
import {
  EMPTY_SURVEILLANCE_FILTERS,
  normaliseSymbol,
  rangeProblem,
  toSurveillanceQuery,
  type SurveillanceFilters,
} from './surveillance-filters';

const USER = '0b7c6f2e-3f5e-4a51-9d0e-6a1f0c2b9e11';
const ORDER = '5d1e7a44-8c1b-4a8e-b3a0-2f6c9d7e1a22';
const filters = (over: Partial<SurveillanceFilters>): SurveillanceFilters => ({ ...EMPTY_SURVEILLANCE_FILTERS, ...over });

describe('toSurveillanceQuery', () => {
  it('asks for nothing when nothing is chosen', () => {
    expect(toSurveillanceQuery(EMPTY_SURVEILLANCE_FILTERS, 'orders')).toEqual({});
    expect(toSurveillanceQuery(EMPTY_SURVEILLANCE_FILTERS, 'trades')).toEqual({});
  });

  it('sends each tab only the filters it takes', () => {
    const all = filters({
      userId: USER,
      symbol: ' m&m ',
      side: 'SELL',
      status: 'open',
      accountKind: 'paper',
      placedBy: 'strategy',
      orderId: ORDER,
    });
    expect(toSurveillanceQuery(all, 'orders')).toEqual({
      userId: USER,
      symbol: 'M&M',
      side: 'SELL',
      status: 'open',
      accountKind: 'paper',
      placedBy: 'strategy',
    });
    expect(toSurveillanceQuery(all, 'trades')).toEqual({ userId: USER, symbol: 'M&M', side: 'SELL', accountKind: 'paper', orderId: ORDER });
  });

  it('leaves out what is half typed: a partial id, a blank symbol', () => {
    expect(toSurveillanceQuery(filters({ userId: USER.slice(0, 10), symbol: '   ' }), 'orders')).toEqual({});
    expect(toSurveillanceQuery(filters({ userId: USER.toUpperCase() }), 'orders')).toEqual({ userId: USER });
  });

  it('sends a date range in UTC only when it is in order', () => {
    const ok = toSurveillanceQuery(filters({ from: '2026-12-01T09:15', to: '2026-12-01T15:30' }), 'trades');
    expect(ok.from).toMatch(/^2026-12-01T\d\d:\d\d:00\.000Z$/);
    expect(ok.to).toMatch(/^2026-12-01T\d\d:\d\d:00\.000Z$/);
    expect(Date.parse(ok.to!) - Date.parse(ok.from!)).toBe(6.25 * 3600_000);
    const inverted = filters({ from: '2026-12-01T15:30', to: '2026-12-01T09:15' });
    expect(rangeProblem(inverted)).toBe('“From” must be before “To”');
    expect(toSurveillanceQuery(inverted, 'orders')).toEqual({});
    expect(rangeProblem(filters({ from: '2026-12-01T09:15' }))).toBeNull();
  });
});

describe('normaliseSymbol', () => {
  it('trims and upper-cases as the server matches', () => {
    expect(normaliseSymbol(' reliance ')).toBe('RELIANCE');
    expect(normaliseSymbol('m&m')).toBe('M&M');
  });
});
