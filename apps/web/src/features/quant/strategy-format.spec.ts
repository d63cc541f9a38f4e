import { describe, expect, it } from 'vitest';
import { formatParams, parseSymbols, strategyState } from './strategy-format';

describe('parseSymbols', () => {
  it('splits on commas and spaces, upper-cases and keeps each symbol once in order', () => {
    expect(parseSymbols(' infy, TCS  reliance,,INFY ')).toEqual(['INFY', 'TCS', 'RELIANCE']);
    expect(parseSymbols('  , ')).toEqual([]);
  });
});

describe('formatParams', () => {
  it('lists params by name with booleans as yes/no', () => {
    expect(formatParams({ quantity: 5, allowShort: false, timeframe: '1m' })).toBe('allowShort no · quantity 5 · timeframe 1m');
    expect(formatParams({})).toBe('');
  });
});

describe('strategyState', () => {
  it('is halted whenever the kill switch is engaged', () => {
    expect(strategyState({ status: 'running', killSwitch: { engaged: true, reason: 'x' } })).toBe('halted');
    expect(strategyState({ status: 'stopped', killSwitch: { engaged: true, reason: 'x' } })).toBe('halted');
    expect(strategyState({ status: 'running', killSwitch: { engaged: false, reason: null } })).toBe('running');
    expect(strategyState({ status: 'stopped', killSwitch: { engaged: false, reason: null } })).toBe('stopped');
  });
});
