import fc from 'fast-check';
import { DomainError } from '../errors';
import {
  accountCode,
  applyToWallet,
  chargeTx,
  saleSettleTx,
  canonicalTransaction,
  depositTx,
  holdTx,
  parseAccountCode,
  releaseTx,
  settleTx,
  sumPostings,
  walletDelta,
  withdrawalTx,
  type JournalTransaction,
  type WalletBalances,
  walletBook,
} from '.';

const U = '01a20000-0000-7000-8000-000000000001';
const W = walletBook(U);

describe('posting builders', () => {
  it('deposit: external → cash', () => {
    const tx = depositTx(W, 10_000n, 'dep-1');
    expect(tx.postings.map((p) => [accountCode(p.account), p.amount, p.type])).toEqual([
      ['house:external', -10_000n, 'DEPOSIT'],
      [`user:${U}:cash`, 10_000n, 'DEPOSIT'],
    ]);
    expect(sumPostings(tx)).toBe(0n);
  });

  it('settle pays from the hold first, then cash, and releases the rest', () => {
    const under = settleTx(W, { heldAmount: 1_000n, cost: 900n, fees: 20n, taxes: 5n }, 'order-1');
    expect(walletDelta(under, U)).toEqual({ cash: 75n, held: -1_000n });
    const over = settleTx(W, { heldAmount: 1_000n, cost: 990n, fees: 20n, taxes: 5n }, 'order-2');
    expect(walletDelta(over, U)).toEqual({ cash: -15n, held: -1_000n });
    expect(over.postings.filter((p) => p.type === 'RELEASE')).toHaveLength(0);
    for (const tx of [under, over]) expect(sumPostings(tx)).toBe(0n);
  });

  it('refuses zero, negative and reference-less movements', () => {
    expect(() => depositTx(W, 0n, 'r')).toThrow(DomainError);
    expect(() => depositTx(W, -1n, 'r')).toThrow(DomainError);
    expect(() => holdTx(W, 5n, '')).toThrow(DomainError);
    expect(() => settleTx(W, { heldAmount: 0n, cost: 0n, fees: 0n, taxes: 0n }, 'r')).toThrow(DomainError);
    expect(() => settleTx(W, { heldAmount: 5n, cost: -1n, fees: 0n, taxes: 0n }, 'r')).toThrow(DomainError);
  });

  it('is immutable', () => {
    const tx = depositTx(W, 1n, 'r');
    expect(Object.isFrozen(tx)).toBe(true);
    expect(Object.isFrozen(tx.postings)).toBe(true);
  });

  it('account codes round-trip', () => {
    for (const p of settleTx(W, { heldAmount: 10n, cost: 1n, fees: 1n, taxes: 1n }, 'r').postings) {
      expect(parseAccountCode(accountCode(p.account))).toEqual(p.account);
    }
    expect(parseAccountCode('house:bank')).toBeNull();
    expect(parseAccountCode('user:x:cash')).toBeNull();
  });
});

describe('sale settlement and charges', () => {
  it('sale: clearing → cash, then fees and taxes from cash', () => {
    const tx = saleSettleTx(W, { proceeds: 10_000n, fees: 20n, taxes: 3n }, 'sell-1');
    expect(tx.postings.map((p) => [accountCode(p.account), p.amount, p.type])).toEqual([
      ['house:clearing', -10_000n, 'TRADE_SELL'],
      [`user:${U}:cash`, 10_000n, 'TRADE_SELL'],
      [`user:${U}:cash`, -20n, 'FEE'],
      ['house:fees', 20n, 'FEE'],
      [`user:${U}:cash`, -3n, 'TAX'],
      ['house:taxes', 3n, 'TAX'],
    ]);
    expect(walletDelta(tx, U)).toEqual({ cash: 9_977n, held: 0n });
  });
  it('a charge from held or cash', () => {
    expect(walletDelta(chargeTx(W, 'TAX', 5n, 't', 'held'), U)).toEqual({ cash: 0n, held: -5n });
    expect(chargeTx(W, 'FEE', 5n, 'f').type).toBe('FEE');
  });
});

describe('wallet rule: cash and held never go below zero', () => {
  it('refuses a withdrawal beyond available', () => {
    const w = applyToWallet({ cash: 0n, held: 0n }, depositTx(W, 100n, 'd'));
    expect(() => applyToWallet(w, withdrawalTx(W, 101n, 'w'))).toThrow(/Not enough available/);
    expect(applyToWallet(w, withdrawalTx(W, 100n, 'w'))).toEqual({ cash: 0n, held: 0n });
  });
  it('refuses releasing more than is held', () => {
    expect(() => applyToWallet({ cash: 0n, held: 5n }, releaseTx(W, 6n, 'r'))).toThrow(/held/);
  });
});

