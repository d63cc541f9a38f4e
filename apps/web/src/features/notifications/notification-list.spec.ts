import { describe, expect, it } from 'vitest';
import type { Notification, NotificationPage } from '@tradeloop/contracts';
import { withPushed } from './notification-list';

const n = (id: string, readAt: string | null = null): Notification => ({
  id,
  kind: 'fill',
  title: `t${id}`,
  body: 'b',
  severity: 'info',
  createdAt: '2026-01-01T00:00:00.000Z',
  readAt,
});
const page = (items: Notification[], unread: number): NotificationPage => ({ items, nextCursor: null, unread });

describe('withPushed', () => {
  it('puts a pushed notification first and counts it unread', () => {
    expect(withPushed(page([n('a')], 1), n('b'))).toEqual(page([n('b'), n('a')], 2));
  });

  it('a repeat of one already listed changes nothing', () => {
    const p = page([n('a')], 1);
    expect(withPushed(p, n('a'))).toBe(p);
  });

  it('a read one is listed without counting', () => {
    expect(withPushed(page([], 0), n('a', '2026-01-01T00:00:01.000Z'))!.unread).toBe(0);
  });

  it('keeps at most the latest 30 and leaves an unloaded list alone', () => {
    const full = page(
      Array.from({ length: 30 }, (_, i) => n(String(i))),
      0,
    );
    const next = withPushed(full, n('new'))!;
    expect(next.items).toHaveLength(30);
    expect(next.items[0]!.id).toBe('new');
    expect(next.items.at(-1)!.id).toBe('28');
    expect(withPushed(undefined, n('a'))).toBeUndefined();
  });
});
