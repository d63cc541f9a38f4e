import { describe, expect, it } from 'vitest';
import type { AccountPosition } from './trading.repository';
import { squareOffItems, squareOffKey } from './square-off';

const pos = (over: Partial<AccountPosition>): AccountPosition =>
  ({
    accountId: 'a1',
    symbol: 'INFY',
    product: 'MIS',
    netQuantity: 10,
    lotCost: 0n,
    lotQuantity: 0,
    lotClosedQuantity: 0,
    lotClosedCashFlow: 0n,
    realizedBeforeLot: 0n,
    ...over,
  }) as AccountPosition;
const open = (over: Record<string, unknown>) =>
  ({ account_id: 'a1', symbol: 'INFY', product: 'MIS', side: 'SELL', quantity: 4, filled_quantity: 1, ...over }) as never;
const meta = { requestId: 'r' };

describe('squareOffItems', () => {
  it('a MARKET order against each open position, for what its account is not already closing', () => {
    const items = squareOffItems(
      [pos({}), pos({ symbol: 'TCS', netQuantity: -5, product: 'CNC' }), pos({ symbol: 'SBIN', netQuantity: 0 })],
      // 3 of INFY are being sold already on a1; a sell on another account or another product does not count.
      [open({}), open({ account_id: 'a2' }), open({ product: 'CNC' })],
      'req',
      meta,
    );
    expect(items.map((i) => [i.body.symbol, i.body.side, i.body.quantity, i.body.product, i.body.type, i.body.tag])).toEqual([
      ['INFY', 'SELL', 7, 'MIS', 'MARKET', 'squareoff'],
      ['TCS', 'BUY', 5, 'CNC', 'MARKET', 'squareoff'],
    ]);
    expect(items[0]!.key).toBe(squareOffKey('req', { accountId: 'a1', symbol: 'INFY', product: 'MIS' }));
  });

  it('nothing for a position its open orders close entirely; keys differ per request and per position', () => {
    expect(squareOffItems([pos({ netQuantity: 3 })], [open({})], 'req', meta)).toEqual([]);
    const k = (r: string, symbol: string) => squareOffKey(r, { accountId: 'a1', symbol, product: 'MIS' });
    expect(new Set([k('a', 'INFY'), k('b', 'INFY'), k('a', 'TCS')]).size).toBe(3);
    expect(k('a', 'INFY')).toMatch(/^sq-[0-9a-f]{64}$/);
  });
});
