/*
 * Trade → Market watch: the order ticket (right of the chart).
 *
 * Test ids:
 *   order-ticket                 the open ticket (data-side, data-symbol, data-lot-size)
 *   ticket-open-buy / -sell      the Buy / Sell buttons shown while the ticket is closed (keys B / S)
 *   ticket-close                 closes the ticket (also Esc)
 *   ticket-symbol                the instrument box (prefilled from the charted / selected row)
 *   ticket-symbol-option-<SYM>   a search match
 *   ticket-side-buy / -sell      BUY / SELL toggle (aria-pressed)
 *   ticket-type-<T>              MARKET | LIMIT | SL | SL-M (aria-pressed)
 *   ticket-quantity              quantity in lots
 *   ticket-units                 "= N units" (data-units)
 *   ticket-price                 limit price (LIMIT, SL)
 *   ticket-trigger               trigger price (SL, SL-M)
 *   ticket-product-<P>           CNC | MIS (equities), NRML | MIS (derivatives)
 *   ticket-estimate              estimated value, charges and hold (data-hold, data-fees)
 *   ticket-submit                places the order (one Idempotency-Key per submission)
 *   ticket-field-error-<field>   a field's error (symbol, quantity, price, triggerPrice, product)
 *   ticket-error                 banner for refusals (data-code: INSUFFICIENT_FUNDS, RISK_REJECTED,
 *                                KILL_SWITCH_ENGAGED, …) and other failures
 *   ticket-placed                the last placed order (data-order-id)
 *   trade-wallet-available / trade-wallet-held   the trader's balances, live
 */
import { useId, useRef, useState, type FormEvent } from 'react';
import type { InstrumentDto, PositionDto } from '@tradeloop/contracts';
import {
  formatPrice as formatTicks,
  ORDER_TYPES,
  PRODUCTS_BY_INSTRUMENT_TYPE,
  type OrderSide,
  type OrderType,
  type Product,
} from '@tradeloop/domain';
import { Kbd } from '../../components/Kbd';
import { Money } from '../../components/Money';
import { isApiError, type ApiError } from '../../lib/api';
import { formatInr } from '../../lib/money';
import { formatPrice, priceTicks } from '../../lib/price';
import { useDebouncedValue } from '../../lib/useDebouncedValue';
import { useWallet } from '../wallet/wallet-api';
import { estimateOrder } from './order-estimate';
import { isSettledAnswer, useInstrument, usePlaceOrder, type PlaceOrderBody } from './orders-api';
import type { QuoteBook } from './quote-book';
import { useInstrumentSearch } from './trade-api';
import { useLiveQuote } from './useLiveQuotes';

export interface TicketState {
  symbol: string;
  side: OrderSide;
}

interface OrderTicketProps {
  ticket: TicketState | null;
  /** Offered when the ticket is closed (the charted instrument). */
  defaultSymbol: string | null;
  book: QuoteBook;
  positions: readonly PositionDto[];
  onChange: (ticket: TicketState | null) => void;
}

/** The ticket column: live balances, then either the open ticket or Buy / Sell buttons. */
export function OrderTicketPanel({ ticket, defaultSymbol, book, positions, onChange }: OrderTicketProps) {
  const wallet = useWallet();
  return (
    <aside className="ticket-panel" aria-label="Order ticket">
      <div className="ticket-funds">
        <span className="ticket-funds-item">
          <span className="muted">Available</span>
          {wallet.data ? <Money value={wallet.data.available} testId="trade-wallet-available" /> : <span className="money mono">₹—</span>}
        </span>
        <span className="ticket-funds-item">
          <span className="muted">Held</span>
          {wallet.data ? <Money value={wallet.data.held} testId="trade-wallet-held" /> : <span className="money mono">₹—</span>}
        </span>
      </div>
      {ticket ? (
        <OrderTicket key={ticket.symbol} ticket={ticket} book={book} positions={positions} onChange={onChange} />
      ) : (
        <div className="ticket-closed">
          <p className="muted">{defaultSymbol ? `Place an order for ${defaultSymbol}` : 'Chart an instrument to place an order.'}</p>
          <div className="ticket-closed-actions">
            <button
              type="button"
              className="button ticket-buy-button"
              disabled={!defaultSymbol}
              onClick={() => defaultSymbol && onChange({ symbol: defaultSymbol, side: 'BUY' })}
              data-testid="ticket-open-buy"
            >
              Buy <Kbd>B</Kbd>
            </button>
            <button
              type="button"
              className="button ticket-sell-button"
              disabled={!defaultSymbol}
              onClick={() => defaultSymbol && onChange({ symbol: defaultSymbol, side: 'SELL' })}
              data-testid="ticket-open-sell"
            >
              Sell <Kbd>S</Kbd>
            </button>
          </div>
        </div>
      )}
    </aside>
  );
}

