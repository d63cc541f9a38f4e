import { Navigate } from 'react-router-dom';
import { landingSection } from '@tradeloop/domain';
import { useCurrentUser } from '../lib/auth';
import { SECTION_UI } from './sections';

/** "/" opens the section of the user's main job (landingSection); a user with no roles lands on their account. */
export function HomeRedirect() {
  const { data: user } = useCurrentUser();
  const landing = user ? landingSection(user.roles) : null;
  return <Navigate to={landing ? SECTION_UI[landing].path : '/account'} replace />;
}
