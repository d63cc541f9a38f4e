import { Inject, Injectable, Optional } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  applyBrokerUpdate,
  FEE_LINE_KIND,
  historyEventOf,
  holdTx,
  isDomainError,
  planModification,
  type FeeLine,
  formatMoney,
  isTerminalStatus,
  realizedPnl,
  releaseTx,
  remainingQuantity,
  reservationFor,
  settleFill,
  type AcceptedHow,
  type BrokerOrderReport,
  type JournalTransaction,
  type OrderFill,
  type OrderHistoryEvent,
  type OrderId,
  type Paise,
  type Position,
  type UserId,
} from '@tradeloop/domain';
import { REALTIME_EVENTS, type RealtimeEvent, type Trade, type Wallet } from '@tradeloop/contracts';
import { combinedSliceReport, mergeSliceReport } from '@tradeloop/brokers';
import {
  Db,
  GroupCommit,
  METRICS,
  type Metrics,
  type Sql,
  NotificationEvents,
  RealtimePublisher,
  type NotificationEvent,
} from '@tradeloop/platform';
import { InstrumentsRepository, QuotesStore } from '@tradeloop/market';
import { LedgerRepository, type PostedTransaction } from '@tradeloop/wallet';
import { OrderDraft } from './order-draft';
import { bookOf } from './hold-book';
import { orderState, reservationBasisOf, toOrderDto, type OrderRow } from './order-row';
import { toPositionDto, toTradeDto } from './trading-dtos';
import { lockedPositionKey, positionKey, TradingRepository, type AccountPosition } from './trading.repository';

/** What to tell the owner once a transaction has committed (all built in hand: no re-reads). */
interface Outbox {
  userId: UserId;
  order?: OrderRow;
  trades: Trade[];
  positions: Map<string, AccountPosition>;
  wallet: Wallet | null;
  /** The paper account's balances after a paper order's postings (never announced as the wallet). */
  paper: { accountId: string; balance: Wallet } | null;
  /** Ledger postings of this change, written together at the end of its transaction (one statement for the batch). */
  postings: JournalTransaction[];
  /** What the change's transaction holds: shared by every change of a group commit. */
  batch: BatchState;
}

/** What a transaction of changes has locked so far: positions by lockedPositionKey, as the changes before left them. */
interface BatchState {
  positions: Map<string, Position>;
}

/** A change waiting for its group commit. */
interface PendingChange {
  orderId: OrderId;
  work: (sql: Sql, d: OrderDraft, out: Outbox) => Promise<unknown>;
  /** The change will likely fill: its position is locked up front with the batch's others, in key order. */
  fills: boolean;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** Group commit of the engine's changes (ADR 0015): at most this many orders per transaction. */
const MAX_BATCH = 32;
/** Transactions of changes in flight at once per process. */
const MAX_IN_FLIGHT = 2;
/** How long a change waits for company while another batch is being written. */
const MAX_WAIT_MS = 2;

const newOutbox = (batch: BatchState): Outbox => ({
  userId: '',
  trades: [],
  positions: new Map(),
  wallet: null,
  paper: null,
  postings: [],
  batch,
});

/** A batch's changes could not all be applied together: each is applied alone instead. */
class SplitBatch extends Error {}

/** Notes the balances a posting left, in the book it was made in (the wallet, or the paper account's). */
function noteBalances(out: Outbox, posted: PostedTransaction): void {
  if (posted.book.kind === 'paper') out.paper = { accountId: posted.book.accountId, balance: posted.balances };
  else out.wallet = posted.balances;
}

/** An order of a watchlist leg changed (docs/watchlist-trading.md): told after the commit. */
export interface LegOrderChange {
  legId: string;
  orderId: OrderId;
  userId: UserId;
  accountId: string;
  status: OrderRow['status'];
  /** Fills this change applied. */
  fills: number;
}

/** A broker report for one of the order's broker ids. */
export interface BrokerReportFor {
  brokerOrderId: string;
  report: BrokerOrderReport & { updatedAt: number };
}

/**
 * The execution engine's database side. Every change to an order happens in one transaction
 * with the order row locked: its history entries, and for a fill the trade (unique per broker
 * fill), the ledger postings, the hold released and the position — so a fill reported twice, or
 * re-read after a crash, is applied exactly once. Steps build an OrderDraft saved in one
 * statement; events go out after the commit, from what the transaction already knows.
 *
 * Every status change is a typed history entry applied through the transition table
 * (OrderDraft.record → applyOrderEvent): the acknowledgement is ACCEPTED (OPENED, or ARMED for a
 * stop), our own refusals and cancellations CANCELLED / REJECTED, broker reports the events
 * applyBrokerUpdate derives. So the stored history replays to the row (domain replayOrder).
 */
@Injectable()
export class ExecutionService {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(NotificationEvents) private readonly notifications: NotificationEvents,
    @Optional() @Inject(METRICS) private readonly metrics?: Metrics,
  ) {}

