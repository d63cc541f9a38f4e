import type { AdminUser } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { UserRow } from './UserRow';
import type { CredentialReset } from './CredentialResetDialog';

interface UsersTableProps {
  users: AdminUser[];
  loading: boolean;
  onEdit: (user: AdminUser) => void;
  onBrokers: (user: AdminUser) => void;
  onReset: (reset: CredentialReset) => void;
  /** The signed-in admin's id (their own row offers no resets). */
  selfId: string | undefined;
}

export function UsersTable({ users, loading, onEdit, onBrokers, onReset, selfId }: UsersTableProps) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="users-table">
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Roles</th>
            <th scope="col">MFA</th>
            <th scope="col">Status</th>
            <th scope="col">Last login</th>
            <th scope="col" className="users-col-created">
              Created
            </th>
            <th scope="col" className="col-actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <UserRow key={user.id} user={user} isSelf={user.id === selfId} onEdit={onEdit} onBrokers={onBrokers} onReset={onReset} />
          ))}
        </tbody>
      </table>
      {loading && <div className="table-placeholder muted">Loading users…</div>}
      {!loading && users.length === 0 && <EmptyState title="No users match these filters." />}
    </div>
  );
}
