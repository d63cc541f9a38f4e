import fc from 'fast-check';
import { DomainError } from '../errors';
import {
  applyOrderEvent,
  averageFillPrice,
  canApply,
  isTerminalStatus,
  newOrder,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  applyOrderEvents,
  TERMINAL_STATUSES,
  type OrderEvent,
  type OrderEventType,
  type OrderState,
  type OrderStatus,
  type OrderTerms,
} from '.';

const LIMIT_BUY: OrderTerms = {
  side: 'BUY',
  type: 'LIMIT',
  product: 'MIS',
  validity: 'DAY',
  quantity: 100,
  price: 1_000_000,
  triggerPrice: null,
};
const SL_SELL: OrderTerms = {
  side: 'SELL',
  type: 'SL',
  product: 'MIS',
  validity: 'DAY',
  quantity: 50,
  price: 990_000,
  triggerPrice: 995_000,
};
const fill = (id: string, quantity: number, price: number): OrderEvent => ({ type: 'FILL', fill: { id, quantity, price } });

/** The DomainError code and context.reason an action throws. */
function failure(action: () => unknown): { code: string; reason: unknown } {
  try {
    action();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    const d = e as DomainError;
    return { code: d.code, reason: d.options.context?.['reason'] };
  }
  throw new Error('expected a DomainError');
}

const EVENT_SAMPLES: Record<OrderEventType, OrderEvent> = {
  OPENED: { type: 'OPENED' },
  ARMED: { type: 'ARMED' },
  FILL: fill('t-new', 1, 1_000_000),
  MODIFIED: { type: 'MODIFIED', price: 1_000_500 },
  CANCELLED: { type: 'CANCELLED' },
  REJECTED: { type: 'REJECTED', reason: 'RMS: margin exceeds' },
  EXPIRED: { type: 'EXPIRED' },
};

describe('order lifecycle', () => {
  it('PENDING → OPEN → PARTIALLY_FILLED → FILLED, with the exact average', () => {
    const o = applyOrderEvents(newOrder(LIMIT_BUY), [{ type: 'OPENED' }, fill('t1', 10, 1_000_000), fill('t2', 20, 1_000_500)]);
    expect(o.status).toBe('PARTIALLY_FILLED');
    expect(o.filledQuantity).toBe(30);
    // 10 × 100.00 + 20 × 100.05 = 3001.00 for 30 units: 100.0333… → 100.0333 (half-up to a tick).
    expect(o.filledValue).toBe(30_010_000n);
    expect(averageFillPrice(o)).toBe(1_000_333);
    const done = applyOrderEvent(o, fill('t3', 70, 999_500));
    expect(done.status).toBe('FILLED');
    expect(done.filledQuantity).toBe(100);
    expect(done.fills.map((f) => f.id)).toEqual(['t1', 't2', 't3']);
  });

  it('averages round half-up to a tick', () => {
    // 1 × 100.0001 + 1 × 100.0002 = 200.0003 / 2 = 100.00015 → 100.0002.
    const o = applyOrderEvents(newOrder(LIMIT_BUY), [fill('a', 1, 1_000_001), fill('b', 1, 1_000_002)]);
    expect(averageFillPrice(o)).toBe(1_000_002);
    expect(averageFillPrice(newOrder(LIMIT_BUY))).toBeNull();
  });

  it('a stop order waits for its trigger, then works and fills', () => {
    const o = applyOrderEvents(newOrder(SL_SELL), [{ type: 'ARMED' }, { type: 'ARMED' }, { type: 'OPENED' }, fill('t1', 50, 990_000)]);
    expect(o.status).toBe('FILLED');
  });

  it('fills may arrive before the acknowledgement (market orders, SL-M)', () => {
    expect(applyOrderEvent(newOrder(LIMIT_BUY), fill('t1', 100, 1_000_000)).status).toBe('FILLED');
    const armed = applyOrderEvent(newOrder(SL_SELL), { type: 'ARMED' });
    expect(applyOrderEvent(armed, fill('t1', 5, 990_000)).status).toBe('PARTIALLY_FILLED');
  });

  it('brokers keep reporting OPEN for a partially filled order: it stays PARTIALLY_FILLED', () => {
    const o = applyOrderEvents(newOrder(LIMIT_BUY), [{ type: 'OPENED' }, fill('t1', 10, 1_000_000), { type: 'OPENED' }]);
    expect(o.status).toBe('PARTIALLY_FILLED');
  });

  it('cancel or expiry after partial fills keeps the fills', () => {
    const partial = applyOrderEvents(newOrder(LIMIT_BUY), [{ type: 'OPENED' }, fill('t1', 10, 1_000_000)]);
    for (const e of [{ type: 'CANCELLED' }, { type: 'EXPIRED' }] as const) {
      const o = applyOrderEvent(partial, e);
      expect(o.status).toBe(e.type);
      expect(o.filledQuantity).toBe(10);
    }
  });

  it('a rejection records its reason', () => {
    const o = applyOrderEvent(newOrder(LIMIT_BUY), { type: 'REJECTED', reason: 'Insufficient margin' });
    expect(o.status).toBe('REJECTED');
    expect(o.rejectReason).toBe('Insufficient margin');
    expect(applyOrderEvent(newOrder(LIMIT_BUY), { type: 'REJECTED', reason: '' }).rejectReason).toBe('Rejected');
  });

  it('never mutates its input and returns frozen states', () => {
    const o = newOrder(LIMIT_BUY);
    const next = applyOrderEvent(o, fill('t1', 10, 1_000_000));
    expect(o.status).toBe('PENDING');
    expect(o.fills).toHaveLength(0);
    expect(Object.isFrozen(next)).toBe(true);
    expect(Object.isFrozen(next.fills)).toBe(true);
  });
});

