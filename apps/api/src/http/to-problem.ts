import { HttpException } from '@nestjs/common';
import { ZodValidationException } from 'nestjs-zod';
import { ZodError, type core } from 'zod';
import { isDomainError, type ErrorCode, type FieldError } from '@tradeloop/domain';
import type { Problem } from '@tradeloop/contracts';
import { problem } from './problem';

export interface ProblemWithHeaders {
  body: Problem;
  headers: Record<string, string>;
  /** True when the error is ours (a bug or an outage), which must be logged with its stack. */
  unexpected: boolean;
}

/** Zod issues → `errors: [{ field, message }]`, one entry per unknown key so each is named. */
export function fieldErrors(issues: readonly core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ field: base ? `${base}.${k}` : k, message: 'is not a known field' }));
    }
    return [{ field: base || '(body)', message: issue.message }];
  });
}

// Fastify's own errors (body parsing, limits) → our codes.
const FASTIFY_CODES: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['VALIDATION_FAILED', 'Request body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['VALIDATION_FAILED', 'Request body is empty but Content-Type is application/json'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 'Request body is larger than the server accepts'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'Content-Type is not supported; send application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['VALIDATION_FAILED', 'Content-Length does not match the body'],
  FST_ERR_CTP_INVALID_TYPE: ['VALIDATION_FAILED', 'Content-Type header is malformed'],
};

const NEST_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Maps anything thrown while serving a request to a problem document. Never leaks internals. */
export function toProblem(err: unknown, ctx: { instance?: string; requestId?: string }): ProblemWithHeaders {
  if (isDomainError(err)) {
    const headers: Record<string, string> = {};
    if (err.options.retryAfterSeconds) headers['retry-after'] = String(err.options.retryAfterSeconds);
    return { body: problem(err.code, err.message, { ...ctx, errors: err.options.fieldErrors }), headers, unexpected: false };
  }
  if (err instanceof ZodValidationException) {
    const zodError = err.getZodError();
    const errors = zodError instanceof ZodError ? fieldErrors(zodError.issues) : [];
    return { body: problem('VALIDATION_FAILED', 'The request is invalid', { ...ctx, errors }), headers: {}, unexpected: false };
  }
  const fastifyCode = typeof (err as { code?: unknown })?.code === 'string' ? FASTIFY_CODES[(err as { code: string }).code] : undefined;
  if (fastifyCode) return { body: problem(fastifyCode[0], fastifyCode[1], ctx), headers: {}, unexpected: false };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const code = NEST_STATUS_CODES[status];
    if (code) return { body: problem(code, status === 404 ? 'No such resource' : err.message, ctx), headers: {}, unexpected: false };
  }
  const status = (err as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      body: problem(NEST_STATUS_CODES[status] ?? 'VALIDATION_FAILED', 'The request could not be processed', ctx),
      headers: {},
      unexpected: false,
    };
  }
  // Overload, not a bug: every database connection was busy for the pool's whole wait. The
  // request did nothing (it never got a connection), so retrying is safe.
  if (err instanceof Error && err.message === 'timeout exceeded when trying to connect') {
    return {
      body: problem('SERVICE_UNAVAILABLE', 'The service is overloaded right now; retry shortly', ctx),
      headers: { 'retry-after': '1' },
      unexpected: true,
    };
  }
  return { body: problem('INTERNAL', 'An unexpected error occurred; it has been logged', ctx), headers: {}, unexpected: true };
}
