import { REALTIME_EVENTS, type MoneyMovementResponse } from '@tradeloop/contracts';
import type { Idempotency, RealtimePublisher } from '@tradeloop/platform';
import type { AuditRepository } from '@tradeloop/identity';
import { FundWalletUseCase, type LedgerRepository } from '@tradeloop/wallet';
import { FakeAudit, FakeDb, FakeIdempotency, FakeLedger, FakeRealtime, port } from '../../fakes';
import { fieldsOf, refusal } from '../refusal';

const ADMIN = 'admin-1';
const meta = { ip: '203.0.113.7', requestId: 'req-1' };

function setup() {
  const db = new FakeDb();
  const ledger = new FakeLedger(db);
  const realtime = new FakeRealtime(db);
  const idempotency = new FakeIdempotency(db);
  const audit = new FakeAudit(db);
  const fund = new FundWalletUseCase(
    port<RealtimePublisher>(realtime),
    port<LedgerRepository>(ledger),
    port<Idempotency>(idempotency),
    port<AuditRepository>(audit),
  );
  ledger.open('alice', 10_000n);
  return { db, ledger, realtime, idempotency, audit, fund };
}

const walletOf = (r: { body: MoneyMovementResponse }) => r.body.wallet;

describe('FundWalletUseCase', () => {
  it('a deposit credits the wallet, is audited in its transaction, answers 201 and announces the wallet once', async () => {
    const w = setup();
    const res = await w.fund.execute('deposit', ADMIN, 'alice', { amount: '1000.00', reference: 'NEFT-1' }, 'key-1', meta);

    expect(res).toMatchObject({ status: 201, replayed: false });
    expect(w.ledger.balances.get('alice')).toEqual({ cash: 110_000n, held: 0n });
    expect(walletOf(res)).toEqual({ currency: 'INR', available: '1100.00', held: '0.00', total: '1100.00' });
    expect(res.body.transaction.entries.map((e) => [e.account.split(':')[0], e.amount])).toEqual([
      ['house', '-1000.00'],
      ['user', '1000.00'],
    ]);
    expect(w.audit.records).toEqual([
      expect.objectContaining({
        actorId: ADMIN,
        action: 'wallet.deposited',
        subject: 'user:alice',
        details: { amount: '1000.00', reference: 'NEFT-1', transactionId: res.body.transaction.id },
        inTransaction: true,
      }),
    ]);
    expect(w.realtime.messages).toEqual([
      { kind: 'user', to: 'alice', event: REALTIME_EVENTS.walletUpdated, payload: { wallet: walletOf(res) }, openTransactions: 0 },
    ]);
  });

  it('a withdrawal debits the wallet and is audited as wallet.withdrawn', async () => {
    const w = setup();
    const res = await w.fund.execute('withdrawal', ADMIN, 'alice', { amount: '40.00', reference: 'payout' }, 'key-1', meta);

    expect(walletOf(res).available).toBe('60.00');
    expect(w.audit.actions()).toEqual(['wallet.withdrawn']);
    expect(w.realtime.messages).toHaveLength(1);
  });

  it('an unknown user is NOT_FOUND: nothing posted, audited or announced', async () => {
    const w = setup();
    const err = await refusal(w.fund.execute('deposit', ADMIN, 'nobody', { amount: '5.00', reference: 'x' }, 'key-1', meta));

    expect(err.code).toBe('NOT_FOUND');
    expect(w.db.rolledBack).toBe(1);
    expect(w.ledger.posted).toEqual([]);
    expect(w.audit.records).toEqual([]);
    expect(w.realtime.messages).toEqual([]);
  });

  it('a withdrawal beyond the balance is INSUFFICIENT_FUNDS, leaves nothing behind, and its replay gets the same answer', async () => {
    const w = setup();
    const body = { amount: '100.01', reference: 'too much' };
    const first = await refusal(w.fund.execute('withdrawal', ADMIN, 'alice', body, 'key-1', meta));
    const again = await refusal(w.fund.execute('withdrawal', ADMIN, 'alice', body, 'key-1', meta));

    expect([first.code, again.code]).toEqual(['INSUFFICIENT_FUNDS', 'INSUFFICIENT_FUNDS']);
    expect(w.idempotency.runs).toBe(1);
    expect(w.ledger.balances.get('alice')).toEqual({ cash: 10_000n, held: 0n });
    expect(w.audit.records).toEqual([]);
    expect(w.realtime.messages).toEqual([]);
  });

  it('a replay (same key, same body) answers the original without moving money, auditing or announcing again', async () => {
    const w = setup();
    const body = { amount: '25.00', reference: 'double click' };
    const first = await w.fund.execute('deposit', ADMIN, 'alice', body, 'key-1', meta);
    const replay = await w.fund.execute('deposit', ADMIN, 'alice', { ...body }, 'key-1', meta);

    expect(replay).toEqual({ ...first, replayed: true });
    expect(w.ledger.balances.get('alice')).toEqual({ cash: 12_500n, held: 0n });
    expect(w.audit.records).toHaveLength(1);
    expect(w.realtime.messages).toHaveLength(1);
  });

  it('the same key with another body (or direction) is IDEMPOTENCY_CONFLICT and moves nothing', async () => {
    const w = setup();
    await w.fund.execute('deposit', ADMIN, 'alice', { amount: '25.00', reference: 'r' }, 'key-1', meta);
    const otherAmount = await refusal(w.fund.execute('deposit', ADMIN, 'alice', { amount: '26.00', reference: 'r' }, 'key-1', meta));
    const otherDirection = await refusal(w.fund.execute('withdrawal', ADMIN, 'alice', { amount: '25.00', reference: 'r' }, 'key-1', meta));

    expect([otherAmount.code, otherDirection.code]).toEqual(['IDEMPOTENCY_CONFLICT', 'IDEMPOTENCY_CONFLICT']);
    expect(w.ledger.balances.get('alice')).toEqual({ cash: 12_500n, held: 0n });
    expect(w.realtime.messages).toHaveLength(1);
  });

  it('keys are scoped per caller: another admin’s same key is a new movement', async () => {
    const w = setup();
    const body = { amount: '1.00', reference: 'r' };
    await w.fund.execute('deposit', ADMIN, 'alice', body, 'key-1', meta);
    const other = await w.fund.execute('deposit', 'admin-2', 'alice', body, 'key-1', meta);

    expect(other.replayed).toBe(false);
    expect(w.ledger.balances.get('alice')).toEqual({ cash: 10_200n, held: 0n });
    expect(w.realtime.messages).toHaveLength(2);
  });

  it.each(['0', '-5.00', '1.001', 'ten'])('refuses the amount %j (VALIDATION_FAILED on amount) before any transaction', async (amount) => {
    const w = setup();
    const err = await refusal(w.fund.execute('deposit', ADMIN, 'alice', { amount, reference: 'r' }, 'key-1', meta));

    expect(err.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(err)).toEqual(['amount']);
    expect(w.db.transactions).toEqual([]);
    expect(w.idempotency.keys.size).toBe(0);
  });
});
