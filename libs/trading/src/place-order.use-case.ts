import { Inject, Injectable, Optional } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  checkPreTradeRisk,
  DomainError,
  formatMoneyIndian,
  holdTx,
  isDomainError,
  orderReservation,
  riskError,
  type JournalTransaction,
  type OrderPlacedDetails,
  type OrderSide,
  type Paise,
  type Product,
  type UserId,
} from '@tradeloop/domain';
import { JOBS, REALTIME_EVENTS, type Order, type PlaceOrderRequest, type Wallet } from '@tradeloop/contracts';
import {
  Db,
  GroupCommit,
  METRICS,
  type Metrics,
  type Sql,
  Idempotency,
  type StoredResponse,
  JobProducer,
  RealtimePublisher,
} from '@tradeloop/platform';
import { AuditRepository, type AuditRecord, type RequestMeta } from '@tradeloop/identity';
import { TradingAccounts } from '@tradeloop/accounts';
import { InstrumentsRepository, QuotesStore } from '@tradeloop/market';
import { LedgerRepository, PaperBooks } from '@tradeloop/wallet';
import { toOrderDto } from './order-row';
import { RiskRepository, switchState } from './risk.repository';
import { TradingRepository, type NewOrderRow } from './trading.repository';
import { IntakeReadModel, type IntakeView } from './intake.read-model';
import { validateOrderRequest } from './order-request';
import { intakeLockKey } from './intake-lock';
import { LiveBrokerClients } from './live-broker-clients';
import { bookOf, holdBookFor } from './hold-book';
import { squareOffItems } from './square-off';

/** What an order of a leg or a strategy carries besides its request. */
export interface PlaceOptions {
  strategyId?: string;
  signalId?: string;
  legId?: string;
  intentId?: string;
  /** A smart order (OpenAlgo placesmartorder): the net position at the broker it should leave for (symbol, product). */
  positionSize?: number;
}

/** One order of a batch (placeWithin): its request, its Idempotency-Key, and its options. */
export interface PlaceItem {
  body: PlaceOrderRequest;
  key: string;
  meta: RequestMeta;
  opts?: PlaceOptions;
}

/** One order's outcome in a batch: placed (or its key's earlier answer), or refused with the error a single intake would have thrown. */
export type PlaceOutcome = { ok: true; order: Order; replayed: boolean } | { ok: false; error: unknown };

/**
 * Where a committed order goes to be sent (docs/architecture.md "Order path"): by default the
 * execution queue; a process that hosts the engine itself (the worker) sends its own orders —
 * a risk exit's, a strategy's, a convergence's — straight to the broker session, without the
 * queue's round trip. `dispatch` returns once the send has started; a send it could not make
 * is its to hand to the queue.
 */
export interface OrderDispatch {
  dispatch(job: { orderId: string; accountId: string; broker: string }): void;
}

/** What intake decided for one order (PlaceOrderUseCase.decide): the hold to post and the order to insert. */
interface PlacePlan {
  accountId: string;
  holdBook: 'wallet' | 'paper';
  hold: JournalTransaction | null;
  /** Balances to announce that moved before the hold (a paper book's opening). */
  wallet: Wallet | null;
  paper: { accountId: string; balance: Wallet } | null;
  insert: { order: NewOrderRow; placed: OrderPlacedDetails; audit: AuditRecord };
}

/** A pre-trade rule's refusal, recorded as a risk event after the rollback. */
interface Refusal {
  rule: string;
  detail: string;
}

/** Thrown inside a batch item's savepoint: its Idempotency-Key was taken (its earlier answer replays). */
class KeyTaken extends Error {}

/** A group commit of intakes that cannot be kept whole: each of its orders is placed alone instead. */
class SplitBatch extends Error {}

/** An intake waiting for its group commit. */
interface PendingIntake {
  userId: UserId;
  body: PlaceOrderRequest;
  key: string;
  meta: RequestMeta;
  opts: PlaceOptions;
  resolve: (r: StoredResponse<{ order: Order }>) => void;
  reject: (e: unknown) => void;
}

