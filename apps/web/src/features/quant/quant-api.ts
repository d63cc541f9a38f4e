import { useEffect } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  REALTIME_EVENTS,
  type CreateStrategyRequest,
  type ModelCard,
  type ModelDto,
  type ModelStage,
  type Order,
  type SignalDto,
  type StrategyDto,
} from '@tradeloop/contracts';
import { api } from '../../lib/api';
import { useRealtime } from '../../lib/RealtimeProvider';
import { mergeSignals, type SignalFilter } from './signal-list';

/** Quant reads and writes (docs/api.md "ML: models, signals, strategies"). */
export const modelsQueryKey = ['quant', 'models'] as const;
const modelKey = (id: string) => [...modelsQueryKey, id] as const;
export const signalsQueryKey = ['quant', 'signals'] as const;
const signalsKey = (f: SignalFilter) => [...signalsQueryKey, f.symbol ?? '', f.modelId ?? ''] as const;
export const strategiesQueryKey = ['quant', 'strategies'] as const;
const strategyOrdersKey = (id: string) => [...strategiesQueryKey, id, 'orders'] as const;

export interface ModelStageChange {
  from: ModelStage | null;
  to: ModelStage;
  actorId: string | null;
  reason: string;
  at: string;
}
export type ModelDetail = ModelDto & {
  card: ModelCard & Record<string, unknown>;
  checksum: string;
  sizeBytes: number;
  stages?: ModelStageChange[];
};

export function useModels() {
  return useQuery({
    queryKey: modelsQueryKey,
    queryFn: ({ signal }) => api<{ items: ModelDto[] }>('/api/v1/models', { signal }),
  });
}

export function useModel(id: string | null) {
  return useQuery({
    queryKey: modelKey(id ?? ''),
    queryFn: ({ signal }) => api<ModelDetail>(`/api/v1/models/${encodeURIComponent(id!)}`, { signal }),
    enabled: id !== null && id !== '',
  });
}

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
      api<{ model: ModelDto; replaced: ModelDto | null }>(`/api/v1/models/${encodeURIComponent(id)}/promote`, {
        method: 'POST',
        body: { stage },
      }),
    // Promotion may archive another model of the name: every model is re-read.
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: modelsQueryKey }),
  });
}

export function useSignals(filter: SignalFilter) {
  return useQuery({
    queryKey: signalsKey(filter),
    queryFn: ({ signal }) =>
      api<{ items: SignalDto[]; nextCursor: string | null }>('/api/v1/signals', {
        signal,
        query: { symbol: filter.symbol, modelId: filter.modelId, limit: 200 },
      }),
  });
}

interface SignalEvent {
  signal: SignalDto;
  seq: number;
}

/**
 * Live `signal` events (the signals room: quant, admin, compliance) go into every cached signals
 * list whose filter they match; a `seq` gap or a reconnect re-reads the lists over REST.
 */
export function useSignalsSync(): void {
  const queryClient = useQueryClient();
  const { connection } = useRealtime();
  useEffect(() => {
    if (!connection) return undefined;
    const { socket } = connection;
    let lastSeq: number | null = null;
    let connectedBefore = socket.connected;
    const onSignal = (event: SignalEvent) => {
      if (lastSeq !== null && event.seq > lastSeq + 1) void queryClient.invalidateQueries({ queryKey: signalsQueryKey });
      lastSeq = Math.max(event.seq, lastSeq ?? 0);
      for (const [key, data] of queryClient.getQueriesData<{ items: SignalDto[]; nextCursor: string | null }>({
        queryKey: signalsQueryKey,
      })) {
        if (!data) continue;
        const filter: SignalFilter = { symbol: (key[2] as string) || undefined, modelId: (key[3] as string) || undefined };
        queryClient.setQueryData(key, { ...data, items: mergeSignals(data.items, [event.signal], filter) });
      }
    };
    const onConnect = () => {
      if (connectedBefore) {
        lastSeq = null;
        void queryClient.invalidateQueries({ queryKey: signalsQueryKey });
      }
      connectedBefore = true;
    };
    socket.on(REALTIME_EVENTS.signal, onSignal);
    socket.on('connect', onConnect);
    return () => {
      socket.off(REALTIME_EVENTS.signal, onSignal);
      socket.off('connect', onConnect);
    };
  }, [connection, queryClient]);
}

