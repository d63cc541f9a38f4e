import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { PASSWORD_MIN_LENGTH } from '@tradeloop/domain';
import type { ChangePasswordRequest } from '@tradeloop/contracts';
import { api } from '../../lib/api';
import { meQueryKey } from '../../lib/auth';
import { FormField } from './FormField';
import { formProblem } from './form-problem';

const FIELDS = ['currentPassword', 'newPassword'] as const;
const EMPTY = { currentPassword: '', newPassword: '', confirm: '' };

/**
 * Current password, new one twice. The server checks the current one and the policy. `temporary`:
 * the current one is a temporary password an admin issued (ChoosePasswordPage), so the fields
 * stack in one column and say so.
 */
export function ChangePasswordForm({ temporary = false }: { temporary?: boolean }) {
  const [form, setForm] = useState(EMPTY);
  const [mismatch, setMismatch] = useState(false);
  const queryClient = useQueryClient();

  const change = useMutation({
    mutationFn: (body: ChangePasswordRequest) => api<void>('/api/v1/auth/password', { method: 'POST', body }),
    onSuccess: () => {
      setForm(EMPTY);
      toast.success('Password changed', { description: 'Your other sessions have been signed out.' });
      // The user may no longer be on a temporary password (credentialChangeRequired).
      void queryClient.invalidateQueries({ queryKey: meQueryKey });
    },
  });

  const update = (field: keyof typeof EMPTY) => (event: ChangeEvent<HTMLInputElement>) => {
    setForm((prev) => ({ ...prev, [field]: event.target.value }));
    if (field !== 'currentPassword') setMismatch(false);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (form.newPassword !== form.confirm) {
      setMismatch(true);
      return;
    }
    change.mutate({ currentPassword: form.currentPassword, newPassword: form.newPassword });
  };

  const problem = formProblem(change.error, FIELDS);
  const complete = form.currentPassword !== '' && form.newPassword !== '' && form.confirm !== '';
  return (
    <form className="form" onSubmit={submit} noValidate data-testid="password-form">
      <div className={temporary ? 'stack' : 'field-columns'}>
        <FormField
          label={temporary ? 'Temporary password' : 'Current password'}
          type="password"
          autoComplete="current-password"
          value={form.currentPassword}
          onChange={update('currentPassword')}
          errors={problem.messagesFor('currentPassword')}
          data-testid="password-current"
        />
        <FormField
          label="New password"
          type="password"
          autoComplete="new-password"
          value={form.newPassword}
          onChange={update('newPassword')}
          errors={problem.messagesFor('newPassword')}
          hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          data-testid="password-new"
        />
        <FormField
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          value={form.confirm}
          onChange={update('confirm')}
          errors={mismatch ? ['does not match the new password'] : []}
          data-testid="password-confirm"
        />
      </div>
      {problem.banner && (
        <div className="notice notice-error" role="alert" data-testid="password-error">
          {problem.banner}
        </div>
      )}
      {temporary ? (
        <button
          type="submit"
          className="button button-primary button-block"
          disabled={change.isPending || !complete}
          data-testid="password-submit"
        >
          {change.isPending ? 'Saving…' : 'Set my password'}
        </button>
      ) : (
        <div className="row security-row">
          <p className="muted">Other devices signed in to this account are signed out; this one stays signed in.</p>
          <button type="submit" className="button button-primary" disabled={change.isPending || !complete} data-testid="password-submit">
            {change.isPending ? 'Changing…' : 'Change password'}
          </button>
        </div>
      )}
    </form>
  );
}
