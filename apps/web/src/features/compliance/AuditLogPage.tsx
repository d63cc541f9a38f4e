import { useMemo, useState } from 'react';
import { flattenPages } from '../../lib/pages';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadMore } from '../../components/LoadMore';
import { useCsvExport } from '../../lib/csv-export';
import { EMPTY_AUDIT_FILTERS, toAuditQuery, useAuditEvents, type AuditFilters } from './audit-api';
import { AuditFiltersBar } from './AuditFiltersBar';
import { AuditTable } from './AuditTable';

/**
 * Compliance → Audit log. Test ids: audit-table, audit-row (audit-action, audit-actor,
 * audit-subject), audit-action-filter, audit-actor-filter (a UserFilter), audit-from / audit-to,
 * audit-clear-filters, audit-export.
 */
export function AuditLogPage() {
  const [filters, setFilters] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  const query = useMemo(() => toAuditQuery(filters), [filters]);
  const events = useAuditEvents(query);
  const exporter = useCsvExport();
  const rows = useMemo(() => flattenPages(events.data?.pages), [events.data]);

  return (
    <div className="page">
      <PageHeader
        section="Compliance"
        title="Audit log"
        meta={<span className="muted">Append-only record of security and money events, newest first</span>}
        actions={
          <button
            type="button"
            className="button"
            onClick={() =>
              exporter.mutate({
                path: '/api/v1/compliance/audit/export.csv',
                query: { ...query },
                fallbackName: 'audit.csv',
                first: 'event',
              })
            }
            disabled={exporter.isPending}
            title="Download the events matching the filters as CSV (oldest first); the export is itself audited"
            data-testid="audit-export"
          >
            {exporter.isPending ? 'Exporting…' : '⇩ Export CSV'}
          </button>
        }
      />
      <AuditFiltersBar
        filters={filters}
        onChange={setFilters}
        onRefresh={() => void events.refetch()}
        refreshing={events.isFetching && !events.isFetchingNextPage}
      />
      {events.isError && <ErrorNotice error={events.error} onRetry={() => void events.refetch()} />}
      <AuditTable events={rows} loading={events.isPending} onActorClick={(actorId) => setFilters({ ...filters, actorId })} />
      {!events.isPending && (
        <LoadMore
          hasMore={events.hasNextPage}
          loading={events.isFetchingNextPage}
          onLoadMore={() => void events.fetchNextPage()}
          shown={rows.length}
          noun={rows.length === 1 ? 'event' : 'events'}
        />
      )}
    </div>
  );
}
