import { JOB_PAYLOADS, type JobName, type JobPayload } from '@tradeloop/contracts';
import type {
  CancelRequestDetails,
  KillSwitchState,
  OrderHistoryDetails,
  OrderHistoryEventType,
  OrderId,
  OrderStatus,
  UserId,
} from '@tradeloop/domain';
import type { JobProducer, Sql } from '@tradeloop/platform';
import {
  DEFAULT_RISK_LIMITS,
  OPEN_STATUSES,
  type OrderChanges,
  type OrderRow,
  type RiskEventKind,
  type RiskRepository,
  type SwitchRow,
  type TradeRow,
  type TradingRepository,
  type UserRiskLimits,
  type AccountPosition,
} from '@tradeloop/trading';
import type { FakeDb } from './db';
import { fakePaperAccountId } from './accounts';

let seq = 0;
/** A fresh UUID (v4 layout, counter-based: deterministic within a run, valid for the job contracts). */
export const fakeUuid = (): string => `00000000-0000-4000-8000-${(++seq).toString(16).padStart(12, '0')}`;

/** One history entry as the fake stored it. */
export interface FakeOrderEvent {
  orderId: OrderId;
  status: OrderStatus;
  event: OrderHistoryEventType;
  details: Record<string, unknown>;
  at: Date;
  /** Whether it was appended inside a transaction (with that transaction's `sql`). */
  inTransaction: boolean;
}

/** How each OrderChanges key lands on the row (as TradingRepository's ORDER_CHANGE_COLUMNS writes it). */
const ROW_CHANGES: { [K in keyof OrderChanges]-?: (v: NonNullable<OrderChanges[K]> | null) => Partial<OrderRow> } = {
  status: (v) => ({ status: v as OrderStatus }),
  filledQuantity: (v) => ({ filled_quantity: v as number }),
  filledValue: (v) => ({ filled_value_tick_units: String(v) }),
  reserved: (v) => ({ reserved_paise: String(v) }),
  brokerOrderIds: (v) => ({ broker_order_ids: [...(v as string[])] }),
  brokerSlices: (v) => ({ broker_slices: v as OrderRow['broker_slices'] }),
  rejectReason: (v) => ({ reject_reason: v as string | null }),
  cancelRequested: (v) => ({ cancel_requested: v as boolean }),
  quantity: (v) => ({ quantity: v as number }),
  price: (v) => ({ price_ticks: v === null ? null : String(v) }),
  triggerPrice: (v) => ({ trigger_ticks: v === null ? null : String(v) }),
  referencePrice: (v) => ({ reference_price_ticks: String(v) }),
  shortQuantity: (v) => ({ short_quantity: v as number }),
  pendingModification: (v) => ({ pending_modification: v as OrderRow['pending_modification'] }),
  holdBook: (v) => ({ hold_book: v as OrderRow['hold_book'] }),
};

/**
 * Orders (rows and history), trades and positions of TradingRepository, in memory. Reads return
 * copies; writes made through a transaction's `sql` are undone if it rolls back. Orders are
 * seeded with `addOrder`, trades and positions by setting `tradesOf` / `positionsOf`.
 */
