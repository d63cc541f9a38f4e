import { applyBrokerUpdate, applyOrderEvent, isTerminalStatus, newOrder, type AcceptedHow, type OrderState } from '@tradeloop/domain';
import type { BrokerAdapter, BrokerOrder, OrderUpdateListener, PlaceOrderRequest, PlaceOrderResult } from '../adapter';
import { asBrokerOrderId, BrokerError } from '../adapter';
import { InMemoryMockBrokerStore, MockBroker, type MockTick } from '../mock';
import type { CommandOrder, ExecutionBook, ExecutionOrder } from './execution-book.port';
import { OrderExecution } from './order-execution';
import { combinedSliceReport, mergeSliceReport, type SliceBook } from './slice-book';

const P = (rupees: number): number => Math.round(rupees * 10_000);
const tick = (ts: number, bid: number, ask: number): MockTick => ({ symbol: 'INFY', ts, bid: P(bid), ask: P(ask), ltp: P(bid) });

interface BookOrder {
  exec: ExecutionOrder;
  state: OrderState;
  ids: string[];
  slices: SliceBook;
  sendAttempts: number;
  cancelRequested: boolean;
  how: AcceptedHow | null;
  applied: number;
}

/** ExecutionBook over memory, with the same rules the Postgres one applies (one order at a time, slices combined). */
class MemoryBook implements ExecutionBook {
  readonly orders = new Map<string, BookOrder>();
  readonly calls: string[] = [];

  add(id: string, over: Partial<ExecutionOrder> = {}): void {
    const exec: ExecutionOrder = {
      id,
      instrument: { exchange: 'NSE', symbol: 'INFY' },
      createdAt: 0,
      side: 'BUY',
      type: 'MARKET',
      product: 'MIS',
      validity: 'DAY',
      quantity: 10,
      price: null,
      triggerPrice: null,
      ...over,
    };
    this.orders.set(id, {
      exec,
      state: newOrder(exec),
      ids: [],
      slices: {},
      sendAttempts: 0,
      cancelRequested: false,
      how: null,
      applied: 0,
    });
  }

  get(id: string): BookOrder {
    return this.orders.get(id)!;
  }

  beginSend(orderId: string) {
    this.calls.push(`beginSend ${orderId}`);
    const o = this.orders.get(orderId);
    if (!o || o.state.status !== 'PENDING' || o.ids.length > 0 || o.cancelRequested)
      return Promise.resolve({ action: 'skip' as const, order: undefined });
    o.sendAttempts += 1;
    return Promise.resolve({ action: o.sendAttempts > 1 ? ('lookup' as const) : ('send' as const), order: o.exec });
  }

  async accepted(orderId: string, ids: readonly string[], how: AcceptedHow, reports: readonly BrokerOrder[]) {
    this.calls.push(`accepted ${orderId} ${how} ${ids.join(',')}`);
    const o = this.get(orderId);
    if (o.ids.length > 0 || isTerminalStatus(o.state.status)) return;
    o.ids = [...ids];
    o.how = how;
    o.state = applyOrderEvent(o.state, { type: 'OPENED' });
    for (const r of reports) await this.applyReport(orderId, r);
  }

  rejected(orderId: string, reason: string) {
    this.calls.push(`rejected ${orderId} ${reason}`);
    const o = this.get(orderId);
    o.state = applyOrderEvent(o.state, { type: 'REJECTED', reason });
    return Promise.resolve();
  }

  applyReport(orderId: string, report: BrokerOrder) {
    const o = this.get(orderId);
    let rep: BrokerOrder | ReturnType<typeof combinedSliceReport> = report;
    if (o.ids.length > 1) {
      const m = mergeSliceReport(o.slices, report.brokerOrderId, report);
      if (!m.changed) return Promise.resolve('unchanged');
      o.slices = m.book;
      rep = combinedSliceReport(o.exec.quantity, o.ids, o.slices);
    }
    const res = applyBrokerUpdate(o.state, rep);
    if (res.outcome === 'applied') o.applied += 1;
    o.state = res.order;
    return Promise.resolve(res.outcome);
  }

  orderForBrokerId(brokerOrderId: string) {
    for (const o of this.orders.values()) if (o.ids.includes(brokerOrderId)) return Promise.resolve(o.exec.id);
    return Promise.resolve(undefined);
  }

  commandOrder(orderId: string): Promise<CommandOrder | undefined> {
    const o = this.orders.get(orderId);
    return Promise.resolve(
      o && {
        id: orderId,
        status: o.state.status,
        terminal: isTerminalStatus(o.state.status),
        brokerOrderIds: o.ids,
        pendingModification: null,
      },
    );
  }

