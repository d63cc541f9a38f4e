import { Navigate } from 'react-router-dom';
import { sectionsFor } from '@tradeloop/domain';
import { useCurrentUser } from '../lib/auth';
import { SECTION_UI } from './sections';

/** "/" opens the first section the user may use; a user with no roles lands on their account. */
export function HomeRedirect() {
  const { data: user } = useCurrentUser();
  const first = user ? sectionsFor(user.roles)[0] : undefined;
  return <Navigate to={first ? SECTION_UI[first].path : '/account'} replace />;
}
