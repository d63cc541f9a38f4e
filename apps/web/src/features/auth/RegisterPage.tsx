import { useState, type ChangeEvent, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { PASSWORD_MIN_LENGTH } from '@tradeloop/domain';
import type { RegisterRequest, RegisterResponse } from '@tradeloop/contracts';
import { api, isApiError, type ApiError } from '../../lib/api';
import { AuthLayout } from './AuthLayout';
import { FormField } from './FormField';
import { loginErrorMessage } from './login-errors';

const FIELDS = ['email', 'displayName', 'password'] as const;

/** What the sign-in page is told after a registration was accepted. */
export interface RegisteredState {
  registeredEmail: string;
}

/**
 * Self-registration (role trader), then the sign-in page. The server answers a taken email
 * exactly like a new one (and creates nothing), so this page shows the same thing in both cases
 * and does not sign in by itself: whether the password then works is the sign-in page's answer,
 * the same for every wrong password.
 */
export function RegisterPage() {
  const navigate = useNavigate();
  const [form, setForm] = useState<RegisterRequest>({ email: '', displayName: '', password: '' });
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [otherError, setOtherError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const update = (field: keyof RegisterRequest) => (event: ChangeEvent<HTMLInputElement>) =>
    setForm((prev) => ({ ...prev, [field]: event.target.value }));

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    setOtherError(null);
    try {
      const { user } = await api<RegisterResponse>('/api/v1/auth/register', { method: 'POST', body: form, anonymous: true });
      const state: RegisteredState = { registeredEmail: user.email };
      navigate('/login', { state });
    } catch (err) {
      if (isApiError(err)) setProblem(err);
      else setOtherError(loginErrorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const fieldErrors = (field: string) => problem?.messagesFor(field) ?? [];
  // Errors not tied to a field of this form (e.g. registration disabled) go in the banner.
  const unplacedProblem =
    problem && !problem.fieldErrors.some((e) => (FIELDS as readonly string[]).includes(e.field)) ? problem.detail : null;
  const banner = otherError ?? unplacedProblem;

  return (
    <AuthLayout
      title="Create an account"
      subtitle="New accounts start with the trader role and an empty wallet."
      footer={
        <>
          Already registered? <Link to="/login">Sign in</Link>
        </>
      }
    >
      <form className="form" onSubmit={(e) => void onSubmit(e)} noValidate>
        <FormField
          label="Email"
          type="email"
          autoComplete="email"
          autoFocus
          required
          value={form.email}
          onChange={update('email')}
          errors={fieldErrors('email')}
          data-testid="register-email"
        />
        <FormField
          label="Display name"
          autoComplete="name"
          required
          value={form.displayName}
          onChange={update('displayName')}
          errors={fieldErrors('displayName')}
          data-testid="register-name"
        />
        <FormField
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          value={form.password}
          onChange={update('password')}
          errors={fieldErrors('password')}
          hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          data-testid="register-password"
        />
        {banner && (
          <div className="notice notice-error" role="alert">
            {banner}
          </div>
        )}
        <button type="submit" className="button button-primary button-block" disabled={busy} data-testid="register-submit">
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
    </AuthLayout>
  );
}
