import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { ListedLedgerEntry, Page, Wallet } from '@tradeloop/contracts';
import { api } from '../../lib/api';
import { WALLET_ENTRIES_PAGE_SIZE, WALLET_ENTRIES_PATH, walletEntriesQueryKey, walletQueryKey } from '../../lib/wallet-keys';

/** The caller's own balances; `wallet.updated` events replace the cached value as they arrive. */
export function useWallet() {
  return useQuery({
    queryKey: walletQueryKey,
    queryFn: ({ signal }) => api<Wallet>('/api/v1/wallet', { signal }),
  });
}

/** The caller's ledger entries, newest first, one cursor page at a time. */
export function useWalletEntries() {
  return useInfiniteQuery({
    queryKey: walletEntriesQueryKey,
    queryFn: ({ pageParam, signal }) =>
      api<Page<ListedLedgerEntry>>(WALLET_ENTRIES_PATH, { signal, query: { limit: WALLET_ENTRIES_PAGE_SIZE, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
