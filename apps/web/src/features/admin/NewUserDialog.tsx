import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { IssuedPassword } from '@tradeloop/contracts';
import { normalizeRoles, ROLES, type Role } from '@tradeloop/domain';
import { Dialog } from '../../components/Dialog';
import { describeError, isApiError } from '../../lib/api';
import { ROLE_HINTS } from './EditUserForm';
import { TemporaryPassword } from './TemporaryPassword';
import { useCreateUser } from './users-api';

const FIELDS = ['email', 'displayName', 'roles'] as const;

/** Admin → Users → New user: email, name and roles; then the temporary password, shown once. */
export function NewUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title="New user" onClose={onClose} testId="new-user-dialog">
      {open && <NewUserForm onDone={onClose} />}
    </Dialog>
  );
}

function NewUserForm({ onDone }: { onDone: () => void }) {
  const create = useCreateUser();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [roles, setRoles] = useState<Role[]>(['trader']);
  const [issued, setIssued] = useState<IssuedPassword | null>(null);

  if (issued) {
    return (
      <div className="stack">
        <div className="dialog-subject" data-testid="new-user-created" data-user-id={issued.user.id}>
          <strong>{issued.user.displayName}</strong>
          <span className="mono muted">{issued.user.email}</span>
        </div>
        <TemporaryPassword email={issued.user.email} password={issued.temporaryPassword} />
        <div className="dialog-footer">
          <Link className="button button-ghost" to={`/admin/users/${issued.user.id}`} onClick={onDone} data-testid="new-user-open">
            Open their page
          </Link>
          <button type="button" className="button button-primary" onClick={onDone} data-testid="new-user-done">
            Done
          </button>
        </div>
      </div>
    );
  }

  const problem = isApiError(create.error) ? create.error : null;
  const errorsOf = (field: (typeof FIELDS)[number]) => problem?.messagesFor(field) ?? [];
  const placed = FIELDS.some((f) => errorsOf(f).length > 0);
  const toggle = (role: Role) => setRoles((prev) => (prev.includes(role) ? prev.filter((r) => r !== role) : [...prev, role]));
  const complete = email.trim() !== '' && displayName.trim() !== '' && roles.length > 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!complete || create.isPending) return;
    create.mutate({ email: email.trim(), displayName: displayName.trim(), roles: normalizeRoles(roles) }, { onSuccess: setIssued });
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="new-user-fields">
        <label className="field">
          <span className="label">Email</span>
          <input
            className="input"
            type="email"
            autoComplete="off"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={errorsOf('email').length > 0 || undefined}
            data-testid="new-user-email"
          />
          {errorsOf('email').length > 0 && <span className="field-error">{errorsOf('email').join('; ')}</span>}
        </label>
        <label className="field">
          <span className="label">Name</span>
          <input
            className="input"
            autoComplete="off"
            maxLength={100}
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            aria-invalid={errorsOf('displayName').length > 0 || undefined}
            data-testid="new-user-name"
          />
          {errorsOf('displayName').length > 0 && <span className="field-error">{errorsOf('displayName').join('; ')}</span>}
        </label>
      </div>
      <fieldset className="fieldset">
        <legend>Roles</legend>
        {ROLES.map((role) => (
          <label key={role} className="check-row">
            <input type="checkbox" checked={roles.includes(role)} onChange={() => toggle(role)} data-testid={`new-user-role-${role}`} />
            <span className={`chip chip-role chip-role-${role}`}>{role}</span>
            <span className="muted">{ROLE_HINTS[role]}</span>
          </label>
        ))}
        {roles.length === 0 && <p className="field-hint">Pick at least one role.</p>}
        {errorsOf('roles').length > 0 && <p className="field-error">{errorsOf('roles').join('; ')}</p>}
      </fieldset>
      <p className="muted">
        Tradeloop picks a temporary password and shows it once, here. They sign in with it and choose their own straight away.
      </p>
      {create.isError && !placed && (
        <div className="notice notice-error" role="alert" data-testid="new-user-error">
          {describeError(create.error)}
        </div>
      )}
      <div className="dialog-footer">
        <button type="button" className="button button-ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={!complete || create.isPending} data-testid="new-user-submit">
          {create.isPending ? 'Creating…' : 'Create user'}
        </button>
      </div>
    </form>
  );
}
