import fc from 'fast-check';
import { DomainError } from '../errors';
import { applyBrokerUpdate, applyOrderEvent, derivedFillId, newOrder, type BrokerOrderReport, type OrderState, type OrderTerms } from '.';

const BUY_100: OrderTerms = {
  side: 'BUY',
  type: 'LIMIT',
  product: 'MIS',
  validity: 'DAY',
  quantity: 100,
  price: 1_001_000,
  triggerPrice: null,
};
const SL_BUY: OrderTerms = {
  side: 'BUY',
  type: 'SL',
  product: 'MIS',
  validity: 'DAY',
  quantity: 10,
  price: 1_010_000,
  triggerPrice: 1_005_000,
};
const r = (
  status: BrokerOrderReport['status'],
  filledQuantity = 0,
  averagePrice: number | null = null,
  rejectReason?: string,
): BrokerOrderReport => ({ status, filledQuantity, averagePrice, rejectReason });

const TICK = { tickSize: 500 };
function apply(o: OrderState, ...reports: BrokerOrderReport[]): OrderState {
  return reports.reduce((acc, rep) => applyBrokerUpdate(acc, rep, TICK).order, o);
}

const codeOf = (action: () => unknown): [string, unknown] => {
  try {
    action();
  } catch (e) {
    const d = e as DomainError;
    return [d.code, d.options.context?.['reason']];
  }
  throw new Error('expected a DomainError');
};

