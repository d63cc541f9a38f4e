import { useEffect } from 'react';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import {
  REALTIME_EVENTS,
  type AdminUser,
  type AdminUserPatch,
  type CreateUserRequest,
  type IssuedPassword,
  type Order,
  type Page,
  type PositionDto,
  type User,
} from '@tradeloop/contracts';
import type { Role } from '@tradeloop/domain';
import { api, describeError } from '../../lib/api';
import { meQueryKey } from '../../lib/auth';
import { adminUsersQueryKey } from '../../lib/useRealtimeUserSync';
import { adminWalletQueryKey } from '../../lib/wallet-keys';
import { useRealtime } from '../../lib/RealtimeProvider';

export interface UserFilters {
  query: string;
  role: Role | '';
  status: '' | 'active' | 'disabled';
}

const PAGE_SIZE = 50;

export function useAdminUsers(filters: UserFilters) {
  return useInfiniteQuery({
    queryKey: [...adminUsersQueryKey, filters],
    queryFn: ({ pageParam, signal }) =>
      api<Page<AdminUser>>('/api/v1/admin/users', {
        signal,
        query: {
          query: filters.query.trim(),
          role: filters.role,
          disabled: filters.status === '' ? undefined : filters.status === 'disabled',
          limit: PAGE_SIZE,
          cursor: pageParam,
        },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Keep the current rows on screen while a new search loads instead of flashing empty.
    placeholderData: keepPreviousData,
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: AdminUserPatch }) =>
      api<AdminUser>(`/api/v1/admin/users/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: (user) => {
      toast.success(`Saved ${user.email}`, {
        description: `${user.roles.length ? user.roles.join(', ') : 'no roles'} · ${user.disabled ? 'disabled' : 'active'}`,
      });
      void queryClient.invalidateQueries({ queryKey: adminUsersQueryKey });
      if (queryClient.getQueryData<User>(meQueryKey)?.id === user.id) {
        void queryClient.invalidateQueries({ queryKey: meQueryKey });
      }
    },
    onError: (error) => {
      toast.error('Change not saved', { description: describeError(error) });
    },
  });
}

/** One user's page (Admin → Users → a user): under the users key, so `user.updated` refreshes it too. */
const userKey = (id: string) => [...adminUsersQueryKey, 'one', id] as const;
const userOrdersKey = (id: string) => [...adminUsersQueryKey, 'orders', id] as const;
const userPositionsKey = (id: string) => [...adminUsersQueryKey, 'positions', id] as const;
const path = (id: string, rest = '') => `/api/v1/admin/users/${encodeURIComponent(id)}${rest}`;

/** How many of a user's orders their page shows (newest first). */
export const RECENT_ORDERS = 20;

export function useAdminUser(id: string) {
  return useQuery({ queryKey: userKey(id), queryFn: ({ signal }) => api<AdminUser>(path(id), { signal }) });
}

export function useAdminUserOrders(id: string) {
  return useQuery({
    queryKey: userOrdersKey(id),
    queryFn: ({ signal }) => api<{ items: Order[] }>(path(id, '/orders'), { signal, query: { limit: RECENT_ORDERS } }),
  });
}

export function useAdminUserPositions(id: string) {
  return useQuery({
    queryKey: userPositionsKey(id),
    queryFn: ({ signal }) => api<{ items: PositionDto[] }>(path(id, '/positions'), { signal }),
  });
}

/**
 * Admins receive every user's order, position and wallet events (the admin room): the user's page
 * re-reads what moved instead of showing it stale.
 */
export function useAdminUserSync(id: string): void {
  const queryClient = useQueryClient();
  const { connection } = useRealtime();
  useEffect(() => {
    if (!connection) return undefined;
    const { socket } = connection;
    const on = (key: readonly unknown[]) => (event: { userId?: string }) => {
      if (event.userId === id) void queryClient.invalidateQueries({ queryKey: key });
    };
    // Marks arrive up to twice a second: patched in place, a re-read only for a position not shown yet.
    const onPosition = (event: { userId?: string; position: PositionDto }) => {
      if (event.userId !== id) return;
      const p = event.position;
      const same = (q: PositionDto) => q.accountId === p.accountId && q.symbol === p.symbol && q.product === p.product;
      const list = queryClient.getQueryData<{ items: PositionDto[] }>(userPositionsKey(id));
      if (list?.items.some(same)) queryClient.setQueryData(userPositionsKey(id), { items: list.items.map((q) => (same(q) ? p : q)) });
      else void queryClient.invalidateQueries({ queryKey: userPositionsKey(id) });
    };
    const handlers = [
      [REALTIME_EVENTS.orderUpdated, on(userOrdersKey(id))],
      [REALTIME_EVENTS.positionUpdated, onPosition],
      [REALTIME_EVENTS.walletUpdated, on(adminWalletQueryKey(id))],
    ] as const;
    for (const [event, handler] of handlers) socket.on(event, handler);
    return () => {
      for (const [event, handler] of handlers) socket.off(event, handler);
    };
  }, [connection, queryClient, id]);
}

/** A new account; the answer carries its temporary password, shown once by the caller. */
export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUserRequest) => api<IssuedPassword>('/api/v1/admin/users', { method: 'POST', body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: adminUsersQueryKey }),
  });
}

/** A new temporary password for the user (every session of theirs ends). */
export function useResetPassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<IssuedPassword>(path(id, '/reset-password'), { method: 'POST' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: adminUsersQueryKey }),
  });
}

/** Two-factor authentication off for the user (they enrol again; every session of theirs ends). */
export function useResetMfa() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<AdminUser>(path(id, '/reset-mfa'), { method: 'POST' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: adminUsersQueryKey }),
  });
}