const TYPE_LABEL: Record<OrderType, string> = { MARKET: 'Market', LIMIT: 'Limit', SL: 'SL', 'SL-M': 'SL-M' };
const FIELDS = ['symbol', 'quantity', 'price', 'triggerPrice', 'product'] as const;
type Field = (typeof FIELDS)[number];
type FieldErrors = Partial<Record<Field, string>>;

/** "1400.00" from integer ticks, for a price box prefilled from the LTP (string arithmetic, no floats). */
const ticksToText = (ticks: number) => formatTicks(ticks);

/** Rounds a price (ticks) down to the instrument's tick. */
const toTick = (ticks: number, tick: number) => (tick > 0 ? Math.floor(ticks / tick) * tick : ticks);

function OrderTicket({
  ticket,
  book,
  positions,
  onChange,
}: {
  ticket: TicketState;
  book: QuoteBook;
  positions: readonly PositionDto[];
  onChange: (t: TicketState | null) => void;
}) {
  const { symbol, side } = ticket;
  const instrument = useInstrument(symbol);
  const inst: InstrumentDto | null | undefined = instrument.data;
  const quote = useLiveQuote(book, symbol);
  const products: readonly Product[] = inst ? PRODUCTS_BY_INSTRUMENT_TYPE[inst.instrumentType] : [];
  const [type, setType] = useState<OrderType>('MARKET');
  const [lots, setLots] = useState('1');
  const [price, setPrice] = useState('');
  const [trigger, setTrigger] = useState('');
  const [productChoice, setProduct] = useState<Product | null>(null);
  const product: Product | null = productChoice && products.includes(productChoice) ? productChoice : (products[0] ?? null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [banner, setBanner] = useState<ApiError | Error | null>(null);
  const [placed, setPlaced] = useState<{ id: string; text: string } | null>(null);
  const place = usePlaceOrder();
  // One key per submission; kept for an unchanged request whose answer never arrived (so a retry
  // cannot place it twice), retired by any definite answer.
  const unresolved = useRef<{ fingerprint: string; key: string } | null>(null);
  const sending = useRef(false);
  const formId = useId();

  const lotSize = inst?.lotSize ?? 1;
  const tick = priceTicks(inst?.tickSize) ?? 500;
  const lotCount = /^\d+$/.test(lots.trim()) ? Number(lots.trim()) : NaN;
  const units = Number.isSafeInteger(lotCount) ? lotCount * lotSize : NaN;
  const needsPrice = type === 'LIMIT' || type === 'SL';
  const needsTrigger = type === 'SL' || type === 'SL-M';
  const long = positions.filter((p) => p.symbol === symbol && p.product === product).reduce((a, p) => a + Math.max(0, p.netQuantity), 0);

  const ltp = quote?.ltp ?? null;
  /** Switching type prefills an empty price / trigger box from the LTP (on the tick). */
  const chooseType = (t: OrderType) => {
    setType(t);
    const ltpTicks = priceTicks(ltp);
    if (ltpTicks === null) return;
    const text = ticksToText(toTick(ltpTicks, tick));
    if ((t === 'LIMIT' || t === 'SL') && price === '') setPrice(text);
    if ((t === 'SL' || t === 'SL-M') && trigger === '') setTrigger(text);
  };

  const estimate =
    product && Number.isSafeInteger(units)
      ? estimateOrder({ side, type, product, quantity: units, price, triggerPrice: trigger, ltp, longQuantity: long })
      : null;

  const clearErrors = (field?: Field) => {
    if (field) setFieldErrors((e) => ({ ...e, [field]: undefined }));
    setBanner(null);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (sending.current) return;
    const errors: FieldErrors = {};
    if (!inst) errors.symbol = instrument.isPending ? 'Loading the instrument…' : `Unknown instrument ${symbol}`;
    if (!Number.isSafeInteger(lotCount) || lotCount <= 0) errors.quantity = 'Enter a whole number of lots, at least 1';
    if (needsPrice && (priceTicks(price.trim()) ?? 0) <= 0) errors.price = 'Enter a price';
    if (needsTrigger && (priceTicks(trigger.trim()) ?? 0) <= 0) errors.triggerPrice = 'Enter a trigger price';
    if (!product) errors.product = 'This instrument cannot be traded';
    setFieldErrors(errors);
    setBanner(null);
    if (Object.keys(errors).length > 0 || !product) return;

    const body: PlaceOrderBody = {
      symbol,
      side,
      type,
      quantity: units,
      product,
      ...(needsPrice ? { price: price.trim() } : {}),
      ...(needsTrigger ? { triggerPrice: trigger.trim() } : {}),
    };
    const fingerprint = JSON.stringify(body);
    const key = unresolved.current?.fingerprint === fingerprint ? unresolved.current.key : crypto.randomUUID();
    unresolved.current = { fingerprint, key };
    sending.current = true;
    place.mutate(
      { body, idempotencyKey: key },
      {
        onSuccess: ({ order }) => {
          unresolved.current = null;
          setPlaced({ id: order.id, text: `${order.side} ${order.quantity} ${order.symbol} ${order.type} · ${order.status}` });
        },
        onError: (error) => {
          if (isSettledAnswer(error)) unresolved.current = null;
          if (isApiError(error) && error.fieldErrors.length > 0) {
            const next: FieldErrors = {};
            for (const fe of error.fieldErrors) {
              const field = (FIELDS as readonly string[]).includes(fe.field) ? (fe.field as Field) : null;
              if (field && !next[field]) next[field] = fe.message;
            }
            setFieldErrors(next);
            if (Object.keys(next).length === 0 || error.fieldErrors.some((fe) => !(FIELDS as readonly string[]).includes(fe.field)))
              setBanner(error);
          } else {
            setBanner(error);
          }
        },
        onSettled: () => {
          sending.current = false;
        },
      },
    );
  };

  const fieldError = (field: Field) =>
    fieldErrors[field] ? (
      <span className="field-error" id={`${formId}-${field}-error`} data-testid={`ticket-field-error-${field}`}>
        {fieldErrors[field]}
      </span>
    ) : null;
  const invalid = (field: Field) => (fieldErrors[field] ? { 'aria-invalid': true, 'aria-describedby': `${formId}-${field}-error` } : {});
  /** A price or trigger box: decimal text kept as typed (sent as the decimal string typed; the server parses it to integer ticks), stepping by the tick size. */
  const priceField = (label: string, field: 'price' | 'triggerPrice', value: string, set: (v: string) => void, testId: string) => (
    <label className="field">
      <span className="label">{label}</span>
      <input
        className="input mono"
        type="number"
        inputMode="decimal"
        min={0}
        step={inst?.tickSize ?? '0.05'}
        value={value}
        onChange={(e) => {
          set(e.target.value);
          clearErrors(field);
        }}
        data-testid={testId}
        {...invalid(field)}
      />
      {fieldError(field)}
    </label>
  );

  return (
    <form
      className={`order-ticket order-ticket-${side.toLowerCase()}`}
      onSubmit={submit}
      noValidate
      data-testid="order-ticket"
      data-side={side}
      data-symbol={symbol}
      data-lot-size={lotSize}
    >
      <header className="ticket-header">
        <div className="segmented ticket-sides" role="group" aria-label="Side">
          <button
            type="button"
            className="segment segment-buy"
            aria-pressed={side === 'BUY'}
            onClick={() => onChange({ symbol, side: 'BUY' })}
            data-testid="ticket-side-buy"
          >
            Buy
          </button>
          <button
            type="button"
            className="segment segment-sell"
            aria-pressed={side === 'SELL'}
            onClick={() => onChange({ symbol, side: 'SELL' })}
            data-testid="ticket-side-sell"
          >
            Sell
          </button>
        </div>
        <button
          type="button"
          className="icon-button"
          aria-label="Close the ticket (Esc)"
          title="Close (Esc)"
          onClick={() => onChange(null)}
          data-testid="ticket-close"
        >
          ×
        </button>
      </header>

      {/* Refusals first, where they cannot be scrolled out of sight in a short ticket. */}
      {banner && <TicketBanner error={banner} />}
      <SymbolField symbol={symbol} onPick={(s) => onChange({ symbol: s, side })} />
      {fieldError('symbol')}
      <div className="ticket-quote muted">
        {inst ? (
          <>
            <span title={inst.name}>{inst.instrumentType}</span>
            <span>
              lot <span className="mono">{inst.lotSize}</span>
            </span>
            <span>
              tick <span className="mono">{inst.tickSize}</span>
            </span>
          </>
        ) : (
          <span>{instrument.isPending ? 'Loading…' : instrument.isError ? 'Could not load the instrument' : 'Unknown instrument'}</span>
        )}
        <span className="ticket-ltp">
          LTP <span className="mono">{formatPrice(ltp)}</span>
        </span>
      </div>

      <div className="segmented ticket-types" role="group" aria-label="Order type">
        {ORDER_TYPES.map((t) => (
          <button
            key={t}
            type="button"
            className="segment"
            aria-pressed={type === t}
            onClick={() => {
              chooseType(t);
              clearErrors();
            }}
            data-testid={`ticket-type-${t}`}
          >
            {TYPE_LABEL[t]}
          </button>
        ))}
      </div>

      <div className="ticket-row">
        <label className="field">
          <span className="label">Quantity (lots)</span>
          <input
            className="input mono"
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            value={lots}
            onChange={(e) => {
              setLots(e.target.value);
              clearErrors('quantity');
            }}
            data-testid="ticket-quantity"
            {...invalid('quantity')}
          />
          <span className="field-hint" data-testid="ticket-units" data-units={Number.isSafeInteger(units) ? units : ''}>
            {Number.isSafeInteger(units) ? `= ${units.toLocaleString('en-IN')} units` : '—'} ({lotSize}/lot)
          </span>
          {fieldError('quantity')}
        </label>
        {needsPrice && priceField('Price', 'price', price, setPrice, 'ticket-price')}
        {needsTrigger && priceField('Trigger', 'triggerPrice', trigger, setTrigger, 'ticket-trigger')}
      </div>
      <div className="field">
        <span className="label">Product</span>
        <div className="segmented" role="group" aria-label="Product">
          {products.map((p) => (
            <button
              key={p}
              type="button"
              className="segment"
              aria-pressed={product === p}
              onClick={() => setProduct(p)}
              data-testid={`ticket-product-${p}`}
              title={PRODUCT_HINT[p]}
            >
              {p}
            </button>
          ))}
        </div>
        {fieldError('product')}
      </div>

      <Estimate estimate={estimate} side={side} />

      {placed && !banner && (
        <p className="ticket-placed" role="status" data-testid="ticket-placed" data-order-id={placed.id}>
          Placed: {placed.text}
        </p>
      )}

      <button
        type="submit"
        className={`button button-block ticket-submit ticket-submit-${side.toLowerCase()}`}
        disabled={place.isPending}
        data-testid="ticket-submit"
      >
        {place.isPending
          ? 'Placing…'
          : `${side === 'BUY' ? 'Buy' : 'Sell'} ${Number.isSafeInteger(lotCount) && lotCount > 0 ? `${lotCount} lot${lotCount === 1 ? '' : 's'}` : ''} ${symbol}`}
      </button>
    </form>
  );
}

const PRODUCT_HINT: Record<Product, string> = {
  CNC: 'Delivery (cash equity, no shorts)',
  MIS: 'Intraday (squared off the same day)',
  NRML: 'Carry-forward derivatives',
};

function Estimate({ estimate, side }: { estimate: ReturnType<typeof estimateOrder>; side: OrderSide }) {
  if (!estimate) {
    return (
      <div className="ticket-estimate muted" data-testid="ticket-estimate" data-hold="" data-fees="">
        Estimate appears once the order is complete (market orders need a live price).
      </div>
    );
  }
  const { lines } = estimate.fees;
  return (
    <dl
      className="ticket-estimate"
      data-testid="ticket-estimate"
      data-hold={formatInr(estimate.hold)}
      data-fees={formatInr(estimate.fees.total)}
    >
      <div>
        <dt>Value @ ≈{formatPrice(formatTicks(Math.ceil(estimate.referencePrice / 100) * 100))}</dt>
        <dd className="mono">{formatInr(estimate.notional)}</dd>
      </div>
      <div
        title={`Brokerage ${formatInr(lines.brokerage)} · STT ${formatInr(lines.stt)} · Exchange ${formatInr(lines.exchangeCharges)} · GST ${formatInr(lines.gst)}`}
      >
        <dt>Charges</dt>
        <dd className="mono">{formatInr(estimate.fees.total)}</dd>
      </div>
      <div className="ticket-estimate-hold">
        <dt>
          {side === 'BUY' ? 'Funds held' : estimate.shortQuantity > 0 ? `Margin held (${estimate.shortQuantity} short)` : 'Funds held'}
        </dt>
        <dd className="mono">{formatInr(estimate.hold)}</dd>
      </div>
      <p
        className="ticket-estimate-note muted"
        title="Brokerage MIS/NRML min(₹20, 0.03 %), CNC ₹0; STT 0.025 % sell MIS, 0.1 % CNC; exchange 0.00297 %; GST 18 % on brokerage + exchange. Market and SL-M orders are held at LTP + 5 %."
      >
        Estimate · brokerage {formatInr(lines.brokerage)} · STT {formatInr(lines.stt)} · exch {formatInr(lines.exchangeCharges)} · GST{' '}
        {formatInr(lines.gst)}
      </p>
    </dl>
  );
}

const BANNER_TITLE: Record<string, string> = {
  KILL_SWITCH_ENGAGED: 'Refused: kill switch engaged',
  RISK_REJECTED: 'Refused by a risk rule',
  INSUFFICIENT_FUNDS: 'Insufficient funds',
  RATE_LIMITED: 'Too many orders',
  CONFLICT: 'Conflicting request',
};

function TicketBanner({ error }: { error: ApiError | Error }) {
  const code = isApiError(error) ? error.code : 'ERROR';
  const title =
    BANNER_TITLE[code] ?? (isApiError(error) && error.status === 400 ? 'The order was not accepted' : 'Could not place the order');
  const detail = isApiError(error) ? error.detail : error.message;
  const fields = isApiError(error) ? error.fieldErrors.filter((fe) => !(FIELDS as readonly string[]).includes(fe.field)) : [];
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
      </div>
    </div>
  );
}

