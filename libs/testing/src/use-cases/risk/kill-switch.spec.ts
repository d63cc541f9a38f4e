import { JOBS, REALTIME_EVENTS } from '@tradeloop/contracts';
import type { UserId } from '@tradeloop/domain';
import type { AuditRepository, UsersRepository } from '@tradeloop/identity';
import type { Db, JobProducer, NotificationEvents, RealtimePublisher } from '@tradeloop/platform';
import {
  GetAdminKillSwitchesQuery,
  GetKillSwitchesQuery,
  ListRiskEventsQuery,
  SetKillSwitchUseCase,
  type KillSwitchSquareOffRepository,
} from '@tradeloop/risk';
import type { RiskRepository, TradingRepository } from '@tradeloop/trading';
import { FakeAudit, FakeDb, FakeJobs, FakeNotificationEvents, FakeRealtime, FakeRisk, FakeTrading, FakeUsers, port } from '../../fakes';
import { refusal } from '../refusal';

const NOW = new Date('2025-03-14T09:26:53.000Z');
const ADMIN = 'admin-1' as UserId;
const meta = { ip: '203.0.113.7', requestId: 'req-1' };
const OFF = { engaged: false, reason: null, at: null };

/** The square-off records: engagements per switch and who each covered (the global switch: the users given to `withPositions`). */
class FakeSquareOffs {
  private seq = 0;
  readonly engagements = new Map<string, string>();
  readonly requested: { engagementId: string; scope: string; userId: string; by: string }[] = [];
  withPositions: string[] = [];
  async engagement(_sql: unknown, scope: string, scopeId: string, changed: boolean): Promise<string> {
    const k = `${scope}:${scopeId}`;
    if (changed || !this.engagements.has(k)) this.engagements.set(k, `eng-${++this.seq}`);
    return this.engagements.get(k)!;
  }
  async request(_sql: unknown, engagementId: string, scope: string, userId: string | null, by: string): Promise<number> {
    const covered = scope === 'user' ? [userId!] : this.withPositions;
    const fresh = covered.filter((u) => !this.requested.some((r) => r.engagementId === engagementId && r.userId === u));
    for (const u of fresh) this.requested.push({ engagementId, scope, userId: u, by });
    return fresh.length;
  }
}

function setup(trading?: (db: FakeDb) => FakeTrading) {
  const db = new FakeDb();
  const risk = new FakeRisk(db);
  const orders = trading ? trading(db) : new FakeTrading(db);
  const users = new FakeUsers(db);
  const jobs = new FakeJobs(db);
  const realtime = new FakeRealtime(db);
  const audit = new FakeAudit(db);
  const notifications = new FakeNotificationEvents(db);
  const squareOffs = new FakeSquareOffs();
  const switches = new GetKillSwitchesQuery(port<RiskRepository>(risk));
  const set = new SetKillSwitchUseCase(
    port<Db>(db),
    port<RiskRepository>(risk),
    port<TradingRepository>(orders),
    port<UsersRepository>(users),
    port<JobProducer>(jobs),
    port<RealtimePublisher>(realtime),
    port<AuditRepository>(audit),
    switches,
    port<NotificationEvents>(notifications),
    port<KillSwitchSquareOffRepository>(squareOffs),
  );
  const admin = new GetAdminKillSwitchesQuery(port<RiskRepository>(risk), port<UsersRepository>(users));
  const alice = users.add({ email: 'alice@example.com' }).id as UserId;
  const bob = users.add({ email: 'bob@example.com' }).id as UserId;
  return { db, risk, orders, users, jobs, realtime, audit, notifications, switches, admin, set, alice, bob, squareOffs };
}

