import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { Page, SurveillanceOrder, SurveillanceTrade } from '@tradeloop/contracts';
import { api } from '../../lib/api';
import type { SurveillanceQuery, SurveillanceTab } from './surveillance-filters';

const PAGE_SIZE = 100;

function useSurveillancePages<T>(tab: SurveillanceTab, query: SurveillanceQuery, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: ['compliance', 'surveillance', tab, query],
    queryFn: ({ pageParam, signal }) =>
      api<Page<T>>(`/api/v1/compliance/${tab}`, { signal, query: { ...query, limit: PAGE_SIZE, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    enabled,
  });
}

export const useSurveillanceOrders = (query: SurveillanceQuery, enabled: boolean) =>
  useSurveillancePages<SurveillanceOrder>('orders', query, enabled);
export const useSurveillanceTrades = (query: SurveillanceQuery, enabled: boolean) =>
  useSurveillancePages<SurveillanceTrade>('trades', query, enabled);
