import { ChangePasswordUseCase } from '@tradeloop/identity';
import { FakeAudit } from './audit';
import { FakeDb } from './db';
import { injectedClass, untouchable } from './port';

/** The fakes are only worth what their transaction semantics are: these pin them down. */
describe('FakeDb', () => {
  const record = (audit: FakeAudit, subject: string, sql?: Parameters<FakeAudit['append']>[1]) =>
    audit.append({ actorId: null, action: 'auth.logged_out', subject }, sql);

  it('keeps what a committed transaction recorded, and records the lock key', async () => {
    const db = new FakeDb();
    const audit = new FakeAudit(db);
    await db.tx((sql) => record(audit, 'kept', sql), { lock: 'k' });

    expect(audit.records.map((r) => [r.subject, r.inTransaction])).toEqual([['kept', true]]);
    expect(db.transactions).toEqual([{ lock: 'k', state: 'committed' }]);
    expect(db.locks).toEqual(['k']);
  });

  it('forgets everything a failed transaction recorded, but not autocommitted writes made meanwhile', async () => {
    const db = new FakeDb();
    const audit = new FakeAudit(db);
    await expect(
      db.tx(async (sql) => {
        await record(audit, 'in tx 1', sql);
        await record(audit, 'autocommit', db.sql);
        await record(audit, 'in tx 2', sql);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');

    expect(audit.records.map((r) => r.subject)).toEqual(['autocommit']);
    expect([db.committed, db.rolledBack]).toEqual([0, 1]);
  });

  it('refuses a write through the Sql of a transaction that has ended, and any SQL statement', async () => {
    const db = new FakeDb();
    const audit = new FakeAudit(db);
    const leaked = await db.tx(async (sql) => sql);

    await expect(record(audit, 'late', leaked)).rejects.toThrow(/already ended/);
    await expect(db.sql.rows('SELECT 1')).rejects.toThrow(/statement reached the fake database/);
  });

  it('runs transactions with the same lock key one after another, others interleaved', async () => {
    const db = new FakeDb();
    const order: string[] = [];
    const step = (name: string) => async () => {
      order.push(`${name} start`);
      await new Promise((r) => setImmediate(r));
      order.push(`${name} end`);
    };
    await Promise.all([db.tx(step('a'), { lock: 'x' }), db.tx(step('b'), { lock: 'x' }), db.tx(step('c'), { lock: 'y' })]);

    expect(order.indexOf('b start')).toBeGreaterThan(order.indexOf('a end'));
    expect(order.indexOf('c start')).toBeLessThan(order.indexOf('a end'));
  });
});

describe('FakeDb.advisoryLock', () => {
  it('is held to the end of the transaction that took it, and re-entrant within it', async () => {
    const db = new FakeDb();
    const order: string[] = [];
    const first = db.tx(async (sql) => {
      await db.advisoryLock(sql, 'u');
      await db.advisoryLock(sql, 'u'); // the same transaction again: no wait
      order.push('first holds');
      await new Promise((r) => setImmediate(r));
      order.push('first ends');
    });
    const second = db.tx(async (sql) => {
      await db.advisoryLock(sql, 'u');
      order.push('second holds');
    });
    await Promise.all([first, second]);

    expect(order).toEqual(['first holds', 'first ends', 'second holds']);
    expect(db.advisoryLocks).toEqual(['u', 'u', 'u']);
  });
});

describe('port helpers', () => {
  it('untouchable throws on use, naming the dependency', () => {
    const risk = untouchable<{ setSwitch(): void }>('RiskRepository');
    expect(() => risk.setSwitch()).toThrow('RiskRepository.setSwitch was used');
  });

  it('injectedClass finds the class a provider injects, and refuses a wrong name or index', () => {
    expect(injectedClass(ChangePasswordUseCase, 4, 'CredentialChanges').name).toBe('CredentialChanges');
    expect(() => injectedClass(ChangePasswordUseCase, 3, 'CredentialChanges')).toThrow(/does not inject CredentialChanges/);
  });
});
