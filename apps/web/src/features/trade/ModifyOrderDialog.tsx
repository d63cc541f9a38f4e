/*
 * Test ids:
 *   order-modify-quantity       new quantity (units)
 *   order-modify-price          new limit price (LIMIT, SL)
 *   order-modify-trigger        new trigger price (SL, SL-M)
 *   order-modify-confirm        sends the change
 *   order-modify-error          a refused change (the server's message, fields named)
 */
import { useState, type FormEvent } from 'react';
import type { Order } from '@tradeloop/contracts';
import { Dialog } from '../../components/Dialog';
import { describeError, isApiError } from '../../lib/api';
import { formatPrice } from '../../lib/price';
import { useModifyOrder } from './orders-api';

/**
 * Changes a working order's quantity, price or trigger. Only what was edited is sent; the
 * order shows its new terms once the broker confirms (the blotter updates live).
 */
export function ModifyOrderDialog({ order, onClose }: { order: Order | null; onClose: () => void }) {
  return (
    <Dialog open={order !== null} title="Modify order" onClose={onClose}>
      {order && <ModifyForm key={order.id} order={order} onDone={onClose} />}
    </Dialog>
  );
}

function ModifyForm({ order, onDone }: { order: Order; onDone: () => void }) {
  const [quantity, setQuantity] = useState(String(order.quantity));
  const [price, setPrice] = useState(order.price ?? '');
  const [trigger, setTrigger] = useState(order.triggerPrice ?? '');
  const modify = useModifyOrder();
  const hasPrice = order.type === 'LIMIT' || order.type === 'SL';
  const hasTrigger = order.type === 'SL' || order.type === 'SL-M';

  const change = {
    ...(quantity.trim() !== String(order.quantity) ? { quantity: Number(quantity) } : {}),
    ...(hasPrice && price.trim() !== (order.price ?? '') ? { price: price.trim() } : {}),
    ...(hasTrigger && trigger.trim() !== (order.triggerPrice ?? '') ? { triggerPrice: trigger.trim() } : {}),
  };
  const unchanged = Object.keys(change).length === 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!unchanged) modify.mutate({ id: order.id, change }, { onSuccess: onDone });
  };
  const fieldError = (field: string) =>
    isApiError(modify.error) ? modify.error.fieldErrors.find((f) => f.field === field)?.message : undefined;

  return (
    <form className="stack" onSubmit={submit} noValidate>
      <p>
        {order.side} <strong className="mono">{order.symbol}</strong> {order.type} · {order.filledQuantity} of {order.quantity} filled
        {order.price ? ` · @ ${formatPrice(order.price)}` : ''}
      </p>
      <label className="field">
        <span className="label">Quantity (units)</span>
        <input
          className="input mono"
          type="number"
          inputMode="numeric"
          min={order.filledQuantity + 1}
          value={quantity}
          onChange={(e) => setQuantity(e.target.value)}
          data-testid="order-modify-quantity"
        />
        {fieldError('quantity') && <span className="field-error">{fieldError('quantity')}</span>}
      </label>
      {hasPrice && (
        <label className="field">
          <span className="label">Price</span>
          <input
            className="input mono"
            type="number"
            inputMode="decimal"
            min={0}
            step="0.05"
            value={price}
            onChange={(e) => setPrice(e.target.value)}
            data-testid="order-modify-price"
          />
          {fieldError('price') && <span className="field-error">{fieldError('price')}</span>}
        </label>
      )}
      {hasTrigger && (
        <label className="field">
          <span className="label">Trigger</span>
          <input
            className="input mono"
            type="number"
            inputMode="decimal"
            min={0}
            step="0.05"
            value={trigger}
            onChange={(e) => setTrigger(e.target.value)}
            data-testid="order-modify-trigger"
          />
          {fieldError('triggerPrice') && <span className="field-error">{fieldError('triggerPrice')}</span>}
        </label>
      )}
      {modify.isError && (
        <div className="notice notice-error" role="alert" data-testid="order-modify-error">
          {describeError(modify.error)}
        </div>
      )}
      <div className="dialog-footer">
        <button type="button" className="button button-ghost" onClick={onDone}>
          Keep it
        </button>
        <button type="submit" className="button button-primary" disabled={unchanged || modify.isPending} data-testid="order-modify-confirm">
          {modify.isPending ? 'Sending…' : 'Modify order'}
        </button>
      </div>
    </form>
  );
}
