import { describeError, isApiError } from '../lib/api';

interface ErrorNoticeProps {
  error: unknown;
  onRetry?: () => void;
}

/** An inline, non-modal error for a failed load, with the request id for support. */
export function ErrorNotice({ error, onRetry }: ErrorNoticeProps) {
  const requestId = isApiError(error) ? error.requestId : null;
  return (
    <div className="notice notice-error" role="alert">
      <span>{describeError(error)}</span>
      {requestId && <span className="notice-ref mono">ref {requestId.slice(0, 8)}</span>}
      {onRetry && (
        <button type="button" className="button button-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
