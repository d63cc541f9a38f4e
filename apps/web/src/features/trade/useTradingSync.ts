import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { REALTIME_EVENTS, type Order, type PositionDto, type Trade } from '@tradeloop/contracts';
import { brokerAccountsQueryKey } from '../../lib/broker-account-keys';
import { useRealtime } from '../../lib/RealtimeProvider';
import { killSwitchQueryKey, ordersQueryKey, positionsQueryKey, riskEventsQueryKey, tradesQueryKey, upsertOrder } from './orders-api';

interface OrderEvent {
  order: Order;
  seq: number;
}
interface TradeEvent {
  trade: Trade;
  seq: number;
}
interface PositionEvent {
  position: PositionDto;
  seq: number;
}

const samePosition = (a: PositionDto, b: PositionDto) => a.symbol === b.symbol && a.product === b.product;

/**
 * Keeps the blotter, positions, trades and risk state in step with the user's realtime events
 * while the trading screen is open. Each event carries the whole new object, so it replaces the
 * cached one; a `seq` jump (events lost) or a reconnect re-reads everything over REST.
 */
export function useTradingSync(): void {
  const queryClient = useQueryClient();
  const { connection } = useRealtime();

  useEffect(() => {
    if (!connection) return undefined;
    const { socket } = connection;
    const lastSeq = new Map<string, number>();
    let connectedBefore = socket.connected;

    /** False (and a re-read of `keys`) when events of this stream were lost. */
    const inOrder = (stream: string, seq: number, keys: readonly (readonly string[])[]): boolean => {
      const last = lastSeq.get(stream);
      lastSeq.set(stream, Math.max(seq, last ?? 0));
      if (last !== undefined && seq > last + 1) {
        for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
        return false;
      }
      return true;
    };

    const onOrder = (event: OrderEvent) => {
      inOrder('order', event.seq, [ordersQueryKey]);
      queryClient.setQueryData<{ items: Order[] }>(ordersQueryKey, (list) => upsertOrder(list, event.order));
      if (event.order.status === 'REJECTED') void queryClient.invalidateQueries({ queryKey: riskEventsQueryKey });
      // The account's funds, positions and orders as its broker sees them moved with the order.
      void queryClient.invalidateQueries({ queryKey: [...brokerAccountsQueryKey, event.order.accountId, 'view'] });
    };
    const onTrade = (event: TradeEvent) => {
      if (!inOrder('trade', event.seq, [tradesQueryKey])) return;
      queryClient.setQueryData<{ items: Trade[] }>(tradesQueryKey, (list) =>
        list && !list.items.some((t) => t.id === event.trade.id) ? { items: [event.trade, ...list.items] } : list,
      );
    };
    const onPosition = (event: PositionEvent) => {
      inOrder('position', event.seq, [positionsQueryKey]);
      queryClient.setQueryData<{ items: PositionDto[] }>(positionsQueryKey, (list) => {
        if (!list) return list;
        const exists = list.items.some((p) => samePosition(p, event.position));
        return {
          items: exists ? list.items.map((p) => (samePosition(p, event.position) ? event.position : p)) : [...list.items, event.position],
        };
      });
    };
    const onKillSwitch = () => {
      void queryClient.invalidateQueries({ queryKey: killSwitchQueryKey });
      void queryClient.invalidateQueries({ queryKey: riskEventsQueryKey });
    };
    const onConnect = () => {
      if (connectedBefore) {
        lastSeq.clear();
        for (const queryKey of [ordersQueryKey, tradesQueryKey, positionsQueryKey, killSwitchQueryKey, riskEventsQueryKey])
          void queryClient.invalidateQueries({ queryKey });
      }
      connectedBefore = true;
    };

    socket.on(REALTIME_EVENTS.orderUpdated, onOrder);
    socket.on(REALTIME_EVENTS.tradeExecuted, onTrade);
    socket.on(REALTIME_EVENTS.positionUpdated, onPosition);
    socket.on(REALTIME_EVENTS.killSwitch, onKillSwitch);
    socket.on('connect', onConnect);
    return () => {
      socket.off(REALTIME_EVENTS.orderUpdated, onOrder);
      socket.off(REALTIME_EVENTS.tradeExecuted, onTrade);
      socket.off(REALTIME_EVENTS.positionUpdated, onPosition);
      socket.off(REALTIME_EVENTS.killSwitch, onKillSwitch);
      socket.off('connect', onConnect);
    };
  }, [connection, queryClient]);
}
