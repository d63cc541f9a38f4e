import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { AdminUser, AdminUserPatch, User } from '@tradeloop/contracts';
import { normalizeRoles, ROLES, type Role } from '@tradeloop/domain';
import { meQueryKey } from '../../lib/auth';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useUpdateUser } from './users-api';

export const ROLE_HINTS: Record<Role, string> = {
  admin: 'Operates the platform: users, wallets, kill switches',
  trader: 'Places orders and holds positions',
  quant: 'Uploads and promotes models, runs strategies',
  compliance: 'Reads the ledger and audit log',
  viewer: 'Read-only portfolio access',
};

/** Roles and the disabled flag of one user; only what changed is sent. */
export function EditUserForm({ user, onDone }: { user: AdminUser; onDone: () => void }) {
  const update = useUpdateUser();
  const queryClient = useQueryClient();
  const [roles, setRoles] = useState<Role[]>(user.roles);
  const [disabled, setDisabled] = useState(user.disabled);

  const isSelf = queryClient.getQueryData<User>(meQueryKey)?.id === user.id;
  const nextRoles = normalizeRoles(roles);
  const patch: AdminUserPatch = {
    ...(nextRoles.join() !== normalizeRoles(user.roles).join() ? { roles: nextRoles } : {}),
    ...(disabled !== user.disabled ? { disabled } : {}),
  };
  const dirty = Object.keys(patch).length > 0;

  const toggleRole = (role: Role) => setRoles((prev) => (prev.includes(role) ? prev.filter((r) => r !== role) : [...prev, role]));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (dirty && !update.isPending) update.mutate({ id: user.id, patch }, { onSuccess: onDone });
  };

  return (
    <form className="form" onSubmit={submit}>
      <div className="dialog-subject">
        <strong>{user.displayName}</strong>
        <span className="mono muted">{user.email}</span>
      </div>
      {isSelf && (
        <div className="notice notice-warning" role="note">
          This is your own account: removing admin or disabling it locks you out of Admin.
        </div>
      )}
      <fieldset className="fieldset">
        <legend>Roles</legend>
        {ROLES.map((role) => (
          <label key={role} className="check-row">
            <input type="checkbox" checked={roles.includes(role)} onChange={() => toggleRole(role)} data-testid={`role-${role}`} />
            <span className={`chip chip-role chip-role-${role}`}>{role}</span>
            <span className="muted">{ROLE_HINTS[role]}</span>
          </label>
        ))}
        {nextRoles.length === 0 && <p className="field-hint">With no roles the user can sign in but opens no section.</p>}
      </fieldset>
      <fieldset className="fieldset">
        <legend>Access</legend>
        <label className="switch-row">
          <input
            type="checkbox"
            role="switch"
            className="switch"
            checked={disabled}
            onChange={(e) => setDisabled(e.target.checked)}
            data-testid="toggle-disabled"
          />
          <span>
            <strong>Disabled</strong>
            <span className="muted"> — ends the user's sessions and blocks sign-in</span>
          </span>
        </label>
      </fieldset>
      {/* Also inline: the toast may be hard to see behind the modal's backdrop. */}
      {update.isError && <ErrorNotice error={update.error} />}
      <div className="dialog-footer">
        <button type="button" className="button button-ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={!dirty || update.isPending} data-testid="save-user">
          {update.isPending ? 'Saving…' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}
