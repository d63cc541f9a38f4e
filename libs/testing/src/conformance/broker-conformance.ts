// The broker conformance kit (issue 14, part 7; docs/brokers.md 5): one suite every BrokerAdapter
// runs — the mock and Kite now, Upstox and OpenAlgo when they land. Trading cases in the style of
// Lean's brokerage tests, then a chaos matrix for brokers whose harness can inject faults. After
// every case the adapter's view (getOrder, listOrders, listTrades, listPositions, and what its
// update listener saw) must equal the broker's own book, read beside the adapter, not through it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BrokerError,
  heldQuantity,
  isBrokerError,
  reconcileAccount,
  type BrokerAdapter,
  type BrokerOrder,
  type BrokerOrderId,
  type BrokerPosition,
  type BrokerTrade,
  type InstrumentRef,
  type PlaceOrderRequest,
} from '@tradeloop/brokers';
import type { BrokerReportStatus, OrderSide, OrderType, PriceTicks, Product } from '@tradeloop/domain';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

export interface ConformanceQuote {
  readonly bid: PriceTicks;
  readonly ask: PriceTicks;
  readonly ltp: PriceTicks;
}

/** The broker's book as the broker holds it (the fake's or the mock's store), in our normalised shapes. */
export interface BrokerTruth {
  readonly orders: readonly Pick<BrokerOrder, 'brokerOrderId' | 'status' | 'filledQuantity' | 'quantity' | 'averagePrice' | 'tag'>[];
  readonly trades: readonly Pick<BrokerTrade, 'tradeId' | 'brokerOrderId' | 'side' | 'quantity' | 'price'>[];
  /** Net quantity per (instrument, product); flat ones may be left out. */
  readonly positions: readonly Pick<BrokerPosition, 'instrument' | 'product' | 'netQuantity'>[];
}

/** Placement faults a harness may be able to script (each affects the next placement only). */
export type PlacementFault =
  /** The broker takes the order; the caller's request times out. */
  | 'timeout-after-accept'
  /** The request times out and the broker never took the order. */
  | 'timeout-before-accept'
  /** Connection refused: nothing reached the broker. */
  | 'refused'
  /** The connection is reset before the broker acted on the request. */
  | 'reset-before-accept'
  /** The broker takes the order, then the connection is reset before the answer. */
  | 'reset-after-accept'
  /** 429: refused by the rate limit. */
  | 'rate-limited'
  /** 502 from the gateway. */
  | 'server-error'
  /** 200 with a body that is not JSON. */
  | 'invalid-response';

/** Chaos controls; each present only where the broker (or its fake) supports it. */
export interface ConformanceChaos {
  readonly placementFaults?: readonly PlacementFault[];
  failNextPlacement?(fault: PlacementFault): void;
  /** The session expires at the broker now; the adapter's `onAuthLost` calls are in `authLost`. */
  expireSession?(): void;
  readonly authLost?: readonly BrokerError[];
  /** The next order on the harness instrument fills in these parts (cumulative reports between). */
  partialFillsNext?(parts: readonly number[]): void;
  /** From now on the broker sends no order update frames (the book still changes). */
  suppressUpdates?(suppress: boolean): void;
  /** From now on each update frame is sent twice and pairs of frames are swapped; off flushes what is held. */
  disorderUpdates?(on: boolean): void;
  /** Ticker faults: silence (socket left open, no heartbeat) or a close. Resolve once the adapter has noticed. */
  stallTicker?(): Promise<void>;
  closeTicker?(): Promise<void>;
  /** Market-data tokens the broker's open sockets are subscribed to now. */
  tickerSubscribedNow?(): readonly number[];
  /** How many ticker connections the broker has accepted so far. */
  tickerConnects?(): number;
  /** The adapter's `onReconnect` calls so far (reconnect: true for all but the first). */
  readonly reconnects?: readonly { readonly reconnect: boolean }[];
  /** Subscribes market data for this token through the adapter's socket. */
  subscribeTicks?(token: number): void;
  /** The adapter's reconcile pass: feeds the book through its update path. */
  reconcile?(): Promise<unknown>;
  /** How many placements reached the broker (its request log). */
  placementsReceived?(): number;
  /**
   * The broker ends the day and begins the next (the fake's `rollDay`): CNC positions become
   * holdings (T1, settled a roll later), other open positions carry, the order and trade books
   * start empty (docs/brokers.md 4.12).
   */
  rollDay?(): Promise<void>;
}

