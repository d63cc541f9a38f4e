import { BadRequestException, NotFoundException } from '@nestjs/common';
import { z } from 'zod';
import { ZodValidationException } from 'nestjs-zod';
import { DomainError, ERROR_CODES } from '@tradeloop/domain';
import { problem, statusFor } from './problem';
import { toProblem } from './to-problem';
import { genRequestId } from './http-hooks';

describe('problem documents', () => {
  it('turns an exhausted database pool into a retryable 503, not a 500', () => {
    const p = toProblem(new Error('timeout exceeded when trying to connect'), { requestId: 'r' });
    expect(p.body.status).toBe(503);
    expect(p.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(p.headers['retry-after']).toBe('1');
  });

  it('map every code to a 4xx/5xx status', () => {
    for (const code of ERROR_CODES) {
      const s = statusFor(code);
      expect(s >= 400 && s < 600, code).toBe(true);
      expect(problem(code, 'x').type).toBe(`urn:tradeloop:problem:${code.toLowerCase().replace(/_/g, '-')}`);
    }
    expect(statusFor('KILL_SWITCH_ENGAGED')).toBe(423);
    expect(statusFor('INSUFFICIENT_FUNDS')).toBe(422);
    expect(statusFor('IDEMPOTENCY_CONFLICT')).toBe(409);
  });

  it('carry Retry-After for rate limits', () => {
    const p = toProblem(new DomainError('RATE_LIMITED', 'slow down', { retryAfterSeconds: 42 }), {});
    expect(p.body.status).toBe(429);
    expect(p.headers['retry-after']).toBe('42');
  });

  it('turn zod issues into field errors, one per unknown key', () => {
    const schema = z.strictObject({ a: z.number(), nested: z.strictObject({ b: z.string() }) });
    const result = schema.safeParse({ a: 'x', nested: { b: 1, c: 2 }, d: 3 });
    const p = toProblem(new ZodValidationException(result.error!), {});
    expect(p.body.status).toBe(400);
    expect(p.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'a', message: expect.any(String) },
        { field: 'nested.b', message: expect.any(String) },
        { field: 'nested.c', message: 'is not a known field' },
        { field: 'd', message: 'is not a known field' },
      ]),
    );
  });

  it('hide internals of unexpected errors', () => {
    const p = toProblem(new Error('connection string postgres://secret@db'), {});
    expect(p.unexpected).toBe(true);
    expect(p.body.status).toBe(500);
    expect(JSON.stringify(p.body)).not.toContain('secret');
  });

  it('map framework exceptions by status', () => {
    expect(toProblem(new NotFoundException(), {}).body.code).toBe('NOT_FOUND');
    expect(toProblem(new BadRequestException('bad'), {}).body.code).toBe('VALIDATION_FAILED');
    expect(toProblem(Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }), {}).body.status).toBe(413);
  });
});

describe('request ids', () => {
  it('keep sane incoming ids and replace anything else', () => {
    expect(genRequestId({ headers: { 'x-request-id': 'abc-123' } })).toBe('abc-123');
    for (const bad of ['', 'a b', 'x'.repeat(65), '<script>', ['a', 'b']]) {
      expect(genRequestId({ headers: { 'x-request-id': bad } })).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
