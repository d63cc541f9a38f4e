import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import type { AdminUser, AdminUserPatch, Page, User } from '@tradeloop/contracts';
import type { Role } from '@tradeloop/domain';
import { api, describeError } from '../../lib/api';
import { meQueryKey } from '../../lib/auth';
import { adminUsersQueryKey } from '../../lib/useRealtimeUserSync';

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
