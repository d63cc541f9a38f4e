import type { TokenPair } from '@tradeloop/contracts';
import { apiErrorFrom, networkError } from './api-error';
import { clearSession, readStoredSession, setSession, type SessionTokens } from './session';

let inflight: Promise<SessionTokens | null> | null = null;

/**
 * Exchanges the refresh token for a new pair. Single-flight: every caller that hits a 401 while
 * a refresh is running shares it, because refresh tokens rotate and presenting a rotated one
 * again makes the server revoke the whole session.
 *
 * `staleRefreshToken` is the one the failing caller was using. If the stored pair already
 * differs (an earlier flight or another tab rotated it) that pair is used as is.
 *
 * Resolves to the new pair, or null when the server refused (the session is then cleared).
 * Rejects on network or server failure, leaving the session in place so the user can retry.
 */
export function refreshSession(staleRefreshToken?: string): Promise<SessionTokens | null> {
  inflight ??= withCrossTabLock(() => exchange(staleRefreshToken)).finally(() => {
    inflight = null;
  });
  return inflight;
}

async function exchange(staleRefreshToken: string | undefined): Promise<SessionTokens | null> {
  const stored = readStoredSession();
  if (!stored) {
    clearSession('expired');
    return null;
  }
  if (staleRefreshToken && stored.refreshToken !== staleRefreshToken) {
    setSession(stored);
    return stored;
  }
  let response: Response;
  try {
    response = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ refreshToken: stored.refreshToken }),
    });
  } catch {
    throw networkError();
  }
  if (response.status >= 500 || response.status === 429) throw await apiErrorFrom(response);
  if (!response.ok) {
    clearSession('expired');
    return null;
  }
  const pair = (await response.json()) as TokenPair;
  const next = { accessToken: pair.accessToken, refreshToken: pair.refreshToken };
  setSession(next);
  return next;
}

/** Two tabs share one localStorage session; the Web Locks API keeps them from refreshing at once. */
async function withCrossTabLock(task: () => Promise<SessionTokens | null>): Promise<SessionTokens | null> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return task(); // insecure origins have no Web Locks; single-tab single-flight still holds
  const result: SessionTokens | null = await locks.request('tradeloop.session.refresh', task);
  return result;
}
