import { ORDER_TYPES, type OrderType, type Product } from '@tradeloop/domain';
import type { TicketField } from './order-ticket-form';
import type { OrderTicketForm } from './useOrderTicketForm';

type Form = OrderTicketForm;

const TYPE_LABEL: Record<OrderType, string> = { MARKET: 'Market', LIMIT: 'Limit', SL: 'SL', 'SL-M': 'SL-M' };

const PRODUCT_HINT: Record<Product, string> = {
  CNC: 'Delivery (cash equity, no shorts)',
  MIS: 'Intraday (squared off the same day)',
  NRML: 'Carry-forward derivatives',
};

/** A field's error from the checks or the server, named by the field's aria-describedby. */
export function FieldError({ form, field }: { form: Pick<Form, 'fieldErrors' | 'errorId'>; field: TicketField }) {
  const message = form.fieldErrors[field];
  if (!message) return null;
  return (
    <span className="field-error" id={form.errorId(field)} data-testid={`ticket-field-error-${field}`}>
      {message}
    </span>
  );
}

/** aria-invalid and aria-describedby for a field with an error. */
const invalid = (form: Pick<Form, 'fieldErrors' | 'errorId'>, field: TicketField) =>
  form.fieldErrors[field] ? { 'aria-invalid': true, 'aria-describedby': form.errorId(field) } : {};

export function TicketTypes({ form }: { form: Form }) {
  return (
    <div className="segmented ticket-types" role="group" aria-label="Order type">
      {ORDER_TYPES.map((t) => (
        <button
          key={t}
          type="button"
          className="segment"
          aria-pressed={form.draft.type === t}
          onClick={() => form.chooseType(t)}
          data-testid={`ticket-type-${t}`}
        >
          {TYPE_LABEL[t]}
        </button>
      ))}
    </div>
  );
}

/** Quantity in lots (with the units it makes), and the price / trigger the type needs. */
export function TicketQuantityRow({ form }: { form: Form }) {
  const { units, lotSize } = form;
  return (
    <div className="ticket-row">
      <label className="field">
        <span className="label">Quantity (lots)</span>
        <input
          className="input mono"
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          value={form.draft.lots}
          onChange={(e) => form.changeLots(e.target.value)}
          data-testid="ticket-quantity"
          {...invalid(form, 'quantity')}
        />
        <span className="field-hint" data-testid="ticket-units" data-units={Number.isSafeInteger(units) ? units : ''}>
          {Number.isSafeInteger(units) ? `= ${units.toLocaleString('en-IN')} units` : '—'} ({lotSize}/lot)
        </span>
        <FieldError form={form} field="quantity" />
      </label>
      {form.needsPrice && <PriceField form={form} label="Price" field="price" testId="ticket-price" />}
      {form.needsTrigger && <PriceField form={form} label="Trigger" field="triggerPrice" testId="ticket-trigger" />}
    </div>
  );
}

/** A price or trigger box: decimal text kept as typed (the server parses it to integer ticks), stepping by the tick size. */
function PriceField({ form, label, field, testId }: { form: Form; label: string; field: 'price' | 'triggerPrice'; testId: string }) {
  const isPrice = field === 'price';
  return (
    <label className="field">
      <span className="label">{label}</span>
      <input
        className="input mono"
        type="number"
        inputMode="decimal"
        min={0}
        step={form.inst?.tickSize ?? '0.05'}
        value={isPrice ? form.draft.price : form.draft.trigger}
        onChange={(e) => (isPrice ? form.changePrice(e.target.value) : form.changeTrigger(e.target.value))}
        data-testid={testId}
        {...invalid(form, field)}
      />
      <FieldError form={form} field={field} />
    </label>
  );
}

export function TicketProduct({ form }: { form: Form }) {
  return (
    <div className="field">
      <span className="label">Product</span>
      <div className="segmented" role="group" aria-label="Product">
        {form.products.map((p) => (
          <button
            key={p}
            type="button"
            className="segment"
            aria-pressed={form.product === p}
            onClick={() => form.chooseProduct(p)}
            data-testid={`ticket-product-${p}`}
            title={PRODUCT_HINT[p]}
          >
            {p}
          </button>
        ))}
      </div>
      <FieldError form={form} field="product" />
    </div>
  );
}
