import { useEffect } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { REALTIME_EVENTS, type AdminKillSwitchStatus, type RiskLimitsDto, type UpdateRiskLimitsRequest } from '@tradeloop/contracts';
import { api } from '../../lib/api';
import { useRealtime } from '../../lib/RealtimeProvider';
import { riskEventsQueryKey } from '../trade/orders-api';

/** Admin → Risk reads and writes (docs/api.md "Risk", admin routes). */
export const adminRiskQueryKey = ['admin', 'risk'] as const;
const limitsKey = (userId: string) => [...adminRiskQueryKey, 'limits', userId] as const;
const switchesKey = (userId: string | null) => [...adminRiskQueryKey, 'kill-switch', userId ?? 'global'] as const;

export function useUserLimits(userId: string) {
  return useQuery({
    queryKey: limitsKey(userId),
    queryFn: ({ signal }) => api<RiskLimitsDto>(`/api/v1/admin/risk/limits/${encodeURIComponent(userId)}`, { signal }),
  });
}

/** The global switch, and the named user's (null for none). */
export function useSwitches(userId: string | null) {
  return useQuery({
    queryKey: switchesKey(userId),
    queryFn: ({ signal }) => api<AdminKillSwitchStatus>('/api/v1/admin/risk/kill-switch', { signal, query: { userId } }),
  });
}

export function useSaveLimits(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateRiskLimitsRequest) =>
      api<RiskLimitsDto>(`/api/v1/admin/risk/limits/${encodeURIComponent(userId)}`, { method: 'PUT', body }),
    onSuccess: (limits) => queryClient.setQueryData(limitsKey(userId), limits),
  });
}

export interface SwitchChange {
  scope: 'global' | 'user';
  userId?: string;
  /** Who the switch belongs to, for the confirmation's wording. */
  label?: string;
  engaged: boolean;
}

export function useSetSwitch() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (c: SwitchChange & { reason: string; squareOff?: boolean }) =>
      api<unknown>('/api/v1/admin/risk/kill-switch', {
        method: 'POST',
        body: {
          scope: c.scope,
          ...(c.userId ? { userId: c.userId } : {}),
          engaged: c.engaged,
          reason: c.reason,
          ...(c.squareOff ? { squareOff: true } : {}),
        },
      }),
    onSuccess: () => invalidate(queryClient),
  });
}

const invalidate = (queryClient: ReturnType<typeof useQueryClient>) => {
  void queryClient.invalidateQueries({ queryKey: adminRiskQueryKey });
  void queryClient.invalidateQueries({ queryKey: riskEventsQueryKey });
};

/**
 * Admins receive every user's `risk.killswitch` (an automatic trip, a trader's own switch, another
 * admin): the page re-reads the switch states and events instead of showing stale ones.
 */
export function useRiskAdminSync(): void {
  const queryClient = useQueryClient();
  const { connection } = useRealtime();
  useEffect(() => {
    if (!connection) return undefined;
    const onSwitch = () => invalidate(queryClient);
    connection.socket.on(REALTIME_EVENTS.killSwitch, onSwitch);
    return () => {
      connection.socket.off(REALTIME_EVENTS.killSwitch, onSwitch);
    };
  }, [connection, queryClient]);
}
