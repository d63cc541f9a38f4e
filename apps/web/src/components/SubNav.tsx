import { NavLink } from 'react-router-dom';
import './SubNav.css';

export interface SubNavItem {
  to: string;
  label: string;
  testId: string;
  /** Active only on exactly this path (a parent path whose child pages are tabs too). */
  end?: boolean;
}

/** The pages within one section, as tabs under the top bar. */
export function SubNav({ label, items }: { label: string; items: readonly SubNavItem[] }) {
  return (
    <nav className="subnav" aria-label={label}>
      {items.map((item) => (
        <NavLink
          key={item.to}
          to={item.to}
          end={item.end}
          className={({ isActive }) => (isActive ? 'subnav-link active' : 'subnav-link')}
          data-testid={item.testId}
        >
          {item.label}
        </NavLink>
      ))}
    </nav>
  );
}
