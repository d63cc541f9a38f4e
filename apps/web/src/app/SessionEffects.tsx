import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { getSession, lastSessionEndReason, subscribeSession } from '../lib/session';

/** When the session ends, forget every cached response and say why if it was not the user's doing. */
export function SessionEffects() {
  const queryClient = useQueryClient();
  useEffect(() => {
    let hadSession = getSession() !== null;
    return subscribeSession(() => {
      const hasSession = getSession() !== null;
      if (hadSession && !hasSession) {
        queryClient.clear();
        if (lastSessionEndReason() === 'expired') {
          toast.warning('Your session has ended', { description: 'Sign in again to continue.', id: 'session-ended' });
        }
      }
      hadSession = hasSession;
    });
  }, [queryClient]);
  return null;
}
