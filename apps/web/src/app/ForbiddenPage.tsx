import { Link } from 'react-router-dom';
import { SECTION_ROLES, type Section } from '@tradeloop/domain';
import { SECTION_UI } from './sections';

export function ForbiddenPage({ section }: { section: Section }) {
  return (
    <section className="status-page" data-testid="forbidden">
      <p className="status-code mono">403</p>
      <h1>No access to {SECTION_UI[section].label}</h1>
      <p className="muted">
        This section needs one of the roles <span className="mono">{SECTION_ROLES[section].join(', ')}</span>. Ask an administrator if you
        should have it.
      </p>
      <Link className="button" to="/">
        Go to your start page
      </Link>
    </section>
  );
}
