import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  REALTIME_EVENTS,
  type CreateStrategyRequest,
  type ModelDto,
  type ModelStage,
  type Order,
  type SignalDto,
  type SignalEvent,
  type StrategyDto,
  type ModelDetailDto,
} from '@tradeloop/contracts';
import { api } from '../../lib/api';
import { useRealtimeEvent } from '../../lib/RealtimeProvider';

export type ModelDetail = ModelDetailDto;

export const modelsQueryKey = ['quant', 'models'] as const;
export const modelQueryKey = (id: string) => ['quant', 'models', id] as const;
export const signalsQueryKey = (symbol: string, modelId: string) => ['quant', 'signals', symbol, modelId] as const;
export const strategiesQueryKey = ['quant', 'strategies'] as const;
export const strategyOrdersQueryKey = (id: string) => ['quant', 'strategies', id, 'orders'] as const;

export function useModels() {
  return useQuery({ queryKey: modelsQueryKey, queryFn: ({ signal }) => api<{ items: ModelDto[] }>('/api/v1/models', { signal }) });
}

export function useModel(id: string | null) {
  return useQuery({
    queryKey: modelQueryKey(id ?? ''),
    queryFn: ({ signal }) => api<ModelDetail>(`/api/v1/models/${encodeURIComponent(id!)}`, { signal }),
    enabled: id !== null,
  });
}

/** POST /models (multipart): the .onnx and its card. */
export function useUploadModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ model, card }: { model: File; card: File }) => {
      const form = new FormData();
      form.append('model', model, model.name);
      form.append('card', card, card.name);
      return api<{ model: ModelDto }>('/api/v1/models', { method: 'POST', body: form });
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: modelsQueryKey }),
  });
}

export function usePromoteModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, stage }: { id: string; stage: ModelStage }) =>
      api<{ model: ModelDto; replaced: ModelDto | null }>(`/api/v1/models/${encodeURIComponent(id)}/promote`, { method: 'POST', body: { stage } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['quant', 'models'] }),
  });
}

const SIGNALS_SHOWN = 200;

/** The newest signals (optionally of one symbol / model); `signal` events keep them current. */
export function useSignals(symbol: string, modelId: string) {
  const queryClient = useQueryClient();
  const key = signalsQueryKey(symbol, modelId);
  useRealtimeEvent<SignalEvent>(REALTIME_EVENTS.signal, (e) => {
    if ((symbol && e.signal.symbol !== symbol) || (modelId && e.signal.modelId !== modelId)) return;
    queryClient.setQueryData<{ items: SignalDto[] }>(key, (list) => (list && !list.items.some((s) => s.id === e.signal.id) ? { items: [e.signal, ...list.items].slice(0, SIGNALS_SHOWN) } : list));
  });
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api<{ items: SignalDto[] }>('/api/v1/signals', { signal, query: { symbol, modelId, limit: SIGNALS_SHOWN } }),
  });
}

/** The caller's strategies; `strategy.updated` replaces the one that changed. */
export function useStrategies() {
  const queryClient = useQueryClient();
  useRealtimeEvent<{ strategy: StrategyDto }>(REALTIME_EVENTS.strategyUpdated, ({ strategy }) => {
    queryClient.setQueryData<{ items: StrategyDto[] }>(strategiesQueryKey, (list) => (list ? { items: list.items.map((s) => (s.id === strategy.id ? strategy : s)) } : list));
    void queryClient.invalidateQueries({ queryKey: strategyOrdersQueryKey(strategy.id) });
  });
  return useQuery({ queryKey: strategiesQueryKey, queryFn: ({ signal }) => api<{ items: StrategyDto[] }>('/api/v1/strategies', { signal }), refetchInterval: 10_000 });
}

export function useStrategyOrders(id: string | null) {
  return useQuery({
    queryKey: strategyOrdersQueryKey(id ?? ''),
    queryFn: ({ signal }) => api<{ items: Order[] }>(`/api/v1/strategies/${encodeURIComponent(id!)}/orders`, { signal, query: { limit: 50 } }),
    enabled: id !== null,
    refetchInterval: 5_000,
  });
}

export function useCreateStrategy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateStrategyRequest) => api<{ strategy: StrategyDto }>('/api/v1/strategies', { method: 'POST', body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: strategiesQueryKey }),
  });
}

export type StrategyAction = { id: string } & ({ kind: 'start' } | { kind: 'stop' } | { kind: 'kill-switch'; engaged: boolean; reason?: string });

export function useStrategyAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (a: StrategyAction) =>
      api<{ strategy: StrategyDto }>(`/api/v1/strategies/${encodeURIComponent(a.id)}/${a.kind}`, {
        method: 'POST',
        ...(a.kind === 'kill-switch' ? { body: { engaged: a.engaged, ...(a.reason ? { reason: a.reason } : {}) } } : {}),
      }),
    onSuccess: ({ strategy }) => queryClient.setQueryData<{ items: StrategyDto[] }>(strategiesQueryKey, (list) => (list ? { items: list.items.map((s) => (s.id === strategy.id ? strategy : s)) } : list)),
  });
}