describe('illegal transitions', () => {
  it('terminal states are final: every event is refused with ORDER_TERMINAL', () => {
    const terminal: Record<string, OrderState> = {
      FILLED: applyOrderEvent(newOrder(LIMIT_BUY), fill('t1', 100, 1_000_000)),
      CANCELLED: applyOrderEvent(newOrder(LIMIT_BUY), { type: 'CANCELLED' }),
      REJECTED: applyOrderEvent(newOrder(LIMIT_BUY), { type: 'REJECTED', reason: 'x' }),
      EXPIRED: applyOrderEvent(newOrder(LIMIT_BUY), { type: 'EXPIRED' }),
    };
    expect(Object.keys(terminal).sort()).toEqual([...TERMINAL_STATUSES].sort());
    for (const o of Object.values(terminal)) {
      for (const e of Object.values(EVENT_SAMPLES)) {
        expect(failure(() => applyOrderEvent(o, e))).toEqual({ code: 'INVALID_STATE', reason: 'ORDER_TERMINAL' });
      }
    }
  });

  it('the table: only the documented odd edges are refused among working statuses', () => {
    const refused = ORDER_STATUSES.filter((s) => !isTerminalStatus(s)).flatMap((s) =>
      (Object.keys(EVENT_SAMPLES) as OrderEventType[]).filter((e) => !canApply(s, e)).map((e) => `${s}/${e}`),
    );
    // A working order never goes back to waiting for a trigger; an order that traded is not rejected.
    expect(refused).toEqual(['OPEN/ARMED', 'PARTIALLY_FILLED/ARMED', 'PARTIALLY_FILLED/REJECTED']);
    for (const s of TERMINAL_STATUSES) expect(Object.keys(ORDER_TRANSITIONS[s])).toEqual([]);
  });

  it('refuses REJECTED after a fill and ARMED once working', () => {
    const partial = applyOrderEvent(newOrder(LIMIT_BUY), fill('t1', 10, 1_000_000));
    expect(failure(() => applyOrderEvent(partial, { type: 'REJECTED', reason: 'x' }))).toEqual({
      code: 'INVALID_STATE',
      reason: 'ILLEGAL_TRANSITION',
    });
    const open = applyOrderEvent(newOrder(SL_SELL), { type: 'OPENED' });
    expect(failure(() => applyOrderEvent(open, { type: 'ARMED' }))).toEqual({ code: 'INVALID_STATE', reason: 'ILLEGAL_TRANSITION' });
  });

  it('only stop orders can wait for a trigger', () => {
    expect(failure(() => applyOrderEvent(newOrder(LIMIT_BUY), { type: 'ARMED' }))).toEqual({
      code: 'INVALID_STATE',
      reason: 'ILLEGAL_TRANSITION',
    });
  });

  it('a fill cannot exceed the quantity', () => {
    const o = applyOrderEvent(newOrder(LIMIT_BUY), fill('t1', 60, 1_000_000));
    expect(failure(() => applyOrderEvent(o, fill('t2', 41, 1_000_000)))).toEqual({ code: 'INVALID_STATE', reason: 'OVERFILL' });
    expect(applyOrderEvent(o, fill('t2', 40, 1_000_000)).status).toBe('FILLED');
  });

  it('malformed fills are refused', () => {
    const o = newOrder(LIMIT_BUY);
    for (const [q, p] of [
      [0, 1_000_000],
      [-1, 1_000_000],
      [1.5, 1_000_000],
      [1, 0],
      [1, -5],
      [1, 10.5],
      [Number.NaN, 1],
    ] as const) {
      expect(failure(() => applyOrderEvent(o, fill('t', q, p))).code).toBe('VALIDATION_FAILED');
    }
    expect(failure(() => applyOrderEvent(o, fill('', 1, 1))).code).toBe('VALIDATION_FAILED');
  });
});

describe('duplicate fills', () => {
  it('a fill reported twice is applied once, even after the order is FILLED', () => {
    const o = applyOrderEvent(newOrder(LIMIT_BUY), fill('t1', 100, 1_000_000));
    expect(applyOrderEvent(o, fill('t1', 100, 1_000_000))).toBe(o);
    const partial = applyOrderEvent(newOrder(LIMIT_BUY), fill('t1', 10, 1_000_000));
    expect(applyOrderEvent(partial, fill('t1', 10, 1_000_000))).toBe(partial);
  });

  it('the same fill id with different terms is a conflict', () => {
    const o = applyOrderEvent(newOrder(LIMIT_BUY), fill('t1', 10, 1_000_000));
    expect(failure(() => applyOrderEvent(o, fill('t1', 11, 1_000_000)))).toEqual({ code: 'INVALID_STATE', reason: 'FILL_CONFLICT' });
    expect(failure(() => applyOrderEvent(o, fill('t1', 10, 1_000_500)))).toEqual({ code: 'INVALID_STATE', reason: 'FILL_CONFLICT' });
  });
});

