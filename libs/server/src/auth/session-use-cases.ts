import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@tradeloop/domain';
import { sessionRoom, type User } from '@tradeloop/contracts';
import { RealtimePublisher } from '../realtime';
import { Db } from '../db';
import { AuditRepository, type RequestMeta } from '../audit';
import { AccessTokens } from './access-tokens';
import { SessionsRepository, type Principal } from './sessions.repository';
import { toUser, UsersRepository } from './users.repository';

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
  ) {}

  async execute(bearer: string): Promise<Principal> {
    const claims = await this.tokens.verify(bearer);
    const principal = await this.sessions.findPrincipal(claims.userId, claims.sessionId);
    if (!principal) throw new DomainError('UNAUTHENTICATED', 'Session is no longer valid');
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
  ) {}

  async execute(principal: Principal, meta: RequestMeta): Promise<void> {
    await this.db.tx(async (sql) => {
      await this.sessions.revoke(sql, principal.sessionId, 'logout');
      await this.audit.append({ actorId: principal.userId, action: 'auth.logged_out', subject: `session:${principal.sessionId}`, meta }, sql);
    });
    this.realtime.disconnectRoom(sessionRoom(principal.sessionId));
  }
}

@Injectable()
export class GetMeUseCase {
  constructor(@Inject(UsersRepository) private readonly users: UsersRepository) {}

  async execute(principal: Principal): Promise<User> {
    const row = await this.users.findById(principal.userId);
    if (!row) throw new DomainError('UNAUTHENTICATED', 'User no longer exists');
    return toUser(row);
  }
}
