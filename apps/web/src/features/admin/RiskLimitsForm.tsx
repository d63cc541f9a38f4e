import { useState, type FormEvent } from 'react';
import type { RiskLimitsDto } from '@tradeloop/contracts';
import { toast } from 'sonner';
import { describeError, isApiError } from '../../lib/api';
import { useSaveLimits } from './risk-admin-api';

const MONEY_FIELDS = [
  ['maxOrderValue', 'Max order value (₹)'],
  ['maxPositionValue', 'Max position value (₹)'],
  ['maxDailyLoss', 'Max daily loss (₹)'],
] as const;
const COUNT_FIELDS = [
  ['maxOpenOrders', 'Max open orders'],
  ['maxOrdersPerMinute', 'Max orders / minute'],
] as const;
type LimitField = (typeof MONEY_FIELDS)[number][0] | (typeof COUNT_FIELDS)[number][0];
/** Optional limits: empty means none. */
type OptionalField = 'maxDrawdown';
type Values = Record<LimitField | OptionalField, string> & { squareOffOnTrip: boolean };

/** What a limit of zero does, said where it is typed: zero is allowed, never silent. */
const ZERO_MEANS: Record<LimitField, string> = {
  maxOrderValue: 'Zero refuses every order they place',
  maxPositionValue: 'Zero refuses every order that opens or adds to a position',
  maxDailyLoss: 'Zero trips their switch at the first rupee lost',
  maxOpenOrders: 'Zero refuses every order they place',
  maxOrdersPerMinute: 'Zero refuses every order they place',
};

/** "0", "0.0", "00.00": a zero amount or count as typed. */
export const isZeroLimit = (value: string): boolean => /^0+(\.0*)?$/.test(value.trim());

const valuesOf = (l: RiskLimitsDto): Values => ({
  maxOrderValue: l.maxOrderValue,
  maxPositionValue: l.maxPositionValue,
  maxDailyLoss: l.maxDailyLoss,
  maxOpenOrders: String(l.maxOpenOrders),
  maxOrdersPerMinute: String(l.maxOrdersPerMinute),
  maxDrawdown: l.maxDrawdown ?? '',
  squareOffOnTrip: l.squareOffOnTrip,
});

/**
 * A user's limits, prefilled with what the server holds; saving replaces them all. Money stays a
 * decimal string end to end (the server parses it to paise); counts are whole numbers.
 */
export function RiskLimitsForm({ userId, email, limits }: { userId: string; email: string; limits: RiskLimitsDto }) {
  const [values, setValues] = useState<Values>(() => valuesOf(limits));
  const save = useSaveLimits(userId);
  const fieldErrors = isApiError(save.error) ? save.error.fieldErrors : [];
  const errorFor = (f: string) => fieldErrors.find((e) => e.field === f)?.message;
  const saved = valuesOf(limits);
  const dirty = (Object.keys(saved) as (keyof Values)[]).some((k) => String(values[k]).trim() !== String(saved[k]));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(
      {
        maxOrderValue: values.maxOrderValue.trim(),
        maxPositionValue: values.maxPositionValue.trim(),
        maxDailyLoss: values.maxDailyLoss.trim(),
        // A non-number becomes NaN → null in JSON: the server answers with the field's error.
        maxOpenOrders: Number(values.maxOpenOrders.trim() || NaN),
        maxOrdersPerMinute: Number(values.maxOrdersPerMinute.trim() || NaN),
        maxDrawdown: values.maxDrawdown.trim() === '' ? null : values.maxDrawdown.trim(),
        squareOffOnTrip: values.squareOffOnTrip,
      },
      {
        // The form shows what the server stored ("7500" is saved as "7500.00"), so it is not dirty.
        onSuccess: (stored) => {
          setValues(valuesOf(stored));
          toast.success(`Limits saved for ${email}`);
        },
      },
    );
  };
  const input = (f: LimitField | OptionalField, label: string, money: boolean, optional = false) => (
    <label key={f} className="field">
      <span className="label">{label}</span>
      <input
        className="input mono"
        inputMode={money ? 'decimal' : 'numeric'}
        value={values[f]}
        onChange={(e) => setValues((v) => ({ ...v, [f]: e.target.value }))}
        aria-invalid={errorFor(f) ? true : undefined}
        data-testid={`risk-limit-${f}`}
        placeholder={optional ? 'none' : undefined}
        title={
          f === 'maxDrawdown' ? "How much of the day's best P&L may be given back before their switch trips; empty for none" : undefined
        }
        required={!optional}
      />
      {errorFor(f) && (
        <span className="field-error" data-testid={`risk-limit-error-${f}`}>
          {errorFor(f)}
        </span>
      )}
      {!errorFor(f) && f !== 'maxDrawdown' && isZeroLimit(values[f]) && (
        <span className="field-warning" role="note" data-testid={`risk-limit-warning-${f}`}>
          {ZERO_MEANS[f]}; to stop them trading, engage their kill switch instead.
        </span>
      )}
    </label>
  );
  return (
    <form className="stack" onSubmit={submit} data-testid="risk-limits-form">
      <div className="risk-limits-form">
        {MONEY_FIELDS.map(([f, l]) => input(f, l, true))}
        {COUNT_FIELDS.map(([f, l]) => input(f, l, false))}
        {input('maxDrawdown', 'Max drawdown (₹)', true, true)}
      </div>
      <label className="switch-row">
        <input
          type="checkbox"
          role="switch"
          className="switch"
          checked={values.squareOffOnTrip}
          onChange={(e) => setValues((v) => ({ ...v, squareOffOnTrip: e.target.checked }))}
          data-testid="risk-limit-squareOffOnTrip"
        />
        <span>
          <strong>Square off on trip</strong>
          <span className="muted"> — when max daily loss or max drawdown trips their switch, also flatten their positions at market</span>
        </span>
      </label>
      {save.isError && fieldErrors.length === 0 && (
        <div className="notice notice-error" role="alert" data-testid="risk-limits-error">
          {describeError(save.error)}
        </div>
      )}
      <div className="form-actions row">
        <button type="submit" className="button button-primary" disabled={!dirty || save.isPending} data-testid="risk-limits-save">
          {save.isPending ? 'Saving…' : 'Save limits'}
        </button>
        {dirty ? (
          <span className="muted">Unsaved changes</span>
        ) : (
          save.isSuccess && (
            <span className="text-positive" role="status" data-testid="risk-limits-saved">
              Saved
            </span>
          )
        )}
      </div>
    </form>
  );
}
