import type { Notification, NotificationPage } from '@tradeloop/contracts';

/** How many of the newest notifications the bell's panel holds. */
export const LATEST = 30;

/** A pushed notification, newest first, counted unread; a repeat (same id) changes nothing. */
export function withPushed(page: NotificationPage | undefined, n: Notification): NotificationPage | undefined {
  if (!page) return page;
  if (page.items.some((x) => x.id === n.id)) return page;
  return { ...page, items: [n, ...page.items].slice(0, LATEST), unread: page.unread + (n.readAt === null ? 1 : 0) };
}
