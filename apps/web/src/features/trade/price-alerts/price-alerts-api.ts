import { useCallback } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { REALTIME_EVENTS, type CreatePriceAlert, type NotificationEvent, type PriceAlert, type PriceAlertList } from '@tradeloop/contracts';
import { api, describeError } from '../../../lib/api';
import { useRealtimeEvent } from '../../../lib/RealtimeProvider';

/** The caller's price alerts (docs/api.md "Price alerts"): active ones, then the recently triggered. */
export const priceAlertsQueryKey = ['price-alerts'] as const;
const base = '/api/v1/price-alerts';

/**
 * The caller's alerts, re-read when one of theirs triggers: the worker's trigger reaches the
 * browser as the `price_alert` notification (the bell shows it and its toast), and the list then
 * shows the alert triggered, with its price and time.
 */
export function usePriceAlerts() {
  const queryClient = useQueryClient();
  const onNotification = useCallback(
    (event: NotificationEvent & { userId?: string }) => {
      // An admin's socket also gets everyone's notifications (with `userId`): only the caller's own matter here.
      if (event.userId === undefined && event.notification.kind === 'price_alert')
        void queryClient.invalidateQueries({ queryKey: priceAlertsQueryKey });
    },
    [queryClient],
  );
  useRealtimeEvent(REALTIME_EVENTS.notification, onNotification);
  return useQuery({
    queryKey: priceAlertsQueryKey,
    queryFn: ({ signal }) => api<PriceAlertList>(base, { signal }),
    staleTime: 30_000,
  });
}

export function useCreatePriceAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreatePriceAlert) => api<PriceAlert>(base, { method: 'POST', body }),
    onSuccess: (alert) => {
      queryClient.setQueryData<PriceAlertList>(priceAlertsQueryKey, (list) => (list ? { items: [alert, ...list.items] } : list));
      void queryClient.invalidateQueries({ queryKey: priceAlertsQueryKey });
    },
  });
}

export function useDeletePriceAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<undefined>(`${base}/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onMutate: (id) => {
      const before = queryClient.getQueryData<PriceAlertList>(priceAlertsQueryKey);
      if (before) queryClient.setQueryData<PriceAlertList>(priceAlertsQueryKey, { items: before.items.filter((a) => a.id !== id) });
      return { before };
    },
    onError: (error, _id, context) => {
      if (context?.before) queryClient.setQueryData(priceAlertsQueryKey, context.before);
      toast.error('Could not delete the alert', { description: describeError(error) });
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: priceAlertsQueryKey }),
  });
}