  /**
   * Told after the commit of every change to an order of a watchlist leg (a fill, a cancel, a
   * rejection…), in this process: the worker's exit engine reloads the leg, convergence re-plans it.
   * A listener must not throw (it is caught and ignored) and must not block.
   */
  readonly legOrderListeners = new Set<(change: LegOrderChange) => void>();

  /**
   * Told after the commit of every change to an order placed with `tag` (alert orders carry
   * `alert`, docs/alerts.md "Processing"), in this process, with the order's id and status. Same
   * rules as legOrderListeners: must not throw, must not block.
   */
  readonly taggedOrderListeners = new Map<string, (change: { orderId: OrderId; status: OrderRow['status'] }) => void>();

  /**
   * Before the broker call: records that the order is being sent (so a retry after a crash
   * looks the order up at the broker before sending again). Returns what to do: `send`,
   * `lookup` (an earlier attempt may have reached the broker), or `skip` (terminal, already at
   * the broker, or cancelled before it left — then it is CANCELLED here).
   */
  async beginSend(orderId: OrderId): Promise<{ action: 'send' | 'skip' | 'lookup'; order: OrderRow | undefined }> {
    const marked = await this.trading.markSending(orderId);
    if (marked) return { action: marked.send_attempts > 1 ? 'lookup' : 'send', order: marked };
    // Not sendable: missing, terminal, at the broker already — or cancelled before it left.
    const order = await this.change(orderId, (_sql, d, out) => {
      if (d.row.cancel_requested && d.row.broker_order_ids.length === 0 && !isTerminalStatus(d.row.status)) {
        this.finish(d, { event: 'CANCELLED', details: { reason: 'cancelled before it was sent' } }, out);
      }
      return Promise.resolve(d.row);
    });
    return { action: 'skip', order };
  }

  /**
   * The broker took the order: its ids are recorded and it is OPEN (or waiting for its
   * trigger); `reports` the broker already pushed (an order that filled on arrival) are applied
   * in the same transaction.
   */
  async accepted(
    orderId: OrderId,
    brokerOrderIds: readonly string[],
    how: AcceptedHow,
    reports: readonly BrokerReportFor[] = [],
  ): Promise<OrderRow | undefined> {
    return this.change(
      orderId,
      async (sql, d, out) => {
        if (d.row.broker_order_ids.length > 0 || isTerminalStatus(d.row.status)) return d.row;
        // OPENED, or ARMED for a stop (acceptanceEvent), through the table.
        d.change({ brokerOrderIds: [...brokerOrderIds] });
        d.record({ event: 'ACCEPTED', details: { brokerOrderIds: [...brokerOrderIds], how } });
        for (const r of reports) await this.applyTo(sql, d, r.brokerOrderId, r.report, r.report.updatedAt, out);
        return d.row;
      },
      { fills: reports.some((r) => r.report.filledQuantity > 0) },
    );
  }

  /** A final refusal (by us or the broker): REJECTED, hold released. */
  async rejected(orderId: OrderId, reason: string): Promise<void> {
    await this.change(orderId, (_sql, d, out) => {
      if (!isTerminalStatus(d.row.status)) this.finish(d, { event: 'REJECTED', details: { reason } }, out);
      return Promise.resolve();
    });
  }

  /** Cancelled while still ours (never sent). */
  async cancelledLocally(orderId: OrderId): Promise<void> {
    await this.change(orderId, (_sql, d, out) => {
      if (!isTerminalStatus(d.row.status) && d.row.broker_order_ids.length === 0)
        this.finish(d, { event: 'CANCELLED', details: { reason: 'cancelled before it was sent' } }, out);
      return Promise.resolve();
    });
  }