  cancelledLocally(orderId: string) {
    const o = this.get(orderId);
    if (o.ids.length === 0 && !isTerminalStatus(o.state.status)) o.state = applyOrderEvent(o.state, { type: 'CANCELLED' });
    return Promise.resolve();
  }

  modified() {
    return Promise.resolve({ cancel: false });
  }

  modificationRejected() {
    return Promise.resolve();
  }
}

type Fault = 'timeout-after-accept' | 'timeout-before-accept' | 'final' | 'rate-limited';

/** The mock broker with faults put in front of it: the adapter as a flaky network would present it. */
class FlakyAdapter implements BrokerAdapter {
  readonly faults: Fault[] = [];
  placements = 0;
  constructor(readonly inner: BrokerAdapter) {}
  get broker() {
    return this.inner.broker;
  }
  get capabilities() {
    return this.inner.capabilities;
  }
  async placeOrder(r: PlaceOrderRequest): Promise<PlaceOrderResult> {
    const fault = this.faults.shift();
    const err = (kind: BrokerError['kind'], msg: string) => new BrokerError(kind, msg, { broker: 'mock', operation: 'place' });
    if (fault === 'timeout-before-accept') throw err('ambiguous', 'timed out');
    if (fault === 'final') throw err('final', 'RMS: margin exceeds');
    if (fault === 'rate-limited') throw err('rate_limited', 'too many requests');
    this.placements += 1;
    const res = await this.inner.placeOrder(r);
    if (fault === 'timeout-after-accept') throw err('ambiguous', 'timed out after the broker took it');
    return res;
  }
  modifyOrder = (...a: Parameters<BrokerAdapter['modifyOrder']>) => this.inner.modifyOrder(...a);
  cancelOrder = (...a: Parameters<BrokerAdapter['cancelOrder']>) => this.inner.cancelOrder(...a);
  getOrder = (...a: Parameters<BrokerAdapter['getOrder']>) => this.inner.getOrder(...a);
  findOrdersByTag = (...a: Parameters<BrokerAdapter['findOrdersByTag']>) => this.inner.findOrdersByTag(...a);
  correlationTag = (id: string) => this.inner.correlationTag(id);
  listOrders = () => this.inner.listOrders();
  listTrades = () => this.inner.listTrades();
  listPositions = () => this.inner.listPositions();
  listHoldings = () => this.inner.listHoldings();
  funds = () => this.inner.funds();
  quotes = (...a: Parameters<BrokerAdapter['quotes']>) => this.inner.quotes(...a);
  subscribe = (l: OrderUpdateListener) => this.inner.subscribe(l);
}

const ID = (n: number) => `0190c5e2-7a7e-7c2b-9d3f-${String(n).padStart(12, '0')}`;

async function setup() {
  const mock = await MockBroker.open(new InMemoryMockBrokerStore(), {
    seed: 1,
    instrument: () => ({ tickSize: 500, lotSize: 1 }),
  });
  await mock.onTick(tick(1, 1500, 1500.5));
  const adapter = new FlakyAdapter(mock);
  const book = new MemoryBook();
  const errors: unknown[] = [];
  const exec = new OrderExecution(adapter, book, { onError: (e) => errors.push(e) });
  exec.start();
  return { mock, adapter, book, exec, errors };
}

