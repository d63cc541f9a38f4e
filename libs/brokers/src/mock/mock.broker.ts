import {
  applyFillToPosition,
  divideToPrice,
  FLAT_POSITION,
  hasLimitPrice,
  hasTriggerPrice,
  ORDER_SIDES,
  ORDER_TYPES,
  positionAveragePrice,
  PRODUCTS,
  paiseToValue,
  realizedPnl,
  tradeValue,
  VALIDITIES,
  valueToPaise,
  valueToPaiseCeil,
  type Paise,
  type Position,
  type PriceTicks,
  type TradeValue,
} from '@tradeloop/domain';
import type {
  BrokerAdapter,
  BrokerCapabilities,
  BrokerFunds,
  BrokerHolding,
  BrokerOrder,
  BrokerPosition,
  BrokerQuote,
  BrokerTrade,
  CorrelationProbe,
  CorrelationResult,
  OrderModification,
  OrderUpdateListener,
  PlaceOrderRequest,
  PlaceOrderResult,
  Unsubscribe,
} from '../adapter/broker-adapter.port';
import { BrokerError, type BrokerOperation } from '../adapter/broker.errors';
import {
  asBrokerOrderId,
  asBrokerTradeId,
  correlationTag,
  KITE_TAG_RULE,
  type BrokerOrderId,
  type InstrumentRef,
  type TagRule,
} from '../adapter/identifiers';
import { NO_RATE_LIMITS } from '../adapter/rate-limiter';
import { MOCK_STATUSES, normaliseStatus } from '../adapter/status.mapper';
import {
  isMockOrderOpen,
  type MockBrokerStore,
  type MockOrderRecord,
  type MockOrderStatus,
  type MockTradeRecord,
} from './mock-broker-store.port';
import {
  fillPlan,
  MOCK_REJECTION_REASONS,
  mockDraw,
  sliceQuantity,
  stopTriggered,
  workingFillPrice,
  type MockTick,
  type PartialFillConfig,
} from './mock-matching';

/** What the mock needs to know of an instrument; see `MockBrokerConfig.instrument`. */
export interface MockInstrumentInfo {
  readonly tickSize: PriceTicks;
  readonly lotSize: number;
}

export interface MockBrokerConfig {
  /** Every random choice (rejections, partial fills) follows from it: same seed, same run. */
  readonly seed: number;
  /**
   * Milliseconds from acceptance until the order reaches the "exchange": ticks stamped earlier
   * do not touch it. 0 (the default) is benchmark mode: the next tick after acceptance.
   */
  readonly latencyMs?: number;
  /** Price impact of marketable fills, in basis points of the touch; default 0. */
  readonly slippageBps?: number;
  /** Off by default. */
  readonly partialFills?: PartialFillConfig | null;
  /** Chance that the RMS rejects an order at acceptance (a realistic reason is given); off by default. */
  readonly rejections?: { readonly probability: number } | null;
  /**
   * Tick and lot size of an instrument; null/undefined means the broker does not know it, and
   * the order is refused. Without this hook every symbol is accepted with tick 1 and lot 1.
   */
  readonly instrument?: (ref: InstrumentRef) => MockInstrumentInfo | null | undefined;
  /** Funds before any trade; default ₹1 crore (OpenAlgo's analyzer default). */
  readonly initialCash?: Paise;
  /**
   * The mock's "now" (epoch ms) for acceptance and latency. Default: market time, the latest
   * tick `ts` seen — deterministic, and wall-clock time whenever the feed is live.
   */
  readonly clock?: () => number;
  /**
   * At zero latency an order reaches the exchange as it is accepted and meets the book standing
   * there: the symbol's latest quote, while the feed is live (`liveFeedMaxAgeMs`) and that quote
   * is at most this many milliseconds old by `wallClock`. A symbol's book stands between its
   * prints — a quiet name is not a closed one — so the default is 60,000; a name silent longer
   * waits for its next tick. null: every order waits for the next tick (as it always does with
   * latency, and with a stale feed such as a closed market's). docs/adr/0007-order-execution.md.
   */
  readonly standingQuoteMaxAgeMs?: number | null;
  /**
   * The feed is live when its newest tick, of any symbol, is at most this many milliseconds old
   * by `wallClock`; default 1000. A closed market or a dead feed prints nothing, so no book stands.
   */
  readonly liveFeedMaxAgeMs?: number;
  /** Wall time (epoch ms) for the standing-quote freshness checks; default Date.now. */
  readonly wallClock?: () => number;
  /** The client-tag rule the mock enforces; default Kite's (20 alphanumerics), so our ids are hashed. */
  readonly tagRule?: TagRule;
  /** A subscriber threw: the mock carries on. */
  readonly onListenerError?: (error: unknown) => void;
}

