import type { UpdateRiskLimitsRequest } from '@tradeloop/contracts';
import type { UserId } from '@tradeloop/domain';
import type { AuditRepository, UsersRepository } from '@tradeloop/identity';
import type { Db } from '@tradeloop/platform';
import { GetRiskLimitsQuery, SetRiskLimitsUseCase } from '@tradeloop/risk';
import { DEFAULT_RISK_LIMITS, type RiskRepository } from '@tradeloop/trading';
import { FakeAudit, FakeDb, FakeRisk, FakeUsers, port } from '../../fakes';
import { fieldsOf, refusal } from '../refusal';

const ADMIN = 'admin-1' as UserId;
const meta = { ip: '203.0.113.7', requestId: 'req-1' };

function setup() {
  const db = new FakeDb();
  const risk = new FakeRisk(db);
  const users = new FakeUsers(db);
  const audit = new FakeAudit(db);
  const set = new SetRiskLimitsUseCase(
    port<Db>(db),
    port<RiskRepository>(risk),
    port<UsersRepository>(users),
    port<AuditRepository>(audit),
  );
  const get = new GetRiskLimitsQuery(port<RiskRepository>(risk), port<UsersRepository>(users));
  const alice = users.add({ email: 'alice@example.com' }).id as UserId;
  return { db, risk, users, audit, set, get, alice };
}

const body: UpdateRiskLimitsRequest = {
  maxOrderValue: '200000.00',
  maxPositionValue: '500000',
  maxOpenOrders: 20,
  maxDailyLoss: '10000.50',
  maxOrdersPerMinute: 30,
};

const DEFAULTS_DTO = {
  maxOrderValue: '1000000.00',
  maxPositionValue: '2500000.00',
  maxOpenOrders: 50,
  maxDailyLoss: '50000.00',
  maxOrdersPerMinute: 120,
  maxDrawdown: null,
  squareOffOnTrip: false,
};