export interface ConformanceHarness {
  readonly adapter: BrokerAdapter;
  /** A liquid instrument to trade, with its grid. */
  readonly instrument: InstrumentRef;
  readonly tickSize: PriceTicks;
  readonly lotSize: number;
  /** Whether the broker lets a product go short from flat (Kite refuses a CNC sell without holdings). */
  shortAllowed(product: Product): boolean;
  /** Moves the market; resolves once the broker has matched its working orders against it. */
  setQuote(quote: ConformanceQuote): Promise<void>;
  truth(): Promise<BrokerTruth>;
  readonly chaos?: ConformanceChaos;
  close(): Promise<void>;
}

export type MakeHarness = (options: { readonly caseName: string }) => Promise<ConformanceHarness>;

export interface ConformanceCase {
  readonly name: string;
  /** Null: runs everywhere; else the reason it does not apply to a harness (the table says so). */
  applies(h: HarnessCapabilities): boolean;
  run(ctx: CaseContext): Promise<void>;
}

/** What decides which cases apply: read from a probe harness before any case runs. */
export interface HarnessCapabilities {
  readonly orderTypes: readonly OrderType[];
  readonly products: readonly Product[];
  shortAllowed(product: Product): boolean;
  readonly chaos: ReadonlySet<string>;
  readonly placementFaults: ReadonlySet<PlacementFault>;
}

interface CaseContext {
  readonly h: ConformanceHarness;
  readonly updates: BrokerOrder[];
  readonly placed: BrokerOrderId[];
  /** Net position the case expects at the end, per product. */
  expectNet(product: Product, net: number): void;
}

// ---------------------------------------------------------------- helpers

const BASE_PRICE: PriceTicks = 10_000_000; // ₹1000.00
/** A market-data token for the ticker cases (Kite's INFY). */
const TICKER_TOKEN = 408065;
const QTY = 2;

let clientSeq = 0;
const clientOrderId = (): string => `0190c5e2-7a7e-7c2b-9d3f-${String((clientSeq += 1)).padStart(12, '0')}`;

const quoteAround = (h: ConformanceHarness, ltp: PriceTicks): ConformanceQuote => ({ bid: ltp, ask: ltp + h.tickSize, ltp });

/** The last quote each harness was given. */
const lastQuote = new WeakMap<ConformanceHarness, ConformanceQuote>();

async function market(h: ConformanceHarness, ltp: PriceTicks): Promise<ConformanceQuote> {
  const q = quoteAround(h, ltp);
  lastQuote.set(h, q);
  await h.setQuote(q);
  return q;
}

const current = (h: ConformanceHarness): ConformanceQuote => lastQuote.get(h) ?? quoteAround(h, BASE_PRICE);

function request(
  h: ConformanceHarness,
  over: Partial<PlaceOrderRequest> & Pick<PlaceOrderRequest, 'side' | 'type' | 'product'>,
): PlaceOrderRequest {
  return {
    clientOrderId: clientOrderId(),
    instrument: h.instrument,
    validity: 'DAY',
    quantity: QTY * h.lotSize,
    price: null,
    triggerPrice: null,
    ...over,
  };
}

async function placeOne(ctx: CaseContext, req: PlaceOrderRequest): Promise<BrokerOrderId> {
  const { brokerOrderIds, failedSlices } = await ctx.h.adapter.placeOrder(req);
  expect(failedSlices).toEqual([]);
  expect(brokerOrderIds).toHaveLength(1);
  ctx.placed.push(brokerOrderIds[0]!);
  return brokerOrderIds[0]!;
}

async function statusOf(h: ConformanceHarness, id: BrokerOrderId): Promise<BrokerOrder> {
  return h.adapter.getOrder(id);
}

/** Waits (bounded) until the adapter reports the order in `status`. */
async function until(
  h: ConformanceHarness,
  id: BrokerOrderId,
  status: BrokerReportStatus | readonly BrokerReportStatus[],
): Promise<BrokerOrder> {
  const wanted = typeof status === 'string' ? [status] : status;
  let last: BrokerOrder | null = null;
  await vi.waitFor(
    async () => {
      last = await statusOf(h, id);
      expect(wanted).toContain(last.status);
    },
    { timeout: 10_000, interval: 10 },
  );
  return last!;
}

/**
 * One order that trades `quantity` on `side` with `type`, driven to a fill: marketable LIMIT at
 * the touch; stops placed beyond the market then the market moved through their trigger.
 */
