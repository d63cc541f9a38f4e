import { describe, expect, it } from 'vitest';
import { formatParams, parseSymbols, strategyState, thinnedNote } from './strategy-format';

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

describe('thinnedNote', () => {
  const label = (id: string) => `run ${id.slice(0, 4)}`;
  const a = '00000000-0000-4000-8000-00000000000a';
  const b = '11110000-0000-4000-8000-00000000000b';
  it('is null when every curve is drawn whole', () => {
    expect(thinnedNote([], label)).toBeNull();
    expect(thinnedNote([{ id: a, points: 5, shown: 5, thinned: false }], label)).toBeNull();
  });
  it('names each thinned run with its drawn and total points', () => {
    expect(
      thinnedNote(
        [
          { id: a, points: 5, shown: 5, thinned: false },
          { id: b, points: 250_000, shown: 2_000, thinned: true },
        ],
        label,
      ),
    ).toBe("Drawn thinned (each stretch's low and high kept) — run 1111: 2,000 of 2,50,000 points");
  });
});