/** Open orders of every open status (one already asked to cancel), one finished, and one of bob's. */
function seedOrders(w: ReturnType<typeof setup>) {
  return {
    open: w.orders.addOrder({ user_id: w.alice, status: 'OPEN' }),
    pending: w.orders.addOrder({ user_id: w.alice, status: 'PENDING' }),
    partial: w.orders.addOrder({ user_id: w.alice, status: 'PARTIALLY_FILLED', filled_quantity: 3 }),
    trigger: w.orders.addOrder({ user_id: w.alice, status: 'TRIGGER_PENDING', type: 'SL-M', price_ticks: null }),
    asked: w.orders.addOrder({ user_id: w.alice, status: 'OPEN', cancel_requested: true }),
    filled: w.orders.addOrder({ user_id: w.alice, status: 'FILLED' }),
    bobs: w.orders.addOrder({ user_id: w.bob, status: 'OPEN' }),
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SetKillSwitchUseCase', () => {
  it('engaging a user’s switch records it, the risk event and the audit in one transaction, and requests cancel of their open orders', async () => {
    const w = setup();
    const o = seedOrders(w);
    const res = await w.set.execute(w.alice, 'user', w.alice, true, 'stepping away', meta);

    expect(w.risk.switchRows.get(`user:${w.alice}`)).toEqual({
      engaged: true,
      reason: 'stepping away',
      changed_at: NOW,
      changed_by: w.alice,
    });
    expect(w.risk.eventRows.map((e) => [e.user_id, e.kind, e.rule, e.detail, e.inTransaction])).toEqual([
      [w.alice, 'SWITCH_ENGAGED', 'USER_KILL_SWITCH', 'stepping away', true],
    ]);
    expect(w.audit.records).toEqual([
      expect.objectContaining({
        actorId: w.alice,
        action: 'risk.killswitch_engaged',
        subject: `user:${w.alice}`,
        details: { reason: 'stepping away' },
        meta,
        inTransaction: true,
      }),
    ]);
    // Every open order of the scope, including one already asked (the switch asks again), each in its own status.
    const cancelled = [o.open, o.pending, o.partial, o.trigger, o.asked];
    expect(w.orders.events.map((e) => [e.orderId, e.status, e.event, e.details, e.inTransaction])).toEqual(
      cancelled.map((c) => [c.id, c.status, 'CANCEL_REQUESTED', { by: 'kill switch' }, true]),
    );
    for (const c of cancelled) expect(w.orders.get(c.id)!.cancel_requested).toBe(true);
    expect(w.orders.get(o.filled.id)).toEqual(o.filled);
    expect(w.orders.get(o.bobs.id)).toEqual(o.bobs);
    expect(w.db.transactions).toEqual([{ lock: undefined, state: 'committed' }]);
    expect(res).toEqual({ global: OFF, self: { engaged: true, reason: 'stepping away', at: NOW.toISOString() } });
  });

  it('enqueues one cancel job per cancelled order and announces the switch to the user, all after the commit', async () => {
    const w = setup();
    const o = seedOrders(w);
    await w.set.execute(ADMIN, 'user', w.alice, true, 'compliance hold', meta);

    expect(w.jobs.enqueued).toEqual(
      [o.open, o.pending, o.partial, o.trigger, o.asked].map((c) => ({
        name: JOBS.cancelOrder,
        payload: { orderId: c.id },
        jobId: `cancel_${c.id}`,
        openTransactions: 0,
      })),
    );
    expect(w.realtime.messages).toEqual([
      {
        kind: 'user',
        to: w.alice,
        event: REALTIME_EVENTS.killSwitch,
        payload: { scope: 'user', userId: w.alice, engaged: true, reason: 'compliance hold' },
        openTransactions: 0,
      },
    ]);
    expect(w.notifications.emitted).toEqual([
      {
        userId: w.alice,
        key: expect.stringMatching(new RegExp(`^kill_switch:user:${w.alice}:on:\\d+$`)),
        facts: { kind: 'kill_switch', scope: 'user', engaged: true, reason: 'compliance hold', automatic: false },
        openTransactions: 0,
      },
    ]);
  });

  it('the global switch cancels everyone’s open orders, is recorded without a user and notifies the admin room', async () => {
    const w = setup();
    const o = seedOrders(w);
    const res = await w.set.execute(ADMIN, 'global', null, true, 'exchange outage', meta);

    expect(w.risk.switchRows.get('global:')).toMatchObject({ engaged: true, reason: 'exchange outage', changed_by: ADMIN });
    expect(w.risk.eventRows.map((e) => [e.user_id, e.kind, e.rule])).toEqual([[null, 'SWITCH_ENGAGED', 'GLOBAL_KILL_SWITCH']]);
    expect(w.audit.records.map((r) => [r.action, r.subject])).toEqual([['risk.killswitch_engaged', 'global']]);
    expect(w.jobs.enqueued.map((j) => j.jobId).sort()).toEqual(
      [o.open, o.pending, o.partial, o.trigger, o.asked, o.bobs].map((c) => `cancel_${c.id}`).sort(),
    );
    expect(w.orders.get(o.filled.id)).toEqual(o.filled);
    expect(w.realtime.messages).toEqual([
      {
        kind: 'room',
        to: 'admin',
        event: REALTIME_EVENTS.killSwitch,
        payload: { scope: 'global', userId: null, engaged: true, reason: 'exchange outage' },
        openTransactions: 0,
      },
    ]);
    expect(w.notifications.emitted.map((e) => [e.userId, e.facts])).toEqual([
      [
        { roles: ['trader', 'admin'] },
        { kind: 'kill_switch', scope: 'global', engaged: true, reason: 'exchange outage', automatic: false },
      ],
    ]);
    expect(res).toEqual({ global: { engaged: true, reason: 'exchange outage', at: NOW.toISOString() }, self: OFF });
  });

  it('releasing a switch records and audits the release but cancels nothing', async () => {
    const w = setup();
    const o = seedOrders(w);
    w.risk.seedSwitch('user', w.alice, { engaged: true, reason: 'tripped' });
    const res = await w.set.execute(ADMIN, 'user', w.alice, false, 'reviewed', meta);

    expect(w.risk.switchRows.get(`user:${w.alice}`)).toMatchObject({ engaged: false, reason: 'reviewed' });
    expect(w.risk.eventRows.map((e) => [e.kind, e.rule])).toEqual([['SWITCH_RELEASED', 'USER_KILL_SWITCH']]);
    expect(w.audit.actions()).toEqual(['risk.killswitch_released']);
    expect(w.orders.events).toEqual([]);
    expect(w.orders.get(o.open.id)!.cancel_requested).toBe(false);
    expect(w.jobs.enqueued).toEqual([]);
    expect(w.realtime.messages.map((m) => m.payload)).toEqual([{ scope: 'user', userId: w.alice, engaged: false, reason: 'reviewed' }]);
    expect(res.self).toMatchObject({ engaged: false, reason: 'reviewed' });
  });

  it('setting a switch to the state it already has records no event or audit and cancels nothing', async () => {
    const w = setup();
    const o = seedOrders(w);
    w.risk.seedSwitch('user', w.alice, { engaged: true, reason: 'first' });
    await w.set.execute(ADMIN, 'user', w.alice, true, 'again', meta);
    await w.set.execute(ADMIN, 'global', null, false, 'never engaged', meta);

    expect(w.risk.eventRows).toEqual([]);
    expect(w.audit.records).toEqual([]);
    expect(w.orders.events).toEqual([]);
    expect(w.orders.get(o.open.id)).toEqual(o.open);
    expect(w.jobs.enqueued).toEqual([]);
    expect(w.db.rolledBack).toBe(0);
    // As the code stands: RiskRepository.setSwitch upserts the row anyway (the reason is replaced),
    // and the state is announced again.
    expect(w.risk.switchRows.get(`user:${w.alice}`)).toMatchObject({ engaged: true, reason: 'again' });
    expect(w.realtime.messages).toHaveLength(2);
    expect(w.notifications.emitted).toEqual([]);
  });

  it('a user scope naming an unknown user is NOT_FOUND: nothing written, enqueued or announced', async () => {
    const w = setup();
    seedOrders(w);
    const err = await refusal(w.set.execute(ADMIN, 'user', 'nobody' as UserId, true, 'x', meta));

    expect(err.code).toBe('NOT_FOUND');
    expect(w.risk.writes).toEqual([]);
    expect(w.risk.eventRows).toEqual([]);
    expect(w.audit.records).toEqual([]);
    expect(w.orders.events).toEqual([]);
    expect(w.jobs.enqueued).toEqual([]);
    expect(w.realtime.messages).toEqual([]);
    expect(w.db.rolledBack).toBe(1);
  });

  it('when requesting the cancels fails, the switch, event and audit roll back with it and no job leaves', async () => {
    class FailingTrading extends FakeTrading {
      override async requestCancelOfOpenOrders(...args: Parameters<FakeTrading['requestCancelOfOpenOrders']>): Promise<never> {
        await super.requestCancelOfOpenOrders(...args);
        throw new Error('deadlock detected');
      }
    }
    const w = setup((db) => new FailingTrading(db));
    const o = seedOrders(w);

    await expect(w.set.execute(ADMIN, 'user', w.alice, true, 'x', meta)).rejects.toThrow('deadlock detected');
    expect(w.risk.switchRows.size).toBe(0);
    expect(w.risk.eventRows).toEqual([]);
    expect(w.audit.records).toEqual([]);
    expect(w.orders.events).toEqual([]);
    expect(w.orders.get(o.open.id)).toEqual(o.open);
    expect(w.jobs.enqueued).toEqual([]);
    expect(w.realtime.messages).toEqual([]);
  });

  it('squareOff on the global switch asks, in the same transaction, for a square-off of everyone with a position, once per engagement', async () => {
    const w = setup();
    w.squareOffs.withPositions = [w.alice, w.bob];
    await w.set.execute(ADMIN, 'global', null, true, 'exchange outage', meta, { squareOff: true });

    expect(w.squareOffs.requested).toEqual([
      { engagementId: 'eng-1', scope: 'global', userId: w.alice, by: ADMIN },
      { engagementId: 'eng-1', scope: 'global', userId: w.bob, by: ADMIN },
    ]);
    const squareOff = { engagementId: 'eng-1', users: 2 };
    expect(w.risk.eventRows.map((e) => [e.kind, e.context])).toEqual([['SWITCH_ENGAGED', { squareOff: true, ...squareOff }]]);
    expect(w.audit.records.map((r) => [r.action, r.subject, r.details, r.inTransaction])).toEqual([
      ['risk.killswitch_engaged', 'global', { reason: 'exchange outage', squareOff: true, ...squareOff }, true],
    ]);
    expect(w.db.transactions).toEqual([{ lock: undefined, state: 'committed' }]);

    // Engaged already: the same engagement, nobody covered twice; only the request is audited.
    await w.set.execute(ADMIN, 'global', null, true, 'again', meta, { squareOff: true });
    expect(w.squareOffs.requested).toHaveLength(2);
    expect(w.audit.records.slice(1).map((r) => [r.action, r.details])).toEqual([
      ['risk.killswitch_square_off_requested', { reason: 'again', engagementId: 'eng-1', users: 0 }],
    ]);
    expect(w.risk.eventRows).toHaveLength(1);

    // Released and engaged again: a new engagement squares off again.
    await w.set.execute(ADMIN, 'global', null, false, 'resolved', meta);
    await w.set.execute(ADMIN, 'global', null, true, 'outage again', meta, { squareOff: true });
    expect(w.squareOffs.requested.slice(2).map((r) => [r.engagementId, r.userId])).toEqual([
      ['eng-2', w.alice],
      ['eng-2', w.bob],
    ]);
  });

  it('squareOff on a switch engaged without it covers that engagement once, audited as a square-off request', async () => {
    const w = setup();
    await w.set.execute(w.alice, 'user', w.alice, true, 'stepping away', meta);
    expect(w.squareOffs.requested).toEqual([]);
    await w.set.execute(w.alice, 'user', w.alice, true, 'and flatten', meta, { squareOff: true });
    await w.set.execute(w.alice, 'user', w.alice, true, 'and flatten', meta, { squareOff: true });

    expect(w.squareOffs.requested).toEqual([{ engagementId: 'eng-1', scope: 'user', userId: w.alice, by: w.alice }]);
    expect(w.audit.records.map((r) => [r.action, r.details])).toEqual([
      ['risk.killswitch_engaged', { reason: 'stepping away' }],
      ['risk.killswitch_square_off_requested', { reason: 'and flatten', engagementId: 'eng-1', users: 1 }],
      ['risk.killswitch_square_off_requested', { reason: 'and flatten', engagementId: 'eng-1', users: 0 }],
    ]);
  });

  it('squareOff with a release is VALIDATION_FAILED before anything is written', async () => {
    const w = setup();
    w.risk.seedSwitch('global', '', { engaged: true, reason: 'halt' });
    expect((await refusal(w.set.execute(ADMIN, 'global', null, false, 'resolved', meta, { squareOff: true }))).code).toBe(
      'VALIDATION_FAILED',
    );
    expect(w.db.transactions).toEqual([]);
    expect(w.squareOffs.requested).toEqual([]);
  });
});

