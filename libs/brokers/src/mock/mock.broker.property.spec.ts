import fc from 'fast-check';
import {
  applyBrokerUpdate,
  applyOrderEvent,
  hasLimitPrice,
  newOrder,
  type OrderState,
  type OrderType,
  type Validity,
} from '@tradeloop/domain';
import { BrokerError, type BrokerOrder, type BrokerTrade, type InstrumentRef } from '../adapter';
import { InMemoryMockBrokerStore, marketFillPrice, MockBroker, type MockBrokerConfig, type MockOrderRecord, type MockTick } from '.';

// Properties over random sessions: two symbols on random walks, random orders of every type,
// modifications, cancellations, an end of day, with random latency, slippage, partial fills and
// rejections.

const TICK_SIZE = 500;
const SYMBOLS = ['INFY', 'TCS'] as const;
const ref = (i: number): InstrumentRef => ({ exchange: 'NSE', symbol: SYMBOLS[i % 2]! });

type Step =
  | { kind: 'tick'; symbol: number; move: number; spread: number; below: number }
  | {
      kind: 'place';
      symbol: number;
      side: 'BUY' | 'SELL';
      type: OrderType;
      validity: Validity;
      quantity: number;
      offset: number;
      gap: number;
    }
  | { kind: 'modify'; pick: number; priceMove: number; addQuantity: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'expire' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 60,
    arbitrary: fc.record({
      kind: fc.constant('tick' as const),
      symbol: fc.nat(1),
      move: fc.integer({ min: -3, max: 3 }),
      spread: fc.integer({ min: 1, max: 3 }),
      below: fc.nat(3),
    }),
  },
  {
    weight: 30,
    arbitrary: fc.record({
      kind: fc.constant('place' as const),
      symbol: fc.nat(1),
      side: fc.constantFrom('BUY' as const, 'SELL' as const),
      type: fc.constantFrom<OrderType>('MARKET', 'LIMIT', 'SL', 'SL-M'),
      validity: fc.constantFrom<Validity>('DAY', 'DAY', 'DAY', 'IOC'),
      quantity: fc.integer({ min: 1, max: 200 }),
      offset: fc.integer({ min: -4, max: 4 }),
      gap: fc.nat(3),
    }),
  },
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('modify' as const),
      pick: fc.nat(),
      priceMove: fc.integer({ min: -3, max: 3 }),
      addQuantity: fc.integer({ min: 1, max: 50 }),
    }),
  },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'expire' as const }) },
);

const configArb = fc.record({
  seed: fc.integer(),
  latencyMs: fc.constantFrom(0, 0, 150, 400),
  slippageBps: fc.constantFrom(0, 0, 5, 25),
  partialFills: fc.option(
    fc.record({ probability: fc.double({ min: 0, max: 1, noNaN: true }), maxSlices: fc.integer({ min: 2, max: 5 }) }),
    { nil: null },
  ),
  rejections: fc.option(fc.record({ probability: fc.double({ min: 0, max: 0.4, noNaN: true }) }), { nil: null }),
});

interface Session {
  updates: BrokerOrder[];
  trades: BrokerTrade[];
  orders: MockOrderRecord[];
  ticks: Map<string, MockTick>;
  errors: string[];
}

type SessionConfig = Omit<MockBrokerConfig, 'instrument' | 'clock'>;

/**
 * Plays a session; everything it observes is returned for the properties to judge. With
 * `crashAt`, the broker is dropped before that step and a new one opened on the same store (the
 * worker restarting); with `wallClock`, mock time is the harness's clock instead of market time.
 */