describe('OrderExecution: send once', () => {
  it('a placement is sent once and accepted; the fill at the next tick reaches the order through the subscription', async () => {
    const { mock, adapter, book, exec, errors } = await setup();
    book.add(ID(1));
    expect(await exec.place(ID(1))).toBe('sent');
    expect(adapter.placements).toBe(1);
    expect(book.get(ID(1)).state.status).toBe('OPEN');
    await mock.onTick(tick(2, 1500, 1500.5));
    await exec.settled();
    expect(book.get(ID(1)).state).toMatchObject({ status: 'FILLED', filledQuantity: 10 });
    expect(errors).toEqual([]);
  });

  it('timeout after the broker accepted: found by tag and adopted, never sent twice', async () => {
    const { adapter, book, exec } = await setup();
    book.add(ID(2));
    adapter.faults.push('timeout-after-accept');
    expect(await exec.place(ID(2))).toBe('adopted');
    expect(adapter.placements).toBe(1);
    expect(book.get(ID(2)).how).toBe('found-by-tag');
    // A retried job finds the order at the broker already: nothing is sent.
    expect(await exec.place(ID(2))).toBe('skipped');
    expect(adapter.placements).toBe(1);
  });

  it('timeout before the broker took it: the error surfaces; the retry looks up first, finds nothing, sends once', async () => {
    const { adapter, book, exec } = await setup();
    book.add(ID(3));
    adapter.faults.push('timeout-before-accept');
    await expect(exec.place(ID(3))).rejects.toMatchObject({ kind: 'ambiguous' });
    expect(adapter.placements).toBe(0);
    expect(await exec.place(ID(3))).toBe('sent');
    expect(adapter.placements).toBe(1);
    expect(book.calls.filter((c) => c.startsWith('accepted'))).toHaveLength(1);
  });

  it('a crash after acceptance (the second attempt begins with a lookup) adopts what the broker holds', async () => {
    const { mock, adapter, book } = await setup();
    book.add(ID(4));
    // First process: sent, then died before recording (simulated by a session that throws after the broker call).
    const dying = new OrderExecution(adapter, book, {
      afterBrokerAccept: () => {
        throw new Error('killed');
      },
    });
    await expect(dying.place(ID(4))).rejects.toThrow('killed');
    expect(adapter.placements).toBe(1);
    expect(book.get(ID(4)).ids).toEqual([]);
    const next = new OrderExecution(adapter, book);
    next.start();
    expect(await next.place(ID(4))).toBe('adopted');
    expect(adapter.placements).toBe(1);
    await mock.onTick(tick(3, 1500, 1500.5));
    await next.settled();
    expect(book.get(ID(4)).state.status).toBe('FILLED');
  });

  it('a final refusal rejects the order; a rate limit surfaces for the queue to retry', async () => {
    const { adapter, book, exec } = await setup();
    book.add(ID(5));
    adapter.faults.push('final');
    expect(await exec.place(ID(5))).toBe('rejected');
    expect(book.get(ID(5)).state.status).toBe('REJECTED');
    book.add(ID(6));
    adapter.faults.push('rate-limited');
    await expect(exec.place(ID(6))).rejects.toMatchObject({ kind: 'rate_limited' });
    expect(await exec.place(ID(6))).toBe('sent');
    expect(adapter.placements).toBe(1);
  });
});

