import { useState, type FormEvent } from 'react';
import { FormField } from './FormField';

interface OtpStepProps {
  busy: boolean;
  error: string | null;
  onSubmit: (otp: string) => void;
  onBack: () => void;
}

export function OtpStep({ busy, error, onSubmit, onBack }: OtpStepProps) {
  const [otp, setOtp] = useState('');
  const complete = /^\d{6}$/.test(otp);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (complete) onSubmit(otp);
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormField
        label="Authentication code"
        className="field-otp"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="\d{6}"
        maxLength={6}
        autoFocus
        placeholder="000000"
        value={otp}
        onChange={(e) => setOtp(e.target.value.replace(/\D/g, '').slice(0, 6))}
        errors={error ? [error] : []}
        data-testid="login-otp"
      />
      <button type="submit" className="button button-primary button-block" disabled={busy || !complete} data-testid="login-submit">
        {busy ? 'Verifying…' : 'Verify and sign in'}
      </button>
      <button type="button" className="button button-ghost button-block" onClick={onBack}>
        Use a different account
      </button>
    </form>
  );
}
