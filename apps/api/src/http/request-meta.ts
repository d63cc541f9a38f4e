import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RequestMeta } from '@tradeloop/identity';

export const requestMetaOf = (req: FastifyRequest): RequestMeta => ({
  requestId: String(req.id),
  ip: req.ip,
  userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : undefined,
});

/** Request id, client IP and user agent, for audit events written by the use case. */
export const ReqMeta = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): RequestMeta => requestMetaOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