export function useStrategies(enabled = true) {
  return useQuery({
    queryKey: strategiesQueryKey,
    queryFn: ({ signal }) => api<{ items: StrategyDto[] }>('/api/v1/strategies', { signal }),
    enabled,
  });
}

export function useStrategyOrders(id: string) {
  return useQuery({
    queryKey: strategyOrdersKey(id),
    queryFn: ({ signal }) =>
      api<{ items: Order[] }>(`/api/v1/strategies/${encodeURIComponent(id)}/orders`, { signal, query: { limit: 100 } }),
  });
}

const upsertStrategy = (list: { items: StrategyDto[] } | undefined, s: StrategyDto) => {
  if (!list) return list;
  const exists = list.items.some((x) => x.id === s.id);
  return { items: exists ? list.items.map((x) => (x.id === s.id ? s : x)) : [s, ...list.items] };
};

export function useCreateStrategy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateStrategyRequest) => api<{ strategy: StrategyDto }>('/api/v1/strategies', { method: 'POST', body }),
    onSuccess: ({ strategy }) =>
      queryClient.setQueryData<{ items: StrategyDto[] }>(strategiesQueryKey, (list) => upsertStrategy(list, strategy)),
  });
}

export type StrategyCommand = { action: 'start' | 'stop' } | { action: 'kill-switch'; engaged: boolean; reason?: string };

export function useStrategyCommand() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, command }: { id: string; command: StrategyCommand }) =>
      api<{ strategy: StrategyDto }>(`/api/v1/strategies/${encodeURIComponent(id)}/${command.action}`, {
        method: 'POST',
        body:
          command.action === 'kill-switch'
            ? { engaged: command.engaged, ...(command.reason ? { reason: command.reason } : {}) }
            : undefined,
      }),
    onSuccess: ({ strategy }) => {
      queryClient.setQueryData<{ items: StrategyDto[] }>(strategiesQueryKey, (list) => upsertStrategy(list, strategy));
      void queryClient.invalidateQueries({ queryKey: strategyOrdersKey(strategy.id) });
    },
  });
}

/**
 * `strategy.updated` (the user's own strategies: started, stopped, switch pulled, P&L moved)
 * replaces the cached copy and re-reads its orders; `order.updated` re-reads the orders of the
 * strategy it is tagged with. A reconnect re-reads everything.
 */
export function useStrategiesSync(): void {
  const queryClient = useQueryClient();
  const { connection } = useRealtime();
  useEffect(() => {
    if (!connection) return undefined;
    const { socket } = connection;
    let connectedBefore = socket.connected;
    const onStrategy = (event: { strategy: StrategyDto }) => {
      queryClient.setQueryData<{ items: StrategyDto[] }>(strategiesQueryKey, (list) => upsertStrategy(list, event.strategy));
      void queryClient.invalidateQueries({ queryKey: strategyOrdersKey(event.strategy.id) });
    };
    const onOrder = (event: { order: Order & { strategyId?: string | null } }) => {
      const id = event.order.strategyId;
      if (id) {
        void queryClient.invalidateQueries({ queryKey: strategyOrdersKey(id) });
        void queryClient.invalidateQueries({ queryKey: strategiesQueryKey, exact: true });
      }
    };
    const onConnect = () => {
      if (connectedBefore) void queryClient.invalidateQueries({ queryKey: strategiesQueryKey });
      connectedBefore = true;
    };
    socket.on(REALTIME_EVENTS.strategyUpdated, onStrategy);
    socket.on(REALTIME_EVENTS.orderUpdated, onOrder);
    socket.on('connect', onConnect);
    return () => {
      socket.off(REALTIME_EVENTS.strategyUpdated, onStrategy);
      socket.off(REALTIME_EVENTS.orderUpdated, onOrder);
      socket.off('connect', onConnect);
    };
  }, [connection, queryClient]);
}