/** Group commit of intakes (ADR 0015): at most this many orders per transaction, … */
const MAX_INTAKE_BATCH = 32;
/** … this many such transactions in flight per process, … */
const MAX_INTAKES_IN_FLIGHT = 2;
/** … and an order waits at most this long for company while another batch is being written. */
const MAX_INTAKE_WAIT_MS = 2;

/** What intake tells the owner after the commit: the order, and the balances its hold moved (the wallet, or the paper account's). */
interface Placed {
  order: Order;
  wallet: Wallet | null;
  paper: { accountId: string; balance: Wallet } | null;
}

/**
 * Order intake (docs/domain.md, "Orders and their states"): validate against the instrument, check kill switches and the
 * pre-trade risk rules, HOLD the reservation and persist the PENDING order — the hold and the
 * order commit together — then enqueue it for the execution engine. Per user, intake is
 * serialised (an advisory lock), so two concurrent orders cannot both pass a limit that only
 * one fits. The Idempotency-Key makes a retried POST place the order once.
 */
@Injectable()
export class PlaceOrderUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Idempotency) private readonly idempotency: Idempotency,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(IntakeReadModel) private readonly intake: IntakeReadModel,
    @Inject(RiskRepository) private readonly risk: RiskRepository,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(TradingAccounts) private readonly accounts: TradingAccounts,
    @Inject(LiveBrokerClients) private readonly brokers: LiveBrokerClients,
    @Inject(PaperBooks) private readonly paperBooks: PaperBooks,
    @Optional() @Inject(METRICS) private readonly metrics?: Metrics,
  ) {}

  private dispatcher: OrderDispatch | null = null;

  /** Sends committed orders through `dispatcher` instead of the queue (the worker, at start; null: the queue again). */
  dispatchVia(dispatcher: OrderDispatch | null): void {
    this.dispatcher = dispatcher;
  }

  /**
   * Group commit of intakes (docs/architecture.md "Order path", ADR 0015): orders of different
   * users that arrive while earlier ones are being written are placed in one transaction; an
   * order alone goes at once; one user's orders never share a batch (their intake stays in order).
   */
  private readonly intakes = new GroupCommit<PendingIntake>({
    key: (p) => p.userId,
    write: (batch) => this.writeIntakes(batch),
    fail: (batch, err) => batch.forEach((p) => p.reject(err)),
    maxBatch: MAX_INTAKE_BATCH,
    maxInFlight: MAX_INTAKES_IN_FLIGHT,
    maxWaitMs: MAX_INTAKE_WAIT_MS,
    onBatch: (n) => {
      this.metrics?.groupCommitSize.observe({ path: 'intake' }, n);
      this.onBatch?.(n);
    },
  });

  /** Told each group commit's size (metrics). */
  onBatch: ((size: number) => void) | null = null;

  execute(
    userId: UserId,
    body: PlaceOrderRequest,
    key: string,
    meta: RequestMeta,
    opts: PlaceOptions = {},
  ): Promise<StoredResponse<{ order: Order }>> {
    return new Promise((resolve, reject) => this.intakes.submit({ userId, body, key, meta, opts, resolve, reject }));
  }

  /** One order in a transaction of its own: the intake every order of a failed batch falls back to. */
  private async placeAlone(p: PendingIntake): Promise<StoredResponse<{ order: Order }>> {
    const { userId, body, key, meta, opts } = p;
    let result: StoredResponse<Placed>;
    // Set only when the rules actually ran and refused (not when a key replays a remembered "no").
    let refusal: Refusal | null = null;
    try {
      result = await this.idempotency.run<Placed>(
        this.requestOf(userId, body, key, opts),
        202,
        (sql) => this.placeItem(sql, userId, { body, key, meta, opts }, (r) => (refusal = r)),
        // One user's intake is serialised, so two orders cannot both pass a limit only one fits.
        { optimistic: true, lock: intakeLockKey(userId) },
      );
    } catch (err) {
      await this.afterRefusal(userId, body, meta, refusal, err);
      throw err;
    }
    if (!result.replayed) await this.announce(userId, result.body);
    return { ...result, body: { order: result.body.order } };
  }

  private async writeIntakes(batch: readonly PendingIntake[]): Promise<void> {
    if (batch.length > 1 && (await this.placeTogether(batch))) return;
    await Promise.all(batch.map((p) => this.placeAlone(p).then(p.resolve, p.reject)));
  }

  /**
   * Places a batch of orders of different users in one transaction (their intake locks taken
   * with its BEGIN, in one order): one read of all their pictures, then each order decided on its
   * own — a refusal (risk rule, validation, kill switch) is that order's answer and writes nothing
   * of it — then every hold in one ledger statement, every order in one, every Idempotency-Key in
   * one. Should a hold's guard refuse, a key be taken already, or a statement fail, nothing of the
   * batch is kept (false) and each order is placed alone, so every answer is exactly the one the
   * order would have had without company. Answers every order when true.
   */
  private async placeTogether(batch: readonly PendingIntake[]): Promise<boolean> {
    const reqs = batch.map((p) => this.requestOf(p.userId, p.body, p.key, p.opts));
    const hashes = reqs.map((r) => this.idempotency.hashOf(r));
    const refusals: (Refusal | null)[] = batch.map(() => null);
    const errors: unknown[] = batch.map(() => undefined);
    let placed: (Placed | null)[];
    try {
      placed = await this.db.tx(
        async (sql) => {
          const views = await this.intake.views(
            sql,
            batch.map((p) => ({ userId: p.userId, strategyId: p.opts.strategyId ?? null, symbols: [p.body.symbol.toUpperCase()] })),
          );
          const plans: (PlacePlan | null)[] = [];
          for (const [i, p] of batch.entries()) {
            const o = p.opts;
            try {
              plans.push(
                await this.decide(
                  sql,
                  p.userId,
                  p.body,
                  p.meta,
                  o.strategyId ?? null,
                  (r) => (refusals[i] = r),
                  o.signalId ?? null,
                  { legId: o.legId ?? null, intentId: o.intentId ?? null, positionSize: o.positionSize ?? null },
                  views[i]!,
                ),
              );
            } catch (err) {
              // A refusal is this order's answer; anything else (a failed statement) ends the batch.
              if (!isDomainError(err)) throw err;
              errors[i] = err;
              plans.push(null);
            }
          }
          const out: (Placed | null)[] = plans.map((pl) => pl && { order: null as unknown as Order, wallet: pl.wallet, paper: pl.paper });
          const holding = plans.flatMap((pl, i) => (pl?.hold ? [i] : []));
          if (holding.length > 0) {
            const { written, ids } = await this.ledger.postMany(
              sql,
              holding.map((i) => plans[i]!.hold!),
            );
            if (written.size < holding.length) throw new SplitBatch();
            holding.forEach((i, k) => {
              const posted = written.get(ids[k]!)!;
              if (plans[i]!.holdBook === 'paper') out[i]!.paper = { accountId: plans[i]!.accountId, balance: posted.balances };
              else out[i]!.wallet = posted.wallet ?? null;
            });
          }
          const live = plans.flatMap((pl, i) => (pl ? [i] : []));
          if (live.length === 0) return out;
          const rows = await this.trading.insertOrders(
            sql,
            live.map((i) => plans[i]!.insert),
          );
          live.forEach((i, k) => (out[i]!.order = toOrderDto(rows[k]!)));
          const claimed = await this.idempotency.claimMany(
            sql,
            live.map((i) => ({ req: reqs[i]!, hash: hashes[i]!, status: 202, body: out[i] })),
          );
          if (claimed.some((c) => !c)) throw new SplitBatch();
          return out;
        },
        { lock: [...new Set(batch.map((p) => intakeLockKey(p.userId)))] },
      );
    } catch {
      this.metrics?.groupCommitSplits.inc({ path: 'intake' });
      return false;
    }
    // Committed: each order gets its own answer, as `placeAlone` would give it.
    await Promise.all(
      batch.map(async (p, i) => {
        const done = placed[i];
        if (done) {
          await this.announce(p.userId, done);
          return p.resolve({ status: 202, body: { order: done.order }, replayed: false });
        }
        try {
          const earlier = await this.idempotency.afterFailure<Placed>(reqs[i]!, hashes[i]!, errors[i], true);
          p.resolve({ ...earlier, body: { order: earlier.body.order } });
        } catch (final) {
          await this.afterRefusal(p.userId, p.body, p.meta, refusals[i] ?? null, final).catch(() => undefined);
          p.reject(final);
        }
      }),
    );
    return true;
  }

  /**
   * Several orders of one user in the caller's transaction (docs/domain.md "Orders and their
   * states", "Batched intake"): the user's intake lock is taken once, and each order is accepted or
   * refused on its own — under a savepoint, with its own Idempotency-Key and exactly the checks,
   * writes and answers of `execute`. A refusal rolls back only its order. `afterCommit` announces
   * and enqueues the placed orders and records the refusals; the caller runs it once its
   * transaction has committed (never if it rolled back: then nothing was placed).
   * The caller must not wait, while the transaction lasts, on anything that takes this user's
   * intake lock elsewhere.
   */
  async placeWithin(
    sql: Sql,
    userId: UserId,
    items: readonly PlaceItem[],
  ): Promise<{ outcomes: PlaceOutcome[]; afterCommit: () => Promise<void> }> {
    await sql.advisoryLock(intakeLockKey(userId));
    // One picture of the user for the batch when its orders share a strategy (a leg's always do).
    const strategies = new Set(items.map((i) => i.opts?.strategyId ?? null));
    const view =
      strategies.size === 1
        ? await this.intake.view(sql, userId, [...strategies][0]!, [...new Set(items.map((i) => i.body.symbol.toUpperCase()))])
        : null;
    const outcomes: PlaceOutcome[] = [];
    const placed: Placed[] = [];
    const refused: { item: PlaceItem; refusal: Refusal | null; error: unknown }[] = [];
    for (const item of items) {
      const req = this.requestOf(userId, item.body, item.key, item.opts ?? {});
      const hash = this.idempotency.hashOf(req);
      let refusal: Refusal | null = null;
      let taken = false;
      try {
        const p = await sql.savepoint(async () => {
          const out = await this.placeItem(sql, userId, item, (r) => (refusal = r), view);
          if (!(await this.idempotency.claim(sql, req, hash, 202, out))) {
            taken = true;
            throw new KeyTaken();
          }
          return out;
        });
        placed.push(p);
        view?.placed({
          accountId: p.order.accountId,
          symbol: p.order.symbol,
          product: p.order.product,
          side: p.order.side,
          quantity: p.order.quantity,
        });
        outcomes.push({ ok: true, order: p.order, replayed: false });
      } catch (err) {
        try {
          // In the batch's transaction: a key may be a sibling's (not committed yet), and a refusal
          // decided against the batch's orders is remembered only if they commit.
          const earlier = taken
            ? await this.idempotency.replayOf<Placed>(req, hash, sql)
            : await this.idempotency.afterFailure<Placed>(req, hash, err, true, sql);
          outcomes.push({ ok: true, order: earlier.body.order, replayed: true });
        } catch (final) {
          outcomes.push({ ok: false, error: final });
          refused.push({ item, refusal, error: final });
        }
      }
    }
    return {
      outcomes,
      afterCommit: async () => {
        await Promise.all([
          ...placed.map((p) => this.announce(userId, p)),
          ...refused.map((r) => this.afterRefusal(userId, r.item.body, r.item.meta, r.refusal, r.error)),
        ]);
      },
    };
  }

  /** What makes two placements "the same request" for an Idempotency-Key. */
  private requestOf(userId: UserId, body: PlaceOrderRequest, key: string, opts: PlaceOptions) {
    return {
      scope: userId,
      key,
      fingerprint: {
        op: 'orders.place',
        body,
        strategyId: opts.strategyId ?? null,
        signalId: opts.signalId ?? null,
        // Only when set, so an order without a leg keeps the fingerprint it always had.
        ...(opts.legId ? { legId: opts.legId } : {}),
        ...(opts.intentId ? { intentId: opts.intentId } : {}),
        ...(opts.positionSize !== undefined ? { positionSize: opts.positionSize } : {}),
      },
    };
  }

  private placeItem(
    sql: Sql,
    userId: UserId,
    item: PlaceItem,
    onRefused: (r: Refusal) => void,
    view: IntakeView | null = null,
  ): Promise<Placed> {
    const opts = item.opts ?? {};
    return this.place(
      sql,
      userId,
      item.body,
      item.meta,
      opts.strategyId ?? null,
      onRefused,
      opts.signalId ?? null,
      { legId: opts.legId ?? null, intentId: opts.intentId ?? null, positionSize: opts.positionSize ?? null },
      view,
    );
  }

  /**
   * After the commit: the order goes to the engine, and the owner hears of it. If the queue is
   * unreachable (Redis restarting) the order is still accepted, and the engine's reconciler
   * enqueues it once Redis is back. Enqueued and announced together (the events go out while the
   * job is being added). A paper order's hold moved the paper account's balance, never the wallet
   * (docs/api.md "Realtime").
   */
  private async announce(userId: UserId, placed: Placed): Promise<void> {
    const { order, wallet, paper } = placed;
    const job = { orderId: order.id, accountId: order.accountId, broker: order.broker };
    if (this.dispatcher) this.dispatcher.dispatch(job);
    await Promise.all([
      this.dispatcher ? undefined : this.jobs.enqueue(JOBS.placeOrder, job, { jobId: `place_${order.id}` }).catch(() => undefined),
      this.realtime.toUserMany(userId, [
        { event: REALTIME_EVENTS.orderUpdated, payload: { order } },
        ...(wallet ? [{ event: REALTIME_EVENTS.walletUpdated, payload: { wallet } }] : []),
        ...(paper ? [{ event: REALTIME_EVENTS.paperBalance, payload: paper }] : []),
      ]),
    ]);
  }

  /**
   * The refusal is on record once, written after the order's transaction rolled back — never
   * while holding its connection. A replayed key answers with the refusal of its earlier
   * request: that one is on record already.
   */
  private async afterRefusal(
    userId: UserId,
    body: PlaceOrderRequest,
    meta: RequestMeta,
    refusal: Refusal | null,
    err: unknown,
  ): Promise<void> {
    const replayed = isDomainError(err) && (err.options.context as { earlierRequest?: boolean } | undefined)?.earlierRequest === true;
    if (refusal && !replayed) await this.recordRejection(userId, body.symbol.toUpperCase(), refusal.rule, refusal.detail, body, meta);
  }

  private async place(
    sql: Sql,
    userId: UserId,
    body: PlaceOrderRequest,
    meta: RequestMeta,
    strategyId: string | null,
    onRefused: (r: Refusal) => void,
    signalId: string | null = null,
    leg: { legId: string | null; intentId: string | null; positionSize?: number | null } = { legId: null, intentId: null },
    view: IntakeView | null = null,
  ): Promise<Placed> {
    const plan = await this.decide(sql, userId, body, meta, strategyId, onRefused, signalId, leg, view);
    let { wallet, paper } = plan;
    if (plan.hold) {
      const posted = await this.ledger.post(sql, plan.hold);
      if (plan.holdBook === 'paper') paper = { accountId: plan.accountId, balance: posted.balances };
      else wallet = posted.wallet ?? null;
    }
    const row = await this.trading.insertOrder(sql, plan.insert.order, plan.insert.placed, plan.insert.audit);
    return { order: toOrderDto(row), wallet, paper };
  }

  /**
   * Everything intake decides for one order before writing it: the instrument, the account,
   * the user's picture, the terms, the kill switches and risk rules, the reservation (and the
   * broker's margin for a live account), the paper book opened if it never was. Throws the
   * refusal; returns the hold to post and the order to insert.
   */
  private async decide(
    sql: Sql,
    userId: UserId,
    body: PlaceOrderRequest,
    meta: RequestMeta,
    strategyId: string | null,
    onRefused: (r: Refusal) => void,
    signalId: string | null,
    leg: { legId: string | null; intentId: string | null; positionSize?: number | null },
    view: IntakeView | null,
  ): Promise<PlacePlan> {
    const symbol = body.symbol.toUpperCase();
    const instrument = await this.instruments.cachedBySymbol(symbol, sql);
    if (!instrument)
      throw new DomainError('VALIDATION_FAILED', `Unknown symbol ${symbol}`, {
        fieldErrors: [{ field: 'symbol', message: 'no such instrument' }],
      });
    // Deactivated by an instrument master (docs/brokers.md 6): old orders keep it, new ones are refused.
    if (instrument.active === false)
      throw new DomainError('VALIDATION_FAILED', `${symbol} is no longer traded (expired or delisted)`, {
        fieldErrors: [{ field: 'symbol', message: 'instrument deactivated' }],
      });
    // The account first: an order for an account the user may not trade, or cannot trade now, goes no further.
    const account = await this.accounts.forOrder(sql, userId, body.accountId);
    // A batch reads the user's picture once and folds in each order it places (IntakeView).
    const { limits, switches, snapshot, ltp } = view
      ? view.state(symbol, account.id)
      : await this.intake.read(sql, userId, strategyId, symbol, account.id);
    // Quotes live in Redis: while it is unreachable, limit orders still go through (without a
    // price band check); market and stop-market orders, which need a price, are refused below.
    const terms = validateOrderRequest(body, instrument, ltp);
    if (ltp === null && terms.type !== 'LIMIT' && terms.type !== 'SL') {
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        `No live price for ${symbol} right now: market and stop-market orders need one. Retry shortly, or use a LIMIT order`,
      );
    }
    const decision = checkPreTradeRisk(
      {
        symbol,
        side: terms.side,
        type: terms.type,
        product: terms.product,
        quantity: terms.quantity,
        price: terms.price,
        triggerPrice: terms.triggerPrice,
        strategyId,
      },
      limits,
      {
        openOrders: snapshot.openOrders,
        positions: snapshot.positions,
        dayPnl: snapshot.dayPnl,
        recentOrderTimes: snapshot.recentOrderTimes,
        now: Date.now(),
      },
      {
        global: switchState(switches.global),
        user: switchState(switches.user),
        strategy: switches.strategy ? switchState(switches.strategy) : null,
      },
      { ltp: ltp ?? terms.price ?? 0, lotSize: instrument.lotSize },
    );
    if (!decision.ok) {
      const err = riskError(decision);
      onRefused({ rule: decision.rule, detail: err.message });
      throw err;
    }
    const sellable = sellableQuantity(snapshot, symbol, terms.product);
    const { basis, amount } = orderReservation(terms, { ltp, sellableQuantity: sellable });
    if (account.kind !== 'paper' && amount > 0n) await this.checkBrokerMargin(account, amount, onRefused);
    const id = uuidv7();
    // A paper order holds in its paper account's book (opened with the starting balance on first
    // use, docs/domain.md "Accounts and books"), a live one in the wallet; the order records which.
    const holdBook = holdBookFor(account.kind);
    const wallet: Wallet | null = null;
    let paper: Placed['paper'] = null;
    if (holdBook === 'paper') {
      const book = await this.paperBooks.ensureOpen(sql, account.id, userId);
      // Announced when something moved: the book's opening, or the hold below.
      if (book.opened) paper = { accountId: account.id, balance: book.balances };
    }
    const hold = amount > 0n ? holdTx(bookOf({ hold_book: holdBook, account_id: account.id, user_id: userId }), amount, id) : null;
    const order: NewOrderRow = {
      id,
      userId,
      symbol,
      clientTag: body.tag ?? null,
      strategyId,
      signalId,
      accountId: account.id,
      broker: account.broker,
      holdBook,
      ...leg,
    };
    return {
      accountId: account.id,
      holdBook,
      hold,
      wallet,
      paper,
      insert: {
        order,
        placed: {
          side: terms.side,
          type: terms.type,
          product: terms.product,
          validity: terms.validity,
          quantity: terms.quantity,
          price: terms.price,
          triggerPrice: terms.triggerPrice,
          referencePrice: basis.referencePrice,
          shortQuantity: basis.shortQuantity,
          reserved: amount,
          reducing: decision.reducing,
          ltp,
        },
        audit: {
          actorId: userId,
          action: 'order.placed',
          subject: `order:${id}`,
          details: {
            symbol,
            side: terms.side,
            type: terms.type,
            quantity: terms.quantity,
            product: terms.product,
            accountId: account.id,
            ...(strategyId ? { strategyId } : {}),
            ...(signalId ? { signalId } : {}),
          },
          meta,
        },
      },
    };
  }

  /**
   * A live order also has to fit the account's available margin at its broker (docs/domain.md
   * "Accounts and books"): our reservation of the order — what the wallet holds for it — against
   * the broker's available cash, read at most a few seconds ago (LiveBrokerClients). Conservative
   * for intraday products, where the broker blocks less than the full value. When the broker cannot
   * be asked, the order goes on: the broker's own risk system refuses what does not fit, and that
   * refusal comes back as the order's rejection.
   */
  private async checkBrokerMargin(account: { id: string; name: string }, amount: Paise, onRefused: (r: Refusal) => void): Promise<void> {
    const funds = await this.brokers.fundsOf(account.id).catch(() => null);
    if (!funds || funds.availableCash >= amount) return;
    const detail = `The broker account "${account.name}" has ${`₹${formatMoneyIndian(funds.availableCash)}`} of available margin; this order needs ${`₹${formatMoneyIndian(amount)}`}`;
    onRefused({ rule: 'BROKER_MARGIN', detail });
    throw new DomainError('INSUFFICIENT_FUNDS', detail, { context: { rule: 'BROKER_MARGIN', accountId: account.id } });
  }

  private async recordRejection(
    userId: UserId,
    symbol: string,
    rule: string,
    detail: string,
    body: PlaceOrderRequest,
    meta: RequestMeta,
  ): Promise<void> {
    try {
      await this.db.tx(async (sql) => {
        await this.risk.recordEvent(
          { userId, kind: 'REJECTED', rule, detail, context: { symbol, side: body.side, type: body.type, quantity: body.quantity } },
          sql,
        );
        await this.audit.append(
          { actorId: userId, action: 'risk.order_rejected', subject: `user:${userId}`, details: { rule, detail, symbol }, meta },
          sql,
        );
      });
    } catch (err) {
      if (!isDomainError(err)) throw err;
    }
  }
}

