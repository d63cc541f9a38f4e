/*
 * Admin → Users → one user (/admin/users/:id): who they are and their standing, their wallet,
 * positions, recent orders, kill switch and risk limits, and broker accounts — with the actions an
 * admin takes on a person (edit roles / disable, reset password, reset MFA). Times are in the
 * display zone, labelled; money in ₹ with Indian grouping.
 *
 * Test ids:
 *   admin-user-page                 the page (data-user-id); admin-user-missing for an unknown id
 *   admin-user-back                 back to the users list
 *   admin-user-email, admin-user-roles, admin-user-status (data-disabled), admin-user-mfa (data-enabled),
 *   admin-user-password (data-temporary), admin-user-last-login, admin-user-created
 *   admin-user-edit → edit-user-dialog; admin-user-reset-password / admin-user-reset-mfa → credential-reset-dialog
 *                                   (see UsersPage: credential-reset-confirm, temporary-password, …)
 *   admin-user-wallet               the wallet section; admin-user-wallet-available / -held / -total
 *   admin-user-positions            positions (data-count); admin-user-position (data-symbol, data-product, data-net)
 *   admin-user-orders               recent orders (data-count); admin-user-order (data-order-id, data-symbol, data-status)
 *   admin-user-risk                 kill switch and limits (user-kill-switch-*, risk-limits-form, risk-limit-<field>,
 *                                   risk-limits-save; admin-kill-switch-dialog — see RiskAdminPage)
 *   admin-user-brokers              broker accounts; user-broker-account-<id> (data-status, data-kind)
 */
import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { AdminUser } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { RoleChips } from '../../components/RoleChips';
import { WalletBalances } from '../../components/WalletBalances';
import { isApiError } from '../../lib/api';
import { useCurrentUser } from '../../lib/auth';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useAdminUserBrokerAccounts } from '../brokers/broker-accounts-api';
import { useAdminWallet } from '../funding/funding-api';
import { CredentialResetDialog, type CredentialReset } from './CredentialResetDialog';
import { EditUserDialog } from './EditUserDialog';
import { KillSwitchDialog } from './KillSwitchDialog';
import { UserBrokerAccounts } from './UserBrokerAccountsDrawer';
import { UserOrdersTable } from './UserOrdersTable';
import { UserPositionsTable } from './UserPositionsTable';
import { UserRiskPanel } from './UserRiskPanel';
import { useRiskAdminSync, type SwitchChange } from './risk-admin-api';
import { RECENT_ORDERS, useAdminUser, useAdminUserOrders, useAdminUserPositions, useAdminUserSync } from './users-api';
import './admin.css';

export function AdminUserPage() {
  const { id = '' } = useParams();
  const user = useAdminUser(id);

  if (user.isPending) {
    return (
      <div className="page">
        <BackLink />
        <span className="muted">Loading user…</span>
      </div>
    );
  }
  if (user.isError) {
    const missing = isApiError(user.error) && (user.error.status === 404 || user.error.status === 400);
    return (
      <div className="page">
        <BackLink />
        {missing ? (
          <div data-testid="admin-user-missing">
            <EmptyState title="There is no such user." />
          </div>
        ) : (
          <ErrorNotice error={user.error} onRetry={() => void user.refetch()} />
        )}
      </div>
    );
  }
  return <UserPage key={user.data.id} user={user.data} />;
}

function BackLink() {
  return (
    <Link className="link-button admin-user-back" to="/admin/users" data-testid="admin-user-back">
      ← All users
    </Link>
  );
}

