import { useCurrentUser } from '../../lib/auth';
import { formatDateTime } from '../../lib/format';
import { PageHeader } from '../../components/PageHeader';
import { RoleChips } from '../../components/RoleChips';
import { ChangePasswordForm } from './ChangePasswordForm';
import { MfaDisable } from './MfaDisable';
import { MfaEnrolment } from './MfaEnrolment';
import { TimeZonePreference } from './TimeZonePreference';
import './auth.css';

export function AccountPage() {
  const { data: user } = useCurrentUser();
  if (!user) return null;
  return (
    <div className="page page-narrow">
      <PageHeader section="Account" title="Account & security" />
      <section className="panel">
        <h2 className="panel-title">Profile</h2>
        <dl className="properties">
          <dt>Name</dt>
          <dd>{user.displayName}</dd>
          <dt>Email</dt>
          <dd className="mono">{user.email}</dd>
          <dt>Roles</dt>
          <dd>
            <RoleChips roles={user.roles} />
          </dd>
          <dt>User ID</dt>
          <dd className="mono">{user.id}</dd>
          <dt>Member since</dt>
          <dd className="mono" data-testid="member-since">
            {formatDateTime(user.createdAt)}
          </dd>
        </dl>
      </section>
      <section className="panel">
        <h2 className="panel-title">Preferences</h2>
        <TimeZonePreference />
      </section>
      <section className="panel">
        <h2 className="panel-title">
          Two-factor authentication
          <span className={`badge ${user.mfaEnabled ? 'badge-positive' : 'badge-warning'}`} data-testid="mfa-status">
            {user.mfaEnabled ? 'On' : 'Off'}
          </span>
        </h2>
        {user.mfaEnabled ? <MfaDisable /> : <MfaEnrolment />}
      </section>
      <section className="panel">
        <h2 className="panel-title">Change password</h2>
        <ChangePasswordForm />
      </section>
    </div>
  );
}