export class FakeTrading
  implements
    Pick<
      TradingRepository,
      | 'order'
      | 'updateOrder'
      | 'appendEvent'
      | 'history'
      | 'listOrders'
      | 'requestCancelOfOpenOrders'
      | 'trades'
      | 'positions'
      | 'paperOrdersHeldInWallet'
    >
{
  readonly orders = new Map<OrderId, OrderRow>();
  readonly events: FakeOrderEvent[] = [];
  /** Ids of orders read with `lock: true` (SELECT … FOR UPDATE), in order, and whether inside a transaction. */
  readonly lockedReads: { id: OrderId; inTransaction: boolean }[] = [];
  readonly tradesOf = new Map<UserId, TradeRow[]>();
  readonly positionsOf = new Map<UserId, AccountPosition[]>();

  constructor(private readonly db: FakeDb) {}

  /** Seeds an order (outside any transaction): an open LIMIT buy of 10 by default. */
  addOrder(o: Partial<OrderRow> & Pick<OrderRow, 'user_id'>): OrderRow {
    const at = new Date();
    const row: OrderRow = {
      id: fakeUuid() as OrderId,
      symbol: 'INFY',
      side: 'BUY',
      type: 'LIMIT',
      product: 'CNC',
      validity: 'DAY',
      quantity: 10,
      price_ticks: '15000000',
      trigger_ticks: null,
      status: 'OPEN',
      filled_quantity: 0,
      filled_value_tick_units: '0',
      reference_price_ticks: '15000000',
      short_quantity: 0,
      reserved_paise: '1500000',
      client_tag: null,
      account_id: fakePaperAccountId(o.user_id),
      strategy_id: null,
      signal_id: null,
      broker: 'mock',
      // A paper order holds in its paper account's book (libs/trading hold-book.ts).
      hold_book: 'paper',
      broker_order_ids: [],
      broker_slices: null,
      reject_reason: null,
      cancel_requested: false,
      pending_modification: null,
      created_at: at,
      updated_at: at,
      version: 1,
      ...o,
    };
    this.orders.set(row.id, row);
    return copy(row);
  }

  /** The stored row as it is now (a copy), or undefined. */
  get(id: OrderId): OrderRow | undefined {
    const row = this.orders.get(id);
    return row && copy(row);
  }

  /** The history entries of one order, oldest first. */
  eventsOf(orderId: OrderId): FakeOrderEvent[] {
    return this.events.filter((e) => e.orderId === orderId);
  }

  async order(id: OrderId, sql?: Sql, opts: { userId?: UserId; lock?: boolean } = {}): Promise<OrderRow | undefined> {
    const row = this.orders.get(id);
    if (!row || (opts.userId && row.user_id !== opts.userId)) return undefined;
    if (opts.lock) this.lockedReads.push({ id, inTransaction: this.db.inTransaction(sql) });
    return copy(row);
  }

  /** Open mock-broker orders whose hold is in the wallet, oldest first (as the repository's query). */
  async paperOrdersHeldInWallet(): Promise<OrderId[]> {
    return [...this.orders.values()]
      .filter((o) => o.hold_book === 'wallet' && o.broker === 'mock' && OPEN_STATUSES.includes(o.status))
      .sort((a, b) => a.created_at.getTime() - b.created_at.getTime())
      .map((o) => o.id);
  }

  async updateOrder(sql: Sql, id: OrderId, set: OrderChanges): Promise<OrderRow> {
    const row = this.orders.get(id);
    if (!row) throw new Error(`FakeTrading.updateOrder: no order ${id} (the real UPDATE … RETURNING would return no row)`);
    const patch: Partial<OrderRow> = { updated_at: new Date(), version: row.version + 1 };
    for (const [key, value] of Object.entries(set) as [keyof OrderChanges, never][]) {
      if (value !== undefined) Object.assign(patch, ROW_CHANGES[key](value));
    }
    this.change(sql, row, patch);
    return copy(row);
  }

  async appendEvent<E extends OrderHistoryEventType>(
    sql: Sql,
    orderId: OrderId,
    status: OrderStatus,
    event: E,
    details: OrderHistoryDetails<E>,
  ): Promise<void> {
    const stored: FakeOrderEvent = {
      orderId,
      status,
      event,
      details: structuredClone(details) as Record<string, unknown>,
      at: new Date(),
      inTransaction: this.db.inTransaction(sql),
    };
    this.events.push(stored);
    this.db.onRollback(sql, () => this.events.splice(this.events.indexOf(stored), 1));
  }

  async history(orderId: OrderId, _sql?: Sql): ReturnType<TradingRepository['history']> {
    return this.eventsOf(orderId).map((e) => ({ status: e.status, event: e.event, details: structuredClone(e.details), at: e.at }));
  }

  async listOrders(userId: UserId, q: { status?: string; symbol?: string; strategyId?: string; limit: number }): Promise<OrderRow[]> {
    return [...this.orders.values()]
      .filter((o) => o.user_id === userId)
      .filter((o) => (q.status === 'open' ? OPEN_STATUSES.includes(o.status) : !q.status || o.status === q.status))
      .filter((o) => !q.symbol || o.symbol === q.symbol.toUpperCase())
      .filter((o) => !q.strategyId || o.strategy_id === q.strategyId)
      .sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, q.limit)
      .map(copy);
  }

  async requestCancelOfOpenOrders(
    sql: Sql,
    scope: { userId: UserId } | { strategyId: string } | 'all',
    request: CancelRequestDetails,
    opts: { again?: boolean } = {},
  ): Promise<OrderId[]> {
    const open = [...this.orders.values()].filter(
      (o) =>
        OPEN_STATUSES.includes(o.status) &&
        (scope === 'all' || ('userId' in scope ? o.user_id === scope.userId : o.strategy_id === scope.strategyId)) &&
        (opts.again || !o.cancel_requested),
    );
    for (const o of open) {
      this.change(sql, o, { cancel_requested: true, updated_at: new Date(), version: o.version + 1 });
      await this.appendEvent(sql, o.id, o.status, 'CANCEL_REQUESTED', request);
    }
    return open.map((o) => o.id);
  }

  async trades(userId: UserId, limit: number): Promise<TradeRow[]> {
    return (this.tradesOf.get(userId) ?? [])
      .slice()
      .sort((a, b) => b.executed_at.getTime() - a.executed_at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, limit)
      .map((t) => structuredClone(t));
  }

  async positions(userId: UserId, _sql?: Sql): Promise<AccountPosition[]> {
    return (this.positionsOf.get(userId) ?? [])
      .slice()
      .sort((a, b) => (a.symbol === b.symbol ? a.product.localeCompare(b.product) : a.symbol.localeCompare(b.symbol)))
      .map((p) => ({ ...p }));
  }

  private change(sql: Sql, row: OrderRow, patch: Partial<OrderRow>): void {
    const before = copy(row);
    Object.assign(row, patch);
    this.db.onRollback(sql, () => Object.assign(row, before));
  }
}

