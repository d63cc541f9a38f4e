import type { ErrorCode, FieldError } from '@tradeloop/domain';
import type { Problem } from '@tradeloop/contracts';

/** The one place where domain error codes become HTTP statuses. Exhaustive by construction. */
export function statusFor(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
      return 400;
    case 'UNAUTHENTICATED':
    case 'MFA_REQUIRED':
    case 'MFA_INVALID':
    case 'PASSWORD_INVALID':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
    case 'INVALID_STATE':
    case 'IDEMPOTENCY_CONFLICT':
    case 'BROKER_LOGIN_REQUIRED':
    case 'ACCOUNT_DISABLED':
      return 409;
    case 'REQUEST_TIMEOUT':
      return 408;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'URI_TOO_LONG':
      return 414;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'INSUFFICIENT_FUNDS':
    case 'RISK_REJECTED':
    case 'MODEL_REJECTED':
    case 'UNPROCESSABLE':
      return 422;
    case 'KILL_SWITCH_ENGAGED':
      return 423;
    case 'RATE_LIMITED':
      return 429;
    case 'HEADERS_TOO_LARGE':
      return 431;
    case 'SERVICE_UNAVAILABLE':
      return 503;
    case 'INTERNAL':
      return 500;
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(
  code: ErrorCode,
  detail: string,
  extra: { errors?: FieldError[]; instance?: string; requestId?: string } = {},
): Problem {
  const status = statusFor(code);
  return {
    type: `urn:tradeloop:problem:${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(extra.instance ? { instance: extra.instance } : {}),
    ...(extra.requestId ? { requestId: extra.requestId } : {}),
    ...(extra.errors?.length ? { errors: extra.errors } : {}),
  };
}
