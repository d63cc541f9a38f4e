import { useCallback, useState } from 'react';
import { Outlet } from 'react-router-dom';
import { BrokerLoginBanner } from '../features/brokers/BrokerLoginBanner';
import { KillSwitchBanner } from '../features/trade/KillSwitchBanner';
import { TopBar } from './TopBar';
import { ShortcutsDialog } from './ShortcutsDialog';
import { useGlobalHotkeys } from './useGlobalHotkeys';

export function AppLayout() {
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const showShortcuts = useCallback(() => setShortcutsOpen(true), []);
  useGlobalHotkeys({ onShowShortcuts: showShortcuts });

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar onShowShortcuts={showShortcuts} />
      <KillSwitchBanner />
      <BrokerLoginBanner />
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
      <ShortcutsDialog open={shortcutsOpen} onClose={() => setShortcutsOpen(false)} />
    </div>
  );
}
