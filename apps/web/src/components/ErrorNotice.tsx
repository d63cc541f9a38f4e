import { describeError, isApiError } from '../lib/api';

interface ErrorNoticeProps {
  error: unknown;
  onRetry?: () => void;
  /** Replaces the error's own sentence, e.g. with advice on what to do next. */
  message?: string;
}

/** An inline, non-modal error for a failed load, with the request id for support. */
export function ErrorNotice({ error, onRetry, message }: ErrorNoticeProps) {
  const requestId = isApiError(error) ? error.requestId : null;
  return (
    <div className="notice notice-error" role="alert">
      <span>{message ?? describeError(error)}</span>
      {requestId && <span className="notice-ref mono">ref {requestId.slice(0, 8)}</span>}
      {onRetry && (
        <button type="button" className="button button-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
