/**
 * Stable, machine-readable error codes shared by every transport. The API maps each to an HTTP
 * status in one exhaustive switch; the worker maps each to retryable vs final.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_STATE',
  'IDEMPOTENCY_CONFLICT',
  'INSUFFICIENT_FUNDS',
  'RISK_REJECTED',
  // A model file or card that is well formed but unusable (does not load, wrong inputs, other feature set).
  'MODEL_REJECTED',
  // A well-formed request the stored data or a configured limit cannot serve (a backtest over a
  // range without candles, or beyond the bar limit), or a feature not offered yet.
  'UNPROCESSABLE',
  'KILL_SWITCH_ENGAGED',
  // An order for a broker account whose broker session has ended (log in again) or that is disabled.
  'BROKER_LOGIN_REQUIRED',
  'ACCOUNT_DISABLED',
  'RATE_LIMITED',
  'MFA_REQUIRED',
  'MFA_INVALID',
  // The account's password, asked again to confirm a sensitive change (MFA off, new password),
  // was wrong. Not UNAUTHENTICATED: the access token is fine, and clients refresh on that code.
  'PASSWORD_INVALID',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  // Refusals of the HTTP layer itself, before any route: a path parameter or URL too long, headers
  // too large, a request that did not arrive in time.
  'URI_TOO_LONG',
  'HEADERS_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem with one input field, in the shape of the problem document's `errors` list. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * The only error type domain and use-case code throws. It carries a code and context, never an
 * HTTP status: the mapping to a transport lives at the edge.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: {
      fieldErrors?: FieldError[];
      /** Seconds a client should wait before retrying (RATE_LIMITED). */
      retryAfterSeconds?: number;
      context?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
