import { DomainError } from '../errors';
import type { AlertEngine } from './split';

/*
 * A webhook delivery's life (docs/alerts.md "Intake" and "Processing"):
 *   received → authenticated → deduplicated → routed → decided → ordered → filled | rejected
 * plus the two ends at intake: intake_rejected (a refusal, stored with its reason) and duplicate
 * (the same alert again: 200 naming the original, never a second decision).
 */

export const DELIVERY_STATUSES = [
  'received',
  'authenticated',
  'deduplicated',
  'routed',
  'decided',
  'ordered',
  'filled',
  'rejected',
  'intake_rejected',
  'duplicate',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The steps a delivery's record lists, one per status it entered (its name is the status). */
export type DeliveryStep = DeliveryStatus;

/** The routed engine's ENTER / SKIP; EXIT: an EXIT alert, which no engine decides (it flattens the source's positions on the symbol). */
export type DeliveryDecision = 'ENTER' | 'SKIP' | 'EXIT';

/** What can happen to a delivery; each event is the step it records. */
export type DeliveryEvent =
  | { readonly type: 'AUTHENTICATED' }
  | { readonly type: 'DEDUPLICATED' }
  | { readonly type: 'ROUTED'; readonly engine: AlertEngine }
  | { readonly type: 'DECIDED'; readonly decision: DeliveryDecision }
  | { readonly type: 'ORDERED' }
  | { readonly type: 'FILLED' }
  | { readonly type: 'REJECTED'; readonly reason: string }
  | { readonly type: 'INTAKE_REJECTED'; readonly reason: string }
  | { readonly type: 'DUPLICATE'; readonly duplicateOf: string };
export type DeliveryEventType = DeliveryEvent['type'];

export interface DeliveryState {
  readonly status: DeliveryStatus;
  readonly engine: AlertEngine | null;
  readonly decision: DeliveryDecision | null;
  readonly rejectReason: string | null;
  readonly duplicateOf: string | null;
}

/** Why an event was refused, in `DomainError.options.context.reason` (code INVALID_STATE). */
export type DeliveryStateProblem = 'DELIVERY_FINISHED' | 'ILLEGAL_TRANSITION' | 'ENGINE_CONFLICT' | 'NOTHING_TO_ORDER';

// SAME: the status does not change (a step replayed by a retried job).
type Target = DeliveryStatus | 'SAME';

/**
 * THE transition table (status, event) → status. A missing entry is an illegal transition;
 * terminal statuses have no entries.
 */
export const DELIVERY_TRANSITIONS: Readonly<Record<DeliveryStatus, Readonly<Partial<Record<DeliveryEventType, Target>>>>> = {
  received: {
    AUTHENTICATED: 'authenticated',
    // Refusals before authentication: oversized, disabled, over the rate limit, bad signature.
    INTAKE_REJECTED: 'intake_rejected',
  },
  authenticated: {
    DEDUPLICATED: 'deduplicated',
    DUPLICATE: 'duplicate',
    // Refusals after authentication: not JSON, not a payload, unknown or not-allowed symbol.
    INTAKE_REJECTED: 'intake_rejected',
  },
  deduplicated: {
    ROUTED: 'routed',
    // Processing can fail before routing (e.g. the source was deleted while the job waited).
    REJECTED: 'rejected',
  },
  routed: {
    // A retried job routes again: the split is deterministic, so the same engine (else ENGINE_CONFLICT).
    ROUTED: 'SAME',
    DECIDED: 'decided',
    REJECTED: 'rejected',
  },
  decided: {
    // Only an ENTER decision orders; a SKIP ends the delivery here (see isDeliveryFinished).
    ORDERED: 'ordered',
    REJECTED: 'rejected',
  },
  ordered: {
    FILLED: 'filled',
    // Every order refused, rejected or cancelled without a fill.
    REJECTED: 'rejected',
  },
  filled: {},
  rejected: {},
  intake_rejected: {},
  duplicate: {},
};

const TERMINAL: ReadonlySet<DeliveryStatus> = new Set(['filled', 'rejected', 'intake_rejected', 'duplicate']);

/** Whether nothing more happens to the delivery: a terminal status, or decided with SKIP. */
export const isDeliveryFinished = (s: DeliveryState): boolean =>
  TERMINAL.has(s.status) || (s.status === 'decided' && s.decision === 'SKIP');

/** A delivery as it is first written. */
export const newDelivery = (): DeliveryState =>
  Object.freeze({ status: 'received', engine: null, decision: null, rejectReason: null, duplicateOf: null });

const invalid = (problem: DeliveryStateProblem, message: string, context: Record<string, unknown>) =>
  new DomainError('INVALID_STATE', message, { context: { reason: problem, ...context } });

/** Applies one event and returns the new state (never mutates), or throws INVALID_STATE. */
export function applyDeliveryEvent(s: DeliveryState, e: DeliveryEvent): DeliveryState {
  const target = DELIVERY_TRANSITIONS[s.status][e.type];
  if (target === undefined || (isDeliveryFinished(s) && target !== 'SAME')) {
    throw isDeliveryFinished(s)
      ? invalid('DELIVERY_FINISHED', `Delivery is ${s.status}; nothing more happens to it (${e.type})`, { status: s.status, event: e.type })
      : invalid('ILLEGAL_TRANSITION', `Delivery is ${s.status}; ${e.type} is not allowed`, { status: s.status, event: e.type });
  }
  const status = target === 'SAME' ? s.status : target;
  switch (e.type) {
    case 'ROUTED':
      if (s.engine !== null && s.engine !== e.engine)
        throw invalid('ENGINE_CONFLICT', `Delivery was routed to ${s.engine}, not ${e.engine}`, { engine: s.engine });
      return Object.freeze({ ...s, status, engine: e.engine });
    case 'DECIDED':
      return Object.freeze({ ...s, status, decision: e.decision });
    case 'ORDERED':
      if (s.decision !== 'ENTER') throw invalid('NOTHING_TO_ORDER', 'Only an ENTER decision places orders', { decision: s.decision });
      return Object.freeze({ ...s, status });
    case 'REJECTED':
    case 'INTAKE_REJECTED':
      return Object.freeze({ ...s, status, rejectReason: e.reason || 'Rejected' });
    case 'DUPLICATE':
      return Object.freeze({ ...s, status, duplicateOf: e.duplicateOf });
    default:
      return Object.freeze({ ...s, status });
  }
}

/** Replays a delivery's history from `received`. */
export const replayDelivery = (events: readonly DeliveryEvent[], initial: DeliveryState = newDelivery()): DeliveryState =>
  events.reduce(applyDeliveryEvent, initial);

/** Whether `event` would be accepted in `status` by the table alone. */
export const canApplyDelivery = (status: DeliveryStatus, event: DeliveryEventType): boolean =>
  DELIVERY_TRANSITIONS[status][event] !== undefined;

/** The step an event records (the status it moves to; a replayed ROUTED records `routed` again). */
export const stepOf = (e: DeliveryEvent): DeliveryStep =>
  (
    ({
      AUTHENTICATED: 'authenticated',
      DEDUPLICATED: 'deduplicated',
      ROUTED: 'routed',
      DECIDED: 'decided',
      ORDERED: 'ordered',
      FILLED: 'filled',
      REJECTED: 'rejected',
      INTAKE_REJECTED: 'intake_rejected',
      DUPLICATE: 'duplicate',
    }) as const
  )[e.type];
