import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { ComplianceCase } from '@tradeloop/contracts';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadMore } from '../../components/LoadMore';
import { useCurrentUser } from '../../lib/auth';
import { isUuid } from '../../lib/ledger';
import { flattenPages } from '../../lib/pages';
import { CaseDrawer } from './CaseDrawer';
import { CasesTable } from './CasesTable';
import { HoldingsBaselinePanel } from './HoldingsBaselinePanel';
import { ResolveCaseDialog } from './ResolveCaseDialog';
import { EMPTY_CASE_FILTERS, useComplianceCases, type CaseFilters } from './reconciliation-api';
import { CaseFiltersBar } from './CaseFiltersBar';
import './reconciliation.css';

/**
 * Compliance → Reconciliation: what the daily broker reconciliation found (docs/api.md "Compliance
 * cases"), each case's figures, resolving one with a note, and an account's opening holdings
 * baseline. `?accountId=` presets the account (e.g. a link from elsewhere).
 */
export function ReconciliationPage() {
  const [params, setParams] = useSearchParams();
  const [filters, setFilters] = useState<CaseFilters>(() => {
    const accountId = params.get('accountId') ?? '';
    return { ...EMPTY_CASE_FILTERS, status: 'open', accountId: isUuid(accountId) ? accountId.toLowerCase() : '' };
  });
  // The account stays in the URL (a reload or a shared link keeps it); the status is the page's own.
  const urlAccount = params.get('accountId') ?? '';
  useEffect(() => {
    if (urlAccount === filters.accountId) return;
    setParams(
      (p) => {
        const q = new URLSearchParams(p);
        if (filters.accountId) q.set('accountId', filters.accountId);
        else q.delete('accountId');
        return q;
      },
      { replace: true },
    );
  }, [filters.accountId, urlAccount, setParams]);
  const cases = useComplianceCases(filters);
  const rows = useMemo(() => flattenPages(cases.data?.pages), [cases.data]);
  const user = useCurrentUser();
  const canResolve = user.data?.roles.includes('compliance') ?? false;

  // Compliance cannot list broker accounts: the ones to filter by are those the cases name.
  const [seenAccounts, setSeenAccounts] = useState<string[]>(() => (filters.accountId ? [filters.accountId] : []));
  const rowAccounts = useMemo(() => [...new Set(rows.map((c) => c.accountId))], [rows]);
  if (rowAccounts.some((id) => !seenAccounts.includes(id))) setSeenAccounts((prev) => [...new Set([...prev, ...rowAccounts])]);

  // The case shown: the freshest copy from the list, else the last one seen (e.g. just resolved, filtered out).
  const [selected, setSelected] = useState<ComplianceCase | null>(null);
  const shown = selected ? (rows.find((c) => c.id === selected.id) ?? selected) : null;
  const [resolving, setResolving] = useState<ComplianceCase | null>(null);
  const closeResolve = useCallback(() => setResolving(null), []);
  const closeDrawer = useCallback(() => setSelected(null), []);
  const filterByAccount = useCallback((accountId: string) => {
    setSeenAccounts((prev) => (prev.includes(accountId) ? prev : [...prev, accountId]));
    setFilters((f) => ({ ...f, accountId }));
  }, []);

  return (
    <div className={`page${shown ? ' page-with-drawer' : ''}`}>
      <PageHeader
        section="Compliance"
        title="Reconciliation"
        meta={
          <span className="muted">
            What the daily broker reconciliation found, newest first. Click a case for its figures; pick an account for its holdings
            baseline.
          </span>
        }
      />
      <CaseFiltersBar
        filters={filters}
        onChange={setFilters}
        accounts={seenAccounts}
        onRefresh={() => void cases.refetch()}
        refreshing={cases.isFetching && !cases.isFetchingNextPage}
      />
      {filters.accountId && <HoldingsBaselinePanel key={filters.accountId} accountId={filters.accountId} />}
      {cases.isError && <ErrorNotice error={cases.error} onRetry={() => void cases.refetch()} />}
      <CasesTable
        cases={rows}
        loading={cases.isPending}
        selectedId={shown?.id ?? null}
        onOpen={(id) => setSelected(rows.find((c) => c.id === id) ?? null)}
        canResolve={canResolve}
        onResolve={setResolving}
        onAccountClick={filterByAccount}
      />
      {!cases.isPending && (
        <LoadMore
          hasMore={cases.hasNextPage}
          loading={cases.isFetchingNextPage}
          onLoadMore={() => void cases.fetchNextPage()}
          shown={rows.length}
          noun={rows.length === 1 ? 'case' : 'cases'}
        />
      )}
      <CaseDrawer c={shown} onClose={closeDrawer} canResolve={canResolve} onResolve={setResolving} onAccountClick={filterByAccount} />
      <ResolveCaseDialog
        target={resolving}
        onClose={closeResolve}
        onResolved={(resolved) => {
          if (selected?.id === resolved.id) setSelected(resolved);
        }}
      />
    </div>
  );
}
