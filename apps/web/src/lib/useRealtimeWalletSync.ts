import { useEffect } from 'react';
import { useQueryClient, type InfiniteData, type QueryClient } from '@tanstack/react-query';
import { REALTIME_EVENTS, type LedgerEntry, type Page, type Wallet } from '@tradeloop/contracts';
import { api } from './api';
import type { RealtimeConnection } from './realtime';
import {
  adminWalletQueryKey,
  adminWalletsQueryKey,
  WALLET_ENTRIES_PAGE_SIZE,
  WALLET_ENTRIES_PATH,
  walletEntriesQueryKey,
  walletQueryKey,
} from './wallet-keys';

// Spelled out here because the contracts' `withSeq` helper erases the payload's shape in its type.
interface WalletUpdatedPayload {
  wallet: Wallet;
  seq: number;
  /** Present only on the admin room's mirror of another (or the admin's own) user's event. */
  userId?: string;
}

type EntryPages = InfiniteData<Page<LedgerEntry>, string | undefined>;

/**
 * Keeps wallets in step with `wallet.updated`. The owner's event carries the whole new wallet,
 * so it replaces the cached one outright and the new entries are put on top of the list. The
 * admin room's mirror (with `userId`) refreshes that user's wallet on the funding screen.
 *
 * `seq` rises by one per stream: an event at or below the last one seen is stale or repeated and
 * only triggers a re-read. A gap needs nothing extra: the payload is the full current state.
 */
export function useRealtimeWalletSync(connection: RealtimeConnection | null): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    if (!connection) return undefined;
    const { socket } = connection;
    let connectedBefore = false;
    let lastOwnSeq = 0;

    const onWalletUpdated = (event: WalletUpdatedPayload) => {
      if (event.userId !== undefined) {
        void queryClient.invalidateQueries({ queryKey: adminWalletQueryKey(event.userId) });
        return;
      }
      if (event.seq > lastOwnSeq) {
        lastOwnSeq = event.seq;
        // A REST read already in flight may predate this event; it must not overwrite it.
        void queryClient.cancelQueries({ queryKey: walletQueryKey, exact: true });
        queryClient.setQueryData<Wallet>(walletQueryKey, event.wallet);
      } else {
        void queryClient.invalidateQueries({ queryKey: walletQueryKey, exact: true });
      }
      void prependNewestEntries(queryClient);
    };

    // Events sent while we were offline are gone; re-read what they would have told us.
    const onConnect = () => {
      if (connectedBefore) {
        lastOwnSeq = 0;
        void queryClient.invalidateQueries({ queryKey: walletQueryKey });
        void queryClient.invalidateQueries({ queryKey: walletEntriesQueryKey });
        void queryClient.invalidateQueries({ queryKey: adminWalletsQueryKey });
      }
      connectedBefore = true;
    };

    socket.on(REALTIME_EVENTS.walletUpdated, onWalletUpdated);
    socket.on('connect', onConnect);
    return () => {
      socket.off(REALTIME_EVENTS.walletUpdated, onWalletUpdated);
      socket.off('connect', onConnect);
    };
  }, [connection, queryClient]);
}

/**
 * Puts entries newer than the cached ones on top of the first page. A list scrolled many pages
 * deep would otherwise be re-read page by page on every movement. When only one page is loaded,
 * the list is not on screen, or more arrived than a page holds, a plain re-read is cheaper or
 * the only correct option.
 */
async function prependNewestEntries(queryClient: QueryClient): Promise<void> {
  const key = walletEntriesQueryKey;
  const active = queryClient.getQueryCache().find({ queryKey: key, exact: true })?.isActive() ?? false;
  const cached = queryClient.getQueryData<EntryPages>(key);
  if (!active || !cached || cached.pages.length <= 1) {
    await queryClient.invalidateQueries({ queryKey: key, exact: true });
    return;
  }
  let newest: Page<LedgerEntry>;
  try {
    newest = await api<Page<LedgerEntry>>(WALLET_ENTRIES_PATH, { query: { limit: WALLET_ENTRIES_PAGE_SIZE } });
  } catch {
    await queryClient.invalidateQueries({ queryKey: key, exact: true });
    return;
  }
  const known = new Set(cached.pages.flatMap((page) => page.items.map((entry) => entry.id)));
  if (newest.nextCursor && newest.items.every((entry) => !known.has(entry.id))) {
    await queryClient.resetQueries({ queryKey: key, exact: true });
    return;
  }
  queryClient.setQueryData<EntryPages>(key, (data) => {
    if (!data || data.pages.length === 0) return data;
    // Re-checked against the latest data: two events close together fetch overlapping pages.
    const present = new Set(data.pages.flatMap((page) => page.items.map((entry) => entry.id)));
    const fresh = newest.items.filter((entry) => !present.has(entry.id));
    if (fresh.length === 0) return data;
    const [first, ...rest] = data.pages;
    return { ...data, pages: [{ ...first!, items: [...fresh, ...first!.items] }, ...rest] };
  });
}
