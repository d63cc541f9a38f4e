import type { AdminUser } from '@tradeloop/contracts';
import { Drawer } from '../../components/Drawer';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Money } from '../../components/Money';
import { formatDateTime } from '../../lib/format';
import { toast } from 'sonner';
import { describeError } from '../../lib/api';
import { useAdminSetBrokerAccountDisabled, useAdminUserBrokerAccounts } from '../brokers/broker-accounts-api';
import { CREDENTIAL_LABEL, KIND_LABEL, sortAccounts } from '../brokers/broker-account-view';
import { BrokerStatus, MaskedCredentials } from '../brokers/BrokerStatus';
import '../brokers/brokers.css';

/**
 * Admin → Users → a user's broker accounts: kind, status (with its reason), default, masked
 * credentials and session, and the switch to disable one (its orders are then refused). Secrets
 * are never sent to an admin, so none can be shown. The drawer of the users list; the user's page
 * shows the same list (UserBrokerAccounts).
 *
 * Test ids: user-broker-accounts (drawer), user-broker-account-<id> (data-status, data-kind)
 */
export function UserBrokerAccountsDrawer({ user, onClose }: { user: AdminUser | null; onClose: () => void }) {
  return (
    <Drawer open={user !== null} title={user ? `Broker accounts · ${user.email}` : ''} onClose={onClose} testId="user-broker-accounts">
      {user && <UserBrokerAccounts user={user} />}
    </Drawer>
  );
}

/** The accounts the user owns or is assigned, each with its disable switch. */
export function UserBrokerAccounts({ user }: { user: Pick<AdminUser, 'id' | 'email'> }) {
  const accounts = useAdminUserBrokerAccounts(user.id);
  const setDisabled = useAdminSetBrokerAccountDisabled(user.id);
  const items = sortAccounts(accounts.data?.items ?? []);
  const toggle = (a: { id: string; name: string; status: string }) => {
    const disabled = a.status !== 'disabled';
    setDisabled.mutate(
      { id: a.id, disabled },
      {
        onSuccess: () => toast.success(`${a.name} ${disabled ? 'disabled: its orders are refused' : 'enabled'}`),
        onError: (error) => toast.error(`Could not change ${a.name}`, { description: describeError(error) }),
      },
    );
  };
  return (
    <>
      {accounts.isError ? (
        <ErrorNotice error={accounts.error} onRetry={() => void accounts.refetch()} />
      ) : accounts.isPending ? (
        <span className="muted">Loading accounts…</span>
      ) : items.length === 0 ? (
        <EmptyState title="This user has no broker accounts." />
      ) : (
        <ul className="admin-broker-list" aria-label={`Broker accounts of ${user.email}`}>
          {items.map((a) => (
            <li
              key={a.id}
              className="admin-broker-item"
              data-testid={`user-broker-account-${a.id}`}
              data-status={a.status}
              data-kind={a.kind}
            >
              <div className="broker-card-header">
                <div className="broker-card-title">
                  <strong className="broker-card-name">{a.name}</strong>
                  <span className={`chip ${a.kind === 'paper' ? 'chip-neutral' : 'chip-accent'}`}>{KIND_LABEL[a.kind]}</span>
                  {a.isDefault && <span className="badge badge-positive">Default</span>}
                  {a.ownerUserId === null && <span className="chip chip-warning">Firm account</span>}
                </div>
                <div className="row">
                  <BrokerStatus account={a} />
                  <button
                    type="button"
                    className="button button-small"
                    disabled={setDisabled.isPending}
                    onClick={() => toggle(a)}
                    aria-label={`${a.status === 'disabled' ? 'Enable' : 'Disable'} ${a.name}`}
                  >
                    {a.status === 'disabled' ? 'Enable' : 'Disable'}
                  </button>
                </div>
              </div>
              <dl className="properties properties-compact">
                {a.statusReason && (
                  <>
                    <dt>Reason</dt>
                    <dd>{a.statusReason}</dd>
                  </>
                )}
                <dt>Credentials</dt>
                <dd>
                  <MaskedCredentials credentials={a.credentials} labels={CREDENTIAL_LABEL} />
                </dd>
                {a.kind !== 'paper' && (
                  <>
                    <dt>Session</dt>
                    <dd className="mono">{a.tokenExpiresAt ? `until ${formatDateTime(a.tokenExpiresAt)}` : 'not logged in'}</dd>
                  </>
                )}
                {a.paperBalance !== null && (
                  <>
                    <dt>Virtual balance</dt>
                    <dd>
                      <Money value={a.paperBalance} />
                    </dd>
                  </>
                )}
                <dt>Added</dt>
                <dd className="mono muted">{formatDateTime(a.createdAt)}</dd>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
