/*
 * A new price alert on the charted symbol (docs/alerts.md "Price alerts"): above / below, the
 * level (prefilled with the LTP, or the price clicked on the chart) and an optional note. The
 * server's field errors show under their fields.
 *
 * Test ids: price-alert-form (data-symbol), price-alert-condition-above|below (aria-pressed),
 * price-alert-price, price-alert-note, price-alert-submit, price-alert-cancel, price-alert-error
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import type { PriceAlertCondition } from '@tradeloop/domain';
import { FormField } from '../../auth/FormField';
import { formProblem } from '../../auth/form-problem';
import { formatPrice } from '../../../lib/price';
import { useCreatePriceAlert } from './price-alerts-api';

export interface PriceAlertDraft {
  condition: PriceAlertCondition;
  price: string;
}

export function PriceAlertForm({
  symbol,
  ltp,
  initial,
  onDone,
}: {
  symbol: string;
  ltp: string | null;
  initial: PriceAlertDraft;
  onDone: () => void;
}) {
  const create = useCreatePriceAlert();
  const [condition, setCondition] = useState<PriceAlertCondition>(initial.condition);
  const [price, setPrice] = useState(initial.price);
  const [note, setNote] = useState('');
  const formRef = useRef<HTMLFormElement>(null);
  const problem = formProblem(create.error, ['price', 'condition', 'note', 'symbol']);

  useEffect(() => {
    const input = formRef.current?.querySelector<HTMLInputElement>('[data-testid="price-alert-price"]');
    input?.focus();
    input?.select();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (create.isPending || price.trim() === '') return;
    create.mutate(
      { symbol, condition, price: price.trim(), ...(note.trim() ? { note: note.trim() } : {}) },
      {
        onSuccess: (alert) => {
          toast.success(`Alert set: ${alert.symbol} ${alert.condition} ₹${formatPrice(alert.price)}`);
          onDone();
        },
      },
    );
  };

  return (
    <form
      ref={formRef}
      className="price-alert-form"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onDone();
      }}
      aria-label={`New price alert on ${symbol}`}
      data-testid="price-alert-form"
      data-symbol={symbol}
    >
      <div className="price-alert-form-head">
        <strong>Alert on {symbol}</strong>
        {ltp && <span className="muted mono">LTP {formatPrice(ltp)}</span>}
      </div>
      <div className="segmented" role="group" aria-label="When the price is">
        {(['above', 'below'] as const).map((c) => (
          <button
            key={c}
            type="button"
            className="segment"
            aria-pressed={condition === c}
            onClick={() => setCondition(c)}
            data-testid={`price-alert-condition-${c}`}
          >
            {c === 'above' ? '≥ Above' : '≤ Below'}
          </button>
        ))}
      </div>
      <FormField
        label="Price (₹)"
        inputMode="decimal"
        autoComplete="off"
        value={price}
        onChange={(e) => {
          setPrice(e.target.value);
          if (create.error) create.reset();
        }}
        errors={[...problem.messagesFor('price'), ...problem.messagesFor('symbol'), ...problem.messagesFor('condition')]}
        data-testid="price-alert-price"
      />
      <FormField
        label="Note (optional)"
        maxLength={200}
        autoComplete="off"
        value={note}
        onChange={(e) => {
          setNote(e.target.value);
          if (create.error) create.reset();
        }}
        errors={problem.messagesFor('note')}
        data-testid="price-alert-note"
      />
      {problem.banner && (
        <p className="field-error" role="alert" data-testid="price-alert-error">
          {problem.banner}
        </p>
      )}
      <div className="price-alert-form-actions">
        <button type="button" className="button button-small button-ghost" onClick={onDone} data-testid="price-alert-cancel">
          Cancel
        </button>
        <button
          type="submit"
          className="button button-small button-primary"
          disabled={create.isPending || price.trim() === ''}
          data-testid="price-alert-submit"
        >
          {create.isPending ? 'Saving…' : 'Create alert'}
        </button>
      </div>
    </form>
  );
}
