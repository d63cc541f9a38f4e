import { useQuery } from '@tanstack/react-query';
import type { RunList, RunsCompare } from '@tradeloop/contracts';
import { api } from '../../lib/api';

/** Strategy runs (docs/api.md "Runs"): a strategy's paper and live runs, and runs compared. */
export function useStrategyRuns(strategyId: string) {
  return useQuery({
    queryKey: ['quant', 'runs', strategyId],
    queryFn: ({ signal }) => api<RunList>('/api/v1/runs', { signal, query: { strategyId } }),
    refetchInterval: 60_000,
  });
}

export function useRunsCompare(ids: readonly string[]) {
  return useQuery({
    queryKey: ['quant', 'runs', 'compare', ...ids],
    queryFn: ({ signal }) => api<RunsCompare>('/api/v1/runs/compare', { signal, query: { ids: ids.join(',') } }),
    enabled: ids.length >= 2,
  });
}
