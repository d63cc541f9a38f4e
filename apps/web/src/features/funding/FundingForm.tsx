import { useId, useState, type FormEvent } from 'react';
import { formatMoney, MONEY_PROBLEM_MESSAGES, tryParsePositiveMoney } from '@tradeloop/domain';
import { DIRECTION_LABEL, type FundingDirection, type FundingRequest } from './funding-api';

const REFERENCE_MAX = 200;

interface FundingFormProps {
  user: FundingRequest['user'];
  disabled: boolean;
  onReview: (request: FundingRequest) => void;
}

function amountError(value: string): string | null {
  const parsed = tryParsePositiveMoney(value.trim());
  return parsed.ok ? null : `Amount ${MONEY_PROBLEM_MESSAGES[parsed.problem]}`;
}

function referenceError(value: string): string | null {
  const text = value.trim();
  if (!text) return 'Reference is required: a bank transfer id, a ticket number…';
  if (text.length > REFERENCE_MAX) return `Reference must be at most ${REFERENCE_MAX} characters`;
  return null;
}

/** Direction, amount and reference; checked here first, then reviewed before anything is sent. */
export function FundingForm({ user, disabled, onReview }: FundingFormProps) {
  const [direction, setDirection] = useState<FundingDirection>('deposit');
  const [amount, setAmount] = useState('');
  const [reference, setReference] = useState('');
  // Problems show from the first Review on, then follow the typing. (Not on blur: a message
  // appearing as focus leaves for the Review button shifts the button away from the click.)
  const [attempted, setAttempted] = useState(false);
  const ids = { amount: useId(), reference: useId() };

  const errors = { amount: amountError(amount), reference: referenceError(reference) };
  const shown = { amount: attempted ? errors.amount : null, reference: attempted ? errors.reference : null };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    const parsed = tryParsePositiveMoney(amount.trim());
    if (!parsed.ok || errors.reference || disabled) return;
    onReview({ user, direction, amount: formatMoney(parsed.paise), reference: reference.trim() });
  };

  return (
    <form className="form funding-form" onSubmit={submit} noValidate>
      <div className="segmented" role="group" aria-label="Direction">
        {(['deposit', 'withdrawal'] as const).map((d) => (
          <button
            key={d}
            type="button"
            className={`segment segment-${d}`}
            aria-pressed={direction === d}
            onClick={() => setDirection(d)}
            data-testid={d === 'deposit' ? 'funding-direction-deposit' : 'funding-direction-withdraw'}
          >
            {d === 'deposit' ? '↓ Deposit' : '↑ Withdraw'}
          </button>
        ))}
      </div>
      <div className="field">
        <label htmlFor={ids.amount}>Amount (INR)</label>
        <div className="input-affix">
          <span className="input-affix-text" aria-hidden="true">
            ₹
          </span>
          <input
            id={ids.amount}
            className="input mono input-amount"
            inputMode="decimal"
            autoComplete="off"
            placeholder="0.00"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            aria-invalid={shown.amount ? true : undefined}
            aria-describedby={`${ids.amount}-desc`}
            data-testid="funding-amount"
          />
        </div>
        <div
          id={`${ids.amount}-desc`}
          className={shown.amount ? 'field-error' : 'field-hint'}
          data-testid={shown.amount ? 'funding-amount-error' : undefined}
        >
          {shown.amount ?? 'Plain decimal, up to 2 places, e.g. 1500 or 1500.50'}
        </div>
      </div>
      <div className="field">
        <label htmlFor={ids.reference}>Reference</label>
        <input
          id={ids.reference}
          className="input"
          autoComplete="off"
          placeholder="e.g. NEFT UTR 4021 7781 or ticket OPS-1182"
          maxLength={REFERENCE_MAX}
          value={reference}
          onChange={(e) => setReference(e.target.value)}
          aria-invalid={shown.reference ? true : undefined}
          aria-describedby={`${ids.reference}-desc`}
          data-testid="funding-reference"
        />
        <div id={`${ids.reference}-desc`} className={shown.reference ? 'field-error' : 'field-hint'}>
          {shown.reference ??
            `Why the money moves; recorded with the transaction and shown to compliance (${reference.trim().length}/${REFERENCE_MAX})`}
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={disabled} data-testid="funding-review">
          Review {DIRECTION_LABEL[direction].noun.toLowerCase()}…
        </button>
      </div>
    </form>
  );
}