async function play(
  config: SessionConfig,
  steps: readonly Step[],
  options: { crashAt?: number; wallClock?: boolean } = {},
): Promise<Session> {
  const store = new InMemoryMockBrokerStore();
  let ts = 1_700_000_000_000;
  const updates: BrokerOrder[] = [];
  const open = async () => {
    const b = await MockBroker.open(store, {
      ...config,
      instrument: () => ({ tickSize: TICK_SIZE, lotSize: 1 }),
      // Orders wait for the next tick: the standing-quote rule would read the real wall clock.
      standingQuoteMaxAgeMs: null,
      ...(options.wallClock ? { clock: () => ts } : {}),
    });
    b.subscribe((u) => updates.push(u));
    return b;
  };
  let broker = await open();
  const ltp = [2_000_000, 35_000_000];
  const ticks = new Map<string, MockTick>();
  const errors: string[] = [];
  const ids: string[] = [];
  let n = 0;
  for (const [index, s] of steps.entries()) {
    if (index === options.crashAt) broker = await open();
    try {
      switch (s.kind) {
        case 'tick': {
          ts += 100;
          ltp[s.symbol] = Math.max(10 * TICK_SIZE, ltp[s.symbol]! + s.move * TICK_SIZE);
          const last = ltp[s.symbol]!;
          const bid = last - s.below * TICK_SIZE;
          const t: MockTick = { symbol: SYMBOLS[s.symbol]!, ts, ltp: last, bid, ask: bid + s.spread * TICK_SIZE };
          ticks.set(`${t.symbol}|${ts}`, t);
          await broker.onTick(t);
          break;
        }
        case 'place': {
          const last = ltp[s.symbol]!;
          const sign = s.side === 'BUY' ? 1 : -1;
          // Stops mostly on the untriggered side (offset > 0 away from the market), sometimes not (rejected).
          const trigger = s.type === 'SL' || s.type === 'SL-M' ? Math.max(TICK_SIZE, last + sign * s.offset * TICK_SIZE) : null;
          const price =
            s.type === 'LIMIT'
              ? Math.max(TICK_SIZE, last + s.offset * TICK_SIZE)
              : s.type === 'SL'
                ? Math.max(TICK_SIZE, trigger! + sign * s.gap * TICK_SIZE)
                : null;
          n += 1;
          const r = await broker.placeOrder({
            clientOrderId: `c${n}`,
            instrument: ref(s.symbol),
            side: s.side,
            type: s.type,
            product: 'MIS',
            validity: s.validity,
            quantity: s.quantity,
            price,
            triggerPrice: trigger,
          });
          ids.push(...r.brokerOrderIds);
          break;
        }
        case 'modify': {
          if (ids.length === 0) break;
          const o = await broker.getOrder(ids[s.pick % ids.length] as never);
          // Quantities stay below 450, so a cumulative average pins each fill to one price tick (see the last property).
          const changes =
            hasLimitPrice(o.type) && s.priceMove !== 0
              ? { price: Math.max(TICK_SIZE, o.price! + s.priceMove * TICK_SIZE) }
              : { quantity: Math.min(450, o.quantity + s.addQuantity) };
          await broker.modifyOrder(o.brokerOrderId, changes);
          break;
        }
        case 'cancel':
          if (ids.length > 0) await broker.cancelOrder(ids[s.pick % ids.length] as never);
          break;
        case 'expire':
          await broker.expireDay();
          break;
      }
    } catch (e) {
      // Refusals (a terminal order, an SL limit crossing its trigger after a move) are part of the game.
      if (!(e instanceof BrokerError) || e.kind !== 'final') throw e;
      errors.push(`${s.kind}:${e.code}`);
    }
  }
  return { updates, trades: await broker.listTrades(), orders: await store.listOrders(), ticks, errors };
}

const sessionArb = fc.tuple(configArb, fc.array(stepArb, { minLength: 5, maxLength: 120 }));
// A fixed seed: every run plays the same sessions, so no outcome depends on the draw. Unseeded,
// the first property's coverage tallies were left to chance: partial fills (about 5 orders in 150
// sessions) came out 0 in about 1 run in 25 and failed it. To explore, change the seed locally.
const SEED = 20240611;
const RUNS = { seed: SEED, numRuns: 150 };