describe('GetKillSwitchesQuery', () => {
  it('answers both switches disengaged until one is set, then the global one and the caller’s own only', async () => {
    const w = setup();
    expect(await w.switches.execute(w.alice)).toEqual({ global: OFF, self: OFF });

    w.risk.seedSwitch('user', w.bob, { engaged: true, reason: 'bob only' });
    expect(await w.switches.execute(w.alice)).toEqual({ global: OFF, self: OFF });

    w.risk.seedSwitch('global', '', { engaged: true, reason: 'halt' });
    w.risk.seedSwitch('user', w.alice, { engaged: true, reason: 'mine' });
    expect(await w.switches.execute(w.alice)).toEqual({
      global: { engaged: true, reason: 'halt', at: NOW.toISOString() },
      self: { engaged: true, reason: 'mine', at: NOW.toISOString() },
    });
  });
});

describe('GetAdminKillSwitchesQuery', () => {
  it('answers the global switch, with a named user’s when asked, and NOT_FOUND for an unknown user', async () => {
    const w = setup();
    w.risk.seedSwitch('global', '', { engaged: true, reason: 'halt' });
    w.risk.seedSwitch('user', w.alice, { engaged: true, reason: 'mine' });
    const global = { engaged: true, reason: 'halt', at: NOW.toISOString() };

    expect(await w.admin.execute(undefined)).toEqual({ global, user: null });
    expect(await w.admin.execute(w.alice)).toEqual({ global, user: { engaged: true, reason: 'mine', at: NOW.toISOString() } });
    expect(await w.admin.execute(w.bob)).toEqual({ global, user: OFF });
    expect((await refusal(w.admin.execute('nobody' as UserId))).code).toBe('NOT_FOUND');
  });
});

