import { useEffect, useRef } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  REALTIME_EVENTS,
  type EffectiveSettings,
  type InstrumentDto,
  type Leg,
  type QuickOrderRequest,
  type QuickOrderResponse,
  type RiskExit,
  type RiskExitEvent,
  type SettingsTierDto,
  type SettingsValues,
} from '@tradeloop/contracts';
import { api } from '../../../lib/api';
import { useRealtime } from '../../../lib/RealtimeProvider';

/*
 * Watchlist trading over the API (docs/api.md "Watchlist trading"): the settings tiers, the effective
 * settings of a row, quick orders, legs and risk exits.
 */

export const legsQueryKey = ['watchlist-trading', 'legs'] as const;
export const riskExitsQueryKey = ['watchlist-trading', 'risk-exits'] as const;
export const settingsQueryKey = ['watchlist-trading', 'settings'] as const;
const effectiveKey = (watchlistId: string, symbol: string) => [...settingsQueryKey, 'effective', watchlistId, symbol] as const;

/** A settings tier the editor can address. */
export type TierRef =
  | { tier: 'global' }
  | { tier: 'index'; underlying: string }
  | { tier: 'watchlist'; watchlistId: string }
  | { tier: 'user' }
  | { tier: 'symbol'; symbol: string };

export function tierPath(ref: TierRef): string {
  const base = '/api/v1/settings';
  switch (ref.tier) {
    case 'global':
      return `${base}/global`;
    case 'index':
      return `${base}/index-profiles/${encodeURIComponent(ref.underlying)}`;
    case 'watchlist':
      return `${base}/watchlists/${encodeURIComponent(ref.watchlistId)}`;
    case 'user':
      return `${base}/user`;
    case 'symbol':
      return `${base}/symbols/${encodeURIComponent(ref.symbol)}`;
  }
}

/** Every key's effective value for a row of a watchlist, with the tier it came from. */
export function useEffectiveSettings(watchlistId: string | null, symbol: string | null) {
  return useQuery({
    queryKey: effectiveKey(watchlistId ?? '', symbol ?? ''),
    queryFn: ({ signal }) =>
      api<EffectiveSettings>('/api/v1/settings/effective', { signal, query: { watchlistId: watchlistId!, symbol: symbol! } }),
    enabled: !!watchlistId && !!symbol,
    staleTime: 30_000,
  });
}

export function useSettingsTier(ref: TierRef | null) {
  return useQuery({
    queryKey: [...settingsQueryKey, 'tier', ref ? tierPath(ref) : ''],
    queryFn: ({ signal }) => api<SettingsTierDto>(tierPath(ref!), { signal }),
    enabled: ref !== null,
  });
}

/** PUT replaces the tier's whole set; the effective values of every row are re-read after. */
export function useSaveSettingsTier() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ ref, values }: { ref: TierRef; values: SettingsValues }) =>
      api<SettingsTierDto>(tierPath(ref), { method: 'PUT', body: { values } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: settingsQueryKey }),
  });
}

/** The underlying's futures and options (for the preview): one search per underlying and type. */
export function useDerivatives(underlying: string | null) {
  return useQuery({
    queryKey: ['instruments', 'derivatives', underlying ?? ''],
    queryFn: async ({ signal }) => {
      const kinds = ['FUT', 'CE', 'PE'] as const;
      const lists = await Promise.all(
        kinds.map((instrumentType) =>
          api<{ items: InstrumentDto[] }>('/api/v1/instruments', { signal, query: { query: underlying!, instrumentType, limit: 500 } }),
        ),
      );
      return lists.flatMap((l) => l.items).filter((i) => i.underlying === underlying);
    },
    enabled: !!underlying,
    staleTime: 10 * 60_000,
  });
}

/** Open legs poll each second while any is open (the trailing stop moves on ticks), and on every order, position or exit event. */
export function useLegs() {
  return useQuery({
    queryKey: legsQueryKey,
    queryFn: ({ signal }) => api<{ items: Leg[] }>('/api/v1/legs', { signal }),
    refetchInterval: (query) =>
      (query.state.data?.items ?? []).some((l) => l.netQuantity !== 0 || l.targetQuantity !== 0) ? 1_000 : 10_000,
  });
}

/** Exits that fired; re-read every 2 s while a leg is open (besides the `risk.exit` event). */
export function useRiskExits(watching: boolean) {
  return useQuery({
    queryKey: riskExitsQueryKey,
    queryFn: ({ signal }) => api<{ items: RiskExit[] }>('/api/v1/risk-exits', { signal }),
    refetchInterval: watching ? 2_000 : false,
  });
}

/** POST /orders/quick; the legs are re-read when it answers. */
export function useQuickOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: QuickOrderRequest) => api<QuickOrderResponse>('/api/v1/orders/quick', { method: 'POST', body }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: legsQueryKey }),
  });
}

/** Re-reads legs and exits on the user's order, position and risk-exit events; calls `onExit` once per newly seen exit. */
export function useWatchlistTradingSync(watching: boolean, onExit: (exit: RiskExit) => void): void {
  const queryClient = useQueryClient();
  const { connection } = useRealtime();
  const exits = useRiskExits(watching);
  const seen = useRef<Set<string> | null>(null);
  const onExitRef = useRef(onExit);
  useEffect(() => {
    onExitRef.current = onExit;
  }, [onExit]);

  // The exits present at the first read are history; any that appears later is news.
  useEffect(() => {
    const items = exits.data?.items;
    if (!items) return;
    if (seen.current === null) {
      seen.current = new Set(items.map((e) => e.id));
      return;
    }
    for (const exit of items) {
      if (seen.current.has(exit.id)) continue;
      seen.current.add(exit.id);
      onExitRef.current(exit);
    }
  }, [exits.data]);

  useEffect(() => {
    if (!connection) return undefined;
    const { socket } = connection;
    const legs = () => void queryClient.invalidateQueries({ queryKey: legsQueryKey });
    const exit = (event?: RiskExitEvent) => {
      legs();
      void queryClient.invalidateQueries({ queryKey: riskExitsQueryKey });
      // The event carries the exit: shown at once, and not again when the list is re-read.
      const fired = event?.exit;
      if (fired && seen.current && !seen.current.has(fired.id)) {
        seen.current.add(fired.id);
        onExitRef.current(fired);
      }
    };
    const reconnect = () => exit();
    socket.on(REALTIME_EVENTS.orderUpdated, legs);
    socket.on(REALTIME_EVENTS.positionUpdated, legs);
    socket.on(REALTIME_EVENTS.riskExit, exit);
    socket.on('connect', reconnect);
    return () => {
      socket.off(REALTIME_EVENTS.orderUpdated, legs);
      socket.off(REALTIME_EVENTS.positionUpdated, legs);
      socket.off(REALTIME_EVENTS.riskExit, exit);
      socket.off('connect', reconnect);
    };
  }, [connection, queryClient]);
}
