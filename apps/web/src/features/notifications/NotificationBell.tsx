/*
 * The notification centre in the top bar (docs/alerts.md "Notifications"): a bell with the unread
 * count, and a panel of the newest notifications kept live by realtime `notification` events.
 * Opening the panel marks what it shows read.
 *
 * Test ids: notification-bell, notification-unread (the count), notification-panel,
 * notification-item (data-kind, data-read), notification-mark-all, notification-settings-link.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { REALTIME_EVENTS, type NotificationEvent, type NotificationPage } from '@tradeloop/contracts';
import { formatRelative } from '../../lib/format';
import { useRealtime, useRealtimeEvent } from '../../lib/RealtimeProvider';
import { notificationsQueryKey, useMarkRead, useNotifications } from './notifications-api';
import { withPushed } from './notification-list';
import './notifications.css';

export function NotificationBell() {
  const queryClient = useQueryClient();
  const notifications = useNotifications();
  const markRead = useMarkRead();
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const lastSeq = useRef(0);
  const { connection } = useRealtime();

  const onPushed = useCallback(
    (event: NotificationEvent & { userId?: string }) => {
      // An admin's socket also gets everyone's notifications mirrored to the admin room (with
      // `userId`, on the admin room's own seq): the bell is the user's own.
      if (event.userId !== undefined) return;
      const cached = queryClient.getQueryData<NotificationPage>(notificationsQueryKey);
      // A seq gap means something was missed: re-read; otherwise the event carries the whole notification.
      if (cached && (lastSeq.current === 0 || event.seq === lastSeq.current + 1)) {
        queryClient.setQueryData<NotificationPage>(notificationsQueryKey, (page) => withPushed(page, event.notification));
      } else {
        void queryClient.invalidateQueries({ queryKey: notificationsQueryKey, exact: true });
      }
      lastSeq.current = event.seq;
      const n = event.notification;
      (n.severity === 'critical' ? toast.error : n.severity === 'warning' ? toast.warning : toast.info)(n.title);
    },
    [queryClient],
  );
  useRealtimeEvent<NotificationEvent & { userId?: string }>(REALTIME_EVENTS.notification, onPushed);

  // Events sent while offline are gone: re-read after a reconnect.
  useEffect(() => {
    if (!connection) return undefined;
    let connectedBefore = connection.socket.connected;
    const onConnect = () => {
      if (connectedBefore) {
        lastSeq.current = 0;
        void queryClient.invalidateQueries({ queryKey: notificationsQueryKey, exact: true });
      }
      connectedBefore = true;
    };
    connection.socket.on('connect', onConnect);
    return () => {
      connection.socket.off('connect', onConnect);
    };
  }, [connection, queryClient]);

  useEffect(() => {
    if (!open) return undefined;
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const page = notifications.data;
  const unread = page?.unread ?? 0;
  const items = page?.items ?? [];

  return (
    <div className="notification-bell" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="notification-bell-button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
        title="Notifications"
        onClick={() => setOpen((v) => !v)}
        data-testid="notification-bell"
      >
        <svg viewBox="0 0 24 24" aria-hidden="true" className="notification-bell-icon">
          <path d="M6 16V11a6 6 0 1 1 12 0v5l1.5 2h-15L6 16z" />
          <path d="M10 20a2 2 0 0 0 4 0" />
        </svg>
        {unread > 0 && (
          <span className="notification-count" data-testid="notification-unread">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="popover notification-panel" role="dialog" aria-label="Notifications" data-testid="notification-panel">
          <div className="notification-panel-header">
            <strong>Notifications</strong>
            <div className="row">
              <button
                type="button"
                className="button button-small button-ghost"
                disabled={unread === 0 || markRead.isPending}
                onClick={() => markRead.mutate({ all: true })}
                data-testid="notification-mark-all"
              >
                Mark all read
              </button>
              <Link
                className="button button-small button-ghost"
                to="/account/notifications"
                onClick={() => setOpen(false)}
                data-testid="notification-settings-link"
              >
                Settings
              </Link>
            </div>
          </div>
          {notifications.isError ? (
            <p className="notification-empty">Could not load notifications.</p>
          ) : items.length === 0 ? (
            <p className="notification-empty">
              {notifications.isPending ? 'Loading…' : 'Nothing yet. Fills, rejections, risk events and more show up here.'}
            </p>
          ) : (
            <ul className="notification-list">
              {items.map((n) => (
                <li
                  key={n.id}
                  className={`notification-item notification-${n.severity}${n.readAt === null ? ' notification-unread' : ''}`}
                  data-testid="notification-item"
                  data-kind={n.kind}
                  data-read={n.readAt !== null}
                >
                  <button
                    type="button"
                    className="notification-item-button"
                    onClick={() => n.readAt === null && markRead.mutate({ ids: [n.id] })}
                    title={n.readAt === null ? 'Mark read' : undefined}
                  >
                    <span className="notification-title">{n.title}</span>
                    <span className="notification-body">{n.body}</span>
                    <span className="notification-time muted">{formatRelative(n.createdAt)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
