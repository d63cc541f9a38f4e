import { io, type Socket } from 'socket.io-client';
import { REALTIME_NAMESPACE, SOCKET_IO_PATH } from '@tradeloop/contracts';
import { getSession, type SessionTokens } from './session';
import { refreshSession } from './token-refresh';

const MANUAL_RETRY_MS = 5_000;

export type ConnectionState = 'connecting' | 'online' | 'offline';

export interface RealtimeConnection {
  socket: Socket;
  getState(): ConnectionState;
  subscribe(listener: () => void): () => void;
  close(): void;
}

/**
 * Opens the `/realtime` Socket.IO namespace for the signed-in session.
 *
 * The handshake token is read through the function form of `auth` on every (re)connect, so a
 * token refreshed by the REST client is picked up. When the server refuses the handshake as
 * UNAUTHENTICATED the token is refreshed once and the socket reconnects; a second refusal in a
 * row leaves it offline (the REST client will have cleared a dead session by then).
 */
export function connectRealtime(): RealtimeConnection {
  let state: ConnectionState = 'connecting';
  let closed = false;
  let refreshedSinceLastConnect = false;
  let handshakeSession: SessionTokens | null = null;
  const listeners = new Set<() => void>();

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    listeners.forEach((listener) => listener());
  };

  const socket = io(REALTIME_NAMESPACE, {
    path: SOCKET_IO_PATH,
    // WebSocket only: long-polling needs sticky sessions once the API runs on several replicas.
    transports: ['websocket'],
    reconnection: true,
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 10_000,
    auth: (cb) => {
      handshakeSession = getSession();
      cb({ token: handshakeSession?.accessToken ?? '' });
    },
  });

  const scheduleRetry = () => {
    window.setTimeout(() => {
      if (!closed && !socket.connected && !socket.active) socket.connect();
    }, MANUAL_RETRY_MS);
  };

  const recoverAuth = async () => {
    if (refreshedSinceLastConnect) {
      setState('offline');
      return;
    }
    refreshedSinceLastConnect = true;
    setState('connecting');
    try {
      const next = await refreshSession(handshakeSession?.refreshToken);
      if (next && !closed) socket.connect();
      else setState('offline');
    } catch {
      // Server unreachable: retry the whole handshake later instead of spinning.
      setState('offline');
      scheduleRetry();
    }
  };

  socket.on('connect', () => {
    refreshedSinceLastConnect = false;
    setState('online');
  });
  socket.on('connect_error', (error) => {
    if (closed) return;
    if (error.message.startsWith('UNAUTHENTICATED')) {
      void recoverAuth();
      return;
    }
    // Server unreachable: the manager keeps retrying with backoff while we show offline, so the
    // indicator does not flicker with each attempt.
    setState('offline');
    // Refused by the server for another reason (e.g. UNAVAILABLE): no automatic retry, so ask later.
    if (!socket.active) scheduleRetry();
  });
  socket.on('disconnect', (reason) => {
    if (closed) return;
    if (reason === 'io server disconnect') {
      // The server closed us (session revoked, user disabled, logout elsewhere). Reconnecting
      // runs the handshake again, which either succeeds or ends in a refresh that decides.
      setState('connecting');
      socket.connect();
      return;
    }
    setState('offline');
  });

  return {
    socket,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      socket.removeAllListeners();
      socket.disconnect();
      setState('offline');
    },
  };
}