  /**
   * The broker applied the order's pending modification: its terms and reservation basis
   * change, and the hold follows the new reservation of what is left (more held, or some
   * released). Should the money for a larger hold be gone meanwhile, the order — already
   * bigger at the broker — is cancelled rather than left under-funded.
   */
  async modified(orderId: OrderId): Promise<{ cancel: boolean }> {
    let cancel = false;
    await this.change(
      orderId,
      async (sql, d, out) => {
        const change = d.row.pending_modification;
        if (!change) return;
        d.change({ pendingModification: null });
        if (isTerminalStatus(d.row.status))
          return d.record({ event: 'MODIFY_REJECTED', details: { reason: `the order is ${d.row.status}` } });
        const instrument = await this.instruments.cachedBySymbol(d.row.symbol, sql);
        // No price band here: the broker has taken the change already.
        const plan = planModification(orderState(d.row), reservationBasisOf(d.row), change, instrument!, { ltp: null });
        const before: Paise = BigInt(d.row.reserved_paise);
        let reserved: Paise = plan.reservation;
        try {
          if (reserved > before) noteBalances(out, await this.ledger.post(sql, holdTx(bookOf(d.row), reserved - before, d.row.id)));
        } catch (err) {
          if (!isDomainError(err) || err.code !== 'INSUFFICIENT_FUNDS') throw err;
          cancel = true;
          reserved = before;
        }
        if (reserved < before) noteBalances(out, await this.ledger.post(sql, releaseTx(bookOf(d.row), before - reserved, d.row.id)));
        d.change({ referencePrice: plan.basis.referencePrice, shortQuantity: plan.basis.shortQuantity, reserved });
        // The new terms through the table (MODIFIED): the same terms the plan checked.
        d.record({ event: 'MODIFIED', details: { ...change, reserved } });
        if (cancel) {
          d.change({ cancelRequested: true });
          d.record({ event: 'CANCEL_REQUESTED', details: { reason: 'the larger hold the modification needs is no longer available' } });
        }
        // Posted as it goes (a refused larger hold is an answer here, not a failure): in a transaction of its own.
      },
      { alone: true },
    );
    return { cancel };
  }

  /** The broker refused the pending modification: the order stays as it was. */
  async modificationRejected(orderId: OrderId, reason: string): Promise<void> {
    await this.change(orderId, (_sql, d) => {
      if (!d.row.pending_modification) return Promise.resolve();
      d.change({ pendingModification: null });
      d.record({ event: 'MODIFY_REJECTED', details: { reason } });
      return Promise.resolve();
    });
  }

  /** Finds our order for a broker order id (of that account only, when given). */
  async orderForBrokerId(brokerOrderId: string, accountId?: string): Promise<string | undefined> {
    return this.trading.orderIdForBrokerId(brokerOrderId, accountId);
  }

  /**
   * Applies a broker report (cumulative fills, status): a new fill becomes a trade with its
   * ledger postings and position; a terminal status releases what is still held. Stale or
   * repeated reports change nothing: fills are derived from the cumulative quantity against
   * the locked order row, so each broker fill is applied once (the trade's unique broker fill
   * id is the backstop).
   */
  async applyReport(
    orderId: OrderId,
    brokerOrderId: string,
    report: BrokerOrderReport,
    executedAt: number,
  ): Promise<'applied' | 'unchanged' | 'stale'> {
    const outcome = await this.change(orderId, (sql, d, out) => this.applyTo(sql, d, brokerOrderId, report, executedAt, out), {
      fills: report.filledQuantity > 0,
    });
    return outcome ?? 'unchanged';
  }

  private async applyTo(
    sql: Sql,
    d: OrderDraft,
    brokerOrderId: string,
    report: BrokerOrderReport,
    executedAt: number,
    out: Outbox,
  ): Promise<'applied' | 'unchanged' | 'stale'> {
    let applied: BrokerOrderReport = report;
    let fillKey = brokerOrderId;
    const ids = d.row.broker_order_ids;
    if (ids.length > 1) {
      // Sliced: this slice's report joins the others' last ones, and the combination is applied.
      if (!ids.includes(brokerOrderId)) return 'unchanged';
      const merged = mergeSliceReport(d.row.broker_slices ?? {}, brokerOrderId, { ...report, updatedAt: executedAt });
      if (!merged.changed) return 'unchanged';
      d.change({ brokerSlices: merged.book });
      applied = combinedSliceReport(d.row.quantity, ids, merged.book);
      // Fills of a sliced order are numbered on the combined quantity: one key space, whichever slice reported.
      fillKey = ids[0]!;
    }
    const instrument = await this.instruments.cachedBySymbol(d.row.symbol, sql);
    const result = applyBrokerUpdate(orderState(d.row), applied, { tickSize: instrument?.tickSize ?? 1 });
    if (result.outcome !== 'applied') return result.outcome;
    // The events the report implies, each through the table as it is recorded.
    for (const e of result.events) {
      if (e.type === 'FILL') await this.settle(sql, d, fillKey, e.fill, executedAt, out);
      else if (e.type === 'MODIFIED') throw new Error('a broker report never modifies an order');
      else d.record(historyEventOf(e));
    }
    const reserved: Paise = BigInt(d.row.reserved_paise);
    if (isTerminalStatus(d.row.status) && reserved > 0n) this.releaseRest(d, reserved, out);
    return 'applied';
  }

