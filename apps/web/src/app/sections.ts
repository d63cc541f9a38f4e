import type { Section } from '@tradeloop/domain';

/** How each access section appears in the UI. Who may open it lives in @tradeloop/domain. */
export const SECTION_UI: Record<Section, { label: string; path: string; hotkey: string }> = {
  trade: { label: 'Trade', path: '/trade', hotkey: 't' },
  portfolio: { label: 'Portfolio', path: '/portfolio', hotkey: 'p' },
  quant: { label: 'Quant', path: '/quant', hotkey: 'q' },
  compliance: { label: 'Compliance', path: '/compliance/audit', hotkey: 'c' },
  admin: { label: 'Admin', path: '/admin/users', hotkey: 'a' },
};