/**
 * Fault injection for the next placement, as a network would do it:
 * `timeout-after-accept`: the broker takes the order but the caller sees a timeout (`ambiguous`);
 * `refused-before-send`: the connection is refused and nothing reaches the broker (`retryable`).
 */
export type MockPlacementFault = 'timeout-after-accept' | 'refused-before-send';

const ONE_CRORE_PAISE: Paise = 1_000_000_000n;

const orderIdFor = (seq: number): string => `MO${String(seq).padStart(10, '0')}`;
const tradeIdFor = (seq: number): string => `MT${String(seq).padStart(10, '0')}`;
const isPositiveInt = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;

/**
 * A broker that matches our orders against the market-data feed (docs/domain.md, "Broker adapters"):
 * - the host calls `onTick` for every tick of the live feed; the mock keeps the latest quote;
 * - MARKET fills at the first tick at or after acceptance + latency: a buy at the ask, a sell at
 *   the bid, with slippage; at zero latency an order meets the book standing at acceptance (the
 *   latest quote, if live) — see `standingQuoteMaxAgeMs`; LIMIT rests until the book crosses it (buy: ask ≤ limit; sell: bid ≥
 *   limit) and fills at the limit or better; SL arms at its trigger (on the LTP) and then acts as
 *   a LIMIT; SL-M triggers and fills like a MARKET, on the same tick;
 * - IOC: whatever the first tick the order sees cannot fill is cancelled; DAY orders still
 *   working expire at `expireDay()`;
 * - optional partial fills and RMS rejections, drawn from the seed;
 * - every fill is a trade with a unique id; updates carry CUMULATIVE quantity and average price;
 * - all state lives in a `MockBrokerStore`, so it survives our worker: a new MockBroker opened
 *   on the same store carries on (open orders keep working, `findOrdersByTag` finds them).
 * Calls and ticks are processed one at a time in call order; every change is written before it
 * is announced. Same seed, same ticks and same calls (on an empty store) give identical results.
 */
export class MockBroker implements BrokerAdapter {
  readonly broker = 'mock';
  readonly capabilities: BrokerCapabilities;

