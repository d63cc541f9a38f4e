/*
 * Admin → Users: search and filters, roles and disabling, new accounts, password and MFA resets;
 * a user's email opens their page (AdminUserPage).
 *
 * Test ids:
 *   users-table, user-row (data-user-id), user-email, user-mfa, user-status, user-temporary
 *   user-open                       a user's email: opens /admin/users/:id
 *   edit-user → edit-user-dialog    roles (role-<role>), toggle-disabled, save-user
 *   user-brokers → user-broker-accounts (drawer)
 *   new-user → new-user-dialog      new-user-email, new-user-name, new-user-role-<role>, new-user-submit,
 *                                   new-user-error; then new-user-created (data-user-id), temporary-password,
 *                                   new-user-open, new-user-done
 *   user-reset → credential-reset-dialog: credential-reset-kind-password / credential-reset-kind-mfa (disabled
 *                                   while MFA is off), credential-reset-confirm, credential-reset-error; for a
 *                                   password then temporary-password-dialog: temporary-password, temporary-password-done
 */
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
import { NewUserDialog } from './NewUserDialog';
import { CredentialResetDialog, type CredentialReset } from './CredentialResetDialog';
import { useCurrentUser } from '../../lib/auth';
import './admin.css';

const SEARCH_DEBOUNCE_MS = 250;

export function UsersPage() {
  const [search, setSearch] = useState('');
  const [filters, setFilters] = useState<Omit<UserFilters, 'query'>>({ role: '', status: '' });
  const [editing, setEditing] = useState<AdminUser | null>(null);
  const [brokersOf, setBrokersOf] = useState<AdminUser | null>(null);
  const [creating, setCreating] = useState(false);
  const [reset, setReset] = useState<CredentialReset | null>(null);
  const me = useCurrentUser().data;
  const query = useDebouncedValue(search, SEARCH_DEBOUNCE_MS);

  const users = useAdminUsers({ ...filters, query });
  const rows = useMemo(() => flattenPages(users.data?.pages), [users.data]);
  const searching = users.isFetching && !users.isFetchingNextPage;

  return (
    <div className="page">
      <PageHeader
        section="Admin"
        title="Users"
        meta={searching ? <span className="spinner" aria-label="Loading" /> : null}
        actions={
          <button type="button" className="button button-primary" onClick={() => setCreating(true)} data-testid="new-user">
            New user
          </button>
        }
      />
      <UserFiltersBar search={search} onSearchChange={setSearch} filters={filters} onFiltersChange={setFilters} />
      {users.isError && <ErrorNotice error={users.error} onRetry={() => void users.refetch()} />}
      <UsersTable users={rows} loading={users.isPending} onEdit={setEditing} onBrokers={setBrokersOf} onReset={setReset} selfId={me?.id} />
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
      <NewUserDialog open={creating} onClose={() => setCreating(false)} />
      <CredentialResetDialog reset={reset} onClose={() => setReset(null)} />
    </div>
  );
}
