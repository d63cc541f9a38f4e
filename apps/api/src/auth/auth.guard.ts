import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, hasAnyRole, type Role } from '@tradeloop/domain';
import { AuthenticateUseCase } from '@tradeloop/server';
import { IS_PUBLIC, REQUIRED_ROLES, type AuthedRequest } from './auth.decorators';

/**
 * Global guard: every route requires a valid bearer token unless marked @Public(), and routes
 * marked @Roles(...) also require one of those roles. 401 = who are you, 403 = not allowed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthenticateUseCase) private readonly authenticate: AuthenticateUseCase,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(header) : null;
    if (!match) throw new DomainError('UNAUTHENTICATED', 'Missing or malformed Authorization: Bearer token');
    req.principal = await this.authenticate.execute(match[1]!);
    const required = this.reflector.getAllAndOverride<Role[]>(REQUIRED_ROLES, targets) ?? [];
    if (!hasAnyRole(req.principal.roles, required)) {
      throw new DomainError('FORBIDDEN', `Requires one of the roles: ${required.join(', ')}`);
    }
    return true;
  }
}
