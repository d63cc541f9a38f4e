import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Role } from '@tradeloop/domain';
import type { Principal } from '@tradeloop/identity';
import { ApiProblems } from '../http/api-problems';

export const IS_PUBLIC = 'tradeloop:public';
export const REQUIRED_ROLES = 'tradeloop:roles';

/** The route needs no access token (login, register, health). Everything else does. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Caller must hold at least one of these roles, else 403. */
export const Roles = (...roles: Role[]) => applyDecorators(SetMetadata(REQUIRED_ROLES, roles), ApiProblems(403));

export type AuthedRequest = FastifyRequest & { principal?: Principal };

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});
