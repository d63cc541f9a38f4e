import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import type { CreatedNotificationChannel, CreateNotificationChannel } from '@tradeloop/contracts';
import { NOTIFICATION_EVENTS, type NotificationEventKind } from '@tradeloop/domain';
import { FormField } from '../auth/FormField';
import { formProblem } from '../auth/form-problem';
import { useCreateChannel } from './notifications-api';
import { EVENT_LABEL } from './notification-labels';

type Kind = 'email' | 'webhook-signed' | 'webhook-telegram';

const KIND_LABEL: Record<Kind, string> = {
  email: 'Email',
  'webhook-signed': 'Webhook (signed JSON)',
  'webhook-telegram': 'Telegram bot',
};

const TARGET: Record<Kind, { label: string; placeholder: string; type: string }> = {
  email: { label: 'Email address', placeholder: 'me@example.com', type: 'email' },
  'webhook-signed': { label: 'URL we POST to', placeholder: 'https://example.com/hooks/tradeloop', type: 'url' },
  'webhook-telegram': { label: 'Bot sendMessage URL', placeholder: 'https://api.telegram.org/bot<token>/sendMessage', type: 'url' },
};

/**
 * A new email, signed-webhook or Telegram channel and the events it gets. A signed webhook's
 * secret is in the answer only: handed to `onCreated` to be shown once.
 *
 * Test ids: channel-add-form, channel-add-kind, channel-add-target, channel-add-chat, channel-event-<kind>, channel-add-submit, channel-add-error
 */
export function AddChannelForm({ onDone, onCreated }: { onDone: () => void; onCreated: (c: CreatedNotificationChannel) => void }) {
  const create = useCreateChannel();
  const [kind, setKind] = useState<Kind>('email');
  const [target, setTarget] = useState('');
  const [chatId, setChatId] = useState('');
  const [name, setName] = useState('');
  const [events, setEvents] = useState<NotificationEventKind[]>(['fill', 'rejection', 'risk_trip', 'kill_switch']);
  const problem = formProblem(create.error, ['target', 'events', 'chatId', 'name', 'kind', 'format']);
  const complete = target.trim() !== '' && events.length > 0 && (kind !== 'webhook-telegram' || chatId.trim() !== '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!complete || create.isPending) return;
    const body: CreateNotificationChannel = {
      kind: kind === 'email' ? 'email' : 'webhook',
      target: target.trim(),
      events,
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(kind === 'webhook-signed' ? { format: 'signed' as const } : {}),
      ...(kind === 'webhook-telegram' ? { format: 'telegram' as const, chatId: chatId.trim() } : {}),
    };
    create.mutate(body, {
      onSuccess: (channel) => {
        toast.success(`Added ${channel.name}`);
        onCreated(channel);
        onDone();
      },
    });
  };

  const toggle = (e: NotificationEventKind, on: boolean) =>
    setEvents((list) => (on ? NOTIFICATION_EVENTS.filter((x) => x === e || list.includes(x)) : list.filter((x) => x !== e)));

  return (
    <form className="form panel" onSubmit={submit} noValidate aria-label="Add a notification channel" data-testid="channel-add-form">
      <div className="field-columns">
        <label className="field">
          <span className="label">Channel</span>
          <select
            className="select"
            value={kind}
            data-testid="channel-add-kind"
            onChange={(e) => {
              setKind(e.target.value as Kind);
              create.reset();
            }}
          >
            {(Object.keys(KIND_LABEL) as Kind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </label>
        <FormField
          label={TARGET[kind].label}
          type={TARGET[kind].type}
          value={target}
          placeholder={TARGET[kind].placeholder}
          maxLength={2000}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setTarget(e.target.value)}
          errors={problem.messagesFor('target')}
          hint={kind === 'webhook-telegram' ? 'The bot token is stored encrypted and shown masked from then on.' : undefined}
          data-testid="channel-add-target"
        />
        {kind === 'webhook-telegram' && (
          <FormField
            label="Chat id"
            value={chatId}
            placeholder="-1001234567890 or @channel"
            maxLength={40}
            autoComplete="off"
            onChange={(e) => setChatId(e.target.value)}
            errors={problem.messagesFor('chatId')}
            data-testid="channel-add-chat"
          />
        )}
        <FormField
          label="Name (optional)"
          value={name}
          maxLength={100}
          autoComplete="off"
          onChange={(e) => setName(e.target.value)}
          errors={problem.messagesFor('name')}
        />
      </div>
      <fieldset className="fieldset">
        <legend>Events</legend>
        <div className="event-picks">
          {NOTIFICATION_EVENTS.map((e) => (
            <label key={e} className="check-row">
              <input
                type="checkbox"
                checked={events.includes(e)}
                onChange={(x) => toggle(e, x.target.checked)}
                data-testid={`channel-event-${e}`}
              />
              <span>{EVENT_LABEL[e]}</span>
            </label>
          ))}
        </div>
        {problem.messagesFor('events').length > 0 && <div className="field-error">{problem.messagesFor('events').join('; ')}</div>}
      </fieldset>
      {kind === 'webhook-signed' && (
        <p className="field-hint">
          Each POST carries X-Tradeloop-Timestamp and X-Tradeloop-Signature: sha256=HMAC-SHA256(secret, timestamp + &quot;.&quot; + body).
          The secret is shown once, after adding.
        </p>
      )}
      {problem.banner && (
        <div className="notice notice-error" role="alert" data-testid="channel-add-error">
          {problem.banner}
        </div>
      )}
      <div className="row">
        <button type="button" className="button button-ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={!complete || create.isPending} data-testid="channel-add-submit">
          {create.isPending ? 'Adding…' : 'Add channel'}
        </button>
      </div>
    </form>
  );
}
