import { useCallback, useState } from 'react';
import { CHART_INDICATORS, type ChartIndicator } from '@tradeloop/domain';
import { useCurrentUser } from '../../lib/auth';

/** Where a user's chart indicators are kept in this browser: per user, so a shared browser keeps each person's choice. */
export const indicatorPrefsKey = (userId: string) => `tradeloop.chart.indicators.${userId}`;

/** The indicators stored for `userId` (none when nothing or something unreadable is stored). */
export function readIndicatorPrefs(userId: string | undefined): ChartIndicator[] {
  if (!userId) return [];
  try {
    const raw = JSON.parse(localStorage.getItem(indicatorPrefsKey(userId)) ?? '[]') as unknown;
    return Array.isArray(raw) ? CHART_INDICATORS.filter((k) => raw.includes(k)) : [];
  } catch {
    return [];
  }
}

/** The signed-in user's enabled chart indicators (in their canonical order) and a toggle that remembers them. */
export function useIndicatorPrefs(): { enabled: readonly ChartIndicator[]; toggle: (kind: ChartIndicator) => void } {
  const userId = useCurrentUser().data?.id;
  const [byUser, setByUser] = useState<Record<string, readonly ChartIndicator[]>>({});
  const enabled = (userId && byUser[userId]) || readIndicatorPrefs(userId);
  const toggle = useCallback(
    (kind: ChartIndicator) => {
      if (!userId) return;
      setByUser((all) => {
        const current = all[userId] ?? readIndicatorPrefs(userId);
        const next = CHART_INDICATORS.filter((k) => (k === kind ? !current.includes(k) : current.includes(k)));
        try {
          localStorage.setItem(indicatorPrefsKey(userId), JSON.stringify(next));
        } catch {
          // Private mode: the choice lasts for this page only.
        }
        return { ...all, [userId]: next };
      });
    },
    [userId],
  );
  return { enabled, toggle };
}
