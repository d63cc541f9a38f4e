import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ComplianceCase, ComplianceCaseKind, ComplianceCaseStatus, HoldingsBaseline, Page } from '@tradeloop/contracts';
import { api } from '../../lib/api';
import { caseQuery } from './case-format';

/** Compliance → Reconciliation reads and writes (docs/api.md "Compliance cases"). */
export interface CaseFilters {
  status: ComplianceCaseStatus | '';
  /** A broker account id (uuid), or '' for every account. */
  accountId: string;
  kind: ComplianceCaseKind | '';
  /** IST trading days (YYYY-MM-DD), inclusive; '' for open-ended. */
  from: string;
  to: string;
}

export const EMPTY_CASE_FILTERS: CaseFilters = { status: '', accountId: '', kind: '', from: '', to: '' };

const PAGE_SIZE = 50;
const casesKey = ['compliance', 'cases'] as const;
const baselineKey = (accountId: string) => ['compliance', 'holdings-baseline', accountId] as const;

export function useComplianceCases(filters: CaseFilters) {
  const { query } = caseQuery(filters);
  return useInfiniteQuery({
    queryKey: [...casesKey, query],
    queryFn: ({ pageParam, signal }) =>
      api<Page<ComplianceCase>>('/api/v1/compliance/cases', { signal, query: { ...query, limit: PAGE_SIZE, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useResolveCase() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; note: string }) =>
      api<ComplianceCase>(`/api/v1/compliance/cases/${encodeURIComponent(input.id)}/resolve`, {
        method: 'POST',
        body: { note: input.note },
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: casesKey }),
  });
}

export function useHoldingsBaseline(accountId: string | null) {
  return useQuery({
    queryKey: baselineKey(accountId ?? ''),
    queryFn: ({ signal }) =>
      api<HoldingsBaseline>(`/api/v1/compliance/broker-accounts/${encodeURIComponent(accountId!)}/holdings-baseline`, { signal }),
    enabled: accountId !== null,
  });
}

/** Re-captures the baseline from the broker's books as read now (audited). */
export function useRecaptureBaseline(accountId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api<HoldingsBaseline>(`/api/v1/compliance/broker-accounts/${encodeURIComponent(accountId)}/holdings-baseline`, {
        method: 'POST',
      }),
    onSuccess: (baseline) => queryClient.setQueryData(baselineKey(accountId), baseline),
  });
}
