import type { AuditEvent } from '@tradeloop/contracts';
import { formatDateTime, shortId } from '../../lib/format';
import { AuditDetails } from './AuditDetails';

/** Failures and security alarms stand out; routine successes stay quiet. */
function actionTone(action: AuditEvent['action']): string {
  if (action.endsWith('_failed') || action.endsWith('_throttled') || action.includes('reuse') || action === 'user.disabled') {
    return 'chip-negative';
  }
  if (action.startsWith('user.') || action.startsWith('auth.mfa')) return 'chip-warning';
  return 'chip-neutral';
}

export function AuditRow({ event, onActorClick }: { event: AuditEvent; onActorClick: (actorId: string) => void }) {
  return (
    <tr data-testid="audit-row">
      <td className="mono muted col-num">{event.id}</td>
      <td className="mono nowrap">{formatDateTime(event.at)}</td>
      <td>
        <span className={`chip ${actionTone(event.action)}`} data-testid="audit-action">
          {event.action}
        </span>
      </td>
      <td className="mono nowrap">
        {event.actorId ? (
          <button
            type="button"
            className="link-button"
            title={`Show only events by ${event.actorId}`}
            onClick={() => onActorClick(event.actorId!)}
          >
            {shortId(event.actorId)}
          </button>
        ) : (
          <span className="muted">system</span>
        )}
      </td>
      <td className="mono nowrap" title={event.subject ?? undefined}>
        {event.subject ? abbreviateSubject(event.subject) : <span className="muted">—</span>}
      </td>
      <td>
        <AuditDetails details={event.details} />
      </td>
    </tr>
  );
}

/** `user:01a2…-uuid` → `user:01a2…` so the column stays narrow; the full value is in the title. */
function abbreviateSubject(subject: string): string {
  const [kind, ...rest] = subject.split(':');
  const value = rest.join(':');
  return /^[0-9a-f-]{36}$/i.test(value) ? `${kind}:${shortId(value)}` : subject;
}
