import type { Section } from '@tradeloop/domain';
import type { SubNavItem } from '../components/SubNav';

/** How each access section appears in the UI. Who may open it lives in @tradeloop/domain. */
export const SECTION_UI: Record<Section, { label: string; path: string; hotkey: string }> = {
  trade: { label: 'Trade', path: '/trade', hotkey: 't' },
  portfolio: { label: 'Portfolio', path: '/portfolio', hotkey: 'p' },
  quant: { label: 'Quant', path: '/quant', hotkey: 'q' },
  compliance: { label: 'Compliance', path: '/compliance', hotkey: 'c' },
  admin: { label: 'Admin', path: '/admin', hotkey: 'a' },
};

/** Sections with more than one page show them as tabs; the first is where the section opens. */
export const SECTION_PAGES: Partial<Record<Section, readonly SubNavItem[]>> = {
  portfolio: [
    { to: '/portfolio/holdings', label: 'Holdings', testId: 'subnav-holdings' },
    { to: '/portfolio/wallet', label: 'Wallet', testId: 'subnav-wallet' },
  ],
  quant: [
    { to: '/quant/models', label: 'Models', testId: 'subnav-models' },
    { to: '/quant/signals', label: 'Signals', testId: 'subnav-signals' },
    { to: '/quant/strategies', label: 'Strategies', testId: 'subnav-strategies' },
    { to: '/quant/backtests', label: 'Backtests', testId: 'subnav-backtests' },
  ],
  compliance: [
    { to: '/compliance/ledger', label: 'Ledger', testId: 'subnav-ledger' },
    { to: '/compliance/audit', label: 'Audit log', testId: 'subnav-audit' },
    { to: '/compliance/reconciliation', label: 'Reconciliation', testId: 'subnav-reconciliation' },
    { to: '/compliance/surveillance', label: 'Surveillance', testId: 'subnav-surveillance' },
  ],
  admin: [
    { to: '/admin/users', label: 'Users', testId: 'subnav-users' },
    { to: '/admin/funding', label: 'Funding', testId: 'subnav-funding' },
    { to: '/admin/risk', label: 'Risk', testId: 'subnav-risk' },
  ],
};

/** Account pages (every signed-in user, not a section): the user's own settings. */
export const ACCOUNT_PAGES: readonly SubNavItem[] = [
  { to: '/account', label: 'Profile & security', testId: 'subnav-account-security', end: true },
  { to: '/account/brokers', label: 'Brokers', testId: 'subnav-account-brokers' },
  { to: '/account/notifications', label: 'Notifications', testId: 'subnav-account-notifications' },
];
