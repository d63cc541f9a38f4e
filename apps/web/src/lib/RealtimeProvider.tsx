import { useEffect, useSyncExternalStore, type ReactNode } from 'react';
import type { ConnectionState, RealtimeConnection } from './realtime';
import { getRealtimeConnection, startRealtime, subscribeRealtime } from './realtime-session';
import { useRealtimeBrokerAccountSync } from './useRealtimeBrokerAccountSync';
import { useRealtimeUserSync } from './useRealtimeUserSync';
import { useRealtimeWalletSync } from './useRealtimeWalletSync';

/** Runs the realtime connection for the app and keeps user, wallet and broker-account data in step with its events. */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  useEffect(() => startRealtime(), []);
  const connection = useRealtimeConnection();
  useRealtimeUserSync(connection);
  useRealtimeWalletSync(connection);
  useRealtimeBrokerAccountSync(connection);
  return <>{children}</>;
}

function useRealtimeConnection(): RealtimeConnection | null {
  return useSyncExternalStore(subscribeRealtime, getRealtimeConnection);
}

const noConnection = () => () => undefined;

export function useRealtime(): { state: ConnectionState; connection: RealtimeConnection | null } {
  const connection = useRealtimeConnection();
  const state = useSyncExternalStore(connection ? connection.subscribe : noConnection, () => connection?.getState() ?? 'offline');
  return { state, connection };
}

/** Subscribes a handler to one server event for the lifetime of the component. */
export function useRealtimeEvent<T>(event: string, handler: (payload: T) => void): void {
  const { connection } = useRealtime();
  useEffect(() => {
    if (!connection) return undefined;
    connection.socket.on(event, handler);
    return () => {
      connection.socket.off(event, handler);
    };
  }, [connection, event, handler]);
}