describe('OrderExecution: updates', () => {
  it('an update that arrives before the broker answers is kept, then applied with the acceptance', async () => {
    const { mock, adapter, book, exec } = await setup();
    book.add(ID(7));
    // The broker fills the order while our placement is still waiting for its answer.
    const inner = adapter.inner;
    const original = inner.placeOrder.bind(inner);
    adapter.inner.placeOrder = async (r) => {
      const res = await original(r);
      await mock.onTick(tick(4, 1500, 1500.5));
      // Let the pushed FILLED update reach the session before the answer does.
      await new Promise((resolve) => setImmediate(resolve));
      return res;
    };
    expect(await exec.place(ID(7))).toBe('sent');
    await exec.settled();
    expect(book.get(ID(7)).state).toMatchObject({ status: 'FILLED', filledQuantity: 10 });
  });

  it('an update that arrives while the acceptance is being written reaches the order then, not at reconciliation', async () => {
    const { mock, book, exec } = await setup();
    book.add(ID(8));
    // The acceptance's write takes a while (a group commit); the broker fills meanwhile.
    const accepted = book.accepted.bind(book);
    book.accepted = async (orderId, ids, how, reports) => {
      await mock.onTick(tick(5, 1500, 1500.5));
      await new Promise((resolve) => setImmediate(resolve));
      await accepted(orderId, ids, how, reports);
    };
    expect(await exec.place(ID(8))).toBe('sent');
    await exec.settled();
    expect(book.get(ID(8)).state).toMatchObject({ status: 'FILLED', filledQuantity: 10 });
  });

  it('at a broker without tags (OpenAlgo), an unknown order’s update during a placement is kept and adopted with it', async () => {
    const { mock, adapter, book, exec: tagged } = await setup();
    await tagged.stop();
    // The same broker as OpenAlgo presents itself: no tag on orders or updates.
    const tagless: BrokerAdapter = {
      broker: adapter.broker,
      capabilities: { ...adapter.capabilities, tag: null },
      placeOrder: (r) => adapter.placeOrder(r),
      modifyOrder: adapter.modifyOrder,
      cancelOrder: adapter.cancelOrder,
      getOrder: adapter.getOrder,
      findOrdersByTag: async () => ({ method: 'heuristic' as const, orders: [] }),
      correlationTag: () => null,
      listOrders: adapter.listOrders,
      listTrades: adapter.listTrades,
      listPositions: adapter.listPositions,
      listHoldings: adapter.listHoldings,
      funds: adapter.funds,
      quotes: adapter.quotes,
      subscribe: (l: OrderUpdateListener) => adapter.subscribe((u) => l({ ...u, tag: null })),
    };
    const exec = new OrderExecution(tagless, book, { onError: () => undefined });
    exec.start();
    book.add(ID(17));
    const original = adapter.inner.placeOrder.bind(adapter.inner);
    adapter.inner.placeOrder = async (r) => {
      const res = await original(r);
      await mock.onTick(tick(4, 1500, 1500.5));
      await new Promise((resolve) => setImmediate(resolve));
      return res;
    };
    expect(await exec.place(ID(17))).toBe('sent');
    await exec.settled();
    expect(book.get(ID(17)).state).toMatchObject({ status: 'FILLED', filledQuantity: 10 });
    await exec.stop();
  });

  it('the same update twice (socket and postback) is applied once', async () => {
    const { mock, book, exec } = await setup();
    book.add(ID(8));
    await exec.place(ID(8));
    await mock.onTick(tick(5, 1500, 1500.5));
    await exec.settled();
    const applied = book.get(ID(8)).applied;
    const [state] = await mock.listOrders();
    exec.ingest(state!);
    exec.ingest(state!);
    await exec.settled();
    expect(book.get(ID(8)).applied).toBe(applied);
  });

  it('an update for a broker order nobody here placed is left for reconciliation', async () => {
    const { exec, book, errors } = await setup();
    exec.ingest({
      brokerOrderId: asBrokerOrderId('999'),
      parentBrokerOrderId: null,
      tag: 'nobody',
      instrument: { exchange: 'NSE', symbol: 'INFY' },
      side: 'BUY',
      type: 'MARKET',
      product: 'MIS',
      validity: 'DAY',
      quantity: 1,
      price: null,
      triggerPrice: null,
      status: 'FILLED',
      filledQuantity: 1,
      averagePrice: P(1500),
      rawStatus: 'COMPLETE',
      placedAt: 1,
      updatedAt: 1,
    });
    await exec.settled();
    expect(book.calls).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('reconcile applies the broker book to orders whose updates were lost', async () => {
    const { mock, book, adapter, exec } = await setup();
    await exec.stop();
    // A session that is not subscribed: every pushed update is lost.
    const deaf = new OrderExecution(adapter, book);
    book.add(ID(9));
    book.add(ID(10), { type: 'LIMIT', price: P(1400) });
    await deaf.place(ID(9));
    await deaf.place(ID(10));
    await mock.onTick(tick(6, 1500, 1500.5));
    expect(book.get(ID(9)).state.status).toBe('OPEN');
    const res = await deaf.reconcile([
      { id: ID(9), brokerOrderIds: book.get(ID(9)).ids },
      { id: ID(10), brokerOrderIds: book.get(ID(10)).ids },
    ]);
    expect(res).toEqual({ checked: 2, applied: 2 });
    expect(book.get(ID(9)).state.status).toBe('FILLED');
    expect(book.get(ID(10)).state.status).toBe('OPEN');
  });

  it('cancel: before sending it is local; at the broker it is cancelled there and the report closes it', async () => {
    const { book, exec } = await setup();
    book.add(ID(11));
    expect(await exec.cancel(ID(11))).toBe('cancelled before sending');
    expect(book.get(ID(11)).state.status).toBe('CANCELLED');
    book.add(ID(12), { type: 'LIMIT', price: P(1400) });
    await exec.place(ID(12));
    expect(await exec.cancel(ID(12))).toBe('cancelled at the broker');
    expect(book.get(ID(12)).state.status).toBe('CANCELLED');
    expect(await exec.cancel(ID(12))).toBe('nothing to do');
  });
});

describe('OrderExecution: slices', () => {
  it('a placement the broker slices into two orders is one order here, filled once per slice fill', async () => {
    const { mock, adapter, book, exec } = await setup();
    book.add(ID(13), { quantity: 20 });
    const inner = adapter.inner;
    const original = inner.placeOrder.bind(inner);
    // Two broker orders of 10 for our 20 (as Kite autoslice answers), both tagged with our id.
    adapter.inner.placeOrder = async (r) => {
      const a = await original({ ...r, quantity: 10 });
      const b = await original({ ...r, quantity: 10 });
      return { brokerOrderIds: [...a.brokerOrderIds, ...b.brokerOrderIds], failedSlices: [] };
    };
    expect(await exec.place(ID(13))).toBe('sent');
    expect(book.get(ID(13)).ids).toHaveLength(2);
    await mock.onTick(tick(7, 1500, 1500.5));
    await exec.settled();
    // Each slice reports 10 cumulative: applied alone it would read as 10 of 20 twice (one fill lost).
    expect(book.get(ID(13)).state).toMatchObject({ status: 'FILLED', filledQuantity: 20 });
    expect(book.get(ID(13)).state.fills.reduce((s, f) => s + f.quantity, 0)).toBe(20);
  });
});
