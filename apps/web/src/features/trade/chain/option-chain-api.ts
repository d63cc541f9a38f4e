import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { InstrumentDto, OptionChainView } from '@tradeloop/contracts';
import { api } from '../../../lib/api';

/** IV and OI move slowly; LTP, bid and ask come from ticks. The chain's strikes re-read every 15 s. */
const CHAIN_REFRESH_MS = 15_000;

export function useOptionChain(underlying: string, expiry: string | null, strikes: number) {
  return useQuery({
    queryKey: ['market', 'option-chain', underlying, expiry ?? 'nearest', strikes],
    queryFn: ({ signal }) =>
      api<OptionChainView>('/api/v1/market/option-chain', { signal, query: { underlying, expiry: expiry ?? undefined, strikes } }),
    refetchInterval: CHAIN_REFRESH_MS,
    placeholderData: keepPreviousData,
  });
}

/** The indices (the underlyings that list options), for the picker. */
export function useChainUnderlyings() {
  return useQuery({
    queryKey: ['instruments', 'indices'],
    queryFn: ({ signal }) =>
      api<{ items: InstrumentDto[] }>('/api/v1/instruments', { signal, query: { instrumentType: 'INDEX', limit: 50 } }),
    staleTime: 5 * 60_000,
  });
}