  private readonly quoteBySymbol = new Map<string, MockTick>();
  /** Working orders by symbol, in placement order: the only orders a tick can touch. */
  private readonly openBySymbol = new Map<string, MockOrderRecord[]>();
  private readonly listeners = new Set<OrderUpdateListener>();
  private readonly faults: MockPlacementFault[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  /** Placements queued or running, per symbol: a tick of that symbol must wait its turn behind them. */
  private readonly placing = new Map<string, number>();
  private marketTime = 0;
  /** The newest tick's `ts` the feed delivered (restored orders do not count): the feed's liveness. */
  private feedTime = Number.NEGATIVE_INFINITY;
  private readonly tagRule: TagRule;

  private constructor(
    private readonly store: MockBrokerStore,
    private readonly config: MockBrokerConfig,
  ) {
    if (!Number.isFinite(config.seed)) throw new RangeError('seed must be a number');
    if ((config.latencyMs ?? 0) < 0 || (config.slippageBps ?? 0) < 0)
      throw new RangeError('latencyMs and slippageBps must not be negative');
    if (!((config.liveFeedMaxAgeMs ?? 0) >= 0) || !((config.standingQuoteMaxAgeMs ?? 0) >= 0))
      throw new RangeError('liveFeedMaxAgeMs and standingQuoteMaxAgeMs must not be negative');
    this.tagRule = config.tagRule ?? KITE_TAG_RULE;
    this.capabilities = Object.freeze({
      updates: 'push',
      tag: this.tagRule,
      validities: VALIDITIES,
      orderTypes: ORDER_TYPES,
      products: PRODUCTS,
      slicing: false,
      maxQuoteBatch: 1000,
      rateLimits: NO_RATE_LIMITS,
    });
  }

  /** A mock broker over `store`, resuming whatever orders it holds as working. */
  static async open(store: MockBrokerStore, config: MockBrokerConfig): Promise<MockBroker> {
    const broker = new MockBroker(store, config);
    for (const o of await store.listOrders({ openOnly: true })) {
      broker.cache(o);
      broker.marketTime = Math.max(broker.marketTime, o.updatedAt);
    }
    return broker;
  }

  // ---------------------------------------------------------------- the feed

  /**
   * A tick from the live feed. The quote updates at once; orders on the symbol are matched in
   * turn with the calls made before it. Resolves when the matching is done (at once when no
   * order could be touched). Rejects on an invalid tick or a store failure, so a host that does
   * not await must still attach a handler.
   */
  onTick(tick: MockTick): Promise<void> {
    if (
      !isPositiveInt(tick.ltp) ||
      !isPositiveInt(tick.bid) ||
      !isPositiveInt(tick.ask) ||
      tick.ask < tick.bid ||
      !Number.isFinite(tick.ts)
    ) {
      return Promise.reject(new RangeError(`invalid tick for ${tick.symbol}: bid ${tick.bid}, ask ${tick.ask}, ltp ${tick.ltp}`));
    }
    const t: MockTick = Object.freeze({ symbol: tick.symbol, ts: tick.ts, ltp: tick.ltp, bid: tick.bid, ask: tick.ask });
    const last = this.quoteBySymbol.get(t.symbol);
    if (!last || t.ts >= last.ts) this.quoteBySymbol.set(t.symbol, t);
    if (t.ts > this.marketTime) this.marketTime = t.ts;
    if (t.ts > this.feedTime) this.feedTime = t.ts;
    // Nothing to match and no placement queued that could add an order on this symbol: skip
    // the queue (the hot path — most ticks, even while other symbols' orders are being placed).
    if (!this.placing.has(t.symbol) && !this.openBySymbol.get(t.symbol)?.length) return Promise.resolve();
    return this.serial(() => this.match(t));
  }

  /** End of the session: every order still working expires. Resolves with how many did. */
  expireDay(): Promise<number> {
    return this.serial(async () => {
      const open = [...this.openBySymbol.values()].flat().sort((a, b) => a.seq - b.seq);
      let expired = 0;
      for (const o of open) {
        if (await this.commit(o, { ...o, status: 'EXPIRED', updatedAt: this.now() }, [])) expired += 1;
      }
      return expired;
    });
  }

  /** Makes the next placement fail as `fault` describes (test and chaos hook). */
  injectPlacementFault(fault: MockPlacementFault): void {
    this.faults.push(fault);
  }

  // ---------------------------------------------------------------- BrokerAdapter

  correlationTag(clientOrderId: string): string {
    return correlationTag(clientOrderId, this.tagRule);
  }

  placeOrder(request: PlaceOrderRequest): Promise<PlaceOrderResult> {
    const symbol = request.instrument?.symbol;
    this.placing.set(symbol, (this.placing.get(symbol) ?? 0) + 1);
    return this.serial(() => this.place(request)).finally(() => {
      const left = (this.placing.get(symbol) ?? 1) - 1;
      if (left > 0) this.placing.set(symbol, left);
      else this.placing.delete(symbol);
    });
  }

  private async place(request: PlaceOrderRequest): Promise<PlaceOrderResult> {
    const fault = this.faults.shift();
    if (fault === 'refused-before-send') {
      throw new BrokerError('retryable', 'mock place: connect ECONNREFUSED', {
        broker: this.broker,
        operation: 'place',
        code: 'ECONNREFUSED',
      });
    }
    this.validatePlacement(request);
    const seq = await this.store.nextSequence('order');
    const id = orderIdFor(seq);
    const now = this.now();
    const accepted: MockOrderRecord = {
      brokerOrderId: id,
      seq,
      tag: this.correlationTag(request.clientOrderId),
      exchange: request.instrument.exchange,
      symbol: request.instrument.symbol,
      side: request.side,
      type: request.type,
      product: request.product,
      validity: request.validity,
      quantity: request.quantity,
      price: hasLimitPrice(request.type) ? request.price : null,
      triggerPrice: hasTriggerPrice(request.type) ? request.triggerPrice : null,
      status: hasTriggerPrice(request.type) ? 'TRIGGER_PENDING' : 'OPEN',
      filledQuantity: 0,
      filledValue: 0n,
      fillCount: 0,
      rejectReason: null,
      acceptedAt: now,
      liveAt: now + (this.config.latencyMs ?? 0),
      updatedAt: now,
      version: 1,
    };
    const reason = this.rejectionFor(accepted);
    let record: MockOrderRecord = reason === null ? accepted : { ...accepted, status: 'REJECTED', rejectReason: reason };
    let trades: MockTradeRecord[] = [];
    const book = reason === null ? this.standingQuote(record) : null;
    if (book) {
      // Written with its arrival fill, still version 1: the order's first state is this one.
      const met = await this.evaluate(record, book);
      if (met) {
        record = { ...met.order, version: 1 };
        trades = met.trades;
      }
    }
    await this.store.insertOrder(record, trades);
    this.cache(record);
    this.emit(record);
    if (fault === 'timeout-after-accept') {
      throw new BrokerError('ambiguous', 'mock place: request timed out after it was sent', {
        broker: this.broker,
        operation: 'place',
        code: 'ETIMEDOUT',
      });
    }
    return { brokerOrderIds: [asBrokerOrderId(id)], failedSlices: [] };
  }

  modifyOrder(brokerOrderId: BrokerOrderId, changes: OrderModification): Promise<void> {
    return this.serial(async () => {
      const o = await this.working(brokerOrderId, 'modify');
      const info = this.acceptedInfoOf(o);
      const quantity = changes.quantity ?? o.quantity;
      const price = changes.price ?? o.price;
      const triggerPrice = changes.triggerPrice ?? o.triggerPrice;
      if (changes.quantity === undefined && changes.price === undefined && changes.triggerPrice === undefined)
        throw this.refusal('modify', 'INVALID_INPUT', 'Nothing to modify');
      if (changes.quantity !== undefined) {
        this.checkQuantity('modify', quantity, info);
        if (quantity <= o.filledQuantity)
          throw this.refusal('modify', 'INVALID_QUANTITY', `Quantity ${quantity} must exceed the ${o.filledQuantity} already filled`);
      }
      if (changes.price !== undefined && !hasLimitPrice(o.type))
        throw this.refusal('modify', 'INVALID_PRICE', `A ${o.type} order has no price to modify`);
      if (changes.triggerPrice !== undefined && !hasTriggerPrice(o.type))
        throw this.refusal('modify', 'INVALID_TRIGGER', `A ${o.type} order has no trigger price to modify`);
      this.checkPrices('modify', { side: o.side, type: o.type, price, triggerPrice }, info);
      await this.commitOrThrow(o, { ...o, quantity, price, triggerPrice, updatedAt: this.now() }, 'modify');
    });
  }

  cancelOrder(brokerOrderId: BrokerOrderId): Promise<void> {
    return this.serial(async () => {
      const o = await this.working(brokerOrderId, 'cancel');
      await this.commitOrThrow(o, { ...o, status: 'CANCELLED', updatedAt: this.now() }, 'cancel');
    });
  }

  getOrder(brokerOrderId: BrokerOrderId): Promise<BrokerOrder> {
    return this.serial(async () => {
      const o = await this.store.getOrder(brokerOrderId);
      if (!o) throw this.notFound('read', brokerOrderId);
      return toBrokerOrder(o);
    });
  }

  findOrdersByTag(probe: CorrelationProbe): Promise<CorrelationResult> {
    return this.serial(async () => ({
      method: 'tag',
      orders: (await this.store.findOrdersByTag(this.correlationTag(probe.clientOrderId))).map(toBrokerOrder),
    }));
  }

  listOrders(): Promise<BrokerOrder[]> {
    return this.serial(async () => (await this.store.listOrders()).map(toBrokerOrder));
  }

  listTrades(): Promise<BrokerTrade[]> {
    return this.serial(async () => (await this.store.listTrades()).map(toBrokerTrade));
  }

  /**
   * None: the mock never rolls a day, so its CNC positions stay positions (from the trade book) for
   * ever and nothing moves into holdings. Paper accounts are not reconciled with the broker either
   * (docs/domain.md, "Daily broker reconciliation"): their books are the mock's.
   */
  listHoldings(): Promise<BrokerHolding[]> {
    return Promise.resolve([]);
  }

  /** Net positions from the trade book (flat ones included: they carry the day's realised P&L). */
  listPositions(): Promise<BrokerPosition[]> {
    return this.serial(async () => {
      const byKey = new Map<string, { instrument: InstrumentRef; product: MockTradeRecord['product']; position: Position }>();
      for (const t of await this.store.listTrades()) {
        const key = `${t.exchange}:${t.symbol}|${t.product}`;
        const entry = byKey.get(key) ?? {
          instrument: { exchange: t.exchange, symbol: t.symbol },
          product: t.product,
          position: FLAT_POSITION,
        };
        byKey.set(key, { ...entry, position: applyFillToPosition(entry.position, t.side, t.quantity, t.price) });
      }
      return [...byKey.values()].map(({ instrument, product, position }) => ({
        instrument,
        product,
        netQuantity: position.netQuantity,
        averagePrice: positionAveragePrice(position),
        lastPrice: this.quoteBySymbol.get(instrument.symbol)?.ltp ?? null,
        realisedPnl: valueToPaise(realizedPnl(position)),
      }));
    });
  }

  /**
   * Cash is the initial funds plus sale proceeds less purchase costs (no fees at the mock);
   * working buy orders block their remaining quantity at their limit (or trigger, or last) price.
   */
  funds(): Promise<BrokerFunds> {
    return this.serial(async () => {
      let cash: TradeValue = paiseToValue(this.config.initialCash ?? ONE_CRORE_PAISE);
      for (const t of await this.store.listTrades()) cash += (t.side === 'SELL' ? 1n : -1n) * tradeValue(t.quantity, t.price);
      let blocked: TradeValue = 0n;
      for (const o of [...this.openBySymbol.values()].flat()) {
        const at = o.price ?? o.triggerPrice ?? this.quoteBySymbol.get(o.symbol)?.ask ?? null;
        if (o.side === 'BUY' && at !== null) blocked += tradeValue(o.quantity - o.filledQuantity, at);
      }
      const usedMargin = valueToPaiseCeil(blocked);
      return { availableCash: valueToPaise(cash) - usedMargin, usedMargin };
    });
  }

  async quotes(instruments: readonly InstrumentRef[]): Promise<BrokerQuote[]> {
    const out: BrokerQuote[] = [];
    for (const instrument of instruments) {
      const q = this.quoteBySymbol.get(instrument.symbol);
      if (q)
        out.push({
          instrument: { exchange: instrument.exchange, symbol: instrument.symbol },
          ltp: q.ltp,
          bid: q.bid,
          ask: q.ask,
          ts: q.ts,
        });
    }
    return out;
  }

  subscribe(listener: OrderUpdateListener): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  // ---------------------------------------------------------------- matching

  private async match(tick: MockTick): Promise<void> {
    const orders = this.openBySymbol.get(tick.symbol);
    if (!orders?.length) return;
    for (const o of [...orders]) {
      if (tick.ts < o.liveAt) continue;
      const next = await this.evaluate(o, tick);
      if (next) await this.commit(o, next.order, next.trades);
    }
  }

  /** What this tick does to one working order; null when nothing. */
  private async evaluate(o: MockOrderRecord, tick: MockTick): Promise<{ order: MockOrderRecord; trades: MockTradeRecord[] } | null> {
    let status: MockOrderStatus = o.status;
    if (status === 'TRIGGER_PENDING') {
      if (!stopTriggered(o.side, o.triggerPrice!, tick.ltp)) return null;
      status = 'OPEN';
    }
    const info = this.acceptedInfoOf(o);
    const price = workingFillPrice(o, tick, this.config.slippageBps ?? 0, info.tickSize);
    if (price === null) {
      // IOC: the first look at the book is the only one.
      if (o.validity === 'IOC') return { order: { ...o, status: 'CANCELLED', updatedAt: tick.ts }, trades: [] };
      return status === o.status ? null : { order: { ...o, status, updatedAt: tick.ts }, trades: [] };
    }
    const remaining = o.quantity - o.filledQuantity;
    const plan = fillPlan(this.config.seed, o.brokerOrderId, this.config.partialFills);
    const quantity = sliceQuantity(
      remaining,
      info.lotSize,
      plan,
      o.fillCount,
      mockDraw(this.config.seed, o.brokerOrderId, 'slice', o.fillCount),
    );
    const seq = await this.store.nextSequence('trade');
    const trade: MockTradeRecord = {
      tradeId: tradeIdFor(seq),
      seq,
      brokerOrderId: o.brokerOrderId,
      exchange: o.exchange,
      symbol: o.symbol,
      side: o.side,
      product: o.product,
      quantity,
      price,
      ts: tick.ts,
    };
    const filledQuantity = o.filledQuantity + quantity;
    status = filledQuantity === o.quantity ? 'FILLED' : o.validity === 'IOC' ? 'CANCELLED' : 'OPEN';
    return {
      order: {
        ...o,
        status,
        filledQuantity,
        filledValue: o.filledValue + tradeValue(quantity, price),
        fillCount: o.fillCount + 1,
        updatedAt: tick.ts,
      },
      trades: [trade],
    };
  }

  /**
   * The quote an order arriving now meets, stamped with its arrival time; null when the order
   * must wait for the next tick (latency, the option is off, the feed is not live, or the
   * symbol has been silent too long).
   */
  private standingQuote(o: MockOrderRecord): MockTick | null {
    const maxAge = this.config.standingQuoteMaxAgeMs === undefined ? 60_000 : this.config.standingQuoteMaxAgeMs;
    if (maxAge === null || o.liveAt > o.acceptedAt) return null;
    const q = this.quoteBySymbol.get(o.symbol);
    if (!q) return null;
    const wall = (this.config.wallClock ?? Date.now)();
    if (wall - this.feedTime > (this.config.liveFeedMaxAgeMs ?? 1000) || wall - q.ts > maxAge) return null;
    return { ...q, ts: Math.max(q.ts, o.liveAt) };
  }

  // ---------------------------------------------------------------- state

  /** Runs `work` after everything before it: calls and ticks take effect in call order. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private now(): number {
    return this.config.clock ? this.config.clock() : this.marketTime;
  }

  /**
   * Writes `next` (version + 1) with its trades, then updates the working set and announces it.
   * False when another process moved the order first: the order is re-read and left as it is.
   */
  private async commit(prev: MockOrderRecord, next: MockOrderRecord, trades: readonly MockTradeRecord[]): Promise<boolean> {
    const written: MockOrderRecord = { ...next, version: prev.version + 1 };
    if (!(await this.store.updateOrder(written, prev.version, trades))) {
      const fresh = await this.store.getOrder(prev.brokerOrderId);
      this.uncache(prev);
      if (fresh) this.cache(fresh);
      return false;
    }
    this.uncache(prev);
    this.cache(written);
    this.emit(written);
    return true;
  }

  private async commitOrThrow(prev: MockOrderRecord, next: MockOrderRecord, operation: BrokerOperation): Promise<void> {
    if (!(await this.commit(prev, next, []))) {
      throw new BrokerError('retryable', `Order ${prev.brokerOrderId} changed concurrently; try again`, {
        broker: this.broker,
        operation,
        code: 'CONCURRENT_UPDATE',
      });
    }
  }

  private cache(o: MockOrderRecord): void {
    if (!isMockOrderOpen(o.status)) return;
    const list = this.openBySymbol.get(o.symbol) ?? [];
    list.push(o);
    list.sort((a, b) => a.seq - b.seq);
    this.openBySymbol.set(o.symbol, list);
  }

  private uncache(o: MockOrderRecord): void {
    const list = this.openBySymbol.get(o.symbol);
    if (!list) return;
    const rest = list.filter((x) => x.brokerOrderId !== o.brokerOrderId);
    if (rest.length > 0) this.openBySymbol.set(o.symbol, rest);
    else this.openBySymbol.delete(o.symbol);
  }

  private emit(o: MockOrderRecord): void {
    if (this.listeners.size === 0) return;
    const update = toBrokerOrder(o);
    for (const listener of this.listeners) {
      try {
        listener(update);
      } catch (e) {
        this.config.onListenerError?.(e);
      }
    }
  }

  /** A working order, or the final error a real broker gives for an unknown or finished one. */
  private async working(brokerOrderId: string, operation: BrokerOperation): Promise<MockOrderRecord> {
    const o = await this.store.getOrder(brokerOrderId);
    if (!o) throw this.notFound(operation, brokerOrderId);
    if (!isMockOrderOpen(o.status)) {
      throw this.refusal(
        operation,
        'ORDER_TERMINAL',
        `Order ${brokerOrderId} is ${o.status} and can no longer be ${operation === 'cancel' ? 'cancelled' : 'modified'}`,
      );
    }
    return o;
  }

  // ---------------------------------------------------------------- validation (the broker's InputException)

  private infoOf(ref: InstrumentRef): MockInstrumentInfo {
    if (!this.config.instrument) return { tickSize: 1, lotSize: 1 };
    const info = this.config.instrument({ exchange: ref.exchange, symbol: ref.symbol });
    if (!info) throw this.refusal('place', 'INSTRUMENT_NOT_FOUND', `Unknown instrument ${ref.exchange}:${ref.symbol}`);
    return info;
  }

  /** The sizes an accepted order trades with, even if the instrument has since left the hook's list. */
  private acceptedInfoOf(ref: InstrumentRef): MockInstrumentInfo {
    return this.config.instrument?.({ exchange: ref.exchange, symbol: ref.symbol }) ?? { tickSize: 1, lotSize: 1 };
  }

  private validatePlacement(r: PlaceOrderRequest): void {
    if (typeof r.clientOrderId !== 'string' || r.clientOrderId === '')
      throw this.refusal('place', 'INVALID_INPUT', 'A client order id is required');
    if (
      !ORDER_SIDES.includes(r.side) ||
      !ORDER_TYPES.includes(r.type) ||
      !PRODUCTS.includes(r.product) ||
      !VALIDITIES.includes(r.validity)
    ) {
      throw this.refusal(
        'place',
        'INVALID_INPUT',
        `Invalid side, type, product or validity: ${r.side} ${r.type} ${r.product} ${r.validity}`,
      );
    }
    const info = this.infoOf(r.instrument);
    this.checkQuantity('place', r.quantity, info);
    if (!hasLimitPrice(r.type) && r.price !== null && r.price !== undefined)
      throw this.refusal('place', 'INVALID_PRICE', `A ${r.type} order takes no price`);
    if (!hasTriggerPrice(r.type) && r.triggerPrice !== null && r.triggerPrice !== undefined)
      throw this.refusal('place', 'INVALID_TRIGGER', `A ${r.type} order takes no trigger price`);
    this.checkPrices('place', r, info);
  }

  private checkQuantity(operation: BrokerOperation, quantity: number, info: MockInstrumentInfo): void {
    if (!isPositiveInt(quantity)) throw this.refusal(operation, 'INVALID_QUANTITY', `Quantity must be a positive integer, got ${quantity}`);
    if (quantity % info.lotSize !== 0)
      throw this.refusal(operation, 'INVALID_QUANTITY', `Quantity ${quantity} is not a multiple of the lot size ${info.lotSize}`);
  }

  private checkPrices(
    operation: BrokerOperation,
    o: { side: string; type: PlaceOrderRequest['type']; price: PriceTicks | null; triggerPrice: PriceTicks | null },
    info: MockInstrumentInfo,
  ): void {
    const onGrid = (p: PriceTicks | null): p is PriceTicks => isPositiveInt(p) && p % info.tickSize === 0;
    if (hasLimitPrice(o.type) && !onGrid(o.price))
      throw this.refusal(operation, 'INVALID_PRICE', `Price must be a positive multiple of the tick size ${info.tickSize}`);
    if (hasTriggerPrice(o.type) && !onGrid(o.triggerPrice))
      throw this.refusal(operation, 'INVALID_TRIGGER', `Trigger price must be a positive multiple of the tick size ${info.tickSize}`);
    // An SL order's limit must be on the far side of its trigger, or it could never fill once armed.
    if (o.type === 'SL' && (o.side === 'BUY' ? o.price! < o.triggerPrice! : o.price! > o.triggerPrice!)) {
      throw this.refusal(
        operation,
        'INVALID_TRIGGER',
        o.side === 'BUY'
          ? 'Trigger price must not exceed the limit price of a stop-loss buy'
          : 'Trigger price must not be below the limit price of a stop-loss sell',
      );
    }
  }

  /**
   * The RMS's answer at acceptance: a stop whose trigger the last price has already passed is
   * refused (as Kite does), then a random rejection with the configured probability.
   */
  private rejectionFor(o: MockOrderRecord): string | null {
    const ltp = this.quoteBySymbol.get(o.symbol)?.ltp;
    if (o.triggerPrice !== null && ltp !== undefined && stopTriggered(o.side, o.triggerPrice, ltp)) {
      return o.side === 'BUY'
        ? 'Trigger price for stop-loss buy orders should be higher than the last traded price'
        : 'Trigger price for stop-loss sell orders should be lower than the last traded price';
    }
    const p = this.config.rejections?.probability ?? 0;
    if (p > 0 && mockDraw(this.config.seed, o.brokerOrderId, 'reject') < p) {
      const reasons = MOCK_REJECTION_REASONS;
      return reasons[Math.floor(mockDraw(this.config.seed, o.brokerOrderId, 'reason') * reasons.length)]!;
    }
    return null;
  }

  private refusal(operation: BrokerOperation, code: string, message: string): BrokerError {
    return new BrokerError('final', message, { broker: this.broker, operation, code, brokerMessage: message, httpStatus: 400 });
  }

  private notFound(operation: BrokerOperation, id: string): BrokerError {
    return new BrokerError('final', `Order ${id} not found`, {
      broker: this.broker,
      operation,
      code: 'ORDER_NOT_FOUND',
      brokerMessage: `Order ${id} not found`,
      httpStatus: 404,
    });
  }
}

/** The normalised view of a mock order: a snapshot with cumulative fill fields. */
export function toBrokerOrder(o: MockOrderRecord): BrokerOrder {
  return Object.freeze({
    brokerOrderId: asBrokerOrderId(o.brokerOrderId),
    parentBrokerOrderId: null,
    tag: o.tag,
    instrument: { exchange: o.exchange, symbol: o.symbol },
    side: o.side,
    type: o.type,
    product: o.product,
    validity: o.validity,
    quantity: o.quantity,
    price: o.price,
    triggerPrice: o.triggerPrice,
    status: normaliseStatus(o.status, MOCK_STATUSES, o),
    filledQuantity: o.filledQuantity,
    // Rounded half-up to one tick: the default averagePriceStep of 1 tells applyBrokerUpdate so.
    averagePrice: o.filledQuantity > 0 ? divideToPrice(o.filledValue, o.filledQuantity) : null,
    averagePriceStep: 1,
    rejectReason: o.rejectReason,
    rawStatus: o.status,
    placedAt: o.acceptedAt,
    updatedAt: o.updatedAt,
  });
}

export const toBrokerTrade = (t: MockTradeRecord): BrokerTrade =>
  Object.freeze({
    tradeId: asBrokerTradeId(t.tradeId),
    brokerOrderId: asBrokerOrderId(t.brokerOrderId),
    instrument: { exchange: t.exchange, symbol: t.symbol },
    side: t.side,
    product: t.product,
    quantity: t.quantity,
    price: t.price,
    ts: t.ts,
  });
