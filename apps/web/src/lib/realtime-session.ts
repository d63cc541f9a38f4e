import { connectRealtime, type RealtimeConnection } from './realtime';
import { getSession, isSigningOut, subscribeSession } from './session';

/**
 * Ties the socket's lifetime to the session's: one connection while signed in (token rotation
 * does not reconnect it), none once signed out or while signing out.
 */
let connection: RealtimeConnection | null = null;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());

function sync(): void {
  const wanted = getSession() !== null && !isSigningOut();
  if (wanted && !connection) {
    connection = connectRealtime();
    notify();
  } else if (!wanted && connection) {
    connection.close();
    connection = null;
    notify();
  }
}

/** Starts following the session; the returned function stops and closes any socket. */
export function startRealtime(): () => void {
  sync();
  const unsubscribe = subscribeSession(sync);
  return () => {
    unsubscribe();
    connection?.close();
    connection = null;
    notify();
  };
}

export const getRealtimeConnection = (): RealtimeConnection | null => connection;

export function subscribeRealtime(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
