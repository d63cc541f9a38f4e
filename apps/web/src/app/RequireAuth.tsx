import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { useCurrentUser, useSession } from '../lib/auth';
import { ErrorNotice } from '../components/ErrorNotice';
import { ChoosePasswordPage } from '../features/auth/ChoosePasswordPage';

/**
 * Signed-in area: no session → /login (remembering where the user was going); a user on a
 * temporary password an admin issued chooses their own first.
 */
export function RequireAuth() {
  const session = useSession();
  const location = useLocation();
  const me = useCurrentUser();

  if (!session) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (me.isPending) {
    return (
      <div className="boot" aria-busy="true">
        <span className="boot-mark">Tradeloop</span>
        <span className="muted">Loading session…</span>
      </div>
    );
  }
  if (me.isError) {
    return (
      <div className="boot">
        <ErrorNotice error={me.error} onRetry={() => void me.refetch()} />
      </div>
    );
  }
  if (me.data.credentialChangeRequired) return <ChoosePasswordPage user={me.data} />;
  return <Outlet />;
}
