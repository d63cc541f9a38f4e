import { Inject, Injectable } from '@nestjs/common';
import { decideRefresh, DomainError } from '@tradeloop/domain';
import { sessionRoom, type TokenPair } from '@tradeloop/contracts';
import { RealtimePublisher, APP_CONFIG, type AppConfig, Db } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '../audit';
import { AccessTokens } from './access-tokens';
import { PrincipalCache } from './principal-cache';
import { SessionsRepository } from './sessions.repository';

type Outcome =
  | { ok: true; userId: string; sessionId: string; refreshToken: string }
  | { ok: false; message: string; revokedSessionId?: string };

/**
 * Exchanges a refresh token for a new pair and retires the old one. A retired token presented
 * again means it was copied: the whole session is revoked, for the thief and the owner alike.
 */
@Injectable()
export class RefreshSessionUseCase {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Db) private readonly db: Db,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(AccessTokens) private readonly tokens: AccessTokens,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(PrincipalCache) private readonly cache: PrincipalCache,
  ) {}

  async execute(refreshToken: string, meta: RequestMeta): Promise<TokenPair> {
    // The transaction commits in every branch, so a detected reuse revokes the session durably
    // before the caller gets its 401.
    const outcome = await this.db.tx<Outcome>(async (sql) => {
      const state = await this.sessions.findTokenForUpdate(sql, refreshToken);
      if (!state) return { ok: false, message: 'Invalid refresh token' };
      const decision = decideRefresh(
        {
          rotatedAt: state.rotated_at,
          expiresAt: state.token_expires_at,
          sessionRevokedAt: state.session_revoked_at,
          userDisabled: state.user_disabled_at !== null,
        },
        new Date(),
      );
      switch (decision.kind) {
        case 'rotate': {
          const expiresAt = new Date(Date.now() + this.config.REFRESH_TTL_DAYS * 86_400_000);
          const next = await this.sessions.issueToken(sql, state.session_id, expiresAt);
          await this.sessions.markRotated(sql, state.token_id, next.id);
          await this.sessions.touch(sql, state.session_id, expiresAt);
          return { ok: true, userId: state.user_id, sessionId: state.session_id, refreshToken: next.token };
        }
        case 'reuse-detected':
          await this.sessions.revoke(sql, state.session_id, 'refresh_token_reuse');
          await this.audit.append(
            {
              actorId: state.user_id,
              action: 'auth.refresh_reuse_detected',
              subject: `session:${state.session_id}`,
              details: { tokenId: state.token_id },
              meta,
            },
            sql,
          );
          return { ok: false, message: 'Refresh token was already used; the session has been revoked', revokedSessionId: state.session_id };
        case 'reject':
          return { ok: false, message: `Refresh token rejected: ${decision.reason.replace('-', ' ')}` };
        default: {
          const unreachable: never = decision;
          return unreachable;
        }
      }
    });
    if (!outcome.ok) {
      if (outcome.revokedSessionId) {
        await this.cache.invalidate({ sessionId: outcome.revokedSessionId });
        this.realtime.disconnectRoom(sessionRoom(outcome.revokedSessionId));
      }
      throw new DomainError('UNAUTHENTICATED', outcome.message);
    }
    const accessToken = await this.tokens.sign({ userId: outcome.userId, sessionId: outcome.sessionId });
    return { accessToken, refreshToken: outcome.refreshToken, expiresIn: this.tokens.ttlSeconds };
  }
}
