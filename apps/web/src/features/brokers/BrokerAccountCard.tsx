import { useState } from 'react';
import { toast } from 'sonner';
import type { BrokerAccount, UpdateBrokerAccountRequest } from '@tradeloop/contracts';
import { describeError } from '../../lib/api';
import { formatDateTime, formatIst } from '../../lib/format';
import { Money } from '../../components/Money';
import { useBrokerLogin, useUpdateBrokerAccount } from './broker-accounts-api';
import { asSentence, CREDENTIAL_LABEL, hasBrowserLogin, KIND_LABEL, loginLabel } from './broker-account-view';
import { BrokerOwnView } from './BrokerOwnView';
import { BrokerStatus, MaskedCredentials } from './BrokerStatus';

interface CardProps {
  account: BrokerAccount;
  onEdit: (account: BrokerAccount) => void;
  onDelete: (account: BrokerAccount) => void;
}

/**
 * One account: what it is, its status (and why), its masked credentials and session, and what
 * can be done with it. The login is the primary action of an account that needs one.
 *
 * Test ids: broker-account-<id> (data-status, data-default, data-kind), broker-account-login,
 * broker-account-default, broker-account-edit, broker-account-toggle, broker-account-delete,
 * broker-account-view-toggle
 */
export function BrokerAccountCard({ account, onEdit, onDelete }: CardProps) {
  const update = useUpdateBrokerAccount();
  const login = useBrokerLogin();
  const [showView, setShowView] = useState(false);
  const live = account.kind !== 'paper';
  const firm = account.ownerUserId === null;
  const canLogin = hasBrowserLogin(account.kind) && account.status !== 'disabled';
  const loginPrimary = canLogin && account.status === 'needs_login';
  const viewId = `broker-view-panel-${account.id}`;

  const change = (patch: UpdateBrokerAccountRequest, done: string) =>
    update.mutate(
      { id: account.id, patch },
      {
        onSuccess: (a) => toast.success(done.replace('{name}', a.name)),
        onError: (error) => toast.error(`Could not change ${account.name}`, { description: describeError(error) }),
      },
    );

  return (
    <article
      className={`panel broker-card broker-card-${account.status}`}
      aria-labelledby={`broker-name-${account.id}`}
      data-testid={`broker-account-${account.id}`}
      data-status={account.status}
      data-default={account.isDefault}
      data-kind={account.kind}
    >
      <header className="broker-card-header">
        <div className="broker-card-title">
          <h2 id={`broker-name-${account.id}`} className="broker-card-name">
            {account.name}
          </h2>
          <span className={`chip ${account.kind === 'paper' ? 'chip-neutral' : 'chip-accent'}`}>{KIND_LABEL[account.kind]}</span>
          {account.isDefault && (
            <span className="badge badge-positive" data-testid="broker-account-default-badge">
              Default
            </span>
          )}
          {firm && <span className="chip chip-warning">Firm account</span>}
        </div>
        <BrokerStatus account={account} />
      </header>

      {account.status === 'needs_login' && (
        <p className="notice notice-warning broker-card-notice">
          {asSentence(account.statusReason ?? 'The daily session has ended')} Orders for this account are refused until you log in.
        </p>
      )}
      {account.status === 'error' && (
        <p className="notice notice-error broker-card-notice" data-testid="broker-account-error">
          {asSentence(account.statusReason ?? 'The broker refused this account')}
          {live && (hasBrowserLogin(account.kind) ? ' Check the credentials (Edit) and log in again.' : ' Check the credentials (Edit).')}
        </p>
      )}
      {account.status === 'connected' && account.statusReason && (
        <p className="notice notice-warning broker-card-notice" data-testid="broker-account-note">
          {asSentence(account.statusReason)}
        </p>
      )}

      <dl className="properties properties-compact broker-card-props">
        <dt>Credentials</dt>
        <dd>
          <MaskedCredentials credentials={account.credentials} labels={CREDENTIAL_LABEL} />
        </dd>
        {live && (
          <>
            <dt>Session</dt>
            <dd className="mono" data-testid="broker-account-session">
              {account.tokenExpiresAt
                ? `valid until ${formatIst(account.tokenExpiresAt)}`
                : hasBrowserLogin(account.kind)
                  ? 'not logged in'
                  : 'API key (no daily login)'}
            </dd>
          </>
        )}
        {account.paperBalance !== null && (
          <>
            <dt>Virtual balance</dt>
            <dd>
              <Money value={account.paperBalance} testId="broker-account-paper-balance" />
            </dd>
          </>
        )}
        <dt>Added</dt>
        <dd className="mono muted">{formatDateTime(account.createdAt)}</dd>
      </dl>

      {login.isError && (
        <div className="notice notice-error" role="alert">
          Could not start the login: {describeError(login.error)}
        </div>
      )}

      <div className="broker-card-actions" role="group" aria-label={`Actions for ${account.name}`}>
        {canLogin && (
          <button
            type="button"
            className={`button ${loginPrimary ? 'button-primary' : ''}`}
            onClick={() => login.mutate(account.id)}
            disabled={login.isPending}
            data-testid="broker-account-login"
          >
            {login.isPending ? 'Opening…' : account.status === 'connected' ? `${loginLabel(account.kind)} again` : loginLabel(account.kind)}
          </button>
        )}
        {!account.isDefault && account.status !== 'disabled' && (
          <button
            type="button"
            className="button"
            disabled={update.isPending}
            onClick={() => change({ isDefault: true }, '{name} is now your default account')}
            data-testid="broker-account-default"
          >
            Make default
          </button>
        )}
        {!firm && (
          <button type="button" className="button" onClick={() => onEdit(account)} data-testid="broker-account-edit">
            Edit
          </button>
        )}
        <button
          type="button"
          className="button"
          aria-expanded={showView}
          aria-controls={viewId}
          onClick={() => setShowView((v) => !v)}
          data-testid="broker-account-view-toggle"
        >
          {showView ? 'Hide funds & positions' : 'Funds & positions'}
        </button>
        <span className="toolbar-spacer" />
        {!firm && (
          <button
            type="button"
            className="button button-ghost"
            disabled={update.isPending || (account.isDefault && account.status !== 'disabled')}
            title={account.isDefault && account.status !== 'disabled' ? 'Make another account the default first' : undefined}
            onClick={() =>
              account.status === 'disabled'
                ? change({ disabled: false }, '{name} enabled')
                : change({ disabled: true }, '{name} disabled: its orders are refused')
            }
            data-testid="broker-account-toggle"
          >
            {account.status === 'disabled' ? 'Enable' : 'Disable'}
          </button>
        )}
        {!firm && !account.primary && (
          <button
            type="button"
            className="button button-ghost broker-delete"
            onClick={() => onDelete(account)}
            data-testid="broker-account-delete"
          >
            Delete
          </button>
        )}
      </div>
      {showView && (
        <div id={viewId}>
          <BrokerOwnView account={account} />
        </div>
      )}
    </article>
  );
}
