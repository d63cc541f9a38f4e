import { keepPreviousData, useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { toast } from 'sonner';
import type { LedgerEntry, LedgerTransaction, Page, VerifyResult } from '@tradeloop/contracts';
import type { BookKind, EntryType } from '@tradeloop/domain';
import { api, describeError } from '../../lib/api';
import { localInputToIso } from '../../lib/format';
import { isUuid } from '../../lib/ledger';
import { ledgerQueryKey } from './ledger-keys';

/** The filter inputs as typed: a user id, an entry type, and local date-times. */
export interface LedgerFilters {
  userId: string;
  /** The real wallet, paper books, or live accounts' cash mirrors (docs/domain.md, "Accounts and books"). */
  book: BookKind | '';
  type: EntryType | '';
  from: string;
  to: string;
}

/** What the API is asked for. Half-typed or contradictory inputs are left out, never sent as a 400. */
export interface LedgerQuery {
  userId?: string;
  book?: BookKind;
  type?: EntryType;
  from?: string;
  to?: string;
}

export const EMPTY_FILTERS: LedgerFilters = { userId: '', book: '', type: '', from: '', to: '' };

export function filterProblems(filters: LedgerFilters): { userId?: string; range?: string } {
  const problems: { userId?: string; range?: string } = {};
  if (filters.userId.trim() && !isUuid(filters.userId)) problems.userId = 'Paste a full user ID to filter';
  const from = localInputToIso(filters.from);
  const to = localInputToIso(filters.to);
  if (from && to && from >= to) problems.range = '“From” must be before “To”';
  return problems;
}

export function toLedgerQuery(filters: LedgerFilters): LedgerQuery {
  const problems = filterProblems(filters);
  const query: LedgerQuery = {};
  if (filters.userId.trim() && !problems.userId) query.userId = filters.userId.trim().toLowerCase();
  if (filters.book) query.book = filters.book;
  if (filters.type) query.type = filters.type;
  if (!problems.range) {
    const from = localInputToIso(filters.from);
    const to = localInputToIso(filters.to);
    if (from) query.from = from;
    if (to) query.to = to;
  }
  return query;
}

const PAGE_SIZE = 100;

export function useLedgerEntries(query: LedgerQuery) {
  return useInfiniteQuery({
    queryKey: [...ledgerQueryKey, 'entries', query],
    queryFn: ({ pageParam, signal }) =>
      api<Page<LedgerEntry>>('/api/v1/compliance/ledger', { signal, query: { ...query, limit: PAGE_SIZE, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useLedgerTransaction(id: string | null) {
  return useQuery({
    queryKey: [...ledgerQueryKey, 'transaction', id],
    queryFn: ({ signal }) => api<LedgerTransaction>(`/api/v1/compliance/ledger/transactions/${encodeURIComponent(id!)}`, { signal }),
    enabled: id !== null,
    staleTime: Infinity, // a committed transaction never changes…
    // …except that it is sealed into the chain a few milliseconds after commit.
    refetchInterval: (query) => (query.state.data && query.state.data.seq === null ? 1_000 : false),
  });
}

/** Recomputes every hash, balance and the chain on the server; recorded in the audit log. */
export function useVerifyLedger() {
  return useMutation({
    mutationFn: () => api<VerifyResult>('/api/v1/compliance/ledger/verify'),
    onSuccess: (result) => {
      const summary = `${result.transactionsChecked.toLocaleString('en-IN')} transactions, ${result.entriesChecked.toLocaleString('en-IN')} entries in ${Math.round(result.durationMs)} ms`;
      if (result.ok) toast.success('Ledger verified', { description: summary });
      else
        toast.error(`Ledger verification found ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}`, {
          description: summary,
        });
    },
    onError: (error) => {
      toast.error('Verification did not run', { description: describeError(error) });
    },
  });
}