function UserPage({ user }: { user: AdminUser }) {
  const isSelf = useCurrentUser().data?.id === user.id;
  const wallet = useAdminWallet(user.id);
  const positions = useAdminUserPositions(user.id);
  const orders = useAdminUserOrders(user.id);
  const accounts = useAdminUserBrokerAccounts(user.id);
  const [editing, setEditing] = useState(false);
  const [reset, setReset] = useState<CredentialReset | null>(null);
  const [switchChange, setSwitchChange] = useState<SwitchChange | null>(null);
  useAdminUserSync(user.id);
  useRiskAdminSync();

  const names = new Map((accounts.data?.items ?? []).map((a) => [a.id, a.name]));
  const accountName = (id: string) => names.get(id) ?? '—';

  return (
    <div className="page" data-testid="admin-user-page" data-user-id={user.id}>
      <BackLink />
      <PageHeader
        section="Admin · Users"
        title={user.displayName}
        meta={
          <span className="mono" data-testid="admin-user-email">
            {user.email}
          </span>
        }
        actions={
          <>
            {!isSelf && (
              <>
                <button
                  type="button"
                  className="button button-ghost"
                  onClick={() => setReset({ user, kind: 'password' })}
                  data-testid="admin-user-reset-password"
                >
                  Reset password
                </button>
                <button
                  type="button"
                  className="button button-ghost"
                  onClick={() => setReset({ user, kind: 'mfa' })}
                  disabled={!user.mfaEnabled}
                  title={user.mfaEnabled ? undefined : 'Two-factor authentication is off'}
                  data-testid="admin-user-reset-mfa"
                >
                  Reset MFA
                </button>
              </>
            )}
            <button type="button" className="button" onClick={() => setEditing(true)} data-testid="admin-user-edit">
              Edit roles / access
            </button>
          </>
        }
      />
      {isSelf && (
        <div className="notice notice-info" role="note">
          This is your own account: change your password and two-factor authentication under Account, which asks for your password.
        </div>
      )}
      <section className="panel admin-user-summary" aria-label="Standing">
        <Fact label="Roles">
          <span data-testid="admin-user-roles">
            <RoleChips roles={user.roles} />
          </span>
        </Fact>
        <Fact label="Status">
          <span
            className={`status ${user.disabled ? 'status-negative' : 'status-positive'}`}
            data-testid="admin-user-status"
            data-disabled={String(user.disabled)}
          >
            {user.disabled ? 'Disabled' : 'Active'}
          </span>
        </Fact>
        <Fact label="Two-factor">
          <span className={user.mfaEnabled ? 'text-positive' : 'muted'} data-testid="admin-user-mfa" data-enabled={String(user.mfaEnabled)}>
            {user.mfaEnabled ? 'On' : 'Off'}
          </span>
        </Fact>
        <Fact label="Password">
          <span data-testid="admin-user-password" data-temporary={String(user.credentialChangeRequired)}>
            {user.credentialChangeRequired ? (
              <span className="chip chip-warning" title="They choose their own at their next sign-in">
                temporary
              </span>
            ) : (
              <span className="muted">their own</span>
            )}
          </span>
        </Fact>
        <Fact label="Last sign-in">
          <span className="mono" title={formatDateTime(user.lastLoginAt)} data-testid="admin-user-last-login">
            {user.lastLoginAt ? `${formatDateTime(user.lastLoginAt)} (${formatRelative(user.lastLoginAt)})` : 'never'}
          </span>
        </Fact>
        <Fact label="Created">
          <span className="mono" data-testid="admin-user-created">
            {formatDateTime(user.createdAt)}
          </span>
        </Fact>
      </section>

      <div className="admin-user-grid">
        <div className="stack">
          <section className="panel" aria-labelledby="admin-user-wallet-title" data-testid="admin-user-wallet">
            <h2 className="panel-title" id="admin-user-wallet-title">
              Wallet
              <span className="toolbar-spacer" />
              <Link className="link-button" to="/admin/funding">
                Funding →
              </Link>
            </h2>
            {wallet.isError ? (
              <ErrorNotice error={wallet.error} onRetry={() => void wallet.refetch()} />
            ) : (
              <WalletBalances wallet={wallet.data} testIdPrefix="admin-user-wallet" compact />
            )}
          </section>
          <section className="panel" aria-labelledby="admin-user-brokers-title" data-testid="admin-user-brokers">
            <h2 className="panel-title" id="admin-user-brokers-title">
              Broker accounts
            </h2>
            <UserBrokerAccounts user={user} />
          </section>
        </div>
        <section className="panel" aria-labelledby="admin-user-risk-title" data-testid="admin-user-risk">
          <h2 className="panel-title" id="admin-user-risk-title">
            Kill switch and risk limits
          </h2>
          <UserRiskPanel user={user} onChange={setSwitchChange} subject={false} />
        </section>
      </div>

      <Section title="Positions" testId="admin-user-positions-section">
        {positions.isError ? (
          <ErrorNotice error={positions.error} onRetry={() => void positions.refetch()} />
        ) : positions.data ? (
          <UserPositionsTable positions={positions.data.items} accountName={accountName} />
        ) : (
          <span className="muted">Loading positions…</span>
        )}
      </Section>
      <Section title={`Recent orders (newest ${RECENT_ORDERS})`} testId="admin-user-orders-section">
        {orders.isError ? (
          <ErrorNotice error={orders.error} onRetry={() => void orders.refetch()} />
        ) : orders.data ? (
          <UserOrdersTable orders={orders.data.items} accountName={accountName} />
        ) : (
          <span className="muted">Loading orders…</span>
        )}
      </Section>

      <EditUserDialog user={editing ? user : null} onClose={() => setEditing(false)} />
      <CredentialResetDialog reset={reset} onClose={() => setReset(null)} />
      <KillSwitchDialog change={switchChange} onClose={() => setSwitchChange(null)} />
    </div>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="admin-user-fact">
      <span className="admin-user-fact-label">{label}</span>
      {children}
    </div>
  );
}

function Section({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <section className="stack stack-tight" aria-label={title} data-testid={testId}>
      <h2 className="section-title">{title}</h2>
      {children}
    </section>
  );
}
