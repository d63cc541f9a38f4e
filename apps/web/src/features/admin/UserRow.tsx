import { Link } from 'react-router-dom';
import type { AdminUser } from '@tradeloop/contracts';
import { RoleChips } from '../../components/RoleChips';
import { formatDateTime, formatRelative } from '../../lib/format';
import type { CredentialReset } from './CredentialResetDialog';

export function UserRow({
  user,
  isSelf,
  onEdit,
  onBrokers,
  onReset,
}: {
  user: AdminUser;
  /** The signed-in admin's own row: no resets (Account asks for their password). */
  isSelf: boolean;
  onEdit: (user: AdminUser) => void;
  onBrokers: (user: AdminUser) => void;
  onReset: (reset: CredentialReset) => void;
}) {
  return (
    <tr data-testid="user-row" data-user-id={user.id} className={user.disabled ? 'row-muted' : undefined}>
      <td className="mono users-col-email" data-testid="user-email">
        <Link className="tx-link" to={`/admin/users/${user.id}`} data-testid="user-open" aria-label={`Open ${user.email}`}>
          {user.email}
        </Link>
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
        {user.credentialChangeRequired && (
          <span
            className="chip chip-warning user-temporary-chip"
            title="Signs in with a temporary password an admin issued"
            data-testid="user-temporary"
          >
            temp password
          </span>
        )}
      </td>
      <td className="mono users-col-nowrap" title={formatDateTime(user.lastLoginAt)}>
        {formatRelative(user.lastLoginAt)}
      </td>
      <td className="mono muted users-col-created users-col-nowrap">{formatDateTime(user.createdAt)}</td>
      <td className="col-actions">
        <button
          type="button"
          className="button button-small button-ghost"
          onClick={() => onBrokers(user)}
          data-testid="user-brokers"
          aria-label={`Brokers: broker accounts of ${user.email}`}
        >
          Brokers
        </button>{' '}
        {!isSelf && (
          <>
            <button
              type="button"
              className="button button-small button-ghost"
              onClick={() => onReset({ user })}
              data-testid="user-reset"
              aria-label={`Reset the password or two-factor authentication of ${user.email}`}
            >
              Reset…
            </button>{' '}
          </>
        )}
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
