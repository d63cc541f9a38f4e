import fc from 'fast-check';
import { DomainError } from '../errors';
import type { Instrument } from '../market';
import {
  acceptanceEvent,
  applyBrokerUpdate,
  applyHistoryEvent,
  applyOrderEvent,
  CANCEL_REQUESTERS,
  decodeOrderHistoryEvent,
  encodeOrderHistoryDetails,
  historyEventOf,
  ORDER_HISTORY_EVENTS,
  ORDER_TYPES,
  orderReservation,
  placedOrder,
  planModification,
  replayOrder,
  replayOrderStatuses,
  reservationFor,
  transitionOf,
  type OrderEvent,
  type OrderHistoryEvent,
  type OrderHistoryEventType,
  type OrderPlacedDetails,
  type OrderState,
  type OrderTerms,
  type ReplayedOrder,
} from '.';

const rs = (r: number) => Math.round(r * 10_000); // rupees → ticks
const INFY: Instrument = { symbol: 'INFY', exchange: 'NSE', name: 'Infosys', instrumentType: 'EQ', lotSize: 1, tickSize: 500 };
const LTP = rs(1500);

const terms = (t: Partial<OrderTerms> = {}): OrderTerms => ({
  side: 'BUY',
  type: 'LIMIT',
  product: 'MIS',
  validity: 'DAY',
  quantity: 10,
  price: rs(1490),
  triggerPrice: null,
  ...t,
});

/** A PLACED entry as intake writes it: the terms, the basis and hold orderReservation gives. */
function placed(t: Partial<OrderTerms> = {}, sellableQuantity = 0): Extract<OrderHistoryEvent, { event: 'PLACED' }> {
  const full = terms(t);
  const { basis, amount } = orderReservation(full, { ltp: LTP, sellableQuantity });
  return {
    event: 'PLACED',
    details: {
      ...full,
      referencePrice: basis.referencePrice,
      shortQuantity: basis.shortQuantity,
      reserved: amount,
      reducing: false,
      ltp: LTP,
    },
  };
}

const sending = (attempt: number): OrderHistoryEvent => ({ event: 'SENDING', details: { attempt } });
const accepted = (...ids: string[]): OrderHistoryEvent => ({ event: 'ACCEPTED', details: { brokerOrderIds: ids, how: 'sent' } });
const fill = (fillId: string, quantity: number, price: number): OrderHistoryEvent => ({
  event: 'FILL',
  details: { fillId, quantity, price },
});
const released = (amount: bigint, remaining: number): OrderHistoryEvent => ({ event: 'HOLD_RELEASED', details: { amount, remaining } });
const basisOf = (o: ReplayedOrder) => ({
  side: o.side,
  product: o.product,
  referencePrice: o.referencePrice,
  shortQuantity: o.shortQuantity,
});

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

/** One entry of every kind, with every optional field set where it has one. */
const SAMPLES: Record<OrderHistoryEventType, OrderHistoryEvent> = {
  PLACED: placed({ type: 'SL', triggerPrice: rs(1495) }),
  SENDING: sending(2),
  ACCEPTED: { event: 'ACCEPTED', details: { brokerOrderIds: ['MO1', 'MO2'], how: 'found-by-tag' } },
  OPENED: { event: 'OPENED', details: {} },
  ARMED: { event: 'ARMED', details: {} },
  FILL: fill('cum:4', 4, rs(1489.5)),
  CANCEL_REQUESTED: { event: 'CANCEL_REQUESTED', details: { by: 'automatic trip', rule: 'MAX_DAILY_LOSS' } },
  MODIFY_REQUESTED: { event: 'MODIFY_REQUESTED', details: { quantity: 12, price: rs(1480), triggerPrice: rs(1485) } },
  MODIFIED: { event: 'MODIFIED', details: { quantity: 12, price: rs(1480), triggerPrice: rs(1485), reserved: 1_790_212n } },
  MODIFY_REJECTED: { event: 'MODIFY_REJECTED', details: { reason: 'the order is FILLED' } },
  CANCELLED: { event: 'CANCELLED', details: { reason: 'cancelled before it was sent' } },
  REJECTED: { event: 'REJECTED', details: { reason: 'RMS: margin exceeds' } },
  EXPIRED: { event: 'EXPIRED', details: {} },
  HOLD_RELEASED: released(1_500_075n, 6),
};