describe('SetRiskLimitsUseCase', () => {
  it('stores the limits in paise, answers them as set, and audits the request body in the same transaction', async () => {
    const w = setup();
    const res = await w.set.execute(ADMIN, w.alice, { ...body, squareOffOnTrip: true, maxDrawdown: '2500.00' }, meta);

    expect(res).toEqual({
      maxOrderValue: '200000.00',
      maxPositionValue: '500000.00',
      maxOpenOrders: 20,
      maxDailyLoss: '10000.50',
      maxOrdersPerMinute: 30,
      maxDrawdown: '2500.00',
      squareOffOnTrip: true,
    });
    expect(w.risk.limitsOf.get(w.alice)).toEqual({
      maxOrderValue: 20_000_000n,
      maxPositionValue: 50_000_000n,
      maxOpenOrders: 20,
      maxDailyLoss: 1_000_050n,
      maxOrdersPerMinute: 30,
      maxDrawdown: 250_000n,
      squareOffOnTrip: true,
      updatedBy: ADMIN,
    });
    expect(w.risk.writes).toEqual([{ kind: 'limits', key: w.alice, inTransaction: true }]);
    expect(w.audit.records).toEqual([
      expect.objectContaining({
        actorId: ADMIN,
        action: 'risk.limits_updated',
        subject: `user:${w.alice}`,
        details: { ...body, squareOffOnTrip: true, maxDrawdown: '2500.00' },
        meta,
        inTransaction: true,
      }),
    ]);
    expect(w.db.transactions).toEqual([{ lock: undefined, state: 'committed' }]);
  });

  it('an unknown user is NOT_FOUND: nothing written or audited', async () => {
    const w = setup();
    const err = await refusal(w.set.execute(ADMIN, 'nobody' as UserId, body, meta));

    expect(err.code).toBe('NOT_FOUND');
    expect(w.risk.writes).toEqual([]);
    expect(w.risk.limitsOf.size).toBe(0);
    expect(w.audit.records).toEqual([]);
    expect(w.db.rolledBack).toBe(1);
  });

  it('absent squareOffOnTrip and maxDrawdown keep their current values; null removes the drawdown limit', async () => {
    const w = setup();
    await w.set.execute(ADMIN, w.alice, { ...body, squareOffOnTrip: true, maxDrawdown: '900.00' }, meta);

    const kept = await w.set.execute(ADMIN, w.alice, { ...body, maxOpenOrders: 5 }, meta);
    expect(kept).toMatchObject({ maxOpenOrders: 5, squareOffOnTrip: true, maxDrawdown: '900.00' });

    const cleared = await w.set.execute(ADMIN, w.alice, { ...body, maxDrawdown: null, squareOffOnTrip: false }, meta);
    expect(cleared).toMatchObject({ squareOffOnTrip: false, maxDrawdown: null });
    expect(w.risk.limitsOf.get(w.alice)).toMatchObject({ squareOffOnTrip: false, maxDrawdown: null });
  });

  it('absent optional fields on a user without limits take the defaults', async () => {
    const w = setup();
    const res = await w.set.execute(ADMIN, w.alice, body, meta);

    expect(res).toMatchObject({ squareOffOnTrip: DEFAULT_RISK_LIMITS.squareOffOnTrip, maxDrawdown: null });
  });

  it('accepts "0" (and "0.00") for the money limits: a limit of zero, stored as 0n', async () => {
    const w = setup();
    const res = await w.set.execute(ADMIN, w.alice, { ...body, maxOrderValue: '0', maxPositionValue: '0.00', maxDailyLoss: '0.0' }, meta);

    expect(res).toMatchObject({ maxOrderValue: '0.00', maxPositionValue: '0.00', maxDailyLoss: '0.00' });
    expect(w.risk.limitsOf.get(w.alice)).toMatchObject({ maxOrderValue: 0n, maxPositionValue: 0n, maxDailyLoss: 0n });
  });

  it('a malformed amount is VALIDATION_FAILED naming its field, before any transaction', async () => {
    const w = setup();
    const err = await refusal(w.set.execute(ADMIN, w.alice, { ...body, maxDailyLoss: '12.345' }, meta));

    expect(err.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(err)).toEqual(['maxDailyLoss']);
    expect(w.db.transactions).toEqual([]);
    expect(w.risk.writes).toEqual([]);
    expect(w.audit.records).toEqual([]);
  });

  it('a zero drawdown is refused (it must be positive or null) and the transaction leaves nothing behind', async () => {
    const w = setup();
    const err = await refusal(w.set.execute(ADMIN, w.alice, { ...body, maxDrawdown: '0' }, meta));

    expect(err.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(err)).toEqual(['maxDrawdown']);
    expect(w.db.rolledBack).toBe(1);
    expect(w.risk.limitsOf.size).toBe(0);
    expect(w.audit.records).toEqual([]);
  });
});

describe('GetRiskLimitsQuery', () => {
  it('answers the defaults until an admin sets limits, then the user’s own', async () => {
    const w = setup();
    expect(await w.get.execute(w.alice)).toEqual(DEFAULTS_DTO);

    await w.set.execute(ADMIN, w.alice, body, meta);
    expect(await w.get.execute(w.alice)).toMatchObject({ maxOrderValue: '200000.00', maxOpenOrders: 20 });
    expect(await w.get.execute(ADMIN)).toEqual(DEFAULTS_DTO);
  });

  it('mustExist: an unknown user is NOT_FOUND; without it the defaults are answered', async () => {
    const w = setup();
    const err = await refusal(w.get.execute('nobody' as UserId, { mustExist: true }));

    expect(err.code).toBe('NOT_FOUND');
    expect(await w.get.execute('nobody' as UserId)).toEqual(DEFAULTS_DTO);
    expect(await w.get.execute(w.alice, { mustExist: true })).toEqual(DEFAULTS_DTO);
  });
});
