import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { EngineCompareDto, EngineConfigDto, PutEngineConfigRequest } from '@tradeloop/contracts';
import { api } from '../../lib/api';

/** The caller's engine configuration and the A/B comparison (docs/api.md "Engines"). */
export const engineConfigQueryKey = ['engines', 'config'] as const;
export const compareQueryKey = (sourceId: string) => ['engines', 'compare', sourceId] as const;

export function useEngineConfig() {
  return useQuery({ queryKey: engineConfigQueryKey, queryFn: ({ signal }) => api<EngineConfigDto>('/api/v1/engines/config', { signal }) });
}

export function usePutEngineConfig() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PutEngineConfigRequest) => api<EngineConfigDto>('/api/v1/engines/config', { method: 'PUT', body }),
    onSuccess: (config) => queryClient.setQueryData(engineConfigQueryKey, config),
  });
}

/** Re-read every 10 s: shadow positions are marked to market as prices move. */
export function useCompare(sourceId: string | null) {
  return useQuery({
    queryKey: compareQueryKey(sourceId ?? ''),
    queryFn: ({ signal }) => api<EngineCompareDto>('/api/v1/engines/compare', { signal, query: { sourceId } }),
    enabled: sourceId !== null,
    refetchInterval: 10_000,
  });
}