describe('cumulative broker reports', () => {
  it('derive incremental fills from cumulative quantity and average price', () => {
    let o = newOrder(BUY_100);
    let u = applyBrokerUpdate(o, r('OPEN'));
    expect(u).toMatchObject({ outcome: 'applied', fill: null, events: [{ type: 'OPENED' }] });
    o = u.order;
    u = applyBrokerUpdate(o, r('OPEN', 30, 1_000_000), TICK);
    expect(u.fill).toEqual({ id: derivedFillId(30), quantity: 30, price: 1_000_000 });
    expect(u.order.status).toBe('PARTIALLY_FILLED');
    o = u.order;
    // 50 filled at an average of 100.02: the new 20 cost 50 × 100.02 − 30 × 100.00 = 2001.00, i.e. 100.05 each.
    u = applyBrokerUpdate(o, r('OPEN', 50, 1_000_200), TICK);
    expect(u.fill).toEqual({ id: 'cum:50', quantity: 20, price: 1_000_500 });
    o = u.order;
    u = applyBrokerUpdate(o, r('FILLED', 100, 1_000_600), TICK);
    // 100 × 100.06 − 5001.00 = 5005.00 for 50 units: 100.10.
    expect(u.fill).toEqual({ id: 'cum:100', quantity: 50, price: 1_001_000 });
    expect(u.order.status).toBe('FILLED');
    expect(u.order.filledValue).toBe(100n * 1_000_600n);
  });

  it('a duplicate report changes nothing; an older one is stale', () => {
    const o = apply(newOrder(BUY_100), r('OPEN'), r('OPEN', 30, 1_000_000));
    expect(applyBrokerUpdate(o, r('OPEN', 30, 1_000_000))).toMatchObject({ order: o, outcome: 'unchanged', events: [] });
    expect(applyBrokerUpdate(o, r('OPEN', 10, 1_000_000))).toMatchObject({ order: o, outcome: 'stale' });
    expect(applyBrokerUpdate(o, r('PENDING_SUBMIT'))).toMatchObject({ order: o, outcome: 'stale' });
    const filled = apply(o, r('FILLED', 100, 1_000_000));
    expect(applyBrokerUpdate(filled, r('OPEN', 30, 1_000_000)).outcome).toBe('stale');
    expect(applyBrokerUpdate(filled, r('FILLED', 100, 1_000_000)).outcome).toBe('unchanged');
  });

  it('UNKNOWN and PENDING_SUBMIT are non-terminal and change nothing', () => {
    const o = newOrder(BUY_100);
    expect(applyBrokerUpdate(o, r('UNKNOWN')).outcome).toBe('unchanged');
    expect(applyBrokerUpdate(o, r('PENDING_SUBMIT')).outcome).toBe('unchanged');
  });

  it('a stop order: trigger pending, then open, then filled; a late TRIGGER_PENDING is stale', () => {
    const armed = apply(newOrder(SL_BUY), r('TRIGGER_PENDING'));
    expect(armed.status).toBe('TRIGGER_PENDING');
    const open = apply(armed, r('OPEN'));
    expect(open.status).toBe('OPEN');
    expect(applyBrokerUpdate(open, r('TRIGGER_PENDING')).outcome).toBe('stale');
    expect(apply(open, r('FILLED', 10, 1_006_000)).status).toBe('FILLED');
  });

  it('a fill and a cancellation in one report: partially filled then cancelled', () => {
    const u = applyBrokerUpdate(newOrder(BUY_100), r('CANCELLED', 40, 1_000_000));
    expect(u.events.map((e) => e.type)).toEqual(['FILL', 'CANCELLED']);
    expect(u.order).toMatchObject({ status: 'CANCELLED', filledQuantity: 40 });
  });

  it('REJECTED after fills closes the remainder as CANCELLED; without fills it is a rejection', () => {
    expect(apply(newOrder(BUY_100), r('REJECTED', 0, null, 'Margin shortfall'))).toMatchObject({
      status: 'REJECTED',
      rejectReason: 'Margin shortfall',
    });
    expect(apply(newOrder(BUY_100), r('REJECTED'))).toMatchObject({ status: 'REJECTED', rejectReason: 'Rejected by the broker' });
    expect(apply(newOrder(BUY_100), r('REJECTED', 20, 1_000_000))).toMatchObject({ status: 'CANCELLED', filledQuantity: 20 });
  });

  it('EXPIRED ends the day', () => {
    expect(apply(newOrder(BUY_100), r('OPEN'), r('EXPIRED', 5, 1_000_000))).toMatchObject({ status: 'EXPIRED', filledQuantity: 5 });
  });

  it('refuses disagreements: overfill, COMPLETE short of quantity, fills on a terminal order', () => {
    expect(codeOf(() => applyBrokerUpdate(newOrder(BUY_100), r('OPEN', 101, 1_000_000)))).toEqual(['INVALID_STATE', 'OVERFILL']);
    expect(codeOf(() => applyBrokerUpdate(newOrder(BUY_100), r('FILLED', 99, 1_000_000)))).toEqual(['INVALID_STATE', 'ILLEGAL_TRANSITION']);
    const cancelled = applyOrderEvent(newOrder(BUY_100), { type: 'CANCELLED' });
    expect(codeOf(() => applyBrokerUpdate(cancelled, r('FILLED', 100, 1_000_000)))).toEqual(['INVALID_STATE', 'ORDER_TERMINAL']);
    // Same fills, different terminal word: terminal states never change, nothing to apply.
    expect(applyBrokerUpdate(cancelled, r('REJECTED')).outcome).toBe('unchanged');
  });

  it('refuses malformed reports', () => {
    expect(codeOf(() => applyBrokerUpdate(newOrder(BUY_100), r('OPEN', -1, 1))).at(0)).toBe('VALIDATION_FAILED');
    expect(codeOf(() => applyBrokerUpdate(newOrder(BUY_100), r('OPEN', 1.5, 1))).at(0)).toBe('VALIDATION_FAILED');
    expect(codeOf(() => applyBrokerUpdate(newOrder(BUY_100), r('OPEN', 10, null))).at(0)).toBe('VALIDATION_FAILED');
    expect(codeOf(() => applyBrokerUpdate(newOrder(BUY_100), r('OPEN', 10, 0))).at(0)).toBe('VALIDATION_FAILED');
  });

  it('without the tick size, an exact average still lands within a tick', () => {
    // On the 1-tick grid, 100.0499…100.0501 all fit; the one nearest the average is taken.
    const o = applyBrokerUpdate(newOrder(BUY_100), r('OPEN', 30, 1_000_000)).order;
    expect(applyBrokerUpdate(o, r('OPEN', 50, 1_000_200)).fill?.price).toBe(1_000_499);
  });

  it('a tiny fill after a large one, under an average rounded to the paisa, is priced near the average', () => {
    const big: OrderTerms = { ...BUY_100, quantity: 10_001 };
    const o = applyBrokerUpdate(newOrder(big), r('OPEN', 10_000, 1_000_049)).order; // 10 000 at exactly 100.0049
    // One more unit at 100.00: the true average 100.004890… is reported as 100.00. Naively the
    // unit cost 10 001 × 100.00 − 10 000 × 100.0049 = 51.00; any price from 0.995 to 101.005
    // is consistent with the report, and the one nearest the average is 100.00.
    const u = applyBrokerUpdate(o, { ...r('FILLED', 10_001, 1_000_000), averagePriceStep: 100 });
    expect(u.fill).toEqual({ id: 'cum:10001', quantity: 1, price: 1_000_000 });
    expect(u.order.status).toBe('FILLED');
  });

  it('an inconsistent report falls back to the reported average', () => {
    const o = applyBrokerUpdate(newOrder(BUY_100), r('OPEN', 50, 2_000_000)).order;
    // 51 at an average of 1.00 would mean the 51st unit had a negative price.
    expect(applyBrokerUpdate(o, r('OPEN', 51, 10_000)).fill?.price).toBe(10_000);
    expect(codeOf(() => applyBrokerUpdate(o, { ...r('OPEN', 51, 10_000), averagePriceStep: 0 })).at(0)).toBe('VALIDATION_FAILED');
  });
});

