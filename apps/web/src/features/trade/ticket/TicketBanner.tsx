import type { ReactNode } from 'react';
import type { ApiError } from '../../../lib/api';
import { describeRefusal } from './order-ticket-form';

/** A refusal or failure of the last submission, with the server's words (and, for a lapsed broker session, the way out). */
export function TicketBanner({ error, action }: { error: ApiError | Error; action?: ReactNode }) {
  const { code, title, detail, fields } = describeRefusal(error);
  return (
    <div
      className={`notice ${code === 'KILL_SWITCH_ENGAGED' ? 'notice-error ticket-banner-switch' : 'notice-error'} ticket-banner`}
      role="alert"
      data-testid="ticket-error"
      data-code={code}
    >
      <div className="ticket-banner-body">
        <strong>{title}</strong>
        <span>{detail}</span>
        {fields.map((fe) => (
          <span key={fe.field + fe.message}>
            {fe.field}: {fe.message}
          </span>
        ))}
        {action}
      </div>
    </div>
  );
}
