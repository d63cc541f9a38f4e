import { keepPreviousData, useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { toast } from 'sonner';
import type { Page, SurveillanceOrder, SurveillanceTrade } from '@tradeloop/contracts';
import { api, apiResponse, describeError } from '../../lib/api';
import { filenameFromDisposition, formatBytes, saveBlob } from '../../lib/download';
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

/** Downloads every order or fill the filters match as CSV (oldest first); the export is itself audited. */
export function useSurveillanceExport() {
  return useMutation({
    mutationFn: async ({ tab, query }: { tab: SurveillanceTab; query: SurveillanceQuery }) => {
      const response = await apiResponse(`/api/v1/compliance/${tab}/export.csv`, { query: { ...query }, headers: { accept: 'text/csv' } });
      const filename = filenameFromDisposition(response.headers.get('content-disposition'), `${tab}.csv`);
      const blob = await response.blob();
      saveBlob(blob, filename);
      return { filename, size: blob.size, tab };
    },
    onSuccess: ({ filename, size, tab }) => {
      toast.success(`Exported ${filename}`, {
        description: `${formatBytes(size)} of CSV, oldest ${tab === 'orders' ? 'order' : 'fill'} first`,
      });
    },
    onError: (error) => {
      toast.error('Export failed', { description: describeError(error) });
    },
  });
}
