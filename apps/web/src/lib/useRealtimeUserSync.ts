import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { REALTIME_EVENTS, type User } from '@tradeloop/contracts';
import type { RealtimeConnection } from './realtime';
import { meQueryKey } from './auth';

// Spelled out here because the contracts' `withSeq` helper erases the payload's shape in its type.
interface UserUpdatedPayload {
  user: User & { disabled: boolean };
  seq: number;
}

export const adminUsersQueryKey = ['admin', 'users'] as const;

const sameRoles = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * Keeps the signed-in user and the admin user list in step with `user.updated` events, so a
 * role change made by an admin reshapes the navigation without a reload.
 */
export function useRealtimeUserSync(connection: RealtimeConnection | null): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    if (!connection) return undefined;
    const { socket } = connection;
    let connectedBefore = false;

    const onUserUpdated = (event: UserUpdatedPayload) => {
      void queryClient.invalidateQueries({ queryKey: adminUsersQueryKey });
      const me = queryClient.getQueryData<User>(meQueryKey);
      if (!me || event.user.id !== me.id) return;
      void queryClient.invalidateQueries({ queryKey: meQueryKey });
      if (!sameRoles(me.roles, event.user.roles)) {
        toast.info('Your roles were changed by an administrator', {
          description: event.user.roles.length ? `Now: ${event.user.roles.join(', ')}` : 'You currently hold no roles.',
        });
        // Rooms (e.g. the admin room) are assigned at handshake; a fresh one reflects the new roles.
        socket.disconnect().connect();
      }
    };

    // Events sent while we were offline are gone; re-read what they would have told us.
    const onConnect = () => {
      if (connectedBefore) {
        void queryClient.invalidateQueries({ queryKey: meQueryKey });
        void queryClient.invalidateQueries({ queryKey: adminUsersQueryKey });
      }
      connectedBefore = true;
    };

    socket.on(REALTIME_EVENTS.userUpdated, onUserUpdated);
    socket.on('connect', onConnect);
    return () => {
      socket.off(REALTIME_EVENTS.userUpdated, onUserUpdated);
      socket.off('connect', onConnect);
    };
  }, [connection, queryClient]);
}
