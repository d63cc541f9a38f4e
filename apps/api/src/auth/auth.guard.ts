import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, hasAnyRole, type Role } from '@tradeloop/domain';
import { AuthenticateUseCase } from '@tradeloop/identity';
import { IS_PUBLIC, REQUIRED_ROLES, type AuthedRequest } from './auth.decorators';

/**
 * Global guard: every route requires a valid bearer token unless marked @Public(), and routes
 * marked @Roles(...) also require one of those roles. 401 = who are you, 403 = not allowed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  // Route metadata never changes after boot: read it once per handler, not per request.
  private readonly policies = new WeakMap<object, { isPublic: boolean; required: Role[] }>();

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthenticateUseCase) private readonly authenticate: AuthenticateUseCase,
  ) {}

  private policyFor(ctx: ExecutionContext): { isPublic: boolean; required: Role[] } {
    const handler = ctx.getHandler();
    let policy = this.policies.get(handler);
    if (!policy) {
      const targets = [handler, ctx.getClass()];
      policy = {
        isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false,
        required: this.reflector.getAllAndOverride<Role[]>(REQUIRED_ROLES, targets) ?? [],
      };
      this.policies.set(handler, policy);
    }
    return policy;
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const { isPublic, required } = this.policyFor(ctx);
    if (isPublic) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(header) : null;
    if (!match) throw new DomainError('UNAUTHENTICATED', 'Missing or malformed Authorization: Bearer token');
    req.principal = await this.authenticate.execute(match[1]!);
    if (!hasAnyRole(req.principal.roles, required)) {
      throw new DomainError('FORBIDDEN', `Requires one of the roles: ${required.join(', ')}`);
    }
    return true;
  }
}
