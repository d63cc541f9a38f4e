import { useId } from 'react';
import { Link } from 'react-router-dom';
import type { BrokerAccount } from '@tradeloop/contracts';
import { describeError } from '../../../lib/api';
import { Money } from '../../../components/Money';
import { useBrokerLogin, useBrokerView } from '../../brokers/broker-accounts-api';
import { accountOptionLabel, asSentence, hasBrowserLogin, KIND_LABEL, loginLabel, STATUS_VIEW } from '../../brokers/broker-account-view';

/**
 * The broker account the order goes through (the default preselected; paper says it is virtual
 * money). An account that cannot trade now says why, with its login one click away.
 *
 * Test ids: ticket-account (data-account-id, data-status), ticket-account-login
 */
export function TicketAccount({
  accounts,
  account,
  onPick,
  offerLogin = true,
}: {
  accounts: readonly BrokerAccount[];
  account: BrokerAccount | null;
  onPick: (id: string) => void;
  /** False while the refusal banner already says why the account cannot trade. */
  offerLogin?: boolean;
}) {
  const hintId = useId();
  const blocked = account !== null && account.status !== 'connected';
  return (
    <div className="ticket-account">
      <label className="label" htmlFor={`${hintId}-select`}>
        Account
      </label>
      <select
        id={`${hintId}-select`}
        className={`select ticket-account-select${account?.kind === 'paper' ? ' ticket-account-paper' : ''}`}
        value={account?.id ?? ''}
        onChange={(e) => onPick(e.target.value)}
        aria-describedby={blocked && offerLogin ? hintId : undefined}
        data-testid="ticket-account"
        data-account-id={account?.id ?? ''}
        data-status={account?.status ?? ''}
        title={account ? accountOptionLabel(account) : undefined}
      >
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {accountOptionLabel(a)}
          </option>
        ))}
      </select>
      {blocked && account && offerLogin && <AccountBlocked id={hintId} account={account} />}
      {account && !blocked && account.kind !== 'paper' && <AccountFunds account={account} />}
    </div>
  );
}

/** Why the picked account cannot trade now, and the way out. */
function AccountBlocked({ id, account }: { id: string; account: BrokerAccount }) {
  const login = useBrokerLogin();
  const needsLogin = account.status === 'needs_login' && hasBrowserLogin(account.kind);
  return (
    <div id={id} className={`ticket-account-hint ticket-account-hint-${STATUS_VIEW[account.status].tone}`}>
      <span>
        {asSentence(`${STATUS_VIEW[account.status].label}${account.statusReason ? `: ${account.statusReason}` : ''}`)} Orders are refused.
      </span>
      {needsLogin ? (
        <LoginButton
          label={loginLabel(account.kind)}
          pending={login.isPending}
          onClick={() => login.mutate(account.id)}
          testId="ticket-account-login"
        />
      ) : (
        <Link to="/account/brokers">Brokers</Link>
      )}
      {login.isError && <span role="alert">{describeError(login.error)}</span>}
    </div>
  );
}

export function LoginButton({ label, pending, onClick, testId }: { label: string; pending: boolean; onClick: () => void; testId: string }) {
  return (
    <button type="button" className="button button-small button-primary" onClick={onClick} disabled={pending} data-testid={testId}>
      {pending ? 'Opening…' : label}
    </button>
  );
}

/** What a live account has to trade with at its broker (a paper account's book heads the ticket instead). */
function AccountFunds({ account }: { account: BrokerAccount }) {
  const funds = useBrokerView(account.id, 'funds', account.status === 'connected');
  if (!funds.isSuccess) return null;
  return (
    <span className="ticket-account-funds muted" data-testid="ticket-account-funds">
      {account.kind === 'paper' ? 'Paper available' : `Available at ${KIND_LABEL[account.kind]}`} <Money value={funds.data.availableCash} />
    </span>
  );
}
