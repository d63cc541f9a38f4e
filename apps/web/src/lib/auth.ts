import { useCallback, useSyncExternalStore } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { LoginRequest, LoginResponse, User } from '@tradeloop/contracts';
import { api } from './api';
import { beginSignOut, clearSession, getSession, setSession, subscribeSession } from './session';

export const meQueryKey = ['auth', 'me'] as const;

/** The stored token pair (or null), re-rendering when it is set, rotated or cleared. */
export function useSession() {
  return useSyncExternalStore(subscribeSession, getSession);
}

/** The signed-in user as the server sees them now (roles included). */
export function useCurrentUser() {
  const session = useSession();
  return useQuery({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => api<User>('/api/v1/auth/me', { signal }),
    enabled: session !== null,
    staleTime: 60_000,
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useCallback(
    async (credentials: LoginRequest): Promise<User> => {
      const result = await api<LoginResponse>('/api/v1/auth/login', {
        method: 'POST',
        body: credentials,
        anonymous: true,
      });
      queryClient.setQueryData(meQueryKey, result.user);
      setSession({ accessToken: result.accessToken, refreshToken: result.refreshToken });
      return result.user;
    },
    [queryClient],
  );
}

export function useLogout() {
  return useCallback(async () => {
    beginSignOut();
    try {
      await api<void>('/api/v1/auth/logout', { method: 'POST' });
    } catch {
      // The local session is dropped regardless; an unreachable server must not keep anyone signed in.
    } finally {
      clearSession('logout');
    }
  }, []);
}
