import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  CreatedNotificationChannel,
  CreateNotificationChannel,
  NotificationChannel,
  NotificationDelivery,
  NotificationPage,
  Page,
  UpdateNotificationChannel,
} from '@tradeloop/contracts';
import { api } from '../../lib/api';
import { LATEST } from './notification-list';

/** The bell's page: the newest notifications and the unread count. `notification` events keep it current. */
export const notificationsQueryKey = ['notifications', 'latest'] as const;
export const channelsQueryKey = ['notifications', 'channels'] as const;
export const deliveriesQueryKey = (channelId: string) => ['notifications', 'channels', channelId, 'deliveries'] as const;

const base = '/api/v1/notifications';
const channel = (id: string) => `${base}/channels/${encodeURIComponent(id)}`;

export function useNotifications() {
  return useQuery({
    queryKey: notificationsQueryKey,
    queryFn: ({ signal }) => api<NotificationPage>(base, { signal, query: { limit: LATEST } }),
    staleTime: 60_000,
  });
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { ids: string[] } | { all: true }) =>
      api<{ marked: number; unread: number }>(`${base}/read`, { method: 'POST', body }),
    onSuccess: (result, body) => {
      const now = new Date().toISOString();
      queryClient.setQueryData<NotificationPage>(notificationsQueryKey, (page) =>
        page
          ? {
              ...page,
              unread: result.unread,
              items: page.items.map((n) => (n.readAt === null && ('all' in body || body.ids.includes(n.id)) ? { ...n, readAt: now } : n)),
            }
          : page,
      );
    },
  });
}

export function useChannels() {
  return useQuery({
    queryKey: channelsQueryKey,
    queryFn: ({ signal }) => api<{ items: NotificationChannel[] }>(`${base}/channels`, { signal }),
    // Delivery counts move as the worker sends: re-read now and then while the page is open.
    refetchInterval: 5_000,
  });
}

export function useCreateChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateNotificationChannel) => api<CreatedNotificationChannel>(`${base}/channels`, { method: 'POST', body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: channelsQueryKey, exact: true }),
  });
}

export function useUpdateChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UpdateNotificationChannel }) =>
      api<NotificationChannel>(channel(id), { method: 'PATCH', body: patch }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: channelsQueryKey, exact: true }),
  });
}

export function useDeleteChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(channel(id), { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: channelsQueryKey, exact: true }),
  });
}

export function useDeliveries(channelId: string, enabled: boolean) {
  return useQuery({
    queryKey: deliveriesQueryKey(channelId),
    queryFn: ({ signal }) => api<Page<NotificationDelivery>>(`${channel(channelId)}/deliveries`, { signal, query: { limit: 20 } }),
    enabled,
    refetchInterval: enabled ? 5_000 : false,
  });
}