async function trade(ctx: CaseContext, side: OrderSide, type: OrderType, product: Product, quantity: number): Promise<BrokerOrderId> {
  const { h } = ctx;
  const q = current(h);
  const t = h.tickSize;
  const dir = side === 'BUY' ? 1 : -1;
  let req: PlaceOrderRequest;
  if (type === 'MARKET') req = request(h, { side, type, product, quantity });
  else if (type === 'LIMIT') req = request(h, { side, type, product, quantity, price: side === 'BUY' ? q.ask : q.bid });
  else {
    const trigger = q.ltp + dir * 10 * t;
    req = request(h, {
      side,
      type,
      product,
      quantity,
      triggerPrice: trigger,
      price: type === 'SL' ? trigger + dir * 10 * t : null,
    });
  }
  const id = await placeOne(ctx, req);
  if (type === 'SL' || type === 'SL-M') {
    await until(h, id, ['TRIGGER_PENDING', 'PENDING_SUBMIT', 'OPEN']);
    await market(h, q.ltp + dir * 12 * t);
  }
  await market(h, current(h).ltp); // the next tick, for brokers that match on ticks only
  const filled = await until(h, id, 'FILLED');
  expect(filled.filledQuantity).toBe(quantity);
  return id;
}

/** A working order that will not fill at the current market: LIMIT below a buy's bid, stops far beyond. */
async function rest(
  ctx: CaseContext,
  side: OrderSide,
  type: OrderType,
  product: Product,
): Promise<{ id: BrokerOrderId; req: PlaceOrderRequest }> {
  const { h } = ctx;
  const q = current(h);
  const t = h.tickSize;
  const dir = side === 'BUY' ? 1 : -1;
  const req =
    type === 'LIMIT'
      ? request(h, { side, type, product, price: q.ltp - dir * 20 * t })
      : request(h, { side, type, product, triggerPrice: q.ltp + dir * 20 * t, price: type === 'SL' ? q.ltp + dir * 30 * t : null });
  const id = await placeOne(ctx, req);
  await until(h, id, type === 'LIMIT' ? ['OPEN', 'PENDING_SUBMIT'] : ['TRIGGER_PENDING', 'PENDING_SUBMIT']);
  return { id, req };
}

const key = (i: InstrumentRef, product: string): string => `${i.exchange}:${i.symbol}|${product}`;

/** The adapter's every view equals the broker's own book; the listener saw each order's final state. */
async function assertTruth(ctx: CaseContext, expectedNet: ReadonlyMap<Product, number>): Promise<void> {
  const { h } = ctx;
  const truth = await h.truth();
  const project = (o: BrokerTruth['orders'][number]) => ({
    id: o.brokerOrderId as string,
    status: o.status,
    filledQuantity: o.filledQuantity,
    quantity: o.quantity,
    averagePrice: o.filledQuantity > 0 ? o.averagePrice : null,
  });
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const truthOrders = truth.orders.map(project).sort(byId);
  expect((await h.adapter.listOrders()).map(project).sort(byId), 'listOrders = broker book').toEqual(truthOrders);
  for (const o of truthOrders) expect(project(await h.adapter.getOrder(o.id as BrokerOrderId)), `getOrder ${o.id}`).toEqual(o);

  const projectTrade = (t: BrokerTruth['trades'][number]) => ({
    tradeId: t.tradeId as string,
    brokerOrderId: t.brokerOrderId as string,
    side: t.side,
    quantity: t.quantity,
    price: t.price,
  });
  const byTrade = (a: { tradeId: string }, b: { tradeId: string }) => (a.tradeId < b.tradeId ? -1 : a.tradeId > b.tradeId ? 1 : 0);
  expect((await h.adapter.listTrades()).map(projectTrade).sort(byTrade), 'listTrades = broker trades').toEqual(
    truth.trades.map(projectTrade).sort(byTrade),
  );

  const nets = (ps: readonly Pick<BrokerPosition, 'instrument' | 'product' | 'netQuantity'>[]) =>
    Object.fromEntries(ps.filter((p) => p.netQuantity !== 0).map((p) => [key(p.instrument, p.product), p.netQuantity]));
  const adapterNets = nets(await h.adapter.listPositions());
  expect(adapterNets, 'listPositions = broker positions').toEqual(nets(truth.positions));
  const expected = Object.fromEntries([...expectedNet].filter(([, n]) => n !== 0).map(([p, n]) => [key(h.instrument, p), n]));
  expect(adapterNets, 'positions = what the case traded').toEqual(expected);

  // Fills are the sum of trades for every order.
  for (const o of truthOrders) {
    const filled = truth.trades.filter((t) => t.brokerOrderId === o.id).reduce((s, t) => s + t.quantity, 0);
    expect(filled, `trades of ${o.id} add up to its fill`).toBe(o.filledQuantity);
  }

  // Push: what the listener saw last of each order we placed is the book's state.
  if (h.adapter.capabilities.updates === 'push') {
    await vi.waitFor(
      () => {
        for (const id of ctx.placed) {
          const seen = [...ctx.updates].reverse().find((u) => u.brokerOrderId === id);
          const book = truthOrders.find((o) => o.id === id);
          expect(seen && project(seen), `last update of ${id}`).toEqual(book);
        }
      },
      { timeout: 10_000, interval: 10 },
    );
  }
  // And what it saw of each order moved forward only.
  for (const id of new Set(ctx.updates.map((u) => u.brokerOrderId))) {
    const fills = ctx.updates.filter((u) => u.brokerOrderId === id).map((u) => u.filledQuantity);
    expect(fills, `fills of ${id} only grow`).toEqual([...fills].sort((a, b) => a - b));
  }
}

