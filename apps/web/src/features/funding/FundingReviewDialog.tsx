import type { Wallet } from '@tradeloop/contracts';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Money } from '../../components/Money';
import { formatInr, toPaise } from '../../lib/money';
import { shortId } from '../../lib/format';
import { DIRECTION_LABEL, describeFundingError, type FundingAttempt } from './funding-api';

interface FundingReviewDialogProps {
  attempt: FundingAttempt | null;
  wallet: Wallet | undefined;
  pending: boolean;
  error: unknown;
  isRetry: boolean;
  onConfirm: () => void;
  onClose: () => void;
}

/** Stays mounted so the native dialog hands focus back to the Review button when it closes. */
export function FundingReviewDialog({ attempt, ...rest }: FundingReviewDialogProps) {
  const title = attempt ? `Confirm ${DIRECTION_LABEL[attempt.direction].noun.toLowerCase()}` : 'Confirm';
  return (
    <Dialog open={attempt !== null} title={title} onClose={rest.onClose} testId="funding-review-dialog">
      {attempt && <ReviewBody attempt={attempt} {...rest} />}
    </Dialog>
  );
}

function ReviewBody({
  attempt,
  wallet,
  pending,
  error,
  isRetry,
  onConfirm,
  onClose,
}: FundingReviewDialogProps & { attempt: FundingAttempt }) {
  const label = DIRECTION_LABEL[attempt.direction];
  const amount = toPaise(attempt.amount);
  const available = wallet ? toPaise(wallet.available) : null;
  const after = available === null ? null : attempt.direction === 'deposit' ? available + amount : available - amount;
  const total = wallet ? toPaise(wallet.total) : null;
  const totalAfter = total === null ? null : attempt.direction === 'deposit' ? total + amount : total - amount;
  const insufficient = after !== null && after < 0n;

  return (
    <div className="form" data-testid="funding-review-step">
      <div className="dialog-subject">
        <strong>{attempt.user.displayName}</strong>
        <span className="mono muted">{attempt.user.email}</span>
      </div>
      <dl className="review-sheet">
        <dt>Direction</dt>
        <dd>
          <span
            className={`chip ${attempt.direction === 'deposit' ? 'chip-positive' : 'chip-negative'}`}
            data-testid="funding-review-direction"
          >
            {label.noun.toUpperCase()}
          </span>
        </dd>
        <dt>Amount</dt>
        <dd>
          <Money value={attempt.amount} className="review-amount" testId="funding-review-amount" />
        </dd>
        <dt>Reference</dt>
        <dd className="review-reference">{attempt.reference}</dd>
        <dt>Available now</dt>
        <dd>
          {available === null ? <span className="muted">Loading…</span> : <Money value={available} testId="funding-review-available" />}
        </dd>
        <dt>Available after</dt>
        <dd>
          {after === null ? (
            <span className="muted">—</span>
          ) : (
            <Money value={after} className={insufficient ? 'money-negative' : 'review-after'} testId="funding-review-after" />
          )}
        </dd>
        <dt>Total after</dt>
        <dd>{totalAfter === null ? <span className="muted">—</span> : <Money value={totalAfter} />}</dd>
      </dl>
      {insufficient && after !== null && (
        <div className="notice notice-error" role="alert" data-testid="funding-insufficient">
          This withdrawal is {formatInr(-after)} more than the available balance. The ledger never goes negative, so it would be refused.
        </div>
      )}
      {isRetry && (
        <div className="notice notice-warning" role="note" data-testid="funding-retry-note">
          The last send got no answer, so it may already have been applied (the balance above would then include it). Retrying reuses the
          same request key: the money moves at most once.
        </div>
      )}
      {error !== null && (
        <div data-testid="funding-error">
          <ErrorNotice error={error} message={describeFundingError(error)} />
        </div>
      )}
      <p className="field-hint">
        Request key{' '}
        <span className="mono" data-testid="funding-idempotency-key" title={attempt.idempotencyKey}>
          {shortId(attempt.idempotencyKey)}
        </span>{' '}
        — sent as Idempotency-Key; repeating this confirm cannot post twice.
      </p>
      <div className="dialog-footer">
        <button type="button" className="button button-ghost" onClick={onClose} disabled={pending}>
          Back
        </button>
        <button
          type="button"
          className={`button ${attempt.direction === 'deposit' ? 'button-primary' : 'button-danger'}`}
          onClick={onConfirm}
          disabled={pending || insufficient || after === null}
          data-testid="funding-confirm"
          // The native dialog focuses its [autofocus] element when it opens: Enter confirms.
          ref={(button) => button?.setAttribute('autofocus', '')}
        >
          {pending ? 'Posting…' : `${isRetry ? 'Retry' : 'Confirm'} ${label.verb.toLowerCase()} ${formatInr(amount)}`}
        </button>
      </div>
    </div>
  );
}
