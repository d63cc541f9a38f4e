import type { User } from '@tradeloop/contracts';
import { useLogout } from '../../lib/auth';
import { AuthLayout } from './AuthLayout';
import { ChangePasswordForm } from './ChangePasswordForm';

/**
 * Signed in with a temporary password an administrator issued (a new account or a reset;
 * `credentialChangeRequired`): the user chooses their own before anything else (RequireAuth shows
 * this instead of the app). The temporary one is the current password the form asks for.
 *
 * Test ids: choose-password (the screen), password-current / password-new / password-confirm /
 * password-submit / password-error (ChangePasswordForm), choose-password-logout
 */
export function ChoosePasswordPage({ user }: { user: User }) {
  const logout = useLogout();
  return (
    <AuthLayout
      title="Choose your password"
      subtitle={`${user.email} signed in with a temporary password from an administrator. Choose a password of your own to continue.`}
    >
      <div className="stack" data-testid="choose-password">
        <ChangePasswordForm temporary />
        <button type="button" className="link-button" onClick={() => void logout()} data-testid="choose-password-logout">
          Sign out
        </button>
      </div>
    </AuthLayout>
  );
}