  /**
   * One fill: its trade, ledger postings and position, the FILL entry (through the table), and
   * the hold brought down to the reservation of what is left.
   */
  private async settle(sql: Sql, d: OrderDraft, brokerOrderId: string, fill: OrderFill, executedAt: number, out: Outbox): Promise<void> {
    const o = d.row;
    const before = orderState(o);
    // Locked with the batch's (or on this change's first fill); later fills continue from what the changes before left.
    const key = lockedPositionKey({ userId: o.user_id, accountId: o.account_id, symbol: o.symbol, product: o.product });
    const position = out.batch.positions.get(key) ?? (await this.trading.lockPosition(sql, o.user_id, o.account_id, o.symbol, o.product));
    const tradeId = uuidv7();
    const s = settleFill({ book: bookOf(o), reference: tradeId, order: before, basis: reservationBasisOf(o), fill, position });
    const trade = {
      id: tradeId,
      orderId: o.id,
      userId: o.user_id,
      symbol: o.symbol,
      side: o.side,
      product: o.product,
      quantity: fill.quantity,
      price: fill.price,
      value: s.value,
      fees: s.charges.fees,
      taxes: s.charges.taxes,
      charges: (Object.entries(s.charges.lines) as [FeeLine, Paise][]).map(([name, amount]) => ({
        name,
        kind: FEE_LINE_KIND[name],
        amount: formatMoney(amount),
      })),
      realizedDelta: realizedPnl(s.position) - realizedPnl(position),
      broker: o.broker,
      brokerTradeId: `${brokerOrderId}:${fill.id}`,
      executedAt: new Date(executedAt),
    };
    // Written with the transaction's other postings (the settlement and the release of the rest: one statement).
    out.postings.push(...s.transactions);
    out.batch.positions.set(key, s.position);
    d.fill(trade, { userId: o.user_id, accountId: o.account_id, symbol: o.symbol, product: o.product, position: s.position });
    d.record({ event: 'FILL', details: { fillId: fill.id, quantity: fill.quantity, price: fill.price } });
    const after = d.row;
    d.change({
      reserved: reservationFor(reservationBasisOf(after), after.quantity - after.filled_quantity, BigInt(after.filled_value_tick_units)),
    });
    out.trades.push(
      toTradeDto({
        ...trade,
        order_id: trade.orderId,
        price_ticks: String(trade.price),
        value_paise: trade.value.toString(),
        fees_paise: trade.fees.toString(),
        taxes_paise: trade.taxes.toString(),
        broker_trade_id: trade.brokerTradeId,
        executed_at: trade.executedAt,
      }),
    );
    out.positions.set(positionKey({ accountId: o.account_id, symbol: o.symbol, product: o.product }), {
      ...s.position,
      accountId: o.account_id,
      symbol: o.symbol,
      product: o.product,
    });
  }

  /** Our own end of an order (never sent, or refused for good): through the table, then what it holds goes back. */
  private finish(d: OrderDraft, entry: Extract<OrderHistoryEvent, { event: 'CANCELLED' | 'REJECTED' }>, out: Outbox): void {
    d.record(entry);
    const reserved: Paise = BigInt(d.row.reserved_paise);
    if (reserved > 0n) this.releaseRest(d, reserved, out);
  }

  /** Gives back what an order that will not fill further still holds. */
  private releaseRest(d: OrderDraft, reserved: Paise, out: Outbox): void {
    out.postings.push(releaseTx(bookOf(d.row), reserved, d.row.id));
    d.change({ reserved: 0n });
    d.record({ event: 'HOLD_RELEASED', details: { amount: reserved, remaining: remainingQuantity(orderState(d.row)) } });
  }

