import { useState } from 'react';
import { toast } from 'sonner';
import type { AdminUser, IssuedPassword } from '@tradeloop/contracts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { TemporaryPassword } from './TemporaryPassword';
import { useResetMfa, useResetPassword } from './users-api';

export type ResetKind = 'password' | 'mfa';

export interface CredentialReset {
  user: AdminUser;
  /** What to reset; without it the dialog asks (the users list's single "Reset…" action). */
  kind?: ResetKind;
}

const TITLE: Record<ResetKind, string> = { password: 'Reset password?', mfa: 'Reset two-factor authentication?' };
const WHAT: Record<ResetKind, string> = {
  password:
    'Their current password stops working and a temporary one is shown to you once, to hand to them; they choose their own when they sign in.',
  mfa: 'Two-factor authentication is turned off and its secret forgotten (a lost phone): they sign in with their password alone and enrol again under Account.',
};

/**
 * The confirmation a password or MFA reset goes through (which one, when not given), then for a
 * password the temporary password, shown once. Both end every session of the user; neither is
 * offered for the admin's own account (the server refuses it: Account asks for the password).
 * Stays mounted, so the native dialogs hand focus back to the button that opened them.
 */
export function CredentialResetDialog({ reset, onClose }: { reset: CredentialReset | null; onClose: () => void }) {
  const password = useResetPassword();
  const mfa = useResetMfa();
  const [issued, setIssued] = useState<IssuedPassword | null>(null);
  const [choice, setChoice] = useState<ResetKind>('password');
  const [shownFor, setShownFor] = useState<CredentialReset | null>(null);
  if (reset !== shownFor) {
    // A new reset starts from its own kind (or from "password" when the dialog asks).
    setShownFor(reset);
    setChoice(reset?.kind ?? 'password');
  }
  const kind = reset?.kind ?? choice;
  const mutation = kind === 'mfa' ? mfa : password;

  const close = () => {
    password.reset();
    mfa.reset();
    setIssued(null);
    onClose();
  };
  const confirm = () => {
    if (!reset) return;
    if (kind === 'password') password.mutate(reset.user.id, { onSuccess: setIssued });
    else
      mfa.mutate(reset.user.id, {
        onSuccess: (after) => {
          toast.success(`Two-factor authentication is off for ${after.email}`, {
            description: 'They sign in with their password and enrol again.',
          });
          close();
        },
      });
  };

  return (
    <>
      <ConfirmDialog
        open={reset !== null && issued === null}
        title={reset?.kind ? TITLE[reset.kind] : 'Reset sign-in credentials?'}
        // Closing this dialog to show the password fires its close event too: the reset is not over then.
        onClose={() => {
          if (issued === null) close();
        }}
        testId="credential-reset-dialog"
        onConfirm={confirm}
        pending={mutation.isPending}
        pendingLabel="Resetting…"
        confirmLabel={kind === 'mfa' ? 'Reset MFA' : 'Reset password'}
        tone="danger"
        confirmTestId="credential-reset-confirm"
        error={mutation.error ?? undefined}
        errorTestId="credential-reset-error"
      >
        {reset && (
          <>
            <div className="dialog-subject">
              <strong>{reset.user.displayName}</strong>
              <span className="mono muted">{reset.user.email}</span>
            </div>
            {!reset.kind && (
              <fieldset className="fieldset" disabled={mutation.isPending}>
                <legend>What to reset</legend>
                <label className="check-row">
                  <input
                    type="radio"
                    name="reset-kind"
                    checked={kind === 'password'}
                    onChange={() => setChoice('password')}
                    data-testid="credential-reset-kind-password"
                  />
                  <strong>Password</strong>
                  <span className="muted">a temporary one, shown once</span>
                </label>
                <label className="check-row">
                  <input
                    type="radio"
                    name="reset-kind"
                    checked={kind === 'mfa'}
                    onChange={() => setChoice('mfa')}
                    disabled={!reset.user.mfaEnabled}
                    data-testid="credential-reset-kind-mfa"
                  />
                  <strong>Two-factor authentication</strong>
                  <span className="muted">{reset.user.mfaEnabled ? 'off; they enrol again' : 'already off'}</span>
                </label>
              </fieldset>
            )}
            <p>{WHAT[kind]} Every session they have open ends now. The reset is recorded in the audit log.</p>
          </>
        )}
      </ConfirmDialog>
      <Dialog open={issued !== null} title="Temporary password" onClose={close} testId="temporary-password-dialog">
        {issued && (
          <div className="stack">
            <TemporaryPassword email={issued.user.email} password={issued.temporaryPassword} />
            <div className="dialog-footer">
              <button type="button" className="button button-primary" onClick={close} data-testid="temporary-password-done">
                Done
              </button>
            </div>
          </div>
        )}
      </Dialog>
    </>
  );
}
