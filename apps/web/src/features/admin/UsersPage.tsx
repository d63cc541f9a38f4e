import { useMemo, useState } from 'react';
import type { AdminUser } from '@tradeloop/contracts';
import { useDebouncedValue } from '../../lib/useDebouncedValue';
import { flattenPages } from '../../lib/pages';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadMore } from '../../components/LoadMore';
import { useAdminUsers, type UserFilters } from './users-api';
import { UserFiltersBar } from './UserFiltersBar';
import { UsersTable } from './UsersTable';
import { EditUserDialog } from './EditUserDialog';
import { UserBrokerAccountsDrawer } from './UserBrokerAccountsDrawer';

const SEARCH_DEBOUNCE_MS = 250;

export function UsersPage() {
  const [search, setSearch] = useState('');
  const [filters, setFilters] = useState<Omit<UserFilters, 'query'>>({ role: '', status: '' });
  const [editing, setEditing] = useState<AdminUser | null>(null);
  const [brokersOf, setBrokersOf] = useState<AdminUser | null>(null);
  const query = useDebouncedValue(search, SEARCH_DEBOUNCE_MS);

  const users = useAdminUsers({ ...filters, query });
  const rows = useMemo(() => flattenPages(users.data?.pages), [users.data]);
  const searching = users.isFetching && !users.isFetchingNextPage;

  return (
    <div className="page">
      <PageHeader section="Admin" title="Users" meta={searching ? <span className="spinner" aria-label="Loading" /> : null} />
      <UserFiltersBar search={search} onSearchChange={setSearch} filters={filters} onFiltersChange={setFilters} />
      {users.isError && <ErrorNotice error={users.error} onRetry={() => void users.refetch()} />}
      <UsersTable users={rows} loading={users.isPending} onEdit={setEditing} onBrokers={setBrokersOf} />
      {!users.isPending && (
        <LoadMore
          hasMore={users.hasNextPage}
          loading={users.isFetchingNextPage}
          onLoadMore={() => void users.fetchNextPage()}
          shown={rows.length}
          noun={rows.length === 1 ? 'user' : 'users'}
        />
      )}
      <EditUserDialog user={editing} onClose={() => setEditing(null)} />
      <UserBrokerAccountsDrawer user={brokersOf} onClose={() => setBrokersOf(null)} />
    </div>
  );
}
