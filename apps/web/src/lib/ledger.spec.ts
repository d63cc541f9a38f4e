import { describe, expect, it } from 'vitest';
import { describeAccount } from './ledger';

const U = '01a40000-0000-7000-8000-000000000001';
const K = '01a40000-0000-7000-8000-00000000000c';

describe('ledger account labels', () => {
  it('names each kind of book’s accounts: wallet, paper, broker cash mirror, and their houses', () => {
    expect(describeAccount(`user:${U}:held`)).toEqual({ bucket: 'held', label: 'held', userId: U });
    expect(describeAccount(`paper:${K}:cash`)).toEqual({ bucket: 'cash', label: 'paper cash', userId: null });
    expect(describeAccount(`broker:${K}:cash`)).toEqual({ bucket: 'cash', label: 'broker cash', userId: null });
    expect(describeAccount('broker:external')).toEqual({ bucket: 'house', label: 'broker:external', userId: null });
    expect(describeAccount('broker:clearing')).toEqual({ bucket: 'house', label: 'broker:clearing', userId: null });
    expect(describeAccount('house:fees')).toEqual({ bucket: 'house', label: 'house:fees', userId: null });
    expect(describeAccount('broker:nostro')).toEqual({ bucket: 'house', label: 'broker:nostro', userId: null });
  });
});
