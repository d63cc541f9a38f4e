import type { AdminUser } from '@tradeloop/contracts';
import { ErrorNotice } from '../../components/ErrorNotice';
import { RoleChips } from '../../components/RoleChips';
import { formatDateTime } from '../../lib/format';
import { RiskLimitsForm } from './RiskLimitsForm';
import { useSwitches, useUserLimits, type SwitchChange } from './risk-admin-api';
import '../funding/funding.css';
import '../trade/risk.css';

/**
 * The picked user: who they are (unless the page already says it, `subject={false}`), their kill
 * switch as the server reports it, and their limits.
 */
export function UserRiskPanel({
  user,
  onChange,
  subject = true,
}: {
  user: AdminUser;
  onChange: (c: SwitchChange) => void;
  subject?: boolean;
}) {
  const limits = useUserLimits(user.id);
  const switches = useSwitches(user.id);
  const own = switches.data?.user ?? null;
  const change = (engaged: boolean) => onChange({ scope: 'user', userId: user.id, label: user.email, engaged });
  return (
    <>
      {subject && (
        <div className="funding-subject" data-testid="risk-admin-user" data-user-id={user.id}>
          <div className="funding-subject-name">
            <strong>{user.displayName}</strong>
            <span className="mono muted">{user.email}</span>
            <RoleChips roles={user.roles} />
          </div>
        </div>
      )}
      <div className={`risk-switch${own?.engaged ? ' risk-switch-engaged' : ''}`}>
        {switches.isError ? (
          <ErrorNotice error={switches.error} onRetry={() => void switches.refetch()} />
        ) : (
          <div className="row">
            <div className="risk-switch-state" data-testid="user-kill-switch-state" data-engaged={own ? String(own.engaged) : ''}>
              <span className={`status ${own?.engaged ? 'status-negative' : 'status-positive'}`}>
                Kill switch: {!own ? 'loading…' : own.engaged ? 'ENGAGED — new exposure refused' : 'released'}
              </span>
              {own?.at && (
                <span className="muted">
                  {own.reason ?? 'no reason'} · {formatDateTime(own.at)}
                </span>
              )}
            </div>
            <span className="toolbar-spacer" />
            {own &&
              (own.engaged ? (
                <button type="button" className="button button-small" onClick={() => change(false)} data-testid="user-kill-switch-release">
                  Release
                </button>
              ) : (
                <button
                  type="button"
                  className="button button-danger button-small"
                  onClick={() => change(true)}
                  data-testid="user-kill-switch-engage"
                >
                  Engage
                </button>
              ))}
          </div>
        )}
      </div>
      {limits.isError ? (
        <ErrorNotice error={limits.error} onRetry={() => void limits.refetch()} />
      ) : limits.data ? (
        <RiskLimitsForm key={user.id} userId={user.id} email={user.email} limits={limits.data} />
      ) : (
        <span className="muted">Loading limits…</span>
      )}
    </>
  );
}
