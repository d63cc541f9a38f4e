import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateWebhook, PatchWebhook, WebhookDeliveryDto, WebhookSourceDto, WebhookSourceWithSecretDto } from '@tradeloop/contracts';
import { api } from '../../lib/api';
import { isDeliveryDone } from './delivery-view';

/** Webhook sources and their deliveries (docs/api.md "Webhooks"). */
export const sourcesQueryKey = ['webhooks', 'sources'] as const;
export const deliveriesQueryKey = (id: string) => ['webhooks', 'sources', id, 'deliveries'] as const;

const base = '/api/v1/webhooks';
const source = (id: string) => `${base}/${encodeURIComponent(id)}`;

export interface DeliveryPage {
  items: WebhookDeliveryDto[];
  nextCursor: string | null;
}

export function useSources() {
  return useQuery({
    queryKey: sourcesQueryKey,
    queryFn: ({ signal }) => api<{ items: WebhookSourceDto[] }>(base, { signal }),
  });
}

/**
 * A source's deliveries, newest first. The API has no realtime event for deliveries (a publish per
 * delivery would cost the intake a round trip), so the first page is re-read: every 2 s while one
 * of them is still moving or none has arrived yet (someone setting a source up is waiting for the
 * first alert), else every 5 s — a new alert shows within seconds either way.
 */
export function useDeliveries(id: string) {
  return useInfiniteQuery({
    queryKey: deliveriesQueryKey(id),
    queryFn: ({ signal, pageParam }) => api<DeliveryPage>(`${source(id)}/deliveries`, { signal, query: { limit: 20, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (query) => {
      const first = query.state.data?.pages[0]?.items;
      return !first || first.length === 0 || first.some((d) => !isDeliveryDone(d)) ? 2_000 : 5_000;
    },
  });
}

export function useCreateSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateWebhook) => api<WebhookSourceWithSecretDto>(base, { method: 'POST', body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: sourcesQueryKey, exact: true }),
  });
}

export function useUpdateSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: PatchWebhook }) =>
      api<WebhookSourceDto & { passphraseValue?: string | null }>(source(id), { method: 'PATCH', body: patch }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: sourcesQueryKey, exact: true }),
  });
}

export function useRotateSecret() {
  return useMutation({
    mutationFn: (id: string) => api<WebhookSourceWithSecretDto>(`${source(id)}/rotate-secret`, { method: 'POST' }),
  });
}

export function useDeleteSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(source(id), { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: sourcesQueryKey, exact: true }),
  });
}