const executionsArb = fc.array(
  fc.record({ q: fc.integer({ min: 1, max: 40 }), p: fc.integer({ min: 1_990, max: 2_010 }).map((k) => k * 500) }),
  { minLength: 1, maxLength: 8 },
);

/** The broker's own reports: cumulative quantity and its average (rounded to `step`) after each execution. */
function brokerReports(executions: { q: number; p: number }[], step: number): BrokerOrderReport[] {
  let cum = 0;
  let value = 0n;
  const reports: BrokerOrderReport[] = [r('OPEN')];
  executions.forEach((e, i) => {
    cum += e.q;
    value += BigInt(e.q) * BigInt(e.p);
    const s = BigInt(step);
    const avg = Number((((value * 2n) / BigInt(cum) + s) / (2n * s)) * s);
    reports.push({ ...r(i === executions.length - 1 ? 'FILLED' : 'OPEN', cum, avg), averagePriceStep: step });
  });
  return reports;
}

describe('property: fills derived from cumulative reports', () => {
  it('in order, with averages to a tick, reproduce every execution exactly', () => {
    fc.assert(
      fc.property(executionsArb, (executions) => {
        const quantity = executions.reduce((a, e) => a + e.q, 0);
        let o = newOrder({ ...BUY_100, quantity });
        for (const rep of brokerReports(executions, 1)) o = applyBrokerUpdate(o, rep, TICK).order;
        expect(o.fills.map((f) => [f.quantity, f.price])).toEqual(executions.map((e) => [e.q, e.p]));
      }),
      { numRuns: 300 },
    );
  });

  it("delivered late, twice or out of order, end inside the broker's reported band", () => {
    fc.assert(
      fc.property(executionsArb, fc.constantFrom(1, 100), fc.array(fc.nat(), { maxLength: 30 }), (executions, step, picks) => {
        const quantity = executions.reduce((a, e) => a + e.q, 0);
        const reports = brokerReports(executions, step);
        // A random selection (with repeats, in any order), then the final report.
        const delivered = [...picks.map((k) => reports[k % reports.length]!), reports[reports.length - 1]!];
        let o = newOrder({ ...BUY_100, quantity });
        for (const rep of delivered) {
          const u = applyBrokerUpdate(o, rep, TICK);
          if (u.fill) {
            // Our filled value stays within half a rounding step per unit of the broker's.
            const target = BigInt(rep.averagePrice!) * BigInt(rep.filledQuantity);
            const err = u.order.filledValue > target ? u.order.filledValue - target : target - u.order.filledValue;
            expect(err * 2n <= BigInt(step) * BigInt(rep.filledQuantity)).toBe(true);
            expect(u.fill.price).toBeGreaterThan(0);
          }
          o = u.order;
        }
        expect(o.status).toBe('FILLED');
        expect(o.filledQuantity).toBe(quantity);
      }),
      { numRuns: 400 },
    );
  });
});