async function caught(p: Promise<unknown>): Promise<BrokerError> {
  try {
    await p;
  } catch (e) {
    if (isBrokerError(e)) return e;
    throw e;
  }
  throw new Error('expected a BrokerError');
}

// ---------------------------------------------------------------- the cases

const ALL_TYPES: readonly OrderType[] = ['MARKET', 'LIMIT', 'SL', 'SL-M'];
const ALL_PRODUCTS: readonly Product[] = ['CNC', 'MIS', 'NRML'];
const STOP_OR_LIMIT: readonly OrderType[] = ['LIMIT', 'SL', 'SL-M'];

const supports = (c: HarnessCapabilities, type: OrderType, product: Product): boolean =>
  c.orderTypes.includes(type) && c.products.includes(product);

/** Lean's position cases: a sequence of trades from flat and the net it must end at. */
const POSITION_CASES: readonly { name: string; legs: readonly [OrderSide, number][]; shorts: boolean }[] = [
  { name: 'long from flat', legs: [['BUY', 1]], shorts: false },
  {
    name: 'close long',
    legs: [
      ['BUY', 1],
      ['SELL', 1],
    ],
    shorts: false,
  },
  { name: 'short from flat', legs: [['SELL', 1]], shorts: true },
  {
    name: 'close short',
    legs: [
      ['SELL', 1],
      ['BUY', 1],
    ],
    shorts: true,
  },
  {
    name: 'long to short',
    legs: [
      ['BUY', 1],
      ['SELL', 2],
    ],
    shorts: true,
  },
  {
    name: 'short to long',
    legs: [
      ['SELL', 1],
      ['BUY', 2],
    ],
    shorts: true,
  },
];

function tradingCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const pc of POSITION_CASES) {
    for (const type of ALL_TYPES) {
      for (const product of ALL_PRODUCTS) {
        out.push({
          name: `${pc.name} ${type} ${product}`,
          applies: (c) => supports(c, type, product) && (!pc.shorts || c.shortAllowed(product)),
          run: async (ctx) => {
            await market(ctx.h, BASE_PRICE);
            let net = 0;
            for (const [side, lots] of pc.legs) {
              const qty = lots * QTY * ctx.h.lotSize;
              await trade(ctx, side, type, product, qty);
              net += side === 'BUY' ? qty : -qty;
            }
            ctx.expectNet(product, net);
          },
        });
      }
    }
  }
  for (const type of STOP_OR_LIMIT) {
    for (const product of ALL_PRODUCTS) {
      out.push({
        name: `modify until filled ${type} ${product}`,
        applies: (c) => supports(c, type, product),
        run: async (ctx) => {
          const { h } = ctx;
          const q = await market(h, BASE_PRICE);
          const t = h.tickSize;
          const { id, req } = await rest(ctx, 'BUY', type, product);
          // Closer, still not marketable: the order stays working with its new terms.
          if (type === 'LIMIT') {
            await h.adapter.modifyOrder(id, { price: req.price! + 10 * t });
            await vi.waitFor(async () => expect((await h.adapter.getOrder(id)).price).toBe(req.price! + 10 * t), { timeout: 10_000 });
            await h.adapter.modifyOrder(id, { price: q.ask });
          } else {
            const trigger = q.ltp + 5 * t;
            await h.adapter.modifyOrder(id, type === 'SL' ? { triggerPrice: trigger, price: trigger + 5 * t } : { triggerPrice: trigger });
            await vi.waitFor(async () => expect((await h.adapter.getOrder(id)).triggerPrice).toBe(trigger), { timeout: 10_000 });
            await market(h, trigger + t);
          }
          await market(h, current(h).ltp);
          const filled = await until(h, id, 'FILLED');
          expect(filled.filledQuantity).toBe(req.quantity);
          ctx.expectNet(product, req.quantity);
        },
      });
      out.push({
        name: `cancel ${type} ${product}`,
        applies: (c) => supports(c, type, product),
        run: async (ctx) => {
          await market(ctx.h, BASE_PRICE);
          const { id } = await rest(ctx, 'BUY', type, product);
          await ctx.h.adapter.cancelOrder(id);
          const o = await until(ctx.h, id, 'CANCELLED');
          expect(o.filledQuantity).toBe(0);
          // Cancelling again: the order is terminal, a final refusal.
          expect((await caught(ctx.h.adapter.cancelOrder(id))).kind).toBe('final');
          ctx.expectNet(product, 0);
        },
      });
    }
  }
  return out;
}

