import { Inject, Injectable } from '@nestjs/common';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { DomainError, type UserId } from '@tradeloop/domain';
import { APP_CONFIG, type AppConfig } from '@tradeloop/platform';

const ISSUER = 'tradeloop';
const AUDIENCE = 'tradeloop-api';

export interface AccessClaims {
  userId: UserId;
  sessionId: string;
}

/** Verified tokens kept (by their exact string) until they expire; bounded, oldest dropped first. */
const VERIFIED_CACHE_MAX = 20_000;

/**
 * Short-lived HS256 access tokens. Verification pins the algorithm, issuer and audience, so
 * `alg: none`, an RS/HS confusion or a token minted for another audience is refused.
 * Roles are deliberately not in the token: they are read per request, so a demotion or a
 * disabled account takes effect immediately rather than when the token expires.
 */
@Injectable()
export class AccessTokens {
  // A KeyObject made once: handing jose raw bytes makes it import the key on every verify.
  private readonly key: KeyObject;
  readonly ttlSeconds: number;
  // A client sends the same token for up to 15 minutes. Its signature and claims cannot change,
  // so checking them once is enough; only expiry is re-checked on every use. (Revocation is the
  // session lookup's job, which still runs per request.)
  private readonly verified = new Map<string, AccessClaims & { expiresAtMs: number }>();
  private readonly cacheVerified: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = createSecretKey(Buffer.from(config.JWT_ACCESS_SECRET, 'utf8'));
    this.ttlSeconds = config.JWT_ACCESS_TTL_SECONDS;
    this.cacheVerified = config.AUTH_CACHE_TTL_MS > 0;
  }

  sign(claims: AccessClaims, now = new Date()): Promise<string> {
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT({ sid: claims.sessionId, typ: 'access' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlSeconds)
      .sign(this.key);
  }

  async verify(token: string, nowMs = Date.now()): Promise<AccessClaims> {
    const hit = this.verified.get(token);
    if (hit) {
      if (hit.expiresAtMs > nowMs) return { userId: hit.userId, sessionId: hit.sessionId };
      this.verified.delete(token);
      throw new DomainError('UNAUTHENTICATED', 'Access token expired');
    }
    const claims = await this.verifySignatureAndClaims(token);
    if (!this.cacheVerified) return { userId: claims.userId, sessionId: claims.sessionId };
    if (this.verified.size >= VERIFIED_CACHE_MAX) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, { ...claims, expiresAtMs: claims.expiresAtMs });
    return { userId: claims.userId, sessionId: claims.sessionId };
  }

  private async verifySignatureAndClaims(token: string): Promise<AccessClaims & { expiresAtMs: number }> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      if (payload.typ !== 'access' || typeof payload.sid !== 'string' || typeof payload.sub !== 'string') {
        throw new DomainError('UNAUTHENTICATED', 'Invalid access token');
      }
      return { userId: payload.sub, sessionId: payload.sid, expiresAtMs: payload.exp! * 1000 };
    } catch (err) {
      if (err instanceof DomainError) throw err;
      const expired = err instanceof joseErrors.JWTExpired;
      throw new DomainError('UNAUTHENTICATED', expired ? 'Access token expired' : 'Invalid access token');
    }
  }
}
