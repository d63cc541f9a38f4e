import { describe, expect, it } from 'vitest';
import { caseFigures, caseQuery, figuresSummary, kindLabel, rupees, signedQuantity } from './case-format';

describe('kindLabel', () => {
  it('reads a case kind as words', () => {
    expect(kindLabel('ORDER_MISSING_AT_BROKER')).toBe('Order missing at broker');
    expect(kindLabel('POSITION_MISMATCH')).toBe('Position mismatch');
    expect(kindLabel('EXTERNAL_ORDER')).toBe('External order');
    expect(kindLabel('')).toBe('');
  });
});

describe('rupees', () => {
  it('groups decimal rupee strings the Indian way, keeping the sign and paise', () => {
    expect(rupees('1234567.5')).toBe('₹12,34,567.50');
    expect(rupees('-100000.00')).toBe('-₹1,00,000.00');
    expect(rupees('999')).toBe('₹999.00');
    expect(rupees('0.05')).toBe('₹0.05');
  });
  it('leaves anything else as text', () => {
    expect(rupees('n/a')).toBe('n/a');
    expect(rupees(null)).toBe('—');
    expect(rupees(12)).toBe('12');
  });
});

describe('signedQuantity', () => {
  it('shows the sign of a difference', () => {
    expect(signedQuantity(3)).toBe('+3');
    expect(signedQuantity(-3)).toBe('-3');
    expect(signedQuantity(0)).toBe('0');
  });
});

describe('caseFigures', () => {
  it('a CNC position: ours, the opening holdings baseline, their sum, the broker and its holdings, the difference', () => {
    const figures = caseFigures({
      kind: 'POSITION_MISMATCH',
      details: { symbol: 'INFY', product: 'CNC', ours: 0, openingHoldings: 10, broker: 7, brokerHoldings: 7 },
    });
    expect(figures.map((f) => [f.label, f.value])).toEqual([
      ['Ours (platform)', '0'],
      ['Opening holdings', '10'],
      ['Ours + opening', '10'],
      ['Broker', '7'],
      ['of which broker holdings', '7'],
      ['Difference (broker − ours)', '-3'],
    ]);
    expect(figures.filter((f) => f.side === 'ours').map((f) => f.label)).toEqual(['Ours (platform)', 'Ours + opening']);
    expect(figures.find((f) => f.side === 'broker')?.value).toBe('7');
  });

  it('a position without a baseline compares ours with the broker alone', () => {
    const figures = caseFigures({ kind: 'POSITION_MISMATCH', details: { symbol: 'RELIANCE', product: 'MIS', ours: 2, broker: 5 } });
    expect(figures.map((f) => [f.label, f.value])).toEqual([
      ['Ours (platform)', '2'],
      ['Broker', '5'],
      ['Difference (broker − ours)', '+3'],
    ]);
  });

  it('cash: the mirror arithmetic in rupees, then the ledger transaction', () => {
    const figures = caseFigures({
      kind: 'CASH_MISMATCH',
      details: {
        previousMirror: '100000.00',
        expectedFlow: '-2500.5',
        expected: '97499.50',
        reported: '97000.00',
        difference: '-499.50',
        tolerance: '1.00',
        mirrorTransactionId: 'tx-1',
      },
    });
    expect(figures.map((f) => [f.label, f.value])).toEqual([
      ['Previous mirror', '₹1,00,000.00'],
      ['Expected flow (our fills)', '-₹2,500.50'],
      ['Expected cash', '₹97,499.50'],
      ['Broker cash', '₹97,000.00'],
      ['Difference', '-₹499.50'],
      ['Tolerance', '₹1.00'],
      ['Mirror transaction', 'tx-1'],
    ]);
    expect(figures.find((f) => f.key === 'expected')?.side).toBe('ours');
    expect(figures.find((f) => f.key === 'reported')?.side).toBe('broker');
  });

  it('an order status: ours and the broker first, then the rest labelled, unknown keys as they are', () => {
    const figures = caseFigures({
      kind: 'STATUS_MISMATCH',
      details: { orderId: 'o-1', ours: 'FILLED', broker: 'CANCELLED', brokerOrderIds: ['1', '2'], extra: { a: 1 } },
    });
    expect(figures.map((f) => [f.label, f.value])).toEqual([
      ['Ours', 'FILLED'],
      ['Broker', 'CANCELLED'],
      ['Our order', 'o-1'],
      ['Broker order ids', '1, 2'],
      ['extra', '{"a":1}'],
    ]);
  });

  it('no details, no figures', () => {
    expect(caseFigures({ kind: 'EXTERNAL_ORDER', details: {} })).toEqual([]);
  });
});

describe('figuresSummary', () => {
  it('one line per kind', () => {
    expect(figuresSummary({ kind: 'POSITION_MISMATCH', details: { ours: 0, openingHoldings: 10, broker: 7, brokerHoldings: 7 } })).toBe(
      'ours 0 + opening 10 ≠ broker 7 (holdings 7)',
    );
    expect(figuresSummary({ kind: 'POSITION_MISMATCH', details: { ours: 2, broker: 5 } })).toBe('ours 2 ≠ broker 5');
    expect(figuresSummary({ kind: 'FILLED_QUANTITY_MISMATCH', details: { ours: 1, broker: 2 } })).toBe('ours 1 ≠ broker 2');
    expect(figuresSummary({ kind: 'CASH_MISMATCH', details: { expected: '10', reported: '8.5' } })).toBe('expected ₹10.00 ≠ broker ₹8.50');
    expect(
      figuresSummary({ kind: 'EXTERNAL_ORDER', details: { side: 'SELL', quantity: 3, symbol: 'INFY', status: 'FILLED', tag: null } }),
    ).toBe('SELL 3 INFY FILLED');
    expect(figuresSummary({ kind: 'RECONCILIATION_SKIPPED', details: { reason: 'needs login' } })).toBe('needs login');
    expect(figuresSummary({ kind: 'ORDER_MISSING_AT_BROKER', details: { orderId: 'o' } })).toBe('');
  });
});

describe('caseQuery', () => {
  const none = { status: '', accountId: '', kind: '', from: '', to: '' };
  it('sends only the filters set', () => {
    expect(caseQuery(none)).toEqual({ query: {}, problem: null });
    expect(caseQuery({ ...none, status: 'open', kind: 'POSITION_MISMATCH', from: '2026-12-01', to: '2026-12-07' })).toEqual({
      query: { status: 'open', kind: 'POSITION_MISMATCH', from: '2026-12-01', to: '2026-12-07' },
      problem: null,
    });
    expect(caseQuery({ ...none, to: '2026-12-07' }).query).toEqual({ to: '2026-12-07' });
    expect(caseQuery({ ...none, from: '2026-12-07', to: '2026-12-07' }).query).toEqual({ from: '2026-12-07', to: '2026-12-07' });
  });
  it('leaves out a range the API would refuse, saying why', () => {
    expect(caseQuery({ ...none, status: 'open', from: '2026-12-08', to: '2026-12-07' })).toEqual({
      query: { status: 'open' },
      problem: 'The first day is after the last',
    });
    expect(caseQuery({ ...none, from: '2026-1' })).toEqual({ query: {}, problem: null });
  });
});
