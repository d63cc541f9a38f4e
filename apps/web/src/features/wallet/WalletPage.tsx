import { useCallback, useMemo } from 'react';
import { flattenPages } from '../../lib/pages';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadMore } from '../../components/LoadMore';
import { InfiniteScrollSentinel } from '../../components/InfiniteScrollSentinel';
import { WalletBalances } from '../../components/WalletBalances';
import { useWallet, useWalletEntries } from './wallet-api';
import { LiveIndicator } from './LiveIndicator';
import { WalletEntriesTable } from './WalletEntriesTable';

export function WalletPage() {
  const wallet = useWallet();
  const entries = useWalletEntries();
  const rows = useMemo(() => flattenPages(entries.data?.pages), [entries.data]);
  const { fetchNextPage } = entries;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  return (
    <div className="page">
      <PageHeader section="Portfolio" title="Wallet" meta={<LiveIndicator updatedAt={wallet.dataUpdatedAt} />} />
      {wallet.isError && <ErrorNotice error={wallet.error} onRetry={() => void wallet.refetch()} />}
      <WalletBalances wallet={wallet.data} testIdPrefix="wallet" />
      <h2 className="section-title">Ledger entries</h2>
      {entries.isError && <ErrorNotice error={entries.error} onRetry={() => void entries.refetch()} />}
      <WalletEntriesTable entries={rows} loading={entries.isPending} />
      {!entries.isPending && !entries.isError && (
        <>
          <InfiniteScrollSentinel hasMore={entries.hasNextPage} loading={entries.isFetchingNextPage} onLoadMore={loadMore} />
          <LoadMore
            hasMore={entries.hasNextPage}
            loading={entries.isFetchingNextPage}
            onLoadMore={loadMore}
            shown={rows.length}
            noun={rows.length === 1 ? 'entry' : 'entries'}
          />
        </>
      )}
    </div>
  );
}
