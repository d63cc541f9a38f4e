import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '@tradeloop/contracts';

/** The statuses an operation may answer with a problem document, beyond the ones every route has. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 408 | 409 | 413 | 414 | 415 | 422 | 423 | 429 | 431 | 503;

export const PROBLEM_SCHEMA_REF = '#/components/schemas/Problem';

const DESCRIPTIONS: Record<ProblemStatus, string> = {
  400: 'The request is invalid (every field named in `errors`)',
  401: 'Not authenticated: no, an expired or a revoked access token',
  403: 'The caller lacks the role this needs',
  404: "No such resource (or not the caller's)",
  408: 'The request did not arrive in time',
  409: 'Conflicts with the current state (or an Idempotency-Key used with another body)',
  413: 'The body is larger than the server accepts',
  414: 'A path parameter is longer than the server accepts',
  415: 'The Content-Type is not one this operation takes',
  422: 'Understood but refused by a business rule (funds, risk, model)',
  423: 'A kill switch is engaged',
  429: 'Rate limited; retry after `Retry-After` seconds',
  431: 'The request headers are larger than the server accepts',
  503: 'A dependency is unavailable right now; retry shortly',
};

/** One problem response, as the OpenAPI document lists it. */
export const problemResponse = (status: ProblemStatus) => ({
  description: DESCRIPTIONS[status],
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: PROBLEM_SCHEMA_REF } } },
});

/**
 * Documents the problem responses an operation (or every operation of a controller) can give
 * beyond the ones derived for every route (docs/adr/0013-hostile-input.md; see openapi.ts). The schema
 * fuzzer holds the list to what the server really answers.
 */
export const ApiProblems = (...statuses: ProblemStatus[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, ...problemResponse(status) })));
