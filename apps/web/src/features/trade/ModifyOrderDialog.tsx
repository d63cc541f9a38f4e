/*
 * Test ids:
 *   order-modify-quantity       new quantity in lots (as the ticket counts; units for lot-1 equities)
 *   order-modify-quantity-error what is wrong with it (checked before sending, or the server's reason)
 *   order-modify-price          new limit price (LIMIT, SL)
 *   order-modify-trigger        new trigger price (SL, SL-M)
 *   order-modify-confirm        sends the change
 *   order-modify-error          a refused change (the server's message, fields named)
 */
import { useState } from 'react';
import type { Order } from '@tradeloop/contracts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { isApiError } from '../../lib/api';
import { formatPrice } from '../../lib/price';
import { draftFor, hasPriceBox, hasTriggerBox, modifyChange, modifyQuantityProblem, type ModifyDraft } from './order-modify';
import { useInstrument, useModifyOrder } from './orders-api';

/**
 * Changes a working order's quantity, price or trigger. Only what was edited is sent; the
 * order shows its new terms once the broker confirms (the blotter updates live).
 */
export function ModifyOrderDialog({ order, onClose }: { order: Order | null; onClose: () => void }) {
  const modify = useModifyOrder();
  const instrument = useInstrument(order?.symbol ?? null);
  const lotSize = instrument.data?.lotSize ?? null;
  // The boxes start from the order's terms each time a (different) order is opened, once its lot size is known.
  const [draft, setDraft] = useState<ModifyDraft | null>(null);
  const wanted = order && lotSize !== null ? order.id : null;
  if ((draft?.orderId ?? null) !== wanted) setDraft(order && lotSize !== null ? draftFor(order, lotSize) : null);
  const change = order && draft && lotSize !== null ? modifyChange(order, draft, lotSize) : {};
  const quantityProblem = order && draft && lotSize !== null ? modifyQuantityProblem(order, draft, lotSize) : null;
  const close = () => {
    modify.reset();
    onClose();
  };
  const fieldError = (field: string) =>
    isApiError(modify.error) ? modify.error.fieldErrors.find((f) => f.field === field)?.message : undefined;

  return (
    <ConfirmDialog
      open={order !== null}
      title="Modify order"
      onClose={close}
      onConfirm={() => order && modify.mutate({ id: order.id, change }, { onSuccess: close })}
      canConfirm={Object.keys(change).length > 0 && quantityProblem === null}
      pending={modify.isPending}
      pendingLabel="Sending…"
      confirmLabel="Modify order"
      cancelLabel="Keep it"
      confirmTestId="order-modify-confirm"
      error={modify.error}
      errorTestId="order-modify-error"
      noValidate
    >
      {order && !draft && <p className="muted">{instrument.isError ? 'Could not load the instrument.' : 'Loading…'}</p>}
      {order && draft && (
        <>
          <p>
            {order.side} <strong className="mono">{order.symbol}</strong> {order.type} · {order.filledQuantity} of {order.quantity} filled
            {order.price ? ` · @ ${formatPrice(order.price)}` : ''}
          </p>
          <label className="field">
            <span className="label">Quantity (lots)</span>
            <input
              className="input mono"
              type="text"
              inputMode="numeric"
              value={draft.lots}
              onChange={(e) => setDraft({ ...draft, lots: e.target.value })}
              aria-invalid={quantityProblem || fieldError('quantity') ? true : undefined}
              data-testid="order-modify-quantity"
            />
            {lotSize !== null && lotSize > 1 && (
              <span className="field-hint">
                1 lot = {lotSize} units{quantityProblem === null && change.quantity !== undefined ? ` · ${change.quantity} units` : ''}
              </span>
            )}
            {(quantityProblem ?? fieldError('quantity')) && (
              <span className="field-error" data-testid="order-modify-quantity-error">
                {quantityProblem ?? fieldError('quantity')}
              </span>
            )}
          </label>
          {hasPriceBox(order.type) && (
            <PriceBox
              label="Price"
              value={draft.price}
              onChange={(price) => setDraft({ ...draft, price })}
              error={fieldError('price')}
              testId="order-modify-price"
            />
          )}
          {hasTriggerBox(order.type) && (
            <PriceBox
              label="Trigger"
              value={draft.trigger}
              onChange={(trigger) => setDraft({ ...draft, trigger })}
              error={fieldError('triggerPrice')}
              testId="order-modify-trigger"
            />
          )}
        </>
      )}
    </ConfirmDialog>
  );
}

function PriceBox(props: { label: string; value: string; onChange: (value: string) => void; error: string | undefined; testId: string }) {
  return (
    <label className="field">
      <span className="label">{props.label}</span>
      <input
        className="input mono"
        type="number"
        inputMode="decimal"
        min={0}
        step="0.05"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={props.testId}
      />
      {props.error && <span className="field-error">{props.error}</span>}
    </label>
  );
}
