import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  IDEMPOTENCY_HEADER,
  type InstrumentDto,
  type KillSwitchStatus,
  type ModifyOrderRequest,
  type Order,
  type PlaceOrderRequest,
  type PositionDto,
  type RiskEvent,
  type RiskLimitsDto,
  type Trade,
} from '@tradeloop/contracts';
import { api, isApiError } from '../../lib/api';
import { brokerAccountsQueryKey } from '../../lib/broker-account-keys';
import { mergeFetchedOrders, upsertOrder, type OrderList } from './order-list';

export { upsertOrder } from './order-list';

/** Query keys of the trading data, shared with the realtime sync that keeps them current. */
export const ordersQueryKey = ['trading', 'orders'] as const;
export const tradesQueryKey = ['trading', 'trades'] as const;
export const positionsQueryKey = ['trading', 'positions'] as const;
export const killSwitchQueryKey = ['risk', 'kill-switch'] as const;
export const riskEventsQueryKey = ['risk', 'events'] as const;
export const riskLimitsQueryKey = ['risk', 'limits'] as const;

const ORDERS_LIMIT = 200;

/** The caller's latest orders (all statuses), newest first. `order.updated` keeps them current. */
export function useOrders() {
  return useQuery({
    queryKey: ordersQueryKey,
    queryFn: ({ signal }) => api<OrderList>('/api/v1/orders', { signal, query: { limit: ORDERS_LIMIT } }),
    // A re-read must not undo a newer copy that a realtime event brought while it was in flight.
    structuralSharing: (cached, fetched) => mergeFetchedOrders(cached as OrderList | undefined, fetched as OrderList),
    staleTime: 30_000,
  });
}

export function useTrades() {
  return useQuery({
    queryKey: tradesQueryKey,
    queryFn: ({ signal }) => api<{ items: Trade[] }>('/api/v1/trades', { signal }),
    staleTime: 30_000,
  });
}

export function usePositions() {
  return useQuery({
    queryKey: positionsQueryKey,
    queryFn: ({ signal }) => api<{ items: PositionDto[] }>('/api/v1/positions', { signal }),
    staleTime: 30_000,
  });
}

export function useKillSwitch(enabled = true) {
  return useQuery({
    queryKey: killSwitchQueryKey,
    queryFn: ({ signal }) => api<KillSwitchStatus>('/api/v1/risk/kill-switch', { signal }),
    enabled,
  });
}

/** Risk events: the caller's own; an admin's or compliance's everyone's, or `userId`'s (with the platform-wide ones). */
export function useRiskEvents(userId?: string) {
  return useQuery({
    queryKey: [...riskEventsQueryKey, userId ?? 'all'],
    queryFn: ({ signal }) => api<{ items: RiskEvent[] }>('/api/v1/risk/events', { signal, query: { userId } }),
  });
}

export function useRiskLimits() {
  return useQuery({
    queryKey: riskLimitsQueryKey,
    queryFn: ({ signal }) => api<RiskLimitsDto>('/api/v1/risk/limits', { signal }),
    staleTime: 60_000,
  });
}

/** One instrument by exact symbol (lot size, tick size, type), via the instrument search. */
export const instrumentQueryOptions = (symbol: string) =>
  queryOptions({
    queryKey: ['instruments', 'exact', symbol],
    queryFn: async ({ signal }) => {
      const found = await api<{ items: InstrumentDto[] }>('/api/v1/instruments', { signal, query: { query: symbol, limit: 20 } });
      return found.items.find((i) => i.symbol === symbol) ?? null;
    },
    staleTime: 10 * 60_000,
  });

export function useInstrument(symbol: string | null) {
  return useQuery({ ...instrumentQueryOptions(symbol ?? ''), enabled: symbol !== null && symbol !== '' });
}

/** The request body (validity defaults to DAY on the server; the account to the user's default). */
export type PlaceOrderBody = Omit<PlaceOrderRequest, 'validity'> & { validity?: PlaceOrderRequest['validity'] };

export interface PlaceOrderInput {
  body: PlaceOrderBody;
  idempotencyKey: string;
}

/** POST /orders with the submission's Idempotency-Key; the answer goes into the blotter at once. */
export function usePlaceOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: PlaceOrderInput) =>
      api<{ order: Order }>('/api/v1/orders', { method: 'POST', body, headers: { [IDEMPOTENCY_HEADER]: idempotencyKey } }),
    onSuccess: ({ order }) => {
      queryClient.setQueryData<{ items: Order[] }>(ordersQueryKey, (list) => upsertOrder(list, order));
    },
    onError: (error) => {
      // A risk or kill-switch refusal is recorded as a risk event.
      if (isApiError(error) && (error.status === 422 || error.status === 423))
        void queryClient.invalidateQueries({ queryKey: riskEventsQueryKey });
      // A switch we did not know about (the global one is only announced to admins): re-read them.
      if (isApiError(error) && error.status === 423) void queryClient.invalidateQueries({ queryKey: killSwitchQueryKey });
      // The account's session lapsed or it was disabled elsewhere: the selector and the banner re-read it.
      if (isApiError(error) && (error.code === 'BROKER_LOGIN_REQUIRED' || error.code === 'ACCOUNT_DISABLED'))
        void queryClient.invalidateQueries({ queryKey: brokerAccountsQueryKey, exact: true });
    },
  });
}

/** PATCH /orders/:id: only the fields that change. */
export function useModifyOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, change }: { id: string; change: ModifyOrderRequest }) =>
      api<{ order: Order }>(`/api/v1/orders/${encodeURIComponent(id)}`, { method: 'PATCH', body: change }),
    // The answer is the order with its change pending; the confirmation arrives as `order.updated`.
    onSuccess: ({ order }) => void queryClient.setQueryData<OrderList>(ordersQueryKey, (list) => upsertOrder(list, order)),
    onError: () => void queryClient.invalidateQueries({ queryKey: ordersQueryKey }),
  });
}

export function useCancelOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<unknown>(`/api/v1/orders/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ordersQueryKey }),
  });
}

export function useEngageKillSwitch() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) => api<KillSwitchStatus>('/api/v1/risk/kill-switch', { method: 'POST', body: { engaged: true, reason } }),
    onSuccess: (status) => {
      queryClient.setQueryData(killSwitchQueryKey, status);
      void queryClient.invalidateQueries({ queryKey: riskEventsQueryKey });
      void queryClient.invalidateQueries({ queryKey: ordersQueryKey });
    },
  });
}

/** A definite answer from the server (not a network error or a 5xx): the key may be retired. */
export const isSettledAnswer = (error: unknown): boolean => isApiError(error) && error.status >= 400 && error.status < 500;