const needs =
  (...chaos: string[]) =>
  (c: HarnessCapabilities): boolean =>
    chaos.every((x) => c.chaos.has(x));
const needsFault =
  (fault: PlacementFault) =>
  (c: HarnessCapabilities): boolean =>
    c.chaos.has('failNextPlacement') && c.placementFaults.has(fault);

/** A resting LIMIT buy request (never marketable at BASE_PRICE). */
const restingBuy = (h: ConformanceHarness): PlaceOrderRequest =>
  request(h, { side: 'BUY', type: 'LIMIT', product: 'MIS', price: BASE_PRICE - 20 * h.tickSize });

/** Sends once; on an ambiguous or retryable failure, looks the order up by tag and resends only if nothing is found. */
async function placeResolvingByTag(
  ctx: CaseContext,
  req: PlaceOrderRequest,
  expectKind: BrokerError['kind'][],
): Promise<{ adopted: boolean; id: BrokerOrderId }> {
  const { h } = ctx;
  const sentAfter = Date.now() - 60_000;
  const e = await caught(h.adapter.placeOrder(req));
  expect(expectKind).toContain(e.kind);
  if (e.kind === 'rate_limited') expect(e.retryAfterMs).toBeGreaterThan(0);
  const found = await h.adapter.findOrdersByTag({
    clientOrderId: req.clientOrderId,
    instrument: req.instrument,
    side: req.side,
    quantity: req.quantity,
    sentAfter,
  });
  // A broker without client tags (OpenAlgo) matches on instrument, side, quantity and time, and says so.
  expect(found.method).toBe(h.adapter.capabilities.tag === null ? 'heuristic' : 'tag');
  if (found.orders.length > 0) {
    expect(found.orders).toHaveLength(1);
    ctx.placed.push(found.orders[0]!.brokerOrderId);
    return { adopted: true, id: found.orders[0]!.brokerOrderId };
  }
  return { adopted: false, id: await placeOne(ctx, req) };
}

