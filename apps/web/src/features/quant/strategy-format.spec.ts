import { describe, expect, it } from 'vitest';
import { formatParams, parseSymbols, strategyLivePnl, strategyState, thinnedNote } from './strategy-format';

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
  it('is halted only while running with the kill switch engaged; a stop always reads stopped', () => {
    expect(strategyState({ status: 'running', killSwitch: { engaged: true, reason: 'x' } })).toBe('halted');
    expect(strategyState({ status: 'stopped', killSwitch: { engaged: true, reason: 'x' } })).toBe('stopped');
    expect(strategyState({ status: 'running', killSwitch: { engaged: false, reason: null } })).toBe('running');
    expect(strategyState({ status: 'stopped', killSwitch: { engaged: false, reason: null } })).toBe('stopped');
  });
});

describe('strategyLivePnl', () => {
  const position = (symbol: string, netQuantity: number, averagePrice: string | null, unrealizedPnl: string) => ({
    symbol,
    netQuantity,
    averagePrice,
    lastPrice: null,
    unrealizedPnl,
  });
  const strategy = {
    pnl: { realized: '-0.35', unrealized: '0.00', total: '-0.35', charges: '0.35' },
    positions: [position('INFY', 10, '1500.05', '0.00'), position('M&M', -3, '3600.00', '1.50'), position('TCS', 0, null, '0.00')],
  };

  it('marks open positions to the live price, exactly in paise', () => {
    const ltp: Record<string, string> = { INFY: '1499.70', 'M&M': '3599.50' };
    const pnl = strategyLivePnl(strategy, (s) => ltp[s]);
    // INFY (1499.70 − 1500.05) × 10 = −3.50; M&M (3599.50 − 3600.00) × −3 = +1.50
    expect(pnl).toEqual({ realized: -35n, unrealized: -200n, total: -235n });
  });

  it("keeps the server's figure for a position with no live price, and ignores flat ones", () => {
    const pnl = strategyLivePnl(strategy, (s) => (s === 'INFY' ? '1501.05' : undefined));
    expect(pnl).toEqual({ realized: -35n, unrealized: 1000n + 150n, total: 1115n });
  });

  it('rounds a sub-paisa move half away from zero', () => {
    const s = { pnl: strategy.pnl, positions: [position('X', 1, '100.0050', '0.00'), position('Y', -1, '100.0050', '0.00')] };
    expect(strategyLivePnl(s, () => '100.0000').unrealized).toBe(-1n + 1n);
    expect(strategyLivePnl({ ...s, positions: [s.positions[0]!] }, () => '100.0000').unrealized).toBe(-1n);
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