  /**
   * Group commit of order changes (docs/architecture.md "Order path", ADR 0015). Changes of
   * different orders that arrive while earlier ones are being written go in one transaction;
   * a change alone goes at once; two changes of one order never share a transaction, and the
   * later waits for the earlier's.
   */
  private readonly commits = new GroupCommit<PendingChange>({
    key: (p) => p.orderId,
    write: (batch) => this.writeBatch(batch),
    fail: (batch, err) => batch.forEach((p) => p.reject(err)),
    maxBatch: MAX_BATCH,
    maxInFlight: MAX_IN_FLIGHT,
    maxWaitMs: MAX_WAIT_MS,
    onBatch: (n) => {
      this.metrics?.groupCommitSize.observe({ path: 'engine' }, n);
      this.onBatch?.(n);
    },
  });

  /** Told each group commit's size (metrics). */
  onBatch: ((size: number) => void) | null = null;

  /**
   * Locks the order, lets `work` build its draft, writes the draft's ledger postings and the
   * draft (one statement each) and commits; then tells the owner. Undefined when the order does
   * not exist. `fills`: the change will likely fill (its position is locked up front).
   * `alone`: in a transaction of its own, now (a change that posts to the ledger as it goes).
   */
  private change<T>(
    orderId: OrderId,
    work: (sql: Sql, d: OrderDraft, out: Outbox) => Promise<T>,
    opts: { fills?: boolean; alone?: boolean } = {},
  ): Promise<T | undefined> {
    const pending = (resolve: (v: unknown) => void, reject: (e: unknown) => void): PendingChange => ({
      orderId,
      work,
      fills: opts.fills === true,
      resolve,
      reject,
    });
    if (opts.alone) return new Promise((resolve, reject) => void this.writeBatch([pending(resolve as (v: unknown) => void, reject)]));
    return new Promise((resolve, reject) => this.commits.submit(pending(resolve as (v: unknown) => void, reject)));
  }

