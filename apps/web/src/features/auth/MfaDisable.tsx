import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import type { MfaDisableRequest, User } from '@tradeloop/contracts';
import { api } from '../../lib/api';
import { meQueryKey } from '../../lib/auth';
import { FormField } from './FormField';
import { formProblem } from './form-problem';

const FIELDS = ['otp', 'password'] as const;

/** Turning MFA off takes both factors again: a current code from the app and the password. */
export function MfaDisable() {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [otp, setOtp] = useState('');
  const [password, setPassword] = useState('');

  const disable = useMutation({
    mutationFn: (body: MfaDisableRequest) => api<User>('/api/v1/auth/mfa/disable', { method: 'POST', body }),
    onSuccess: (user) => {
      queryClient.setQueryData(meQueryKey, user);
      toast.success('Two-factor authentication is off', { description: 'Your other sessions have been signed out.' });
    },
  });

  const close = () => {
    setOpen(false);
    setOtp('');
    setPassword('');
    disable.reset();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (/^\d{6}$/.test(otp) && password) disable.mutate({ otp, password });
  };

  if (!open) {
    return (
      <div className="row security-row">
        <p className="muted">
          Sign-ins to this account need a code from your authenticator app. To move it to a new device, turn it off and set it up again.
        </p>
        <button type="button" className="button" onClick={() => setOpen(true)} data-testid="mfa-disable-start">
          Turn off two-factor authentication
        </button>
      </div>
    );
  }

  const problem = formProblem(disable.error, FIELDS);
  return (
    <form className="form" onSubmit={submit} noValidate data-testid="mfa-disable-form">
      <p className="muted">
        Enter a current code from your authenticator app and your password. Other devices signed in to this account are signed out; this one
        stays signed in.
      </p>
      <div className="field-columns">
        <FormField
          label="Code from the app"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          autoFocus
          placeholder="000000"
          className="field-code"
          value={otp}
          onChange={(e) => setOtp(e.target.value.replace(/\D/g, '').slice(0, 6))}
          errors={problem.messagesFor('otp')}
          data-testid="mfa-disable-otp"
        />
        <FormField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          errors={problem.messagesFor('password')}
          data-testid="mfa-disable-password"
        />
      </div>
      {problem.banner && (
        <div className="notice notice-error" role="alert" data-testid="mfa-disable-error">
          {problem.banner}
        </div>
      )}
      <div className="form-actions">
        <button
          type="submit"
          className="button button-danger"
          disabled={disable.isPending || otp.length !== 6 || !password}
          data-testid="mfa-disable"
        >
          {disable.isPending ? 'Turning off…' : 'Turn off MFA'}
        </button>
        <button type="button" className="button button-ghost" onClick={close}>
          Cancel
        </button>
      </div>
    </form>
  );
}
