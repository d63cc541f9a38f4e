import type { AuditEvent } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { useUserDirectory } from '../../lib/user-directory';
import { AuditRow, subjectUserId } from './AuditRow';

interface AuditTableProps {
  events: AuditEvent[];
  loading: boolean;
  onActorClick: (actorId: string) => void;
}

export function AuditTable({ events, loading, onActorClick }: AuditTableProps) {
  const people = useUserDirectory(events.flatMap((e) => [e.actorId, subjectUserId(e.subject)]));
  return (
    <div className="table-wrap">
      <table className="table" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col" className="col-num">
              #
            </th>
            <th scope="col">Time</th>
            <th scope="col">Action</th>
            <th scope="col">Actor</th>
            <th scope="col">Subject</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <AuditRow key={event.id} event={event} people={people} onActorClick={onActorClick} />
          ))}
        </tbody>
      </table>
      {loading && <div className="table-placeholder muted">Loading audit events…</div>}
      {!loading && events.length === 0 && <EmptyState title="No audit events match these filters." />}
    </div>
  );
}
