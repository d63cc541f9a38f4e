import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { connectRealtime, type ConnectionState, type RealtimeConnection } from './realtime';
import { useSession, useSigningOut } from './auth';
import { useRealtimeUserSync } from './useRealtimeUserSync';

const RealtimeContext = createContext<RealtimeConnection | null>(null);

/** Holds one socket for as long as a session exists; token rotation does not reconnect it. */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const signingOut = useSigningOut();
  const active = session !== null && !signingOut;
  const [connection, setConnection] = useState<RealtimeConnection | null>(null);

  useEffect(() => {
    if (!active) return undefined;
    const next = connectRealtime();
    setConnection(next);
    return () => {
      next.close();
      setConnection(null);
    };
  }, [active]);

  useRealtimeUserSync(connection);

  return <RealtimeContext.Provider value={connection}>{children}</RealtimeContext.Provider>;
}

const noConnection = () => () => undefined;

export function useRealtime(): { state: ConnectionState; connection: RealtimeConnection | null } {
  const connection = useContext(RealtimeContext);
  const state = useSyncExternalStore(
    connection ? connection.subscribe : noConnection,
    () => connection?.getState() ?? 'offline',
  );
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
