import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import {
  IDEMPOTENCY_HEADER,
  type AdminUser,
  type LedgerEntry,
  type MoneyMovementResponse,
  type Page,
  type Wallet,
} from '@tradeloop/contracts';
import { api, apiResponse, describeError, isApiError } from '../../lib/api';
import { formatInr } from '../../lib/money';
import { adminUsersQueryKey } from '../../lib/useRealtimeUserSync';
import { adminWalletQueryKey } from '../../lib/wallet-keys';
import { ledgerQueryKey } from '../ledger/ledger-keys';

export type FundingDirection = 'deposit' | 'withdrawal';

export const DIRECTION_LABEL: Record<FundingDirection, { noun: string; verb: string; past: string }> = {
  deposit: { noun: 'Deposit', verb: 'Deposit', past: 'Deposited' },
  withdrawal: { noun: 'Withdrawal', verb: 'Withdraw', past: 'Withdrew' },
};

const PATHS: Record<FundingDirection, string> = { deposit: 'deposits', withdrawal: 'withdrawals' };
const LOOKUP_SIZE = 8;

/** Users whose email or name contains the text, for picking whose wallet to fund. */
export function useUserLookup(query: string) {
  const text = query.trim();
  return useQuery({
    queryKey: [...adminUsersQueryKey, 'lookup', text],
    queryFn: ({ signal }) => api<Page<AdminUser>>('/api/v1/admin/users', { signal, query: { query: text, limit: LOOKUP_SIZE } }),
    enabled: text.length > 0,
    placeholderData: keepPreviousData,
  });
}

/** One user's balances; the admin room's `wallet.updated` mirror keeps it current. */
export function useAdminWallet(userId: string | undefined) {
  return useQuery({
    queryKey: adminWalletQueryKey(userId ?? ''),
    queryFn: ({ signal }) => api<Wallet>(`/api/v1/admin/wallets/${encodeURIComponent(userId!)}`, { signal }),
    enabled: userId !== undefined,
  });
}

/** Under the admin wallet key, so the admin room's `wallet.updated` for this user refreshes it too. */
const recentEntriesQueryKey = (userId: string) => [...adminWalletQueryKey(userId), 'recent-entries'] as const;
const RECENT_SIZE = 10;

/** The user's latest ledger entries (compliance's view, which admins may read). */
export function useRecentEntries(userId: string) {
  return useQuery({
    queryKey: recentEntriesQueryKey(userId),
    queryFn: ({ signal }) => api<Page<LedgerEntry>>('/api/v1/compliance/ledger', { signal, query: { userId, limit: RECENT_SIZE } }),
  });
}

export interface FundingRequest {
  user: Pick<AdminUser, 'id' | 'email' | 'displayName'>;
  direction: FundingDirection;
  /** Normalised decimal string, e.g. "1500.00". */
  amount: string;
  reference: string;
}

export interface FundingAttempt extends FundingRequest {
  /** Generated once per reviewed request; every send of that request carries the same key. */
  idempotencyKey: string;
}

export interface FundingOutcome extends FundingAttempt {
  response: MoneyMovementResponse;
  /** The server had already done this (an earlier send got through) and replayed its answer. */
  replayed: boolean;
}

/** Moves the money. Safe to call again with the same attempt: the key makes it happen once. */
export function useFundWallet() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (attempt: FundingAttempt): Promise<FundingOutcome> => {
      const response = await apiResponse(`/api/v1/admin/wallets/${encodeURIComponent(attempt.user.id)}/${PATHS[attempt.direction]}`, {
        method: 'POST',
        body: { amount: attempt.amount, reference: attempt.reference },
        headers: { [IDEMPOTENCY_HEADER]: attempt.idempotencyKey },
      });
      const body = (await response.json()) as MoneyMovementResponse;
      return { ...attempt, response: body, replayed: response.headers.get('idempotent-replayed') === 'true' };
    },
    onSuccess: (outcome) => {
      queryClient.setQueryData(adminWalletQueryKey(outcome.user.id), outcome.response.wallet);
      void queryClient.invalidateQueries({ queryKey: recentEntriesQueryKey(outcome.user.id) });
      void queryClient.invalidateQueries({ queryKey: ledgerQueryKey });
      const { past } = DIRECTION_LABEL[outcome.direction];
      toast.success(`${past} ${formatInr(outcome.amount)} ${outcome.direction === 'deposit' ? 'to' : 'from'} ${outcome.user.email}`, {
        description: `${outcome.replayed ? 'Already posted earlier; nothing moved twice. ' : ''}Available now ${formatInr(outcome.response.wallet.available)}`,
      });
    },
    onError: (error, attempt) => {
      // A refusal may rest on a stale balance on screen: re-read it.
      void queryClient.invalidateQueries({ queryKey: adminWalletQueryKey(attempt.user.id) });
      toast.error(`${DIRECTION_LABEL[attempt.direction].noun} not posted`, { description: describeFundingError(error) });
    },
  });
}

/**
 * Whether the server gave a final answer. Without one (no response, a 5xx, a 429) the request
 * may or may not have been applied, and only a retry with the same key can find out safely.
 */
export const isSettledAnswer = (error: unknown): boolean =>
  isApiError(error) && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;

export function describeFundingError(error: unknown): string {
  if (isApiError(error) && error.code === 'IDEMPOTENCY_CONFLICT') {
    return `${error.detail}. Go back and review the request again to send it as a new one.`;
  }
  if (isApiError(error) && error.fieldErrors.length > 0) {
    return `${error.detail}: ${error.fieldErrors.map((f) => `${f.field} ${f.message}`).join('; ')}`;
  }
  return describeError(error);
}
