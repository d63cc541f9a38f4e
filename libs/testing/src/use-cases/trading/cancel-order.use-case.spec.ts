import { JOBS, REALTIME_EVENTS } from '@tradeloop/contracts';
import { DomainError, TERMINAL_STATUSES, type OrderId, type UserId } from '@tradeloop/domain';
import type { AuditRepository } from '@tradeloop/identity';
import type { Db, JobProducer, RealtimePublisher } from '@tradeloop/platform';
import { CancelOrderUseCase, toOrderDto, type TradingRepository } from '@tradeloop/trading';
import { FakeAudit, FakeDb, FakeJobs, FakeRealtime, FakeTrading, port } from '../../fakes';
import { refusal } from '../refusal';

const NOW = new Date('2025-03-14T09:26:53.000Z');
const ALICE = 'alice' as UserId;
const BOB = 'bob' as UserId;
const meta = { ip: '203.0.113.7', requestId: 'req-1' };

function setup() {
  const db = new FakeDb();
  const trading = new FakeTrading(db);
  const jobs = new FakeJobs(db);
  const realtime = new FakeRealtime(db);
  const audit = new FakeAudit(db);
  const cancel = new CancelOrderUseCase(
    port<Db>(db),
    port<TradingRepository>(trading),
    port<JobProducer>(jobs),
    port<RealtimePublisher>(realtime),
    port<AuditRepository>(audit),
  );
  return { db, trading, jobs, realtime, audit, cancel };
}

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('CancelOrderUseCase', () => {
  it('records the request on the order under its lock, with history in the order’s own status, audited in the same transaction', async () => {
    const w = setup();
    const o = w.trading.addOrder({ user_id: ALICE, status: 'PARTIALLY_FILLED', filled_quantity: 4, filled_value_tick_units: '60000000' });
    vi.setSystemTime(new Date(NOW.getTime() + 1000));
    const res = await w.cancel.execute(ALICE, o.id, meta);

    const stored = w.trading.get(o.id)!;
    expect(stored).toMatchObject({ cancel_requested: true, status: 'PARTIALLY_FILLED', version: o.version + 1 });
    expect(res).toEqual(toOrderDto(stored));
    expect(res.updatedAt).toBe('2025-03-14T09:26:54.000Z');
    expect(w.trading.lockedReads).toEqual([{ id: o.id, inTransaction: true }]);
    // A request does not change the status: the entry carries the order's own (here PARTIALLY_FILLED).
    expect(w.trading.eventsOf(o.id).map((e) => [e.status, e.event, e.details, e.inTransaction])).toEqual([
      ['PARTIALLY_FILLED', 'CANCEL_REQUESTED', {}, true],
    ]);
    expect(w.audit.records).toEqual([
      expect.objectContaining({
        actorId: ALICE,
        action: 'order.cancel_requested',
        subject: `order:${o.id}`,
        details: {},
        meta,
        inTransaction: true,
      }),
    ]);
    expect(w.db.transactions).toEqual([{ lock: undefined, state: 'committed' }]);
  });

  it('enqueues the cancel job and announces the order only after the commit', async () => {
    const w = setup();
    const o = w.trading.addOrder({ user_id: ALICE });
    const res = await w.cancel.execute(ALICE, o.id, meta);

    expect(w.jobs.enqueued).toEqual([{ name: JOBS.cancelOrder, payload: { orderId: o.id }, jobId: `cancel_${o.id}`, openTransactions: 0 }]);
    expect(w.realtime.messages).toEqual([
      { kind: 'user', to: ALICE, event: REALTIME_EVENTS.orderUpdated, payload: { order: res }, openTransactions: 0 },
    ]);
  });

  it('another user’s order is NOT_FOUND (as is an unknown id): nothing written, enqueued or announced', async () => {
    const w = setup();
    const bobs = w.trading.addOrder({ user_id: BOB });
    const other = await refusal(w.cancel.execute(ALICE, bobs.id, meta));
    const unknown = await refusal(w.cancel.execute(ALICE, '00000000-0000-4000-8000-ffffffffffff' as OrderId, meta));

    expect([other.code, unknown.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect(w.trading.get(bobs.id)).toEqual(bobs);
    expect(w.trading.events).toEqual([]);
    expect(w.audit.records).toEqual([]);
    expect(w.jobs.enqueued).toEqual([]);
    expect(w.realtime.messages).toEqual([]);
    expect(w.db.rolledBack).toBe(2);
  });

  it.each(TERMINAL_STATUSES)('a %s order is INVALID_STATE (409): nothing written, enqueued or announced', async (status) => {
    const w = setup();
    const o = w.trading.addOrder({ user_id: ALICE, status });
    const err = await refusal(w.cancel.execute(ALICE, o.id, meta));

    expect(err.code).toBe('INVALID_STATE');
    expect(err.message).toContain(status);
    expect(w.trading.get(o.id)).toEqual(o);
    expect(w.trading.events).toEqual([]);
    expect(w.audit.records).toEqual([]);
    expect(w.jobs.enqueued).toEqual([]);
    expect(w.realtime.messages).toEqual([]);
  });

  it('asking twice is harmless: one history entry and audit record, the same job id enqueued again (deduped by the queue)', async () => {
    const w = setup();
    const o = w.trading.addOrder({ user_id: ALICE, status: 'PENDING' });
    const first = await w.cancel.execute(ALICE, o.id, meta);
    const second = await w.cancel.execute(ALICE, o.id, meta);

    expect(second).toEqual(first);
    expect(w.trading.get(o.id)!.version).toBe(o.version + 1);
    expect(w.trading.eventsOf(o.id).map((e) => e.event)).toEqual(['CANCEL_REQUESTED']);
    expect(w.audit.actions()).toEqual(['order.cancel_requested']);
    expect(w.jobs.enqueued.map((j) => j.jobId)).toEqual([`cancel_${o.id}`, `cancel_${o.id}`]);
    expect(w.jobs.distinctJobIds()).toEqual([`cancel_${o.id}`]);
    expect(w.realtime.of(REALTIME_EVENTS.orderUpdated)).toHaveLength(2);
  });

  it('when the audit append fails, the request is rolled back with it: no flag, no history, no job, no event', async () => {
    const w = setup();
    const o = w.trading.addOrder({ user_id: ALICE });
    const failing = new CancelOrderUseCase(
      port<Db>(w.db),
      port<TradingRepository>(w.trading),
      port<JobProducer>(w.jobs),
      port<RealtimePublisher>(w.realtime),
      port<AuditRepository>({
        append: async () => {
          throw new DomainError('INTERNAL', 'audit store down');
        },
      }),
    );
    const err = await refusal(failing.execute(ALICE, o.id, meta));

    expect(err.message).toBe('audit store down');
    expect(w.trading.get(o.id)).toEqual(o);
    expect(w.trading.events).toEqual([]);
    expect(w.db.rolledBack).toBe(1);
    expect(w.jobs.enqueued).toEqual([]);
    expect(w.realtime.messages).toEqual([]);
  });
});
