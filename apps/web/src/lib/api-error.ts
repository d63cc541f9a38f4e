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

/** A short human sentence for any error thrown by a query or mutation. */
export function describeError(error: unknown): string {
  if (isApiError(error)) return error.detail;
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
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
