/**
 * How a failed broker call may be handled (docs/brokers.md 4.9):
 * - `retryable`: nothing reached the broker (connection refused, DNS), or a read failed: try again
 *   with backoff.
 * - `final`: the broker understood and refused (validation, unknown order, order already
 *   terminal, insufficient funds). Retrying cannot help.
 * - `ambiguous`: a write was sent and we do not know whether it took effect (timeout, reset,
 *   5xx). NEVER resend a placement: look the order up by its tag first
 *   (`BrokerAdapter.findOrdersByTag`), and re-read the order after a modify or cancel.
 * - `rate_limited`: 429 (or our own limiter would have to wait too long); wait `retryAfterMs`.
 *   A 429 means the broker refused the request, so it did not take effect.
 * - `auth`: the session expired or was revoked (Kite 403 TokenException, Upstox 401
 *   UDAPI100050): stop sending and ask the user to log in again; every broker needs a daily login.
 */
export const BROKER_ERROR_KINDS = ['retryable', 'final', 'ambiguous', 'rate_limited', 'auth'] as const;
export type BrokerErrorKind = (typeof BROKER_ERROR_KINDS)[number];

/** What the failed call was: writes can be ambiguous, reads never are (re-reading is harmless). */
export type BrokerOperation = 'place' | 'modify' | 'cancel' | 'read';

export interface BrokerErrorDetails {
  /** Which adapter: `kite`, `upstox`, `openalgo`, `mock`. */
  readonly broker: string;
  readonly operation?: BrokerOperation | null;
  /** The broker's own code: Kite `error_type`, Upstox `UDAPI…`, a Node errno; or ours (SCREAMING_SNAKE). */
  readonly code?: string | null;
  /** The broker's message, unedited: an RMS rejection text is what the user needs to read. */
  readonly brokerMessage?: string | null;
  readonly httpStatus?: number | null;
  /** For `rate_limited` (and optionally `retryable`): how long to wait before trying again. */
  readonly retryAfterMs?: number;
}

/** The one error type every adapter throws: the worker maps `kind` to retry / reconcile / fail. */
export class BrokerError extends Error {
  readonly kind: BrokerErrorKind;
  readonly broker: string;
  readonly operation: BrokerOperation | null;
  readonly code: string | null;
  readonly brokerMessage: string | null;
  readonly httpStatus: number | null;
  readonly retryAfterMs: number | undefined;

  constructor(kind: BrokerErrorKind, message: string, details: BrokerErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerError';
    this.kind = kind;
    this.broker = details.broker;
    this.operation = details.operation ?? null;
    this.code = details.code ?? null;
    this.brokerMessage = details.brokerMessage ?? null;
    this.httpStatus = details.httpStatus ?? null;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** Whether the same request may simply be sent again (after `retryAfterMs`, when set). */
  get canRetry(): boolean {
    return this.kind === 'retryable' || this.kind === 'rate_limited';
  }
}

export const isBrokerError = (e: unknown): e is BrokerError => e instanceof BrokerError;

const isWrite = (op: BrokerOperation): boolean => op !== 'read';

/** Applied to a 429 that carries no usable Retry-After (Kite and Upstox send none; docs/brokers.md 2.5). */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;

/** What an adapter knows about a failed HTTP exchange that did produce a response. */
export interface HttpFailure {
  readonly status: number;
  readonly code?: string | null;
  readonly message?: string | null;
  /** The Retry-After header as received (seconds or an HTTP date), if any. */
  readonly retryAfter?: string | null;
}

/**
 * The kind of an HTTP error response. A 5xx (and 408) after a write was sent is ambiguous:
 * Kite's 502/503/504 and Upstox's 500/503 say nothing about whether the order was taken
 * (docs/brokers.md 4.6: never auto-retry a 5xx on placement). 401/403 are the session; 429 the rate
 * limit; every other 4xx a refusal that a retry would repeat.
 * Adapters refine this with their own codes first where the status alone misleads (Kite's
 * PermissionException is a 403 that is not an expired session).
 */
export function classifyHttpStatus(operation: BrokerOperation, status: number): BrokerErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408 || status >= 500) return isWrite(operation) ? 'ambiguous' : 'retryable';
  if (status >= 400) return 'final';
  // A success status reported as a failure (e.g. a body that did not parse): treat like a 5xx.
  return isWrite(operation) ? 'ambiguous' : 'retryable';
}

/** Milliseconds to wait from a Retry-After value (delta-seconds or HTTP date); undefined if unusable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.ceil(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** A BrokerError for an HTTP error response. */
export function brokerErrorFromHttp(
  broker: string,
  operation: BrokerOperation,
  failure: HttpFailure,
  nowMs: number = Date.now(),
): BrokerError {
  const kind = classifyHttpStatus(operation, failure.status);
  const retryAfterMs =
    kind === 'rate_limited'
      ? (parseRetryAfter(failure.retryAfter, nowMs) ?? DEFAULT_RATE_LIMIT_WAIT_MS)
      : parseRetryAfter(failure.retryAfter, nowMs);
  const text = failure.message ?? `HTTP ${failure.status}`;
  return new BrokerError(kind, `${broker} ${operation}: ${text}`, {
    broker,
    operation,
    code: failure.code ?? `HTTP_${failure.status}`,
    brokerMessage: failure.message ?? null,
    httpStatus: failure.status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/**
 * Transport errors that happen before a single byte of the request leaves: the broker cannot
 * have acted on it. (undici's connect timeout included: the connection never opened.)
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The first errno-style code (and name) on an error or its `cause` chain: fetch wraps them. */
function transportCode(err: unknown): string | null {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e !== null && typeof e === 'object'; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    const name = (e as { name?: unknown }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return name;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * The kind of a failure without an HTTP response. Only errors that prove the request never left
 * are retryable for writes; a timeout, reset or anything unrecognised after connecting is
 * ambiguous, because the broker may have received the request and acted on it.
 */
export function classifyTransportError(operation: BrokerOperation, err: unknown): BrokerErrorKind {
  if (!isWrite(operation)) return 'retryable';
  const code = transportCode(err);
  return code !== null && NOT_SENT_CODES.has(code) ? 'retryable' : 'ambiguous';
}

/** A BrokerError for a failure that produced no HTTP response (the original error is its `cause`). */
export function brokerErrorFromTransport(broker: string, operation: BrokerOperation, err: unknown): BrokerError {
  const kind = classifyTransportError(operation, err);
  const message = err instanceof Error ? err.message : String(err);
  return new BrokerError(
    kind,
    `${broker} ${operation}: ${message}`,
    { broker, operation, code: transportCode(err) ?? 'TRANSPORT', brokerMessage: null },
    { cause: err },
  );
}
