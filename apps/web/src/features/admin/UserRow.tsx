import type { AdminUser } from '@tradeloop/contracts';
import { RoleChips } from '../../components/RoleChips';
import { formatDateTime, formatRelative } from '../../lib/format';

export function UserRow({
  user,
  onEdit,
  onBrokers,
}: {
  user: AdminUser;
  onEdit: (user: AdminUser) => void;
  onBrokers: (user: AdminUser) => void;
}) {
  return (
    <tr data-testid="user-row" data-user-id={user.id} className={user.disabled ? 'row-muted' : undefined}>
      <td className="mono" data-testid="user-email">
        {user.email}
      </td>
      <td>{user.displayName}</td>
      <td>
        <RoleChips roles={user.roles} />
      </td>
      <td>
        <span className={user.mfaEnabled ? 'text-positive' : 'muted'} data-testid="user-mfa">
          {user.mfaEnabled ? 'Yes' : 'No'}
        </span>
      </td>
      <td>
        <span className={`status ${user.disabled ? 'status-negative' : 'status-positive'}`} data-testid="user-status">
          {user.disabled ? 'Disabled' : 'Active'}
        </span>
      </td>
      <td className="mono" title={formatDateTime(user.lastLoginAt)}>
        {formatRelative(user.lastLoginAt)}
      </td>
      <td className="mono muted">{formatDateTime(user.createdAt)}</td>
      <td className="col-actions">
        <button
          type="button"
          className="button button-small button-ghost"
          onClick={() => onBrokers(user)}
          data-testid="user-brokers"
          aria-label={`Broker accounts of ${user.email}`}
        >
          Brokers
        </button>{' '}
        <button
          type="button"
          className="button button-small"
          onClick={() => onEdit(user)}
          data-testid="edit-user"
          aria-label={`Edit ${user.email}`}
        >
          Edit
        </button>
      </td>
    </tr>
  );
}
