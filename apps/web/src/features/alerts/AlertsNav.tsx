import { SubNav, type SubNavItem } from '../../components/SubNav';

/** Trade's alert pages as tabs (the market watch keeps its full height without them). */
export const ALERT_PAGES: readonly SubNavItem[] = [
  { to: '/trade', label: 'Market watch', testId: 'subnav-market-watch', end: true },
  { to: '/trade/webhooks', label: 'Webhooks', testId: 'subnav-webhooks' },
  { to: '/trade/engines', label: 'Engines', testId: 'subnav-engines' },
];

export function AlertsNav() {
  return <SubNav label="Trade pages" items={ALERT_PAGES} />;
}