const copy = (r: OrderRow): OrderRow => structuredClone(r);

/** One stored kill switch row (kill_switches), with who changed it. */
export interface FakeSwitch extends SwitchRow {
  changed_by: string | null;
}

/** One stored risk event. */
export interface FakeRiskEvent {
  id: string;
  user_id: UserId | null;
  kind: RiskEventKind;
  rule: string;
  detail: string;
  order_id: OrderId | null;
  context: unknown;
  at: Date;
  inTransaction: boolean;
}

/**
 * RiskRepository's limits, kill switches and risk events, in memory. Absent limits are the
 * defaults and absent switches disengaged, as in the repository; `setSwitch` upserts the row
 * (reason, changed_by, changed_at) even when `engaged` is unchanged, and answers whether it changed.
 */
export class FakeRisk implements Pick<RiskRepository, 'limits' | 'setLimits' | 'switches' | 'setSwitch' | 'recordEvent' | 'events'> {
  readonly limitsOf = new Map<UserId, UserRiskLimits & { updatedBy: UserId | null }>();
  /** Switches by `${scope}:${scopeId}` (the global one is `global:`). */
  readonly switchRows = new Map<string, FakeSwitch>();
  readonly eventRows: FakeRiskEvent[] = [];
  /** Every setLimits / setSwitch call, in order (a write, whether or not it changed anything). */
  readonly writes: { kind: 'limits' | 'switch'; key: string; inTransaction: boolean }[] = [];
  private nextEventId = 0;

  constructor(private readonly db: FakeDb) {}

  async limits(userId: UserId, _sql?: Sql): Promise<UserRiskLimits> {
    const l = this.limitsOf.get(userId);
    if (!l) return DEFAULT_RISK_LIMITS;
    const { updatedBy: _by, ...limits } = l;
    return limits;
  }

  async setLimits(sql: Sql, userId: UserId, l: UserRiskLimits, actorId: UserId): Promise<void> {
    const before = this.limitsOf.get(userId);
    this.limitsOf.set(userId, { ...l, updatedBy: actorId });
    this.writes.push({ kind: 'limits', key: userId, inTransaction: this.db.inTransaction(sql) });
    this.db.onRollback(sql, () => (before ? this.limitsOf.set(userId, before) : this.limitsOf.delete(userId)));
  }

