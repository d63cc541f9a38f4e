/** Everything the ledger explorer caches lives under this key. */
export const ledgerQueryKey = ['compliance', 'ledger'] as const;