const SEARCH_DEBOUNCE_MS = 200;

/** The instrument box: shows the symbol; typing searches, a click or Enter picks a match. */
function SymbolField({ symbol, onPick }: { symbol: string; onPick: (symbol: string) => void }) {
  const [text, setText] = useState<string | null>(null);
  const query = useDebouncedValue(text ?? '', SEARCH_DEBOUNCE_MS);
  const search = useInstrumentSearch(text === null ? '' : query);
  const results = text ? (search.data?.items ?? []).filter((i) => i.instrumentType !== 'INDEX').slice(0, 8) : [];
  const pick = (s: string) => {
    setText(null);
    onPick(s);
  };
  return (
    <div className="ticket-symbol">
      <input
        className="input mono"
        aria-label="Instrument"
        value={text ?? symbol}
        onFocus={(e) => e.target.select()}
        onChange={(e) => setText(e.target.value.toUpperCase())}
        onBlur={() => window.setTimeout(() => setText(null), 150)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            const exact = results.find((i) => i.symbol === text?.trim());
            const first = exact ?? results[0];
            if (first) pick(first.symbol);
          } else if (e.key === 'Escape' && text !== null) {
            e.preventDefault();
            e.stopPropagation();
            setText(null);
          }
        }}
        autoComplete="off"
        spellCheck={false}
        data-testid="ticket-symbol"
      />
      {results.length > 0 && (
        <ul className="ticket-symbol-list" role="listbox" aria-label="Matching instruments">
          {results.map((i) => (
            <li
              key={i.symbol}
              role="option"
              aria-selected={i.symbol === symbol}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(i.symbol)}
              data-testid={`ticket-symbol-option-${i.symbol}`}
            >
              <span className="mono">{i.symbol}</span> <span className="muted">{i.name}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
