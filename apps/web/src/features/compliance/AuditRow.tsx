import type { AuditEvent } from '@tradeloop/contracts';
import { UserName } from '../../components/UserName';
import { formatDateTime, shortId } from '../../lib/format';
import type { Directory } from '../../lib/user-directory';
import { AuditDetails } from './AuditDetails';

/** Failures and security alarms stand out; routine successes stay quiet. */
function actionTone(action: AuditEvent['action']): string {
  if (action.endsWith('_failed') || action.endsWith('_throttled') || action.includes('reuse') || action === 'user.disabled') {
    return 'chip-negative';
  }
  if (action.startsWith('user.') || action.startsWith('auth.mfa')) return 'chip-warning';
  return 'chip-neutral';
}

/** The user a `user:<id>` subject names, if it names one. */
export function subjectUserId(subject: string | null): string | null {
  const match = /^user:([0-9a-f-]{36})$/i.exec(subject ?? '');
  return match ? match[1]!.toLowerCase() : null;
}

export function AuditRow({
  event,
  people,
  onActorClick,
}: {
  event: AuditEvent;
  people: Directory;
  onActorClick: (actorId: string) => void;
}) {
  const subjectUser = subjectUserId(event.subject);
  return (
    <tr data-testid="audit-row">
      <td className="mono muted col-num">{event.id}</td>
      <td className="mono nowrap">{formatDateTime(event.at)}</td>
      <td>
        <span className={`chip ${actionTone(event.action)}`} data-testid="audit-action">
          {event.action}
        </span>
      </td>
      <td className="nowrap" data-testid="audit-actor">
        {event.actorId ? (
          <UserName id={event.actorId} user={people(event.actorId)} onClick={onActorClick} clickTitle="Show only events by this person" />
        ) : (
          <span className="muted">system</span>
        )}
      </td>
      <td className="nowrap" title={event.subject ?? undefined} data-testid="audit-subject">
        {subjectUser ? (
          <UserName id={subjectUser} user={people(subjectUser)} />
        ) : event.subject ? (
          <span className="mono">{abbreviateSubject(event.subject)}</span>
        ) : (
          <span className="muted">—</span>
        )}
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
