/** What the server knows about a presented refresh token. */
export interface RefreshTokenRecord {
  /** When it was exchanged for a new pair; a second exchange is reuse. */
  rotatedAt: Date | null;
  expiresAt: Date;
  sessionRevokedAt: Date | null;
  userDisabled: boolean;
}

export type RefreshDecision =
  | { kind: 'rotate' }
  /** A rotated token came back: someone holds a copy. The whole session must die. */
  | { kind: 'reuse-detected' }
  | { kind: 'reject'; reason: 'expired' | 'session-revoked' | 'user-disabled' };

/**
 * Decides what a refresh request does. Reuse is checked before expiry so that a stolen, already
 * rotated token still trips the alarm even when it has expired since.
 */
export function decideRefresh(token: RefreshTokenRecord, now: Date): RefreshDecision {
  if (token.sessionRevokedAt) return { kind: 'reject', reason: 'session-revoked' };
  if (token.rotatedAt) return { kind: 'reuse-detected' };
  if (token.userDisabled) return { kind: 'reject', reason: 'user-disabled' };
  if (token.expiresAt.getTime() <= now.getTime()) return { kind: 'reject', reason: 'expired' };
  return { kind: 'rotate' };
}
