import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@tradeloop/domain';
import { sessionRoom, type User } from '@tradeloop/contracts';
import { RealtimePublisher, Db } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '../audit';
import { AccessTokens } from './access-tokens';
import { PrincipalCache } from './principal-cache';
import { SessionsRepository, type Principal } from './sessions.repository';

/**
 * Resolves a bearer token to a live principal. Used by the HTTP guard and the Socket.IO
 * handshake alike; the session and user are re-checked on every call, so logout, reuse
 * detection, disabling and role changes take effect at once.
 */
@Injectable()
export class AuthenticateUseCase {
  constructor(
    @Inject(AccessTokens) private readonly tokens: AccessTokens,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(PrincipalCache) private readonly cache: PrincipalCache,
  ) {}

  async execute(bearer: string): Promise<Principal> {
    const claims = await this.tokens.verify(bearer);
    const cached = this.cache.get(claims.sessionId, claims.userId);
    if (cached) return cached;
    const principal = await this.sessions.findPrincipal(claims.userId, claims.sessionId);
    if (!principal) throw new DomainError('UNAUTHENTICATED', 'Session is no longer valid');
    this.cache.set(principal);
    return principal;
  }
}

@Injectable()
export class LogoutUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(PrincipalCache) private readonly cache: PrincipalCache,
  ) {}

  async execute(principal: Principal, meta: RequestMeta): Promise<void> {
    await this.db.tx(async (sql) => {
      await this.sessions.revoke(sql, principal.sessionId, 'logout');
      await this.audit.append(
        { actorId: principal.userId, action: 'auth.logged_out', subject: `session:${principal.sessionId}`, meta },
        sql,
      );
    });
    await this.cache.invalidate({ sessionId: principal.sessionId });
    this.realtime.disconnectRoom(sessionRoom(principal.sessionId));
  }
}

/** The caller's own profile, as read with their session at the start of this request. */
@Injectable()
export class GetMeUseCase {
  execute(principal: Principal): User {
    return principal.user;
  }
}
