import { NavLink } from 'react-router-dom';
import { sectionsFor } from '@tradeloop/domain';
import { useCurrentUser } from '../lib/auth';
import { SECTION_UI } from './sections';

/** Only the sections the user's roles open, in the domain's order. */
export function SectionNav() {
  const { data: user } = useCurrentUser();
  const sections = user ? sectionsFor(user.roles) : [];
  return (
    <nav className="section-nav" aria-label="Sections">
      {sections.map((section) => {
        const ui = SECTION_UI[section];
        return (
          <NavLink
            key={section}
            to={ui.path}
            className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}
            data-testid={`nav-${section}`}
            // The section root, not just its first page, keeps the tab highlighted.
            end={false}
          >
            {ui.label}
          </NavLink>
        );
      })}
    </nav>
  );
}
