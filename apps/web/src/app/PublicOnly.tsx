import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { useSession } from '../lib/auth';

/** Login and registration: a signed-in user goes where they were headed instead. */
export function PublicOnly() {
  const session = useSession();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  if (session) return <Navigate to={from && from.startsWith('/') ? from : '/'} replace />;
  return <Outlet />;
}
