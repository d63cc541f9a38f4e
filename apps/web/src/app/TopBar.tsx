import { Link } from 'react-router-dom';
import { SectionNav } from './SectionNav';
import { ConnectionIndicator } from './ConnectionIndicator';
import { HaltedChip } from '../features/trade/HaltedChip';
import { UserMenu } from './UserMenu';
import { NotificationBell } from '../features/notifications/NotificationBell';

export function TopBar({ onShowShortcuts }: { onShowShortcuts: () => void }) {
  return (
    <header className="topbar">
      <Link to="/" className="brand" aria-label="Tradeloop home">
        <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
          <path d="M5 22l7-8 5 4 10-11" />
        </svg>
        <span>Tradeloop</span>
      </Link>
      <SectionNav />
      <div className="topbar-right">
        <button type="button" className="topbar-hint" onClick={onShowShortcuts} title="Keyboard shortcuts">
          <kbd className="kbd">?</kbd>
        </button>
        <HaltedChip />
        <ConnectionIndicator />
        <NotificationBell />
        <UserMenu />
      </div>
    </header>
  );
}
