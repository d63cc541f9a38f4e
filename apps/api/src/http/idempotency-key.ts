import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IDEMPOTENCY_HEADER } from '@tradeloop/contracts';
import { assertIdempotencyKey } from '@tradeloop/platform';

/** What an idempotent use case returns: the status and body to send (the original ones on a replay). */
export interface IdempotentOutcome<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/** The request's Idempotency-Key, checked, and how to answer with the use case's outcome. */
export interface IdempotentRequest<Key extends string | null = string> {
  /** The client's key (with `required: false` and no header: null, so type the parameter `IdempotentRequest<string | null>`). */
  readonly key: Key;
  /** Sets the outcome's status and, on a replay, `Idempotent-Replayed: true`; returns the body. */
  respond<T>(outcome: IdempotentOutcome<T>): T;
}

const requestOf = createParamDecorator((required: boolean, ctx: ExecutionContext): IdempotentRequest<string | null> => {
  const http = ctx.switchToHttp();
  const raw = http.getRequest<FastifyRequest>().headers[IDEMPOTENCY_HEADER];
  const reply = http.getResponse<FastifyReply>();
  return {
    // A missing or malformed key is a 400 naming the header (assertIdempotencyKey).
    key: raw === undefined && !required ? null : assertIdempotencyKey(raw),
    respond(outcome) {
      void reply.status(outcome.status);
      if (outcome.replayed) void reply.header('idempotent-replayed', 'true');
      return outcome.body;
    },
  };
});

/**
 * The Idempotency-Key plumbing of the routes that move money or create orders (docs/api.md,
 * "Conventions"), in one place: reads and checks the header, documents it in OpenAPI, and
 * answers a replay with the original status and the `idempotent-replayed` header.
 *
 *   create(@Body() body: Dto, @IdempotencyKey({ description: '…' }) idem: IdempotentRequest) {
 *     return idem.respond(await this.useCase.execute(body, idem.key));
 *   }
 */
export function IdempotencyKey(opts: { description: string; required?: boolean }): ParameterDecorator {
  const required = opts.required ?? true;
  const param = requestOf(required);
  const header = ApiHeader({ name: 'Idempotency-Key', required, description: opts.description });
  return (target, propertyKey, index) => {
    param(target, propertyKey, index);
    if (propertyKey !== undefined) header(target, propertyKey, Object.getOwnPropertyDescriptor(target, propertyKey)!);
  };
}