describe('MockBroker properties', () => {
  it('never overfills, and each order’s trades add up to its cumulative quantity and value', async () => {
    // Tallies across runs, to show the sessions reach every path and the properties are not vacuous.
    const seen = { trades: 0, partial: 0, rejected: 0, cancelled: 0, expired: 0, stopsFilled: 0, refusals: 0 };
    await fc.assert(
      fc.asyncProperty(sessionArb, async ([config, steps]) => {
        const { trades, orders, errors } = await play(config, steps);
        seen.trades += trades.length;
        seen.refusals += errors.length;
        for (const o of orders) {
          if (o.fillCount > 1) seen.partial += 1;
          if (o.status === 'REJECTED') seen.rejected += 1;
          if (o.status === 'CANCELLED') seen.cancelled += 1;
          if (o.status === 'EXPIRED') seen.expired += 1;
          if (o.triggerPrice !== null && o.filledQuantity > 0) seen.stopsFilled += 1;
        }
        for (const o of orders) {
          const mine = trades.filter((t) => t.brokerOrderId === o.brokerOrderId);
          expect(o.filledQuantity).toBeLessThanOrEqual(o.quantity);
          expect(mine.reduce((s, t) => s + t.quantity, 0)).toBe(o.filledQuantity);
          expect(mine.reduce((s, t) => s + BigInt(t.quantity) * BigInt(t.price), 0n)).toBe(o.filledValue);
          if (o.status === 'FILLED') expect(o.filledQuantity).toBe(o.quantity);
          if (o.status === 'REJECTED') expect(mine).toEqual([]);
        }
      }),
      RUNS,
    );
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(0);
  });

  it('pushes cumulative quantities that never go back, and nothing after a terminal update', async () => {
    await fc.assert(
      fc.asyncProperty(sessionArb, async ([config, steps]) => {
        const { updates } = await play(config, steps);
        const last = new Map<string, BrokerOrder>();
        for (const u of updates) {
          const prev = last.get(u.brokerOrderId);
          if (prev) {
            expect(['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED']).not.toContain(prev.status);
            expect(u.filledQuantity).toBeGreaterThanOrEqual(prev.filledQuantity);
          }
          last.set(u.brokerOrderId, u);
        }
      }),
      RUNS,
    );
  });

  it('gives every trade a unique id', async () => {
    await fc.assert(
      fc.asyncProperty(sessionArb, async ([config, steps]) => {
        const { trades } = await play(config, steps);
        expect(new Set(trades.map((t) => t.tradeId)).size).toBe(trades.length);
      }),
      RUNS,
    );
  });

  it('fills only at prices the book allowed, and only once the order was live', async () => {
    await fc.assert(
      fc.asyncProperty(sessionArb, async ([config, steps]) => {
        const { updates, trades, orders, ticks } = await play(config, steps);
        const byId = new Map(orders.map((o) => [o.brokerOrderId, o]));
        // The update that announced each fill carries the order's terms at that moment (after any modification).
        const fillUpdates = new Map<string, BrokerOrder[]>();
        for (const u of updates) {
          const list = fillUpdates.get(u.brokerOrderId) ?? [];
          if (u.filledQuantity > (list.at(-1)?.filledQuantity ?? 0)) list.push(u);
          fillUpdates.set(u.brokerOrderId, list);
        }
        const seen = new Map<string, number>();
        for (const t of trades) {
          const book = ticks.get(`${t.instrument.symbol}|${t.ts}`)!;
          const o = byId.get(t.brokerOrderId)!;
          const i = seen.get(t.brokerOrderId) ?? 0;
          seen.set(t.brokerOrderId, i + 1);
          const terms = fillUpdates.get(t.brokerOrderId)![i]!;
          expect(t.ts).toBeGreaterThanOrEqual(o.liveAt);
          expect(t.price % TICK_SIZE).toBe(0);
          if (t.side === 'BUY') {
            expect(t.price).toBeGreaterThanOrEqual(book.ask);
            expect(t.price).toBeLessThanOrEqual(marketFillPrice('BUY', book, config.slippageBps, TICK_SIZE));
            if (hasLimitPrice(terms.type)) {
              expect(book.ask).toBeLessThanOrEqual(terms.price!);
              expect(t.price).toBeLessThanOrEqual(terms.price!);
            }
          } else {
            expect(t.price).toBeLessThanOrEqual(book.bid);
            expect(t.price).toBeGreaterThanOrEqual(marketFillPrice('SELL', book, config.slippageBps, TICK_SIZE));
            if (hasLimitPrice(terms.type)) {
              expect(book.bid).toBeGreaterThanOrEqual(terms.price!);
              expect(t.price).toBeGreaterThanOrEqual(terms.price!);
            }
          }
        }
      }),
      RUNS,
    );
  });

  it('is deterministic: same seed, same ticks, same calls, same everything', async () => {
    await fc.assert(
      fc.asyncProperty(sessionArb, async ([config, steps]) => {
        const a = await play(config, steps);
        const b = await play(config, steps);
        expect(b.updates).toEqual(a.updates);
        expect(b.trades).toEqual(a.trades);
        expect(b.orders).toEqual(a.orders);
        expect(b.errors).toEqual(a.errors);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('resumes after a crash exactly where it stopped: a new broker on the same store continues the session', async () => {
    // Stops placed on their untriggered side only: the one rule that reads the last quote, which a
    // restarted mock has not seen yet.
    const untriggered = (steps: Step[]): Step[] => steps.map((s) => (s.kind === 'place' ? { ...s, offset: Math.abs(s.offset) + 1 } : s));
    await fc.assert(
      fc.asyncProperty(sessionArb, fc.nat(), async ([config, raw], cut) => {
        const steps = untriggered(raw);
        const crashAt = cut % (steps.length + 1);
        const whole = await play(config, steps, { wallClock: true });
        const crashed = await play(config, steps, { wallClock: true, crashAt });
        expect(crashed.trades).toEqual(whole.trades);
        expect(crashed.orders).toEqual(whole.orders);
        expect(crashed.updates).toEqual(whole.updates);
        expect(crashed.errors).toEqual(whole.errors);
      }),
      { seed: SEED, numRuns: 80 },
    );
  });

  it('lets the domain rebuild each order’s fills exactly from the pushed cumulative updates', async () => {
    await fc.assert(
      fc.asyncProperty(sessionArb, async ([config, steps]) => {
        const { updates, orders } = await play(config, steps);
        for (const o of orders) {
          const mine = updates.filter((x) => x.brokerOrderId === o.brokerOrderId);
          let state: OrderState = newOrder({
            side: o.side,
            type: o.type,
            product: o.product,
            validity: o.validity,
            quantity: mine[0]!.quantity,
            price: null,
            triggerPrice: null,
          });
          for (const u of mine) {
            if (u.quantity !== state.quantity) state = applyOrderEvent(state, { type: 'MODIFIED', quantity: u.quantity });
            state = applyBrokerUpdate(state, u, { tickSize: TICK_SIZE }).order;
          }
          expect(state.filledQuantity).toBe(o.filledQuantity);
          expect(state.filledValue).toBe(o.filledValue);
          expect(state.status).toBe(o.status === 'OPEN' && o.filledQuantity > 0 ? 'PARTIALLY_FILLED' : o.status);
        }
      }),
      RUNS,
    );
  });
});
