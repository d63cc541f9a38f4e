/** Query keys and paging shared by the wallet pages and the realtime sync that keeps them fresh. */
export const walletQueryKey = ['wallet', 'me'] as const;
export const walletEntriesQueryKey = ['wallet', 'entries'] as const;
export const adminWalletsQueryKey = ['admin', 'wallets'] as const;
export const adminWalletQueryKey = (userId: string) => [...adminWalletsQueryKey, userId] as const;

export const WALLET_ENTRIES_PATH = '/api/v1/wallet/entries';
export const WALLET_ENTRIES_PAGE_SIZE = 50;
