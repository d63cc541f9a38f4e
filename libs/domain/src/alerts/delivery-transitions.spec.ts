import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import {
  applyDeliveryEvent,
  canApplyDelivery,
  DELIVERY_STATUSES,
  DELIVERY_TRANSITIONS,
  isDeliveryFinished,
  newDelivery,
  replayDelivery,
  stepOf,
  type DeliveryEvent,
  type DeliveryEventType,
  type DeliveryState,
  type DeliveryStatus,
} from './delivery-transitions';

const EVENTS: Record<DeliveryEventType, DeliveryEvent> = {
  AUTHENTICATED: { type: 'AUTHENTICATED' },
  DEDUPLICATED: { type: 'DEDUPLICATED' },
  ROUTED: { type: 'ROUTED', engine: 'A' },
  DECIDED: { type: 'DECIDED', decision: 'ENTER' },
  ORDERED: { type: 'ORDERED' },
  FILLED: { type: 'FILLED' },
  REJECTED: { type: 'REJECTED', reason: 'no fill' },
  INTAKE_REJECTED: { type: 'INTAKE_REJECTED', reason: 'bad signature' },
  DUPLICATE: { type: 'DUPLICATE', duplicateOf: 'd-1' },
};

const at = (status: DeliveryStatus, over: Partial<DeliveryState> = {}): DeliveryState => ({
  ...newDelivery(),
  engine: 'A',
  decision: 'ENTER',
  status,
  ...over,
});

const reasonOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('INVALID_STATE');
    return (e as DomainError).options.context?.['reason'] as string;
  }
  throw new Error('did not throw');
};

describe('delivery transitions', () => {
  it('every (status, event) pair follows the table exactly', () => {
    for (const status of DELIVERY_STATUSES) {
      for (const [type, event] of Object.entries(EVENTS) as [DeliveryEventType, DeliveryEvent][]) {
        const target = DELIVERY_TRANSITIONS[status][type];
        expect(canApplyDelivery(status, type)).toBe(target !== undefined);
        if (target === undefined) {
          expect(reasonOf(() => applyDeliveryEvent(at(status), event))).toMatch(/ILLEGAL_TRANSITION|DELIVERY_FINISHED/);
        } else {
          const next = applyDeliveryEvent(at(status), event);
          expect(next.status).toBe(target === 'SAME' ? status : target);
        }
      }
    }
  });

  it('walks the happy path from received to filled, step by step', () => {
    const events: DeliveryEvent[] = [
      EVENTS.AUTHENTICATED,
      EVENTS.DEDUPLICATED,
      { type: 'ROUTED', engine: 'B' },
      { type: 'DECIDED', decision: 'ENTER' },
      EVENTS.ORDERED,
      EVENTS.FILLED,
    ];
    expect(events.map(stepOf)).toEqual(['authenticated', 'deduplicated', 'routed', 'decided', 'ordered', 'filled']);
    const s = replayDelivery(events);
    expect(s).toEqual({ status: 'filled', engine: 'B', decision: 'ENTER', rejectReason: null, duplicateOf: null });
    expect(isDeliveryFinished(s)).toBe(true);
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('ends at intake: rejected with its reason, or duplicate naming the original', () => {
    expect(replayDelivery([EVENTS.INTAKE_REJECTED])).toMatchObject({ status: 'intake_rejected', rejectReason: 'bad signature' });
    expect(replayDelivery([EVENTS.AUTHENTICATED, { type: 'INTAKE_REJECTED', reason: '' }])).toMatchObject({ rejectReason: 'Rejected' });
    expect(replayDelivery([EVENTS.AUTHENTICATED, EVENTS.DUPLICATE])).toMatchObject({ status: 'duplicate', duplicateOf: 'd-1' });
    expect(reasonOf(() => replayDelivery([EVENTS.DUPLICATE]))).toBe('ILLEGAL_TRANSITION');
  });

  it('a SKIP ends the delivery decided; only ENTER orders', () => {
    const skipped = replayDelivery([EVENTS.AUTHENTICATED, EVENTS.DEDUPLICATED, EVENTS.ROUTED, { type: 'DECIDED', decision: 'SKIP' }]);
    expect(skipped.status).toBe('decided');
    expect(isDeliveryFinished(skipped)).toBe(true);
    expect(reasonOf(() => applyDeliveryEvent(skipped, EVENTS.ORDERED))).toBe('DELIVERY_FINISHED');
    expect(reasonOf(() => applyDeliveryEvent(at('decided', { decision: null }), EVENTS.ORDERED))).toBe('NOTHING_TO_ORDER');
    expect(isDeliveryFinished(at('decided', { decision: 'ENTER' }))).toBe(false);
  });

  it('a replayed routing is the same step; another engine is a conflict', () => {
    const routed = replayDelivery([EVENTS.AUTHENTICATED, EVENTS.DEDUPLICATED, { type: 'ROUTED', engine: 'A' }]);
    expect(applyDeliveryEvent(routed, { type: 'ROUTED', engine: 'A' })).toEqual(routed);
    expect(reasonOf(() => applyDeliveryEvent(routed, { type: 'ROUTED', engine: 'B' }))).toBe('ENGINE_CONFLICT');
  });

  it('terminal statuses never move', () => {
    for (const s of ['filled', 'rejected', 'intake_rejected', 'duplicate'] as const) {
      expect(isDeliveryFinished(at(s))).toBe(true);
      for (const e of Object.values(EVENTS)) expect(reasonOf(() => applyDeliveryEvent(at(s), e))).toBe('DELIVERY_FINISHED');
    }
  });

  it('never mutates its input', () => {
    const s = newDelivery();
    applyDeliveryEvent(s, EVENTS.AUTHENTICATED);
    expect(s.status).toBe('received');
  });
});
