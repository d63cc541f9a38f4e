import type { Problem } from '@tradeloop/contracts';

export interface FieldProblem {
  field: string;
  message: string;
}

/** A failed API call, carrying the RFC 9457 problem document's fields. */
export class ApiError extends Error {
  readonly status: number;
  /** Stable machine code (`CONFLICT`, `MFA_REQUIRED`, …); `NETWORK` when no response arrived. */
  readonly code: string;
  readonly detail: string;
  readonly fieldErrors: FieldProblem[];
  /** From the Retry-After header on 429 responses. */
  readonly retryAfterSeconds: number | null;
  readonly requestId: string | null;

  constructor(init: {
    status: number;
    code: string;
    detail: string;
    fieldErrors?: FieldProblem[];
    retryAfterSeconds?: number | null;
    requestId?: string | null;
  }) {
    super(init.detail);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.fieldErrors = init.fieldErrors ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.requestId = init.requestId ?? null;
  }

  /** Messages for one field, e.g. `password`. */
  messagesFor(field: string): string[] {
    return this.fieldErrors.filter((e) => e.field === field).map((e) => e.message);
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;

/**
 * A short human sentence for any error thrown by a query or mutation: the server's words, with
 * the reason a generic refusal carries in its field errors ("Invalid order" → "Invalid order —
 * quantity: CNC cannot sell short: at most 5 units can be sold"), validator phrasing made plain,
 * and rupee amounts grouped the Indian way.
 */
export function describeError(error: unknown): string {
  if (isApiError(error)) {
    const detail = readableMessage(error.detail);
    if (error.fieldErrors.length === 0) return detail;
    const reasons = error.fieldErrors.map((e) => `${e.field}: ${readableMessage(e.message)}`);
    return `${detail} — ${[...new Set(reasons)].join('; ')}`;
  }
  if (error instanceof Error) return readableMessage(error.message);
  return 'Something went wrong';
}

/** Indian digit grouping of a whole number's digits: 1234567 → 12,34,567. */
export function groupIndian(digits: string): string {
  if (digits.length <= 3) return digits;
  const last3 = digits.slice(-3);
  const rest = digits.slice(0, -3);
  return `${rest.replace(/\B(?=(\d{2})+(?!\d))/g, ',')},${last3}`;
}

/**
 * A server message as a trader reads it: the schema validator's phrasing ("Too big: expected
 * number to be <=10000000") said plainly ("must be at most 1,00,00,000"), and ungrouped rupee
 * amounts ("₹999999999.00") grouped ("₹99,99,99,999.00"). Anything else is left as it is.
 */
export function readableMessage(text: string): string {
  return text
    .replace(
      /Too big: expected [a-z]+ to (?:be|have) <=?\s*(\d+)(\.\d+)?( characters| items)?/g,
      (_m, n: string, frac = '', unit = '') => `must be at most ${groupIndian(n)}${frac}${unit}`,
    )
    .replace(
      /Too small: expected [a-z]+ to (?:be|have) >=?\s*(\d+)(\.\d+)?( characters| items)?/g,
      (_m, n: string, frac = '', unit = '') => `must be at least ${groupIndian(n)}${frac}${unit}`,
    )
    .replace(/₹(\d{4,})(\.\d{1,2})?(?![\d,])/g, (_m, n: string, frac = '') => `₹${groupIndian(n)}${frac}`);
}

function parseRetryAfter(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Builds an ApiError from a non-2xx response, whether or not the body is a problem document. */
export async function apiErrorFrom(response: Response): Promise<ApiError> {
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
  const requestId = response.headers.get('x-request-id');
  let problem: Partial<Problem> = {};
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      problem = (await response.json()) as Partial<Problem>;
    } catch {
      // A truncated or non-JSON error body still yields an error from the status below.
    }
  }
  return new ApiError({
    status: response.status,
    code: problem.code ?? (response.status >= 500 ? 'INTERNAL' : 'HTTP_' + response.status),
    detail: problem.detail ?? (response.statusText || `Request failed with status ${response.status}`),
    fieldErrors: problem.errors ?? [],
    retryAfterSeconds,
    requestId: problem.requestId ?? requestId,
  });
}

export const networkError = (): ApiError =>
  new ApiError({ status: 0, code: 'NETWORK', detail: 'Cannot reach the Tradeloop server. Check your connection and try again.' });