/** Units of (symbol, product) the user can sell without going short: long less open sells. */
function sellableQuantity(
  s: {
    positions: { symbol: string; product: Product; netQuantity: number }[];
    openOrders: { symbol: string; product: Product; side: OrderSide; remainingQuantity: number }[];
  },
  symbol: string,
  product: Product,
): number {
  const long = s.positions.find((p) => p.symbol === symbol && p.product === product)?.netQuantity ?? 0;
  const selling = s.openOrders
    .filter((o) => o.symbol === symbol && o.product === product && o.side === 'SELL')
    .reduce((n, o) => n + o.remainingQuantity, 0);
  return Math.max(0, long - selling);
}

/**
 * Square-off (docs/api.md "Orders, trades, positions"): a MARKET order against each open position (or the one named), for the net
 * quantity not already being closed by open orders, with the position's product. Each goes
 * through the same intake as a person's order; reducing orders pass an engaged kill switch.
 */
@Injectable()
export class SquareOffUseCase {
  constructor(
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(PlaceOrderUseCase) private readonly place: PlaceOrderUseCase,
    @Inject(Db) private readonly db: Db,
  ) {}

  async execute(userId: UserId, symbol: string | undefined, requestKey: string, meta: RequestMeta): Promise<Order[]> {
    const [positions, open] = await Promise.all([this.trading.positions(userId), this.trading.openOrders(this.db.sql, userId)]);
    const named = symbol ? positions.filter((p) => p.symbol === symbol.toUpperCase()) : positions;
    const out: Order[] = [];
    for (const item of squareOffItems(named, open, requestKey, meta)) {
      const res = await this.place.execute(userId, item.body, item.key, item.meta);
      out.push(res.body.order);
    }
    return out;
  }
}
