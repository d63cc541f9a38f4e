import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  BrokerAccount,
  BrokerAccountList,
  BrokerFundsDto,
  BrokerHoldingList,
  BrokerKind,
  BrokerLoginUrl,
  BrokerOrderViewList,
  BrokerPositionList,
  UpdateBrokerAccountRequest,
} from '@tradeloop/contracts';
import { api, isApiError } from '../../lib/api';
import { brokerAccountsQueryKey, upsertAccount } from '../../lib/broker-account-keys';

export { brokerAccountsQueryKey };
export const brokerViewQueryKey = (id: string, part: BrokerViewPart) => ['broker-accounts', id, 'view', part] as const;
export const adminBrokerAccountsQueryKey = (userId: string) => ['admin', 'users', userId, 'broker-accounts'] as const;

const base = '/api/v1/broker-accounts';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

/** The caller's accounts (own and assigned). `broker.account` events keep them current. */
export function useBrokerAccounts(enabled = true) {
  return useQuery({
    queryKey: brokerAccountsQueryKey,
    queryFn: ({ signal }) => api<BrokerAccountList>(base, { signal }),
    staleTime: 60_000,
    enabled,
    // A refusal (no trading role: 403) is an answer, not worth retrying.
    retry: (count, error) => count < 2 && !(isApiError(error) && error.status >= 400 && error.status < 500),
  });
}

export interface CreateBrokerAccountInput {
  kind: BrokerKind;
  name: string;
  credentials: Record<string, string>;
  isDefault?: boolean;
}

export function useCreateBrokerAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateBrokerAccountInput) => api<BrokerAccount>(base, { method: 'POST', body }),
    onSuccess: (account) => {
      queryClient.setQueryData<BrokerAccountList>(brokerAccountsQueryKey, (list) => upsertAccount(list, account));
      void queryClient.invalidateQueries({ queryKey: brokerAccountsQueryKey, exact: true });
    },
  });
}

export function useUpdateBrokerAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UpdateBrokerAccountRequest }) =>
      api<BrokerAccount>(one(id), { method: 'PATCH', body: patch }),
    onSuccess: (account) => {
      queryClient.setQueryData<BrokerAccountList>(brokerAccountsQueryKey, (list) => upsertAccount(list, account));
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: brokerAccountsQueryKey, exact: true }),
  });
}

export function useDeleteBrokerAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(one(id), { method: 'DELETE' }),
    onSuccess: (_r, id) => {
      queryClient.setQueryData<BrokerAccountList>(
        brokerAccountsQueryKey,
        (list) => list && { items: list.items.filter((a) => a.id !== id) },
      );
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: brokerAccountsQueryKey, exact: true }),
  });
}

export function useSetPaperBalance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, amount }: { id: string; amount: string }) =>
      api<BrokerAccount | undefined>(`${one(id)}/paper-balance`, { method: 'POST', body: { amount } }),
    onSuccess: (account) => {
      if (account && typeof account === 'object' && 'id' in account)
        queryClient.setQueryData<BrokerAccountList>(brokerAccountsQueryKey, (list) => upsertAccount(list, account));
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: brokerAccountsQueryKey, exact: true }),
  });
}

/**
 * Starts the broker's login: asks for the login URL (with its single-use state) and sends the
 * browser there. The broker returns it to /account/brokers?login=ok|failed.
 */
export function useBrokerLogin() {
  return useMutation({
    mutationFn: (id: string) => api<BrokerLoginUrl>(`${one(id)}/login`),
    onSuccess: ({ url }) => window.location.assign(url),
  });
}

export type BrokerViewPart = 'funds' | 'positions' | 'holdings' | 'orders';
interface BrokerViews {
  funds: BrokerFundsDto;
  positions: BrokerPositionList;
  holdings: BrokerHoldingList;
  orders: BrokerOrderViewList;
}

/**
 * The broker's own view of the account (its funds, positions, delivery holdings, orders; a paper account's is our
 * book of it): only asked of a connected account. 409 when the session is gone, 503 when the
 * broker does not answer: shown as "not available", never retried in a loop.
 */
export function useBrokerView<P extends BrokerViewPart>(id: string, part: P, enabled: boolean) {
  return useQuery({
    queryKey: brokerViewQueryKey(id, part),
    queryFn: ({ signal }) => api<BrokerViews[P]>(`${one(id)}/${part}`, { signal }),
    enabled,
    retry: false,
    staleTime: 5_000,
  });
}

/** An admin switches any account off (or on again): its orders are refused while disabled. */
export function useAdminSetBrokerAccountDisabled(userId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, disabled }: { id: string; disabled: boolean }) =>
      api<BrokerAccount>(`/api/v1/admin/broker-accounts/${encodeURIComponent(id)}`, { method: 'PATCH', body: { disabled } }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: adminBrokerAccountsQueryKey(userId ?? '') }),
  });
}

/** An admin's look at one user's accounts: status and masked credentials, never secrets. */
export function useAdminUserBrokerAccounts(userId: string | null) {
  return useQuery({
    queryKey: adminBrokerAccountsQueryKey(userId ?? ''),
    queryFn: ({ signal }) => api<BrokerAccountList>(`/api/v1/admin/users/${encodeURIComponent(userId!)}/broker-accounts`, { signal }),
    enabled: userId !== null,
  });
}
