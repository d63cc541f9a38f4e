import { useCallback, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { flattenPages } from '../../lib/pages';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadMore } from '../../components/LoadMore';
import { InfiniteScrollSentinel } from '../../components/InfiniteScrollSentinel';
import { WalletBalances } from '../../components/WalletBalances';
import { useWallet, useWalletEntries } from './wallet-api';
import { LiveIndicator } from './LiveIndicator';
import { WalletEntriesTable, WalletOrderGroups } from './WalletEntriesTable';

/** Nothing in the wallet at all: nothing available, nothing held. */
const isEmptyWallet = (w: { total: string }) => /^0+(\.0+)?$/.test(w.total);

/**
 * A new trader's first question on an empty wallet: how money gets here, and what works without it.
 * Test id: wallet-funding-explainer.
 */
function FundingExplainer() {
  return (
    <section className="notice notice-info wallet-explainer" data-testid="wallet-funding-explainer">
      <strong>How money gets here.</strong> An administrator records each deposit (a bank transfer, with its reference), and it shows here
      at once, with the reference; withdrawals are recorded the same way. Paper trading does not need it: your paper account trades virtual
      money from its own balance, which you set in <Link to="/account/brokers">Account → Brokers</Link>.
    </section>
  );
}

export function WalletPage() {
  const wallet = useWallet();
  const entries = useWalletEntries();
  const rows = useMemo(() => flattenPages(entries.data?.pages), [entries.data]);
  const { fetchNextPage } = entries;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  // `?view=orders`: each order's hold, release and settlements in one row.
  const [params, setParams] = useSearchParams();
  const byOrder = params.get('view') === 'orders';

  return (
    <div className="page">
      <PageHeader section="Portfolio" title="Wallet" meta={<LiveIndicator updatedAt={wallet.dataUpdatedAt} />} />
      {wallet.isError && <ErrorNotice error={wallet.error} onRetry={() => void wallet.refetch()} />}
      <WalletBalances wallet={wallet.data} testIdPrefix="wallet" />
      {wallet.data && isEmptyWallet(wallet.data) && <FundingExplainer />}
      <div className="row wallet-entries-heading">
        <h2 className="section-title">Ledger entries</h2>
        <div className="toolbar-spacer" />
        <div className="segmented" role="group" aria-label="Show">
          <button
            type="button"
            className="segment"
            aria-pressed={!byOrder}
            onClick={() => setParams({}, { replace: true })}
            data-testid="wallet-view-entries"
          >
            Entries
          </button>
          <button
            type="button"
            className="segment"
            aria-pressed={byOrder}
            onClick={() => setParams({ view: 'orders' }, { replace: true })}
            data-testid="wallet-view-orders"
          >
            By order
          </button>
        </div>
      </div>
      {entries.isError && <ErrorNotice error={entries.error} onRetry={() => void entries.refetch()} />}
      {byOrder ? (
        <WalletOrderGroups entries={rows} loading={entries.isPending} />
      ) : (
        <WalletEntriesTable entries={rows} loading={entries.isPending} />
      )}
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
