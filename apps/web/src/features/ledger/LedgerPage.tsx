import { useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ENTRY_TYPES, type EntryType } from '@tradeloop/domain';
import { flattenPages } from '../../lib/pages';
import { isUuid } from '../../lib/ledger';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadMore } from '../../components/LoadMore';
import { useCsvExport } from '../../lib/csv-export';
import { EMPTY_FILTERS, toLedgerQuery, useLedgerEntries, useVerifyLedger, type LedgerFilters } from './ledger-api';
import { LedgerFiltersBar } from './LedgerFiltersBar';
import { LedgerTable } from './LedgerTable';
import { TransactionDrawer } from './TransactionDrawer';
import { VerifyResultCard } from './VerifyResultCard';
import './ledger.css';

/** `?userId=` and `?type=` preset the filters (links from elsewhere); `?tx=` opens a transaction. */
function filtersFromUrl(params: URLSearchParams): LedgerFilters {
  const type = params.get('type') ?? '';
  return {
    ...EMPTY_FILTERS,
    userId: params.get('userId') ?? '',
    type: (ENTRY_TYPES as readonly string[]).includes(type) ? (type as EntryType) : '',
  };
}

export function LedgerPage() {
  const [params, setParams] = useSearchParams();
  // Filters live in state, not the URL: a controlled input must update in the same tick as the keystroke.
  const [filters, setFilters] = useState<LedgerFilters>(() => filtersFromUrl(params));
  const openTx = params.get('tx');
  const openTransactionId = openTx && isUuid(openTx) ? openTx.toLowerCase() : null;

  const query = useMemo(() => toLedgerQuery(filters), [filters]);
  const entries = useLedgerEntries(query);
  const rows = useMemo(() => flattenPages(entries.data?.pages), [entries.data]);
  const verify = useVerifyLedger();
  const exporter = useCsvExport();

  const setOpenTx = useCallback(
    (id: string | null) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (id) next.set('tx', id);
          else next.delete('tx');
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  const closeDrawer = useCallback(() => setOpenTx(null), [setOpenTx]);
  const filterByUser = useCallback((userId: string) => setFilters((f) => ({ ...f, userId })), []);

  return (
    <div className={`page${openTransactionId ? ' page-with-drawer' : ''}`}>
      <PageHeader
        section="Compliance"
        title="Ledger"
        meta={<span className="muted">Every entry of every wallet, newest first. Click a row to inspect its transaction.</span>}
        actions={
          <>
            <button
              type="button"
              className="button"
              onClick={() =>
                exporter.mutate({
                  path: '/api/v1/compliance/ledger/export.csv',
                  query: { ...query },
                  fallbackName: 'ledger.csv',
                  first: 'entry',
                })
              }
              disabled={exporter.isPending}
              title="Download the entries matching the filters as CSV (oldest first)"
              data-testid="ledger-export"
            >
              {exporter.isPending ? 'Exporting…' : '⇩ Export CSV'}
            </button>
            <button
              type="button"
              className="button button-primary"
              onClick={() => verify.mutate()}
              disabled={verify.isPending}
              title="Recompute every content hash, chain link and balance"
              data-testid="ledger-verify"
            >
              {verify.isPending ? 'Verifying…' : '✓ Verify ledger'}
            </button>
          </>
        }
      />
      {verify.isError && <ErrorNotice error={verify.error} onRetry={() => verify.mutate()} />}
      {verify.data && (
        <VerifyResultCard
          result={verify.data}
          checkedAt={verify.submittedAt}
          onOpenTransaction={setOpenTx}
          onUserClick={filterByUser}
          onDismiss={() => verify.reset()}
        />
      )}
      <LedgerFiltersBar
        filters={filters}
        onChange={setFilters}
        onRefresh={() => void entries.refetch()}
        refreshing={entries.isFetching && !entries.isFetchingNextPage}
      />
      {entries.isError && <ErrorNotice error={entries.error} onRetry={() => void entries.refetch()} />}
      <LedgerTable
        entries={rows}
        loading={entries.isPending}
        selectedTransactionId={openTransactionId}
        onOpen={setOpenTx}
        onUserClick={filterByUser}
      />
      {!entries.isPending && (
        <LoadMore
          hasMore={entries.hasNextPage}
          loading={entries.isFetchingNextPage}
          onLoadMore={() => void entries.fetchNextPage()}
          shown={rows.length}
          noun={rows.length === 1 ? 'entry' : 'entries'}
        />
      )}
      <TransactionDrawer transactionId={openTransactionId} onClose={closeDrawer} onUserClick={filterByUser} />
    </div>
  );
}
