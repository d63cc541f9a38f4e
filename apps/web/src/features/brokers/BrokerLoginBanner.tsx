import { Link } from 'react-router-dom';
import { describeError } from '../../lib/api';
import { useBrokerAccounts, useBrokerLogin } from './broker-accounts-api';
import { accountsNeedingLogin, KIND_LABEL, loginLabel, sortAccounts } from './broker-account-view';
import './brokers.css';

/**
 * App-wide, under the top bar: a broker account whose daily session has lapsed refuses orders
 * until its owner logs in again. One click starts that login. Kept current by `broker.account`.
 *
 * Test ids: broker-login-banner (data-count), broker-login-banner-login
 */
export function BrokerLoginBanner() {
  const accounts = useBrokerAccounts();
  const login = useBrokerLogin();
  const pending = sortAccounts(accountsNeedingLogin(accounts.data?.items ?? []));
  const first = pending[0];
  if (!first) return null;
  const others = pending.length - 1;
  return (
    <section className="app-banner" aria-label="Broker login needed" data-testid="broker-login-banner" data-count={pending.length}>
      <span className="app-banner-icon" aria-hidden="true">
        !
      </span>
      <p className="app-banner-text">
        <strong>{first.name}</strong> <span className="muted">({KIND_LABEL[first.kind]})</span> needs a login
        {others > 0 && (
          <>
            {' '}
            — and {others} more account{others === 1 ? '' : 's'}
          </>
        )}
        . Orders for {others > 0 ? 'them' : 'it'} are refused until then.
        {login.isError && (
          <span className="app-banner-error" role="alert">
            {' '}
            Could not start the login: {describeError(login.error)}
          </span>
        )}
      </p>
      <button
        type="button"
        className="button button-primary button-small"
        onClick={() => login.mutate(first.id)}
        disabled={login.isPending}
        data-testid="broker-login-banner-login"
      >
        {login.isPending ? 'Opening…' : loginLabel(first.kind)}
      </button>
      <Link className="app-banner-link" to="/account/brokers">
        Brokers
      </Link>
    </section>
  );
}
