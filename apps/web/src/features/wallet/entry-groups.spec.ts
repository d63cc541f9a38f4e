import { describe, expect, it } from 'vitest';
import type { ListedLedgerEntry } from '@tradeloop/contracts';
import { groupByOrder } from './entry-groups';

const order = (orderId: string, fill: { quantity: number; price: string } | null = null) => ({
  orderId,
  symbol: 'M&M',
  side: 'BUY' as const,
  quantity: 3,
  fill,
});
let seq = 100;
const entry = (type: string, amount: string, about: ReturnType<typeof order> | null, reference = 'ref'): ListedLedgerEntry => ({
  id: String((seq -= 1)),
  transactionId: '00000000-0000-4000-8000-000000000001',
  account: 'user:x:cash',
  type: type as ListedLedgerEntry['type'],
  amount,
  balanceAfter: null,
  reference,
  createdAt: `2026-12-07T10:${String(seq).padStart(2, '0')}:00.000Z`,
  order: about,
});

describe('groupByOrder', () => {
  it('gathers an order’s entries where its newest stands, and sums what they moved', () => {
    const a = '00000000-0000-4000-8000-00000000000a';
    const b = '00000000-0000-4000-8000-00000000000b';
    const rows = [
      entry('SETTLE', '-10770.00', order(a, { quantity: 3, price: '3590.00' })),
      entry('DEPOSIT', '50000.00', null, 'NEFT-1'),
      entry('HOLD', '-500.00', order(b)),
      entry('RELEASE', '10800.00', order(a)),
      entry('HOLD', '-10800.00', order(a)),
    ];
    const groups = groupByOrder(rows);
    expect(groups.map((g) => (g.kind === 'order' ? `order ${g.order.orderId.slice(-1)}` : `entry ${g.entry.type}`))).toEqual([
      'order a',
      'entry DEPOSIT',
      'order b',
    ]);
    const first = groups[0]!;
    expect(first.kind === 'order' && first.entries.map((e) => e.type)).toEqual(['SETTLE', 'RELEASE', 'HOLD']);
    expect(first.kind === 'order' && first.net).toBe(-1_077_000n);
    // The group names the order, not one of its fills.
    expect(first.kind === 'order' && first.order.fill).toBeNull();
    expect(first.kind === 'order' && first.latest).toBe(rows[0]!.createdAt);
  });

  it('is the entries themselves when none is about an order', () => {
    const rows = [entry('DEPOSIT', '1.00', null), entry('WITHDRAWAL', '-1.00', null)];
    expect(groupByOrder(rows)).toEqual(rows.map((e) => ({ kind: 'entry', entry: e })));
    expect(groupByOrder([])).toEqual([]);
  });
});
