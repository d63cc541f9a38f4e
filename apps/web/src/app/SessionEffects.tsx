import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { getSession, subscribeSession } from '../lib/session';

/** When the session ends, forget every cached response so the next user never sees them. */
export function SessionEffects() {
  const queryClient = useQueryClient();
  useEffect(() => {
    let hadSession = getSession() !== null;
    return subscribeSession(() => {
      const hasSession = getSession() !== null;
      if (hadSession && !hasSession) queryClient.clear();
      hadSession = hasSession;
    });
  }, [queryClient]);
  return null;
}
