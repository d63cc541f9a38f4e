import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { AuditAction, AuditEvent, Page } from '@tradeloop/contracts';
import { api } from '../../lib/api';

export interface AuditFilters {
  action: AuditAction | '';
  /** Only sent when it is a complete uuid; a half-typed id would be a 400. */
  actorId: string;
}

const PAGE_SIZE = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isCompleteActorId = (value: string) => UUID.test(value.trim());

export function useAuditEvents(filters: AuditFilters) {
  const actorId = isCompleteActorId(filters.actorId) ? filters.actorId.trim().toLowerCase() : '';
  return useInfiniteQuery({
    queryKey: ['compliance', 'audit', { action: filters.action, actorId }],
    queryFn: ({ pageParam, signal }) =>
      api<Page<AuditEvent>>('/api/v1/compliance/audit', {
        signal,
        query: { action: filters.action, actorId, limit: PAGE_SIZE, cursor: pageParam },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}
