import { Outlet } from 'react-router-dom';
import { canAccessSection, type Section } from '@tradeloop/domain';
import { useCurrentUser } from '../lib/auth';
import { ForbiddenPage } from './ForbiddenPage';

/** Renders the section only for roles that may open it; otherwise a plain 403. */
export function RequireSection({ section }: { section: Section }) {
  const { data: user } = useCurrentUser();
  if (!user || !canAccessSection(user.roles, section)) return <ForbiddenPage section={section} />;
  return <Outlet />;
}