function chaosCases(): ConformanceCase[] {
  const placement = (name: string, fault: PlacementFault, kinds: BrokerError['kind'][], adopt: boolean | null): ConformanceCase => ({
    name,
    applies: needsFault(fault),
    run: async (ctx) => {
      const { h } = ctx;
      await market(h, BASE_PRICE);
      const req = restingBuy(h);
      h.chaos!.failNextPlacement!(fault);
      const { adopted, id } = await placeResolvingByTag(ctx, req, kinds);
      if (adopt !== null) expect(adopted, adopt ? 'found by tag and adopted' : 'not found, sent once more').toBe(adopt);
      // Untagged (heuristic): the case placed only this order, so the whole book must be that one order.
      const tag = h.adapter.correlationTag(req.clientOrderId);
      const tagged = (await h.truth()).orders.filter((o) => tag === null || o.tag === tag);
      expect(
        tagged.map((o) => o.brokerOrderId),
        'exactly one order at the broker',
      ).toEqual([id]);
      await until(h, id, 'OPEN');
      ctx.expectNet('MIS', 0);
    },
  });
  return [
    placement('chaos: timeout on place, taken → found by tag → adopted', 'timeout-after-accept', ['ambiguous'], true),
    placement('chaos: timeout on place, not taken → not found → sent once more', 'timeout-before-accept', ['ambiguous'], false),
    placement('chaos: connection refused on place → retryable → sent once more', 'refused', ['retryable'], false),
    placement('chaos: connection reset on place, not taken → not found → sent once more', 'reset-before-accept', ['ambiguous'], false),
    placement('chaos: connection reset on place, taken → found by tag → adopted', 'reset-after-accept', ['ambiguous'], true),
    placement('chaos: 429 on place → rate limited, not sent twice', 'rate-limited', ['rate_limited'], false),
    placement('chaos: 502 on place → ambiguous → resolved by tag', 'server-error', ['ambiguous'], null),
    placement('chaos: 200 with a non-JSON body on place → ambiguous → resolved by tag', 'invalid-response', ['ambiguous'], null),
    {
      name: 'chaos: token expiry mid-session → auth kind, onAuthLost, nothing more sent',
      applies: needs('expireSession', 'authLost'),
      run: async (ctx) => {
        const { h } = ctx;
        await market(h, BASE_PRICE);
        const id = await placeOne(ctx, restingBuy(h));
        await until(h, id, 'OPEN');
        h.chaos!.expireSession!();
        const e = await caught(h.adapter.listOrders());
        expect(e.kind).toBe('auth');
        await vi.waitFor(() => expect(h.chaos!.authLost!.length).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
        expect(h.chaos!.authLost![0]!.kind).toBe('auth');
        const before = h.chaos!.placementsReceived?.();
        expect((await caught(h.adapter.placeOrder(restingBuy(h)))).kind).toBe('auth');
        if (before !== undefined) expect(h.chaos!.placementsReceived!()).toBe(before);
        // The book is still the broker's: one open order, as before the expiry.
        expect((await h.truth()).orders.map((o) => o.status)).toEqual(['OPEN']);
      },
    },
    {
      name: 'chaos: partial fills → cumulative reports, trades add up',
      applies: needs('partialFillsNext'),
      run: async (ctx) => {
        const { h } = ctx;
        await market(h, BASE_PRICE);
        const qty = 5 * h.lotSize;
        h.chaos!.partialFillsNext!([2 * h.lotSize, 1 * h.lotSize, 2 * h.lotSize]);
        const id = await placeOne(
          ctx,
          request(h, { side: 'BUY', type: 'LIMIT', product: 'MIS', quantity: qty, price: BASE_PRICE + h.tickSize }),
        );
        for (let i = 0; i < 4; i += 1) await market(h, BASE_PRICE);
        await until(h, id, 'FILLED');
        const fills = ctx.updates.filter((u) => u.brokerOrderId === id).map((u) => u.filledQuantity);
        expect(fills.filter((f) => f > 0 && f < qty).length, 'at least one partial report').toBeGreaterThanOrEqual(1);
        expect((await h.truth()).trades.filter((t) => t.brokerOrderId === id).length).toBeGreaterThanOrEqual(2);
        ctx.expectNet('MIS', qty);
      },
    },
    {
      name: 'chaos: ack never followed by a fill frame → getOrder and reconcile show the truth',
      applies: needs('suppressUpdates', 'reconcile'),
      run: async (ctx) => {
        const { h } = ctx;
        await market(h, BASE_PRICE);
        const req = request(h, { side: 'BUY', type: 'LIMIT', product: 'MIS', price: BASE_PRICE - 5 * h.tickSize });
        const id = await placeOne(ctx, req);
        await vi.waitFor(() => expect(ctx.updates.some((u) => u.brokerOrderId === id)).toBe(true), { timeout: 10_000 });
        h.chaos!.suppressUpdates!(true);
        await market(h, BASE_PRICE - 10 * h.tickSize);
        await market(h, BASE_PRICE - 10 * h.tickSize);
        expect((await h.adapter.getOrder(id)).status, 'getOrder shows the fill').toBe('FILLED');
        expect(
          ctx.updates.filter((u) => u.brokerOrderId === id).map((u) => u.status),
          'no fill frame came',
        ).not.toContain('FILLED');
        h.chaos!.suppressUpdates!(false);
        await h.chaos!.reconcile!();
        ctx.expectNet('MIS', req.quantity);
      },
    },
    {
      name: 'chaos: duplicate and out-of-order update frames → deduplicated, monotonic',
      applies: needs('disorderUpdates'),
      run: async (ctx) => {
        const { h } = ctx;
        await market(h, BASE_PRICE);
        h.chaos!.disorderUpdates!(true);
        const req = restingBuy(h);
        const id = await placeOne(ctx, req);
        await until(h, id, 'OPEN');
        await h.adapter.modifyOrder(id, { price: req.price! + h.tickSize });
        await vi.waitFor(async () => expect((await h.adapter.getOrder(id)).price).toBe(req.price! + h.tickSize), { timeout: 10_000 });
        await h.adapter.modifyOrder(id, { price: BASE_PRICE + h.tickSize });
        await market(h, BASE_PRICE);
        await until(h, id, 'FILLED');
        h.chaos!.disorderUpdates!(false);
        await vi.waitFor(() => expect(ctx.updates.filter((u) => u.brokerOrderId === id).at(-1)?.status).toBe('FILLED'), {
          timeout: 10_000,
        });
        const seen = ctx.updates.filter((u) => u.brokerOrderId === id);
        const keys = seen.map((u) => `${u.status}|${u.filledQuantity}|${u.price}`);
        expect(new Set(keys).size, `each state once: ${keys.join(', ')}`).toBe(keys.length);
        expect(seen.filter((u) => u.status === 'FILLED')).toHaveLength(1);
        expect(seen.at(-1)!.status).toBe('FILLED');
        ctx.expectNet('MIS', req.quantity);
      },
    },
    ...(['stall', 'close'] as const).map(
      (how): ConformanceCase => ({
        name: `chaos: ticker ${how === 'stall' ? 'stalls silently' : 'closed'} → reconnect, resubscribe, reconcile callback`,
        applies: needs(
          how === 'stall' ? 'stallTicker' : 'closeTicker',
          'tickerSubscribedNow',
          'tickerConnects',
          'reconnects',
          'subscribeTicks',
        ),
        run: async (ctx) => {
          const { h } = ctx;
          const c = h.chaos!;
          await market(h, BASE_PRICE);
          c.subscribeTicks!(TICKER_TOKEN);
          await vi.waitFor(() => expect(c.tickerSubscribedNow!()).toContain(TICKER_TOKEN), { timeout: 10_000 });
          const connects = c.tickerConnects!();
          const reconnectsBefore = c.reconnects!.length;
          await (how === 'stall' ? c.stallTicker!() : c.closeTicker!());
          await vi.waitFor(
            () => {
              expect(c.tickerConnects!(), 'a new socket').toBeGreaterThan(connects);
              expect(c.reconnects!.length, 'the owner was asked to reconcile').toBeGreaterThan(reconnectsBefore);
              expect(c.reconnects!.at(-1)!.reconnect).toBe(true);
              expect(c.tickerSubscribedNow!(), 'resubscribed on the new socket').toContain(TICKER_TOKEN);
            },
            { timeout: 10_000, interval: 20 },
          );
          // Updates flow on the new socket.
          const id = await placeOne(ctx, restingBuy(h));
          await vi.waitFor(() => expect(ctx.updates.some((u) => u.brokerOrderId === id)).toBe(true), { timeout: 10_000 });
          ctx.expectNet('MIS', 0);
        },
      }),
    ),
  ];
}

/**
 * The position differences the daily reconciliation would find (`reconcileAccount`, holdings
 * folded in) when our books hold `oursCnc` of the harness instrument in CNC and the broker's own
 * figures for every other (symbol, product): only the CNC comparison is under test.
 */
async function positionDifferences(h: ConformanceHarness, oursCnc: number) {
  const [orders, trades, positions, holdings, funds] = await Promise.all([
    h.adapter.listOrders(),
    h.adapter.listTrades(),
    h.adapter.listPositions(),
    h.adapter.listHoldings(),
    h.adapter.funds(),
  ]);
  const others = positions
    .filter((p) => !(p.product === 'CNC' && p.instrument.symbol === h.instrument.symbol))
    .map((p) => ({ symbol: p.instrument.symbol, product: p.product, netQuantity: p.netQuantity }));
  const ourHoldings = holdings.filter((x) => x.instrument.symbol !== h.instrument.symbol);
  const result = reconcileAccount({
    orders: [],
    positions: [
      ...others,
      ...ourHoldings.map((x) => ({ symbol: x.instrument.symbol, product: 'CNC' as const, netQuantity: heldQuantity(x) })),
      { symbol: h.instrument.symbol, product: 'CNC', netQuantity: oursCnc },
    ],
    cash: { previousMirror: null, flow: { buys: 0n, sells: 0n }, tolerance: 0n },
    broker: { orders, trades, positions, holdings, funds },
  });
  return result.differences.filter((d) => d.kind === 'POSITION_MISMATCH');
}

/** The broker's CNC quantity of the harness instrument: its day position and its holding (settled + T1). */
async function cncAtBroker(
  h: ConformanceHarness,
): Promise<{ position: number; holding: Awaited<ReturnType<BrokerAdapter['listHoldings']>>[number] | null }> {
  const position = (await h.adapter.listPositions())
    .filter((p) => p.product === 'CNC' && p.instrument.symbol === h.instrument.symbol)
    .reduce((s, p) => s + p.netQuantity, 0);
  const holding = (await h.adapter.listHoldings()).find((x) => x.instrument.symbol === h.instrument.symbol) ?? null;
  return { position, holding };
}

/**
 * "Cash and holdings" (docs/brokers.md 5, 4.12): delivery bought today is a CNC position; the
 * broker rolls the day and it is a T1 holding, a roll later a settled one; a sale from the
 * holding the next day is a negative CNC day position beside the holding row. At each step the
 * reconciliation finds no position difference against our books (which never move a position to
 * holdings), and a real divergence (our books a lot off) is still a POSITION_MISMATCH.
 */
function holdingsCases(): ConformanceCase[] {
  return [
    {
      name: 'cash and holdings',
      applies: (c) => c.products.includes('CNC') && c.chaos.has('rollDay'),
      run: async (ctx) => {
        const { h } = ctx;
        const roll = async () => {
          await h.chaos!.rollDay!();
          // Yesterday's orders are gone from the broker's book: the push checks are for today's.
          ctx.placed.length = 0;
        };
        const lot = QTY * h.lotSize;
        await market(h, BASE_PRICE);
        // What the account held before (a fake's seeded holding): on our books too.
        const before = await cncAtBroker(h);
        let ours = before.position + (before.holding ? heldQuantity(before.holding) : 0);
        const noDifference = async (when: string) => expect(await positionDifferences(h, ours), when).toEqual([]);

        await trade(ctx, 'BUY', 'MARKET', 'CNC', 2 * lot);
        ours += 2 * lot;
        await noDifference('day 1: bought for delivery, a CNC day position');

        await roll();
        const t1 = await cncAtBroker(h);
        expect(t1.position, 'day 2: no CNC position left').toBe(0);
        expect(t1.holding && heldQuantity(t1.holding), 'day 2: held').toBe(ours);
        if (t1.holding!.t1Quantity !== null) expect(t1.holding!.t1Quantity, 'day 2: awaiting delivery').toBe(2 * lot);
        expect(await h.adapter.listOrders(), 'day 2: an empty order book').toEqual([]);
        await noDifference('day 2: carried as a T1 holding');

        await roll();
        const settled = await cncAtBroker(h);
        expect(settled.holding && heldQuantity(settled.holding), 'day 3: held').toBe(ours);
        if (settled.holding!.t1Quantity !== null) expect(settled.holding!.t1Quantity, 'day 3: delivered').toBe(0);
        await noDifference('day 3: settled');

        await market(h, BASE_PRICE);
        await trade(ctx, 'SELL', 'MARKET', 'CNC', lot);
        ours -= lot;
        const sold = await cncAtBroker(h);
        expect(sold.position, 'day 3: the sale is a negative CNC day position').toBe(-lot);
        await noDifference('day 3: sold part of the holding');

        // A real divergence: our books a lot more than the broker holds.
        expect(await positionDifferences(h, ours + lot)).toEqual([
          expect.objectContaining({
            kind: 'POSITION_MISMATCH',
            symbol: h.instrument.symbol,
            product: 'CNC',
            ours: ours + lot,
            broker: ours,
          }),
        ]);
        ctx.expectNet('CNC', -lot);
      },
    },
  ];
}

/** Every case of the kit, in table order. */
export const CONFORMANCE_CASES: readonly ConformanceCase[] = [...tradingCases(), ...holdingsCases(), ...chaosCases()];

/** `not run`: registered but filtered out of this run (`-t`); `n/a`: the harness cannot do it. */
export type CaseResult = 'pass' | 'fail' | 'n/a' | 'not run';

/**
 * Registers the suite: `conformance <name>: <case>` for every case that applies to the harness
 * (a case that does not apply is not registered — no skipped tests — and is listed as `n/a` in
 * the table written after the run to test-results/conformance/<name>.md and .json).
 */
export function describeBrokerConformance(
  name: string,
  makeHarness: MakeHarness,
  capabilities: Omit<HarnessCapabilities, 'orderTypes' | 'products'> & Partial<Pick<HarnessCapabilities, 'orderTypes' | 'products'>>,
): void {
  const caps: HarnessCapabilities = {
    orderTypes: capabilities.orderTypes ?? ALL_TYPES,
    products: capabilities.products ?? ALL_PRODUCTS,
    shortAllowed: capabilities.shortAllowed,
    chaos: capabilities.chaos,
    placementFaults: capabilities.placementFaults,
  };
  const results = new Map<string, CaseResult>(CONFORMANCE_CASES.map((c) => [c.name, c.applies(caps) ? 'not run' : 'n/a']));
  describe(`conformance ${name}`, () => {
    let harness: ConformanceHarness | null = null;
    afterEach(async () => {
      await harness?.close();
      harness = null;
    });
    afterAll(() => writeTable(name, results));
    for (const c of CONFORMANCE_CASES) {
      if (!c.applies(caps)) continue;
      it(`conformance ${name}: ${c.name}`, async () => {
        const h = await makeHarness({ caseName: c.name });
        harness = h;
        const updates: BrokerOrder[] = [];
        const unsubscribe = h.adapter.subscribe((u) => updates.push(u));
        const net = new Map<Product, number>();
        const ctx: CaseContext = { h, updates, placed: [], expectNet: (p, n) => net.set(p, n) };
        try {
          await c.run(ctx);
          if (!c.name.startsWith('chaos: token expiry')) await assertTruth(ctx, net);
          results.set(c.name, 'pass');
        } catch (e) {
          results.set(c.name, 'fail');
          throw e;
        } finally {
          unsubscribe();
        }
      }, 30_000);
    }
  });
}

function writeTable(name: string, results: ReadonlyMap<string, CaseResult>): void {
  const dir = join(__dirname, '../../../../test-results/conformance');
  try {
    mkdirSync(dir, { recursive: true });
    const rows = [...results].map(([c, r]) => `| ${c} | ${r} |`);
    writeFileSync(join(dir, `${name}.md`), [`# conformance ${name}`, '', '| case | result |', '|---|---|', ...rows, ''].join('\n'));
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(Object.fromEntries(results), null, 2));
  } catch {
    // the table is a convenience; the test names carry the same information
  }
}
