import { useMemo, useState } from 'react';
import { flattenPages } from '../../lib/pages';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadMore } from '../../components/LoadMore';
import { useAuditEvents, type AuditFilters } from './audit-api';
import { AuditFiltersBar } from './AuditFiltersBar';
import { AuditTable } from './AuditTable';

export function AuditLogPage() {
  const [filters, setFilters] = useState<AuditFilters>({ action: '', actorId: '' });
  const events = useAuditEvents(filters);
  const rows = useMemo(() => flattenPages(events.data?.pages), [events.data]);

  return (
    <div className="page">
      <PageHeader
        section="Compliance"
        title="Audit log"
        meta={<span className="muted">Append-only record of security and money events, newest first</span>}
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