  /**
   * Writes a batch of changes in one transaction. Each change's checks and transitions are its
   * own; if any of them fails — its transition refused, its ledger guard refusing, a deadlock —
   * nothing of the batch is kept and each change is applied alone, so a change's outcome is
   * exactly what it would have been without company.
   */
  private async writeBatch(batch: readonly PendingChange[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const done = await this.applyChanges(batch);
        batch.forEach((p, i) => p.resolve(done[i]));
        return;
      } catch {
        // Each alone, below.
        this.metrics?.groupCommitSplits.inc({ path: 'engine' });
      }
    }
    for (const p of batch) {
      try {
        const [r] = await this.applyChanges([p]);
        p.resolve(r);
      } catch (err) {
        p.reject(err);
      }
    }
  }

  private async applyChanges(batch: readonly PendingChange[]): Promise<unknown[]> {
    const state: BatchState = { positions: new Map() };
    const outs = batch.map(() => newOutbox(state));
    const split = batch.length > 1;
    const results = await this.db.tx(async (sql) => {
      // The orders, and the positions their fills will move, locked in one statement (id and key order).
      const locked = await this.trading.lockOrders(
        sql,
        batch.map((p) => p.orderId),
        batch.filter((p) => p.fills).map((p) => p.orderId),
      );
      const rows = locked.orders;
      for (const [k, v] of locked.positions) state.positions.set(k, v);
      const drafts: (OrderDraft | null)[] = [];
      const out: unknown[] = [];
      for (const [i, p] of batch.entries()) {
        const o = rows.get(p.orderId);
        if (!o) {
          drafts.push(null);
          out.push(undefined);
          continue;
        }
        const d = new OrderDraft(o);
        try {
          out.push(await p.work(sql, d, outs[i]!));
        } catch (err) {
          throw split ? new SplitBatch() : err;
        }
        drafts.push(d);
      }
      // Every posting of the transaction in one statement, in the order the changes made them.
      const txs = outs.flatMap((o) => o.postings);
      if (txs.length > 0) {
        const { written, ids } = await this.ledger.postMany(sql, txs);
        if (written.size < txs.length) {
          if (split) throw new SplitBatch();
          await this.ledger.explainRefusal(sql, txs[ids.findIndex((id) => !written.has(id))]!);
        }
        let k = 0;
        for (const o of outs) for (let j = 0; j < o.postings.length; j += 1) noteBalances(o, written.get(ids[k++]!)!);
      }
      const dirty = drafts.flatMap((d, i) => (d?.dirty ? [{ d, o: outs[i]! }] : []));
      if (dirty.length === 1) {
        const { d, o } = dirty[0]!;
        o.order = await this.trading.saveOrder(sql, d.row.id, d.changes, d.events, {
          trades: d.trades,
          positions: [...d.positions.values()],
        });
      } else if (dirty.length > 1) {
        const rows = await this.trading.saveOrders(
          sql,
          dirty.map(({ d }) => ({ row: d.row, events: d.events, trades: d.trades, positions: [...d.positions.values()] })),
        );
        dirty.forEach(({ o }, k) => (o.order = rows[k]));
      }
      for (const { d, o } of dirty) o.userId = d.row.user_id;
      return out;
    });
    await Promise.all(outs.map((o) => this.afterCommit(o)));
    return results;
  }

  /** After the commit: the owner hears of it; listeners in this process are told. */
  private async afterCommit(out: Outbox): Promise<void> {
    // Best effort, after the commit: a lost event shows as a seq gap and the client re-fetches.
    if (out.userId) await this.publish(out).catch(() => undefined);
    if (out.userId) await this.notify(out).catch(() => undefined);
    const o = out.order;
    const tagged = o?.client_tag ? this.taggedOrderListeners.get(o.client_tag) : undefined;
    if (o && tagged) {
      try {
        tagged({ orderId: o.id, status: o.status });
      } catch {
        // A listener's failure is its own; the order change is committed.
      }
    }
    if (o?.leg_id && this.legOrderListeners.size > 0) {
      const change: LegOrderChange = {
        legId: o.leg_id,
        orderId: o.id,
        userId: o.user_id,
        accountId: o.account_id,
        status: o.status,
        fills: out.trades.length,
      };
      for (const listen of this.legOrderListeners) {
        try {
          listen(change);
        } catch {
          // A listener's failure is its own; the order change is committed.
        }
      }
    }
  }

  /**
   * Fills and rejections as notification events (docs/alerts.md "Notifications"), after the
   * commit: one per trade (keyed by the trade id) and one per rejected order (by the order id),
   * so a report applied twice notifies once.
   */
  private async notify(out: Outbox): Promise<void> {
    const events: NotificationEvent[] = out.trades.map((t) => ({
      userId: out.userId,
      key: `fill:${t.id}`,
      facts: {
        kind: 'fill',
        symbol: t.symbol,
        side: t.side,
        quantity: t.quantity,
        price: t.price,
        orderId: t.orderId,
        complete: out.order?.status === 'FILLED',
      },
    }));
    const o = out.order;
    if (o && o.status === 'REJECTED')
      events.push({
        userId: out.userId,
        key: `rejection:${o.id}`,
        facts: {
          kind: 'rejection',
          symbol: o.symbol,
          side: o.side,
          quantity: o.quantity,
          reason: o.reject_reason ?? 'no reason given',
          orderId: o.id,
        },
      });
    if (events.length > 0) await this.notifications.emit(events);
  }

  /** What the commit changed, told to the owner in one message, in order (RealtimePublisher.toUserMany). */
  private async publish(out: Outbox): Promise<void> {
    const events: { event: RealtimeEvent; payload: object }[] = [];
    if (out.order) events.push({ event: REALTIME_EVENTS.orderUpdated, payload: { order: toOrderDto(out.order) } });
    for (const trade of out.trades) events.push({ event: REALTIME_EVENTS.tradeExecuted, payload: { trade } });
    if (out.wallet) events.push({ event: REALTIME_EVENTS.walletUpdated, payload: { wallet: out.wallet } });
    if (out.paper) events.push({ event: REALTIME_EVENTS.paperBalance, payload: out.paper });
    if (out.positions.size > 0) {
      const positions = [...out.positions.values()];
      const marks = await this.quotes.get([...new Set(positions.map((p) => p.symbol))]).catch(() => new Map<string, never>());
      for (const p of positions)
        events.push({ event: REALTIME_EVENTS.positionUpdated, payload: { position: toPositionDto(p, marks.get(p.symbol)?.[2] ?? null) } });
    }
    await this.realtime.toUserMany(out.userId, events);
  }
}