describe('the stored form of history entries', () => {
  it('lists every entry name once', () => {
    expect([...ORDER_HISTORY_EVENTS].sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  it('keeps the JSON every entry has always been stored with (money as it was: paise in PLACED, rupees elsewhere)', () => {
    expect(encodeOrderHistoryDetails(SAMPLES.PLACED)).toEqual({
      side: 'BUY',
      type: 'SL',
      product: 'MIS',
      validity: 'DAY',
      quantity: 10,
      price: rs(1490),
      triggerPrice: rs(1495),
      referencePrice: rs(1490),
      shortQuantity: 0,
      reserved: (SAMPLES.PLACED.details as OrderPlacedDetails).reserved.toString(),
      reducing: false,
      ltp: LTP,
    });
    expect(encodeOrderHistoryDetails(SAMPLES.SENDING)).toEqual({ attempt: 2 });
    expect(encodeOrderHistoryDetails(SAMPLES.ACCEPTED)).toEqual({ brokerOrderIds: ['MO1', 'MO2'], how: 'found-by-tag' });
    expect(encodeOrderHistoryDetails(SAMPLES.OPENED)).toEqual({});
    expect(encodeOrderHistoryDetails(SAMPLES.FILL)).toEqual({ fillId: 'cum:4', quantity: 4, price: rs(1489.5) });
    expect(encodeOrderHistoryDetails(SAMPLES.MODIFIED)).toEqual({
      quantity: 12,
      price: rs(1480),
      triggerPrice: rs(1485),
      reserved: '17902.12',
    });
    expect(encodeOrderHistoryDetails({ event: 'MODIFIED', details: { price: rs(1480), reserved: 5n } })).toEqual({
      price: rs(1480),
      reserved: '0.05',
    });
    expect(encodeOrderHistoryDetails(SAMPLES.HOLD_RELEASED)).toEqual({ amount: '15000.75', remaining: 6 });
    expect(encodeOrderHistoryDetails({ event: 'CANCEL_REQUESTED', details: {} })).toEqual({});
    expect(encodeOrderHistoryDetails({ event: 'CANCELLED', details: {} })).toEqual({});
  });

  it('decodes what it encodes, for every entry', () => {
    for (const e of Object.values(SAMPLES)) {
      const stored = JSON.parse(JSON.stringify(encodeOrderHistoryDetails(e))) as unknown;
      expect(decodeOrderHistoryEvent(e.event, stored), e.event).toEqual(e);
    }
  });

  it('decodes the shapes written before the union (cancel requests by whom, cancellations with and without reason)', () => {
    expect(decodeOrderHistoryEvent('CANCEL_REQUESTED', {})).toEqual({ event: 'CANCEL_REQUESTED', details: {} });
    for (const by of CANCEL_REQUESTERS) expect(decodeOrderHistoryEvent('CANCEL_REQUESTED', { by }).details).toEqual({ by });
    expect(decodeOrderHistoryEvent('CANCEL_REQUESTED', { reason: 'no funds' }).details).toEqual({ reason: 'no funds' });
    expect(decodeOrderHistoryEvent('CANCELLED', {})).toEqual({ event: 'CANCELLED', details: {} });
    expect(decodeOrderHistoryEvent('HOLD_RELEASED', { amount: '0.00', remaining: 0 }).details).toEqual({ amount: 0n, remaining: 0 });
    expect(decodeOrderHistoryEvent('MODIFY_REQUESTED', { quantity: 3 }).details).toEqual({ quantity: 3 });
    const backfilled = { ...encodeOrderHistoryDetails(SAMPLES.PLACED), backfilled: true };
    expect(decodeOrderHistoryEvent('PLACED', backfilled).details).toMatchObject({ backfilled: true });
  });

  it('refuses an unknown name, details that are not an object, a missing, mistyped or extra field', () => {
    const bad: [string, unknown, RegExp][] = [
      ['ACKNOWLEDGED', {}, /Unknown order history entry/],
      ['OPENED', null, /details must be an object/],
      ['OPENED', [], /details must be an object/],
      ['OPENED', { why: 'x' }, /unexpected field\(s\) why/],
      ['SENDING', {}, /attempt must be a positive integer/],
      ['SENDING', { attempt: 0 }, /attempt/],
      ['SENDING', { attempt: '1' }, /attempt/],
      ['ACCEPTED', { brokerOrderIds: 'MO1', how: 'sent' }, /brokerOrderIds must be a list of strings/],
      ['ACCEPTED', { brokerOrderIds: ['MO1'], how: 'guessed' }, /how must be one of sent, found-by-tag/],
      ['FILL', { fillId: 'a', quantity: 1.5, price: 10 }, /quantity/],
      ['FILL', { fillId: 7, quantity: 1, price: 10 }, /fillId must be a string/],
      ['FILL', { fillId: 'a', quantity: 1, price: -10 }, /price/],
      ['CANCEL_REQUESTED', { by: 'a passer-by' }, /by must be one of/],
      ['MODIFIED', { quantity: 3 }, /reserved must be an amount/],
      ['MODIFIED', { quantity: 3, reserved: '12.5' }, /reserved/],
      ['MODIFIED', { quantity: 3, reserved: '-1.00' }, /reserved/],
      ['MODIFIED', { quantity: 3, reserved: 1200 }, /reserved/],
      ['REJECTED', {}, /reason must be a string/],
      ['HOLD_RELEASED', { amount: '1.00' }, /remaining/],
      ['HOLD_RELEASED', { amount: '01.00', remaining: 1 }, /amount/],
      ['PLACED', { ...encodeOrderHistoryDetails(SAMPLES.PLACED), reserved: '12.00' }, /reserved must be paise/],
      ['PLACED', { ...encodeOrderHistoryDetails(SAMPLES.PLACED), side: 'HOLD' }, /side must be one of BUY, SELL/],
      ['PLACED', { ...encodeOrderHistoryDetails(SAMPLES.PLACED), price: 0 }, /price must be a positive integer or null/],
      ['PLACED', { ...encodeOrderHistoryDetails(SAMPLES.PLACED), backfilled: false }, /backfilled must be true/],
      ['PLACED', { reserved: '100', reducing: false, ltp: null }, /type must be one of/],
    ];
    for (const [event, details, message] of bad) {
      const f = () => decodeOrderHistoryEvent(event, details);
      expect(f, `${event} ${JSON.stringify(details)}`).toThrow(message);
      expect(failure(f).code).toBe('VALIDATION_FAILED');
    }
  });

  it('round-trips random entries through JSON', () => {
    const int = fc.integer({ min: 1, max: 1_000_000 });
    const paise = fc.bigInt({ min: 0n, max: 10n ** 15n });
    const entry: fc.Arbitrary<OrderHistoryEvent> = fc.oneof(
      fc.record({ attempt: int }).map((details) => ({ event: 'SENDING' as const, details })),
      fc.record({ fillId: fc.string(), quantity: int, price: int }).map((details) => ({ event: 'FILL' as const, details })),
      fc
        .record({ quantity: int, price: int, triggerPrice: int, reserved: paise }, { requiredKeys: ['reserved'] })
        .map((details) => ({ event: 'MODIFIED' as const, details })),
      fc.record({ amount: paise, remaining: fc.nat() }).map((details) => ({ event: 'HOLD_RELEASED' as const, details })),
      fc.record({ reason: fc.string() }).map((details) => ({ event: 'REJECTED' as const, details })),
      fc
        .record({ by: fc.constantFrom(...CANCEL_REQUESTERS), rule: fc.string(), reason: fc.string() }, { requiredKeys: [] })
        .map((details) => ({ event: 'CANCEL_REQUESTED' as const, details })),
      fc
        .record({
          type: fc.constantFrom(...ORDER_TYPES),
          quantity: int,
          price: fc.option(int, { nil: null }),
          reserved: paise,
          ltp: fc.option(int, { nil: null }),
        })
        .map(({ type, quantity, price, reserved, ltp }) => ({
          event: 'PLACED' as const,
          details: { ...terms({ type, quantity, price }), referencePrice: 1, shortQuantity: 0, reserved, reducing: true, ltp },
        })),
    );
    fc.assert(
      fc.property(entry, (e) => {
        expect(decodeOrderHistoryEvent(e.event, JSON.parse(JSON.stringify(encodeOrderHistoryDetails(e))))).toEqual(e);
      }),
      { numRuns: 300 },
    );
  });
});

describe('entries and the transition table', () => {
  it('ACCEPTED is OPENED, or ARMED for a stop', () => {
    expect(ORDER_TYPES.map((type) => [type, acceptanceEvent({ type }).type])).toEqual([
      ['MARKET', 'OPENED'],
      ['LIMIT', 'OPENED'],
      ['SL', 'ARMED'],
      ['SL-M', 'ARMED'],
    ]);
    expect(transitionOf(SAMPLES.ACCEPTED, { type: 'SL-M' })).toEqual({ type: 'ARMED' });
    expect(transitionOf(SAMPLES.ACCEPTED, { type: 'MARKET' })).toEqual({ type: 'OPENED' });
  });

  it('every domain event is an entry and back; the facts around them are no transition', () => {
    const expected: Record<OrderHistoryEventType, OrderEvent | null> = {
      PLACED: null,
      SENDING: null,
      ACCEPTED: { type: 'OPENED' },
      OPENED: { type: 'OPENED' },
      ARMED: { type: 'ARMED' },
      FILL: { type: 'FILL', fill: { id: 'cum:4', quantity: 4, price: rs(1489.5) } },
      CANCEL_REQUESTED: null,
      MODIFY_REQUESTED: null,
      MODIFIED: { type: 'MODIFIED', quantity: 12, price: rs(1480), triggerPrice: rs(1485) },
      MODIFY_REJECTED: null,
      CANCELLED: { type: 'CANCELLED' },
      REJECTED: { type: 'REJECTED', reason: 'RMS: margin exceeds' },
      EXPIRED: { type: 'EXPIRED' },
      HOLD_RELEASED: null,
    };
    for (const [event, transition] of Object.entries(expected)) {
      const t = transitionOf(SAMPLES[event as OrderHistoryEventType], { type: 'LIMIT' });
      expect(t, event).toEqual(transition);
      if (t && t.type !== 'MODIFIED' && event !== 'ACCEPTED')
        expect(historyEventOf(t)).toEqual({
          ...SAMPLES[event as OrderHistoryEventType],
          ...(event === 'CANCELLED' ? { details: {} } : {}),
        });
    }
  });

  it('records every event a broker report yields as an entry that replays to the same order', () => {
    const start = replayOrder([placed(), sending(1), accepted('MO1')]);
    const r = applyBrokerUpdate(start, { status: 'CANCELLED', filledQuantity: 4, averagePrice: rs(1489.5) }, { tickSize: 500 });
    expect(r.events.map((e) => e.type)).toEqual(['FILL', 'CANCELLED']);
    const replayed = r.events.reduce((o, e) => applyHistoryEvent(o, historyEventOf(e as Exclude<OrderEvent, { type: 'MODIFIED' }>)), start);
    const tableState = (o: OrderState) => ({
      status: o.status,
      filledQuantity: o.filledQuantity,
      filledValue: o.filledValue,
      fills: o.fills,
    });
    expect(tableState(replayed)).toEqual(tableState(r.order));
    expect(replayed.status).toBe('CANCELLED');
  });
});

describe('replayOrder', () => {
  it('starts from PLACED: the terms, basis and hold it carries, PENDING, nothing else yet', () => {
    const p = placed({ side: 'SELL', product: 'MIS', quantity: 10 }, 4);
    expect(replayOrder([p])).toEqual({
      ...terms({ side: 'SELL', product: 'MIS', quantity: 10 }),
      status: 'PENDING',
      filledQuantity: 0,
      filledValue: 0n,
      fills: [],
      rejectReason: null,
      referencePrice: rs(1490),
      shortQuantity: 6,
      reserved: p.details.reserved,
      brokerOrderIds: [],
      cancelRequested: false,
      pendingModification: null,
      sendAttempts: 0,
    });
    expect(placedOrder(p.details)).toEqual(replayOrder([p]));
  });

  it('refuses a history that does not start with PLACED, or places twice', () => {
    expect(failure(() => replayOrder([]))).toEqual({ code: 'INVALID_STATE', reason: 'HISTORY_INCONSISTENT' });
    expect(failure(() => replayOrder([sending(1), placed()]))).toEqual({ code: 'INVALID_STATE', reason: 'HISTORY_INCONSISTENT' });
    expect(failure(() => replayOrder([placed(), placed()]))).toEqual({ code: 'INVALID_STATE', reason: 'HISTORY_INCONSISTENT' });
  });

  it('a market buy: sent, accepted OPEN with its broker id, filled in one go; the hold goes with the fill', () => {
    const p = placed({ type: 'MARKET', price: null, quantity: 5 });
    const { order: o, statuses } = replayOrderStatuses([p, sending(1), accepted('MO1'), fill('cum:5', 5, rs(1500.5))]);
    expect(statuses).toEqual(['PENDING', 'PENDING', 'OPEN', 'FILLED']);
    expect(o).toMatchObject({
      status: 'FILLED',
      filledQuantity: 5,
      filledValue: 5n * BigInt(rs(1500.5)),
      reserved: 0n,
      brokerOrderIds: ['MO1'],
      sendAttempts: 1,
      fills: [{ id: 'cum:5', quantity: 5, price: rs(1500.5) }],
    });
    // The MARKET reference is the LTP plus the buffer, not a price of the order.
    expect(o.referencePrice).toBeGreaterThan(LTP);
    expect(o.price).toBeNull();
  });

  it('a limit filled in parts then cancelled: the hold of the remainder after each fill, then released', () => {
    const p = placed({ quantity: 10 });
    const first = replayOrder([p, sending(1), accepted('MO1'), fill('cum:3', 3, rs(1490))]);
    const rest = reservationFor(basisOf(first), 7, 3n * BigInt(rs(1490)));
    expect(first).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: 3, reserved: rest });
    expect(rest).toBeLessThan(p.details.reserved);
    const { order: o, statuses } = replayOrderStatuses([
      p,
      sending(1),
      accepted('MO1'),
      fill('cum:3', 3, rs(1490)),
      fill('cum:6', 3, rs(1489.5)),
      { event: 'CANCEL_REQUESTED', details: {} },
      { event: 'CANCELLED', details: {} },
      released(reservationFor(basisOf(first), 4, 3n * BigInt(rs(1490)) + 3n * BigInt(rs(1489.5))), 4),
    ]);
    expect(statuses).toEqual([
      'PENDING',
      'PENDING',
      'OPEN',
      'PARTIALLY_FILLED',
      'PARTIALLY_FILLED',
      'PARTIALLY_FILLED',
      'CANCELLED',
      'CANCELLED',
    ]);
    expect(o).toMatchObject({ status: 'CANCELLED', filledQuantity: 6, reserved: 0n, cancelRequested: true, rejectReason: null });
    expect(o.fills.map((f) => f.id)).toEqual(['cum:3', 'cum:6']);
  });

  it('a stop: accepted waiting for its trigger, triggered, filled; an SL-M can fill straight from its trigger', () => {
    const sl = replayOrderStatuses([
      placed({ type: 'SL', price: rs(1500), triggerPrice: rs(1495) }),
      sending(1),
      accepted('MO7'),
      { event: 'OPENED', details: {} },
      fill('cum:10', 10, rs(1499)),
    ]);
    expect(sl.statuses).toEqual(['PENDING', 'PENDING', 'TRIGGER_PENDING', 'OPEN', 'FILLED']);
    const slm = replayOrderStatuses([
      placed({ type: 'SL-M', price: null, triggerPrice: rs(1510) }),
      accepted('MO8'),
      fill('cum:10', 10, rs(1511)),
    ]);
    expect(slm.statuses).toEqual(['PENDING', 'TRIGGER_PENDING', 'FILLED']);
    expect(slm.order.reserved).toBe(0n);
  });

  it('rejections: by the broker after acceptance, and by us (an empty reason reads as Rejected, as the table has it)', () => {
    const p = placed();
    const broker = replayOrder([p, sending(1), accepted('MO1'), SAMPLES.REJECTED, released(p.details.reserved, 10)]);
    expect(broker).toMatchObject({ status: 'REJECTED', rejectReason: 'RMS: margin exceeds', reserved: 0n, brokerOrderIds: ['MO1'] });
    const ours = replayOrder([p, sending(1), { event: 'REJECTED', details: { reason: '' } }, released(p.details.reserved, 10)]);
    expect(ours).toMatchObject({ status: 'REJECTED', rejectReason: 'Rejected', brokerOrderIds: [] });
  });

  it('cancelled before it was sent; expired with part filled', () => {
    const p = placed();
    const never = replayOrder([
      p,
      { event: 'CANCEL_REQUESTED', details: { by: 'kill switch' } },
      SAMPLES.CANCELLED,
      released(p.details.reserved, 10),
    ]);
    expect(never).toMatchObject({ status: 'CANCELLED', cancelRequested: true, reserved: 0n, sendAttempts: 0 });
    const expired = replayOrder([p, sending(1), accepted('MO1'), fill('cum:2', 2, rs(1490)), SAMPLES.EXPIRED]);
    expect(expired).toMatchObject({ status: 'EXPIRED', filledQuantity: 2 });
    expect(expired.reserved).toBeGreaterThan(0n); // until its HOLD_RELEASED entry
  });

  it('counts send attempts as the engine numbered them', () => {
    expect(replayOrder([placed(), sending(1), sending(2), accepted('MO1')]).sendAttempts).toBe(2);
  });

  it('a modification: pending when asked, the new terms, basis and hold when the broker confirms; a refusal clears it', () => {
    const p = placed({ quantity: 10 });
    const asked = replayOrder([p, sending(1), accepted('MO1'), SAMPLES.MODIFY_REQUESTED]);
    expect(asked.pendingModification).toEqual({ quantity: 12, price: rs(1480), triggerPrice: rs(1485) });
    expect(asked).toMatchObject({ quantity: 10, price: rs(1490) });
    const refused = applyHistoryEvent(asked, SAMPLES.MODIFY_REJECTED);
    expect(refused).toEqual({ ...asked, pendingModification: null });

    const change = { quantity: 12, price: rs(1480) };
    const plan = planModification(asked, basisOf(asked), change, INFY, { ltp: null });
    const done = replayOrderStatuses([
      p,
      sending(1),
      accepted('MO1'),
      { event: 'MODIFY_REQUESTED', details: change },
      { event: 'MODIFIED', details: { ...change, reserved: plan.reservation } },
    ]);
    expect(done.statuses.at(-1)).toBe('OPEN');
    expect(done.order).toMatchObject({
      quantity: 12,
      price: rs(1480),
      referencePrice: plan.basis.referencePrice,
      shortQuantity: plan.basis.shortQuantity,
      reserved: plan.reservation,
      pendingModification: null,
    });
  });

  it('a modified SELL extends or shrinks its short part as planModification does; a MARKET keeps its reference', () => {
    // Sells 10 with 4 held: 6 go short.
    const p = placed({ side: 'SELL', quantity: 10, price: rs(1510) }, 4);
    const open = replayOrder([p, accepted('MO1'), fill('cum:2', 2, rs(1510))]);
    for (const quantity of [4, 7, 15]) {
      const plan = planModification(open, basisOf(open), { quantity }, INFY, { ltp: null });
      const o = applyHistoryEvent(open, { event: 'MODIFIED', details: { quantity, reserved: plan.reservation } });
      expect(basisOf(o), `quantity ${quantity}`).toEqual(plan.basis);
    }
    const market = replayOrder([placed({ type: 'MARKET', price: null }), accepted('MO2')]);
    const m = applyHistoryEvent(market, { event: 'MODIFIED', details: { quantity: 4, reserved: 1n } });
    expect(m).toMatchObject({ quantity: 4, referencePrice: market.referencePrice, reserved: 1n });
  });

  it('the hold a confirmed modification could not grow stays what its entry says, and a fill recomputes it', () => {
    const p = placed({ quantity: 10 });
    const open = replayOrder([p, accepted('MO1')]);
    const kept = applyHistoryEvent(open, { event: 'MODIFIED', details: { quantity: 20, reserved: p.details.reserved } });
    expect(kept.reserved).toBe(p.details.reserved);
    const filled = applyHistoryEvent(kept, fill('cum:1', 1, rs(1490)));
    expect(filled.reserved).toBe(reservationFor(basisOf(kept), 19, BigInt(rs(1490))));
  });

  it('refuses what the table refuses, and a release of more than is held', () => {
    const p = placed();
    const done = replayOrder([p, accepted('MO1'), fill('cum:10', 10, rs(1490))]);
    expect(failure(() => applyHistoryEvent(done, SAMPLES.CANCELLED))).toEqual({ code: 'INVALID_STATE', reason: 'ORDER_TERMINAL' });
    expect(failure(() => replayOrder([p, SAMPLES.ARMED]))).toEqual({ code: 'INVALID_STATE', reason: 'ILLEGAL_TRANSITION' });
    expect(failure(() => replayOrder([p, accepted('MO1'), fill('a', 11, rs(1490))]))).toEqual({
      code: 'INVALID_STATE',
      reason: 'OVERFILL',
    });
    expect(
      failure(() => replayOrder([p, accepted('MO1'), fill('a', 4, 1), { event: 'MODIFIED', details: { quantity: 4, reserved: 0n } }])),
    ).toEqual({
      code: 'INVALID_STATE',
      reason: 'QUANTITY_NOT_ABOVE_FILLED',
    });
    expect(failure(() => replayOrder([p, SAMPLES.REJECTED, released(p.details.reserved + 1n, 10)]))).toEqual({
      code: 'INVALID_STATE',
      reason: 'HISTORY_INCONSISTENT',
    });
    expect(failure(() => replayOrder([p, { event: 'MODIFIED', details: { triggerPrice: rs(1400), reserved: 0n } }])).code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('a fill reported twice (same id, same terms) changes nothing, as in the table', () => {
    const once = replayOrder([placed(), accepted('MO1'), fill('cum:3', 3, rs(1490))]);
    expect(applyHistoryEvent(once, fill('cum:3', 3, rs(1490)))).toEqual(once);
  });

  it('never mutates what it is given', () => {
    const history = [placed(), sending(1), accepted('MO1'), SAMPLES.MODIFY_REQUESTED, fill('cum:3', 3, rs(1490))];
    const copy = structuredClone(history);
    const o = replayOrder(history);
    expect(history).toEqual(copy);
    expect(Object.isFrozen(o)).toBe(true);
  });

  it('random histories: the replay is entry by entry, and what it rebuilds keeps the order invariants', () => {
    const step: fc.Arbitrary<OrderHistoryEvent> = fc.oneof(
      fc.constantFrom<OrderHistoryEvent>(
        sending(1),
        accepted('MO1'),
        SAMPLES.OPENED,
        SAMPLES.ARMED,
        SAMPLES.CANCEL_REQUESTED,
        { event: 'MODIFY_REQUESTED', details: { quantity: 9 } },
        SAMPLES.MODIFY_REJECTED,
        SAMPLES.CANCELLED,
        SAMPLES.REJECTED,
        SAMPLES.EXPIRED,
        released(1n, 0),
      ),
      fc
        .record({ id: fc.integer({ min: 1, max: 6 }), q: fc.integer({ min: 1, max: 6 }), p: fc.integer({ min: 2970, max: 2990 }) })
        .map(({ id, q, p }) => fill(`f${id}`, q, p * 500)),
      fc
        .record({ q: fc.integer({ min: 1, max: 20 }), r: fc.bigInt({ min: 0n, max: 10_000_000n }) })
        .map(({ q, r }) => ({ event: 'MODIFIED' as const, details: { quantity: q, reserved: r } })),
    );
    fc.assert(
      fc.property(
        fc.constantFrom<Partial<OrderTerms>>({}, { type: 'SL', triggerPrice: rs(1495) }, { side: 'SELL', price: rs(1510) }),
        fc.array(step, { maxLength: 25 }),
        (t, steps) => {
          let o = replayOrder([placed(t, 3)]);
          const kept: OrderHistoryEvent[] = [placed(t, 3)];
          for (const e of steps) {
            try {
              o = applyHistoryEvent(o, e);
            } catch (err) {
              expect(['INVALID_STATE', 'VALIDATION_FAILED']).toContain((err as DomainError).code);
              continue;
            }
            kept.push(e);
            expect(o.reserved).toBeGreaterThanOrEqual(0n);
            expect(o.filledQuantity).toBe(o.fills.reduce((a, f) => a + f.quantity, 0));
            expect(o.filledQuantity).toBeLessThanOrEqual(o.quantity);
            const table = transitionOf(e, o);
            if (table) expect(o.status).toBe(applyOrderEvent(replayOrder(kept.slice(0, -1)), table).status);
          }
          expect(replayOrder(kept)).toEqual(o);
        },
      ),
      { numRuns: 300 },
    );
  });
});
