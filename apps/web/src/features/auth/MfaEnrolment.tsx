import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import type { MfaSetupResponse, User } from '@tradeloop/contracts';
import { api, describeError, isApiError } from '../../lib/api';
import { meQueryKey } from '../../lib/auth';
import { FormField } from './FormField';
import { MfaSecretQr } from './MfaSecretQr';

/** Two steps: the server issues a pending secret, then a valid code from the app turns MFA on. */
export function MfaEnrolment() {
  const queryClient = useQueryClient();
  const [otp, setOtp] = useState('');

  const setup = useMutation({
    mutationFn: () => api<MfaSetupResponse>('/api/v1/auth/mfa/setup', { method: 'POST' }),
    onError: (error) => toast.error('Could not start MFA setup', { description: describeError(error) }),
  });
  const enable = useMutation({
    mutationFn: (code: string) => api<User>('/api/v1/auth/mfa/enable', { method: 'POST', body: { otp: code } }),
    onSuccess: (user) => {
      queryClient.setQueryData(meQueryKey, user);
      toast.success('Two-factor authentication is on', { description: 'Your other sessions have been signed out.' });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (/^\d{6}$/.test(otp)) enable.mutate(otp);
  };

  if (!setup.data) {
    return (
      <div className="stack">
        <p className="muted">
          Protect this account with a time-based code from an authenticator app (1Password, Google Authenticator, Authy…).
        </p>
        <div>
          <button
            type="button"
            className="button button-primary"
            onClick={() => setup.mutate()}
            disabled={setup.isPending}
            data-testid="mfa-setup"
          >
            {setup.isPending ? 'Preparing…' : 'Set up authenticator app'}
          </button>
        </div>
      </div>
    );
  }

  const enableError = enable.error;
  const otpErrors = enableError
    ? isApiError(enableError) && enableError.messagesFor('otp').length
      ? enableError.messagesFor('otp')
      : [describeError(enableError)]
    : [];

  return (
    <div className="mfa-enrolment">
      <MfaSecretQr otpauthUrl={setup.data.otpauthUrl} secret={setup.data.secret} />
      <form className="form" onSubmit={submit} noValidate>
        <p className="muted">Scan the code, or type the secret into the app, then enter the 6-digit code it shows.</p>
        <FormField
          label="Code from the app"
          className="field-otp"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          autoFocus
          placeholder="000000"
          value={otp}
          onChange={(e) => setOtp(e.target.value.replace(/\D/g, '').slice(0, 6))}
          errors={otpErrors}
          data-testid="mfa-otp"
        />
        <div className="row">
          <button type="submit" className="button button-primary" disabled={enable.isPending || otp.length !== 6} data-testid="mfa-enable">
            {enable.isPending ? 'Verifying…' : 'Turn on MFA'}
          </button>
          <button type="button" className="button button-ghost" onClick={() => setup.reset()}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
