import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { useLogin } from '../../lib/auth';
import { isApiError } from '../../lib/api';
import { lastSessionEndReason } from '../../lib/session';
import { AuthLayout } from './AuthLayout';
import { FormField } from './FormField';
import { OtpStep } from './OtpStep';
import { loginErrorMessage } from './login-errors';
import type { RegisteredState } from './RegisterPage';

/** Email and password, then a one-time code when the account has MFA. */
export function LoginPage() {
  const login = useLogin();
  const registeredEmail = (useLocation().state as Partial<RegisteredState> | null)?.registeredEmail;
  const [email, setEmail] = useState(registeredEmail ?? '');
  const [password, setPassword] = useState('');
  const [needsOtp, setNeedsOtp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [expiredNotice] = useState(() => lastSessionEndReason() === 'expired');

  const attempt = async (otp?: string) => {
    setBusy(true);
    setError(null);
    try {
      await login({ email, password, otp });
      // PublicOnly redirects once the session exists.
    } catch (err) {
      if (isApiError(err) && err.code === 'MFA_REQUIRED') setNeedsOtp(true);
      else setError(loginErrorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void attempt();
  };

  if (needsOtp) {
    return (
      <AuthLayout title="Two-factor check" subtitle={`Enter the 6-digit code from your authenticator app for ${email}.`}>
        <OtpStep
          busy={busy}
          error={error}
          onSubmit={(otp) => void attempt(otp)}
          onBack={() => {
            setNeedsOtp(false);
            setError(null);
          }}
        />
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title="Sign in"
      subtitle="Trading, portfolio and compliance in one place."
      footer={
        <>
          New to Tradeloop? <Link to="/register">Create an account</Link>
        </>
      }
    >
      {registeredEmail && !error && (
        <div className="notice notice-success" role="status" data-testid="login-registered">
          Registration received for {registeredEmail}. Sign in with the password you chose.
        </div>
      )}
      {expiredNotice && !registeredEmail && !error && (
        <div className="notice notice-warning" role="status">
          Your session has ended. Sign in again to continue.
        </div>
      )}
      <form className="form" onSubmit={onSubmit} noValidate>
        <FormField
          label="Email"
          type="email"
          autoComplete="username"
          autoFocus={!registeredEmail}
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          data-testid="login-email"
        />
        <FormField
          label="Password"
          type="password"
          autoComplete="current-password"
          autoFocus={!!registeredEmail}
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid="login-password"
        />
        {error && (
          <div className="notice notice-error" role="alert" data-testid="login-error">
            {error}
          </div>
        )}
        <button
          type="submit"
          className="button button-primary button-block"
          disabled={busy || !email || !password}
          data-testid="login-submit"
        >
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