describe('modifications', () => {
  it('changes quantity, price and trigger while working', () => {
    const o = applyOrderEvents(newOrder(SL_SELL), [
      { type: 'ARMED' },
      { type: 'MODIFIED', quantity: 75, price: 985_000, triggerPrice: 990_000 },
    ]);
    expect(o).toMatchObject({ status: 'TRIGGER_PENDING', quantity: 75, price: 985_000, triggerPrice: 990_000 });
  });

  it('the quantity must stay above what has filled', () => {
    const o = applyOrderEvent(newOrder(LIMIT_BUY), fill('t1', 40, 1_000_000));
    expect(failure(() => applyOrderEvent(o, { type: 'MODIFIED', quantity: 40 }))).toEqual({
      code: 'INVALID_STATE',
      reason: 'QUANTITY_NOT_ABOVE_FILLED',
    });
    const m = applyOrderEvent(o, { type: 'MODIFIED', quantity: 41 });
    expect(m.status).toBe('PARTIALLY_FILLED');
    expect(applyOrderEvent(m, fill('t2', 1, 1_000_000)).status).toBe('FILLED');
  });

  it('refuses a price the order type does not carry, and malformed values', () => {
    const market = newOrder({ ...LIMIT_BUY, type: 'MARKET', price: null });
    expect(failure(() => applyOrderEvent(market, { type: 'MODIFIED', price: 1_000_000 })).code).toBe('VALIDATION_FAILED');
    expect(failure(() => applyOrderEvent(newOrder(LIMIT_BUY), { type: 'MODIFIED', triggerPrice: 1_000_000 })).code).toBe(
      'VALIDATION_FAILED',
    );
    expect(failure(() => applyOrderEvent(newOrder(LIMIT_BUY), { type: 'MODIFIED', quantity: 0 })).code).toBe('VALIDATION_FAILED');
    expect(failure(() => applyOrderEvent(newOrder(LIMIT_BUY), { type: 'MODIFIED', price: -1 })).code).toBe('VALIDATION_FAILED');
  });
});

// Any sequence of events, each applied only if allowed, keeps the order's invariants.
const eventArb: fc.Arbitrary<OrderEvent> = fc.oneof(
  fc.constantFrom<OrderEvent>(
    { type: 'OPENED' },
    { type: 'ARMED' },
    { type: 'CANCELLED' },
    { type: 'EXPIRED' },
    { type: 'REJECTED', reason: 'r' },
  ),
  fc.record({
    type: fc.constant('FILL' as const),
    fill: fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
      quantity: fc.integer({ min: 1, max: 60 }),
      price: fc.integer({ min: 990_000, max: 1_010_000 }),
    }),
  }),
  fc.record({ type: fc.constant('MODIFIED' as const), quantity: fc.integer({ min: 1, max: 150 }) }),
);

describe('property: order invariants under any event sequence', () => {
  it('holds', () => {
    fc.assert(
      fc.property(fc.constantFrom(LIMIT_BUY, SL_SELL), fc.array(eventArb, { maxLength: 40 }), (terms, events) => {
        let o = newOrder(terms);
        const history: OrderEvent[] = [];
        for (const e of events) {
          const before = o;
          try {
            o = applyOrderEvent(o, e);
            history.push(e);
          } catch (err) {
            expect(['INVALID_STATE', 'VALIDATION_FAILED']).toContain((err as DomainError).code);
            expect(o).toBe(before);
            continue;
          }
          if (isTerminalStatus(before.status)) expect(o).toBe(before); // only a duplicate fill gets through
          expect(o.filledQuantity).toBeGreaterThanOrEqual(before.filledQuantity);
          expect(o.filledQuantity).toBeLessThanOrEqual(o.quantity);
          expect(o.filledQuantity).toBe(o.fills.reduce((a, f) => a + f.quantity, 0));
          expect(o.filledValue).toBe(o.fills.reduce((a, f) => a + BigInt(f.quantity) * BigInt(f.price), 0n));
          const s: OrderStatus = o.status;
          if (s === 'FILLED') expect(o.filledQuantity).toBe(o.quantity);
          if (s === 'PARTIALLY_FILLED') expect(o.filledQuantity > 0 && o.filledQuantity < o.quantity).toBe(true);
          if (s === 'PENDING' || s === 'OPEN' || s === 'TRIGGER_PENDING' || s === 'REJECTED') expect(o.filledQuantity).toBe(0);
        }
        // An order is rebuilt by replaying its accepted events.
        expect(applyOrderEvents(newOrder(terms), history)).toEqual(o);
      }),
      { numRuns: 500 },
    );
  });
});
