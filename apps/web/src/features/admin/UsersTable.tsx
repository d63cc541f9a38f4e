import type { AdminUser } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { UserRow } from './UserRow';

interface UsersTableProps {
  users: AdminUser[];
  loading: boolean;
  onEdit: (user: AdminUser) => void;
  onBrokers: (user: AdminUser) => void;
}

export function UsersTable({ users, loading, onEdit, onBrokers }: UsersTableProps) {
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
            <th scope="col">Created</th>
            <th scope="col" className="col-actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <UserRow key={user.id} user={user} onEdit={onEdit} onBrokers={onBrokers} />
          ))}
        </tbody>
      </table>
      {loading && <div className="table-placeholder muted">Loading users…</div>}
      {!loading && users.length === 0 && <EmptyState title="No users match these filters." />}
    </div>
  );
}