describe('ListRiskEventsQuery', () => {
  it('a user sees their own events and the global ones (not drift alerts), newest first, up to the limit; null sees all', async () => {
    const w = setup();
    const events = new ListRiskEventsQuery(port<RiskRepository>(w.risk));
    await w.risk.recordEvent({ userId: w.alice, kind: 'REJECTED', rule: 'MAX_ORDER_VALUE', detail: 'too big' });
    vi.setSystemTime(new Date(NOW.getTime() + 1000));
    await w.risk.recordEvent({ userId: null, kind: 'SWITCH_ENGAGED', rule: 'GLOBAL_KILL_SWITCH', detail: 'halt' });
    await w.risk.recordEvent({ userId: null, kind: 'DRIFT', rule: 'FEATURE_DRIFT', detail: 'psi 0.4', context: { modelId: 'm' } });
    await w.risk.recordEvent({ userId: w.bob, kind: 'TRIPPED', rule: 'MAX_DAILY_LOSS', detail: 'bob' });

    const mine = await events.execute(w.alice);
    expect(mine).toEqual([
      {
        id: '2',
        userId: null,
        kind: 'SWITCH_ENGAGED',
        rule: 'GLOBAL_KILL_SWITCH',
        detail: 'halt',
        orderId: null,
        at: '2025-03-14T09:26:54.000Z',
      },
      { id: '1', userId: w.alice, kind: 'REJECTED', rule: 'MAX_ORDER_VALUE', detail: 'too big', orderId: null, at: NOW.toISOString() },
    ]);
    expect((await events.execute(w.alice, 1)).map((e) => e.id)).toEqual(['2']);
    expect((await events.execute(null)).map((e) => e.id)).toEqual(['4', '3', '2', '1']);
  });
});
