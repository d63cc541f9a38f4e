/*
 * Account → Notifications: the user's email and webhook channels, the events each gets, on / off,
 * and how their deliveries went (sent / queued / failed, the last error). In-app notifications
 * (the bell) always get every event.
 *
 * Test ids: notifications-page, channel-add-open, channel-secret (shown once), channel-card
 * (data-kind), channel-stats, channel-toggle, channel-delete (channel-delete-dialog, -confirm, -error), channel-deliveries-toggle,
 * channel-delivery (data-status).
 */
import { useState } from 'react';
import { toast } from 'sonner';
import type { CreatedNotificationChannel, NotificationChannel } from '@tradeloop/contracts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CopyButton } from '../../components/CopyButton';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, formatRelative } from '../../lib/format';
import { AddChannelForm } from './AddChannelForm';
import { EVENT_LABEL } from './notification-labels';
import { useChannels, useDeleteChannel, useDeliveries, useUpdateChannel } from './notifications-api';
import './notifications.css';

export function NotificationSettingsPage() {
  const channels = useChannels();
  const remove = useDeleteChannel();
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<CreatedNotificationChannel | null>(null);
  const [deleting, setDeleting] = useState<NotificationChannel | null>(null);
  const items = channels.data?.items ?? [];

  return (
    <div className="page notifications-page" data-testid="notifications-page">
      <PageHeader
        section="Account"
        title="Notifications"
        meta={channels.isFetching && !channels.isPending ? <span className="spinner" aria-label="Loading" /> : null}
        actions={
          !adding && (
            <button type="button" className="button button-primary" onClick={() => setAdding(true)} data-testid="channel-add-open">
              Add channel
            </button>
          )
        }
      />
      <p className="muted">
        Every event shows in the bell. Add email or webhook channels to be told elsewhere; each picks its events. Sends are retried with
        backoff when a server is down, and at most a few per minute go out per user.
      </p>
      {created?.secret && (
        <div className="notice notice-success secret-once" role="status" data-testid="channel-secret">
          <span>
            <strong>Signing secret for {created.name}</strong> — shown this once:
          </span>
          <code className="mono">{created.secret}</code>
          <CopyButton value={created.secret} label="Copy secret" />
          <button type="button" className="button button-small" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      {adding && <AddChannelForm onDone={() => setAdding(false)} onCreated={setCreated} />}
      {channels.isError ? (
        <ErrorNotice error={channels.error} onRetry={() => void channels.refetch()} />
      ) : channels.isPending ? null : items.length === 0 ? (
        <EmptyState title="No channels yet">Notifications show only in the app until you add an email or webhook channel.</EmptyState>
      ) : (
        <div className="channel-list">
          {items.map((c) => (
            <ChannelCard key={c.id} channel={c} onDelete={() => setDeleting(c)} />
          ))}
        </div>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete channel"
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        testId="channel-delete-dialog"
        confirmLabel="Delete"
        pendingLabel="Deleting…"
        pending={remove.isPending}
        tone="danger"
        confirmTestId="channel-delete-confirm"
        error={remove.error}
        errorTestId="channel-delete-error"
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              toast.success(`Deleted ${deleting.name}`);
              setDeleting(null);
            },
          })
        }
      >
        <p>{deleting?.name} and its delivery history go; queued sends to it are dropped.</p>
      </ConfirmDialog>
    </div>
  );
}

function ChannelCard({ channel: c, onDelete }: { channel: NotificationChannel; onDelete: () => void }) {
  const update = useUpdateChannel();
  const [showDeliveries, setShowDeliveries] = useState(false);
  const failing = c.deliveries.failed > 0 || (c.deliveries.queued > 0 && c.deliveries.lastError !== null);
  const kindLabel = c.kind === 'email' ? 'Email' : c.format === 'telegram' ? 'Telegram' : 'Signed webhook';
  return (
    <article
      className={`panel channel-card${c.enabled ? '' : ' channel-card-disabled'}${failing ? ' channel-card-failing' : ''}`}
      data-testid="channel-card"
      data-kind={c.kind}
    >
      <div className="channel-card-header">
        <div className="channel-card-title">
          <strong>{c.name}</strong>
          <span className="muted mono channel-target">
            {kindLabel} · {c.target}
            {c.chatId ? ` · chat ${c.chatId}` : ''}
          </span>
        </div>
        <div className="row">
          <label className="check-row">
            <input
              type="checkbox"
              checked={c.enabled}
              disabled={update.isPending}
              onChange={(e) => update.mutate({ id: c.id, patch: { enabled: e.target.checked } })}
              data-testid="channel-toggle"
            />
            <span>On</span>
          </label>
          <button type="button" className="button button-small button-ghost" onClick={onDelete} data-testid="channel-delete">
            Delete
          </button>
        </div>
      </div>
      <div className="chips">
        {c.events.map((e) => (
          <span key={e} className="chip chip-neutral">
            {EVENT_LABEL[e]}
          </span>
        ))}
      </div>
      <div className="channel-stats" data-testid="channel-stats" data-sent={c.deliveries.sent} data-queued={c.deliveries.queued}>
        <span className="chip chip-positive">{c.deliveries.sent} sent</span>
        <span className={`chip ${c.deliveries.queued > 0 ? 'chip-warning' : 'chip-neutral'}`}>{c.deliveries.queued} queued</span>
        <span className={`chip ${c.deliveries.failed > 0 ? 'chip-negative' : 'chip-neutral'}`}>{c.deliveries.failed} failed</span>
        {c.deliveries.lastSentAt && <span className="muted">last sent {formatRelative(c.deliveries.lastSentAt)}</span>}
        {c.deliveries.lastError && <span className="delivery-error">last error: {c.deliveries.lastError}</span>}
        <button
          type="button"
          className="button button-small button-ghost"
          aria-expanded={showDeliveries}
          onClick={() => setShowDeliveries((v) => !v)}
          data-testid="channel-deliveries-toggle"
        >
          {showDeliveries ? 'Hide deliveries' : 'Deliveries'}
        </button>
      </div>
      {showDeliveries && <DeliveryTable channelId={c.id} />}
    </article>
  );
}

function DeliveryTable({ channelId }: { channelId: string }) {
  const deliveries = useDeliveries(channelId, true);
  const items = deliveries.data?.items ?? [];
  if (deliveries.isError) return <ErrorNotice error={deliveries.error} onRetry={() => void deliveries.refetch()} />;
  if (deliveries.isPending) return <span className="spinner" aria-label="Loading" />;
  if (items.length === 0) return <p className="muted">Nothing sent to this channel yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th>Notification</th>
            <th>Status</th>
            <th>Tries</th>
            <th>Created</th>
            <th>Sent / next try</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.id} data-testid="channel-delivery" data-status={d.status}>
              <td>{d.title}</td>
              <td>
                <span
                  className={`chip ${d.status === 'sent' ? 'chip-positive' : d.status === 'failed' ? 'chip-negative' : 'chip-warning'}`}
                >
                  {d.status}
                </span>
              </td>
              <td className="num">{d.attempts}</td>
              <td>{formatDateTime(d.createdAt)}</td>
              <td>{d.sentAt ? formatDateTime(d.sentAt) : d.nextAttemptAt ? `next ${formatRelative(d.nextAttemptAt)}` : '—'}</td>
              <td className="delivery-error">{d.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