  /** Sets a switch directly (outside any transaction), as seed data. */
  seedSwitch(scope: 'global' | 'user' | 'strategy', scopeId: string, s: KillSwitchState, changedBy: string | null = null): void {
    this.switchRows.set(`${scope}:${scopeId}`, {
      engaged: s.engaged,
      reason: s.reason ?? null,
      changed_at: new Date(),
      changed_by: changedBy,
    });
  }

  async switches(
    userId: UserId,
    strategyId: string | null = null,
    _sql?: Sql,
  ): Promise<{ global: SwitchRow; user: SwitchRow; strategy: SwitchRow | null }> {
    const find = (key: string): SwitchRow => {
      const s = this.switchRows.get(key);
      return s ? { engaged: s.engaged, reason: s.reason, changed_at: s.changed_at } : { engaged: false, reason: null, changed_at: null };
    };
    return { global: find('global:'), user: find(`user:${userId}`), strategy: strategyId ? find(`strategy:${strategyId}`) : null };
  }

  async setSwitch(
    sql: Sql,
    scope: 'global' | 'user' | 'strategy',
    scopeId: string,
    engaged: boolean,
    reason: string,
    actorId: string | null,
  ): Promise<boolean> {
    const key = `${scope}:${scopeId}`;
    const before = this.switchRows.get(key);
    this.switchRows.set(key, { engaged, reason, changed_at: new Date(), changed_by: actorId });
    this.writes.push({ kind: 'switch', key, inTransaction: this.db.inTransaction(sql) });
    this.db.onRollback(sql, () => (before ? this.switchRows.set(key, before) : this.switchRows.delete(key)));
    return (before?.engaged ?? false) !== engaged;
  }

  async recordEvent(
    e: { userId: UserId | null; kind: RiskEventKind; rule: string; detail: string; orderId?: OrderId | null; context?: unknown },
    sql?: Sql,
  ): Promise<void> {
    const stored: FakeRiskEvent = {
      id: String(++this.nextEventId),
      user_id: e.userId,
      kind: e.kind,
      rule: e.rule,
      detail: e.detail,
      order_id: e.orderId ?? null,
      context: structuredClone(e.context ?? {}),
      at: new Date(),
      inTransaction: this.db.inTransaction(sql),
    };
    this.eventRows.push(stored);
    this.db.onRollback(sql, () => this.eventRows.splice(this.eventRows.indexOf(stored), 1));
  }

  async events(userId: UserId | null, limit: number): ReturnType<RiskRepository['events']> {
    return this.eventRows
      .filter((e) => !userId || e.user_id === userId || (e.user_id === null && e.kind !== 'DRIFT'))
      .sort((a, b) => Number(b.id) - Number(a.id))
      .slice(0, limit)
      .map(({ id, user_id, kind, rule, detail, order_id, at }) => ({ id, user_id, kind, rule, detail, order_id, at }));
  }
}

/** One job handed to the queue. */
export interface FakeJob {
  name: JobName;
  payload: unknown;
  jobId: string | undefined;
  /** How many transactions were open when it was enqueued (jobs should leave after commit: 0). */
  openTransactions: number;
}

/**
 * The job queue as a list of what was enqueued. Payloads are checked against the contract, as
 * JobProducer does; a job id seen before is recorded again (BullMQ ignores the duplicate: see
 * `distinctJobIds`).
 */
export class FakeJobs implements Pick<JobProducer, 'enqueue'> {
  readonly enqueued: FakeJob[] = [];

  constructor(private readonly db?: FakeDb) {}

  async enqueue<J extends JobName>(name: J, payload: JobPayload<J>, opts: { jobId?: string } = {}): Promise<string> {
    const data = JOB_PAYLOADS[name].parse(payload);
    const jobId = opts.jobId;
    this.enqueued.push({ name, payload: data, jobId, openTransactions: this.db?.openTransactions ?? 0 });
    return jobId ?? fakeUuid();
  }

  /** The jobs BullMQ would hold: the first of each job id. */
  distinctJobIds(): string[] {
    return [...new Set(this.enqueued.flatMap((j) => (j.jobId === undefined ? [] : [j.jobId])))];
  }
}
