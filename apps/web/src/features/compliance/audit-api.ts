import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { AuditAction, AuditEvent, Page } from '@tradeloop/contracts';
import { api } from '../../lib/api';
import { localInputToIso } from '../../lib/format';
import { isUserId } from '../../lib/user-directory';

/** The filters as chosen: an action, a person (their id, picked by email or name), local date-times. */
export interface AuditFilters {
  action: AuditAction | '';
  actorId: string;
  /** `<input type="datetime-local">` values in the display zone. */
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = { action: '', actorId: '', from: '', to: '' };

export interface AuditQuery {
  action?: AuditAction;
  actorId?: string;
  from?: string;
  to?: string;
}

/** "From" must come before "To"; null when the range is fine (or open). */
export function auditRangeProblem(filters: AuditFilters): string | null {
  const from = localInputToIso(filters.from);
  const to = localInputToIso(filters.to);
  return from && to && from >= to ? '“From” must be before “To”' : null;
}

/** What the server is asked for: only complete values (a half-typed id or an inverted range is left out). */
export function toAuditQuery(filters: AuditFilters): AuditQuery {
  const query: AuditQuery = {};
  if (filters.action) query.action = filters.action;
  if (isUserId(filters.actorId)) query.actorId = filters.actorId.trim().toLowerCase();
  if (!auditRangeProblem(filters)) {
    const from = localInputToIso(filters.from);
    const to = localInputToIso(filters.to);
    if (from) query.from = from;
    if (to) query.to = to;
  }
  return query;
}

const PAGE_SIZE = 100;

export function useAuditEvents(query: AuditQuery) {
  return useInfiniteQuery({
    queryKey: ['compliance', 'audit', query],
    queryFn: ({ pageParam, signal }) =>
      api<Page<AuditEvent>>('/api/v1/compliance/audit', { signal, query: { ...query, limit: PAGE_SIZE, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}
