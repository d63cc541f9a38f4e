import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { REALTIME_EVENTS, type BrokerAccountEvent, type BrokerAccountList } from '@tradeloop/contracts';
import type { RealtimeConnection } from './realtime';
import { brokerAccountsQueryKey, upsertAccount } from './broker-account-keys';

/**
 * Keeps the broker accounts (the Brokers page, the needs-login banner, the ticket's selector) in
 * step with `broker.account`: the event carries the whole account, so it replaces the cached one.
 * An event at or below the last `seq` seen is stale or repeated and only triggers a re-read.
 */
export function useRealtimeBrokerAccountSync(connection: RealtimeConnection | null): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    if (!connection) return undefined;
    const { socket } = connection;
    let connectedBefore = false;
    let lastSeq = 0;

    const onAccount = (event: BrokerAccountEvent) => {
      const cached = queryClient.getQueryData<BrokerAccountList>(brokerAccountsQueryKey);
      if (event.seq > lastSeq && cached) {
        lastSeq = event.seq;
        void queryClient.cancelQueries({ queryKey: brokerAccountsQueryKey, exact: true });
        queryClient.setQueryData<BrokerAccountList>(brokerAccountsQueryKey, (list) => upsertAccount(list, event.account));
      } else {
        void queryClient.invalidateQueries({ queryKey: brokerAccountsQueryKey, exact: true });
      }
      // The broker's own view may have changed with the session (a login, an expiry).
      void queryClient.invalidateQueries({ queryKey: [...brokerAccountsQueryKey, event.account.id] });
    };

    // Events sent while we were offline are gone; re-read what they would have told us.
    const onConnect = () => {
      if (connectedBefore) {
        lastSeq = 0;
        void queryClient.invalidateQueries({ queryKey: brokerAccountsQueryKey });
      }
      connectedBefore = true;
    };

    socket.on(REALTIME_EVENTS.brokerAccount, onAccount);
    socket.on('connect', onConnect);
    return () => {
      socket.off(REALTIME_EVENTS.brokerAccount, onAccount);
      socket.off('connect', onConnect);
    };
  }, [connection, queryClient]);
}