describe('canonical form', () => {
  it('changes with any field', () => {
    const tx = depositTx(W, 100n, 'd');
    const base = canonicalTransaction(tx, { id: 'a', createdAt: '2026-11-22T00:00:00.000Z' });
    expect(canonicalTransaction(depositTx(W, 101n, 'd'), { id: 'a', createdAt: '2026-11-22T00:00:00.000Z' })).not.toBe(base);
    expect(canonicalTransaction(depositTx(W, 100n, 'e'), { id: 'a', createdAt: '2026-11-22T00:00:00.000Z' })).not.toBe(base);
    expect(canonicalTransaction(tx, { id: 'b', createdAt: '2026-11-22T00:00:00.000Z' })).not.toBe(base);
    expect(canonicalTransaction(tx, { id: 'a', createdAt: '2026-11-22T00:00:00.001Z' })).not.toBe(base);
    expect(canonicalTransaction(withdrawalTx(W, 100n, 'd'), { id: 'a', createdAt: '2026-11-22T00:00:00.000Z' })).not.toBe(base);
  });
});

// Any sequence of operations, each applied only if the wallet rule allows it, keeps every
// ledger invariant: each transaction and the whole ledger sum to zero, balances never go
// negative, and the wallet equals what flowed in minus what flowed out.
const USERS = ['01a20000-0000-7000-8000-00000000000a', '01a20000-0000-7000-8000-00000000000b'];
const amount = fc.bigInt({ min: 1n, max: 1_000_000n });
const op = fc.oneof(
  fc.record({ kind: fc.constant('deposit' as const), u: fc.nat(1), a: amount }),
  fc.record({ kind: fc.constant('withdraw' as const), u: fc.nat(1), a: amount }),
  fc.record({ kind: fc.constant('hold' as const), u: fc.nat(1), a: amount }),
  fc.record({ kind: fc.constant('release' as const), u: fc.nat(1), a: amount }),
  fc.record({
    kind: fc.constant('sell' as const),
    u: fc.nat(1),
    a: amount,
    fees: fc.bigInt({ min: 0n, max: 5_000n }),
    taxes: fc.bigInt({ min: 0n, max: 5_000n }),
  }),
  fc.record({ kind: fc.constant('fee' as const), u: fc.nat(1), a: fc.bigInt({ min: 1n, max: 5_000n }), fromHeld: fc.boolean() }),
  fc.record({
    kind: fc.constant('settle' as const),
    u: fc.nat(1),
    a: amount,
    cost: fc.bigInt({ min: 0n, max: 1_000_000n }),
    fees: fc.bigInt({ min: 0n, max: 5_000n }),
    taxes: fc.bigInt({ min: 0n, max: 5_000n }),
  }),
);

describe('property: ledger invariants under any sequence of operations', () => {
  it('holds', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const wallets = new Map<string, WalletBalances>(USERS.map((u) => [u, { cash: 0n, held: 0n }]));
        const house = new Map<string, bigint>();
        const flows = new Map<string, bigint>(USERS.map((u) => [u, 0n])); // deposits − withdrawals − paid out
        let ledgerSum = 0n;
        ops.forEach((o, i) => {
          const u = USERS[o.u]!;
          let tx: JournalTransaction;
          try {
            tx =
              o.kind === 'deposit'
                ? depositTx(walletBook(u), o.a, `r${i}`)
                : o.kind === 'withdraw'
                  ? withdrawalTx(walletBook(u), o.a, `r${i}`)
                  : o.kind === 'hold'
                    ? holdTx(walletBook(u), o.a, `r${i}`)
                    : o.kind === 'release'
                      ? releaseTx(walletBook(u), o.a, `r${i}`)
                      : o.kind === 'sell'
                        ? saleSettleTx(walletBook(u), { proceeds: o.a, fees: o.fees, taxes: o.taxes }, `r${i}`)
                        : o.kind === 'fee'
                          ? chargeTx(walletBook(u), 'FEE', o.a, `r${i}`, o.fromHeld ? 'held' : 'cash')
                          : settleTx(walletBook(u), { heldAmount: o.a, cost: o.cost, fees: o.fees, taxes: o.taxes }, `r${i}`);
          } catch (e) {
            expect((e as DomainError).code).toBe('VALIDATION_FAILED'); // e.g. an all-zero settlement
            return;
          }
          expect(sumPostings(tx)).toBe(0n);
          let next: WalletBalances;
          try {
            next = applyToWallet(wallets.get(u)!, tx);
          } catch (e) {
            expect((e as DomainError).code).toBe('INSUFFICIENT_FUNDS');
            return;
          }
          wallets.set(u, next);
          ledgerSum += sumPostings(tx);
          for (const p of tx.postings) {
            if (p.account.kind === 'house') house.set(p.account.name, (house.get(p.account.name) ?? 0n) + p.amount);
          }
          const d = walletDelta(tx, u);
          flows.set(u, flows.get(u)! + d.cash + d.held);
        });
        expect(ledgerSum).toBe(0n);
        let walletsTotal = 0n;
        for (const u of USERS) {
          const w = wallets.get(u)!;
          expect(w.cash >= 0n && w.held >= 0n).toBe(true);
          expect(w.cash + w.held).toBe(flows.get(u));
          walletsTotal += w.cash + w.held;
        }
        const houseTotal = [...house.values()].reduce((a, b) => a + b, 0n);
        expect(walletsTotal + houseTotal).toBe(0n);
        // What the users hold is exactly what came in from outside, minus what was paid out.
        expect(walletsTotal).toBe(
          -(house.get('external') ?? 0n) - (house.get('clearing') ?? 0n) - (house.get('fees') ?? 0n) - (house.get('taxes') ?? 0n),
        );
      }),
      { numRuns: 300 },
    );
  });
});
