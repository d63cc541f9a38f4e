import { useId, useRef, useState, type FormEvent } from 'react';
import type { InstrumentDto, PositionDto } from '@tradeloop/contracts';
import { PRODUCTS_BY_INSTRUMENT_TYPE, type OrderSide, type OrderType, type Product } from '@tradeloop/domain';
import type { ApiError } from '../../../lib/api';
import { priceTicks } from '../../../lib/price';
import { estimateOrder } from '../order-estimate';
import { isSettledAnswer, useInstrument, usePlaceOrder } from '../orders-api';
import type { QuoteBook } from '../quote-book';
import { useLiveQuote } from '../useLiveQuotes';
import {
  INITIAL_DRAFT,
  longQuantity,
  needsPrice,
  needsTrigger,
  orderBody,
  parseLots,
  prefillForType,
  productFor,
  refusalView,
  submitLabel,
  unitsFor,
  validateTicket,
  type FieldErrors,
  type TicketDraft,
  type TicketField,
} from './order-ticket-form';

export interface TicketState {
  symbol: string;
  side: OrderSide;
}

/**
 * The open ticket's state: what is typed, what follows from it (units, the estimate), the
 * errors shown, and the submission. One Idempotency-Key per submission, kept for an unchanged
 * request whose answer never arrived (so a retry cannot place it twice), retired by any definite answer.
 */
export function useOrderTicketForm({
  ticket,
  book,
  positions,
  accountId,
}: {
  ticket: TicketState;
  book: QuoteBook;
  positions: readonly PositionDto[];
  /** The broker account picked (null: the server's default, e.g. while the accounts load). */
  accountId: string | null;
}) {
  const { symbol, side } = ticket;
  const instrument = useInstrument(symbol);
  const inst: InstrumentDto | null | undefined = instrument.data;
  const quote = useLiveQuote(book, symbol);
  const products: readonly Product[] = inst ? PRODUCTS_BY_INSTRUMENT_TYPE[inst.instrumentType] : [];
  const [draft, setDraft] = useState<TicketDraft>(INITIAL_DRAFT);
  const [productChoice, setProduct] = useState<Product | null>(null);
  const product = productFor(productChoice, products);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [banner, setBanner] = useState<ApiError | Error | null>(null);
  // The last order placed: its terms, and its status when placed (the ticket shows its live status from the orders list).
  const [placed, setPlaced] = useState<{ id: string; text: string; status: string } | null>(null);
  const place = usePlaceOrder();
  const unresolved = useRef<{ fingerprint: string; key: string } | null>(null);
  const sending = useRef(false);
  const formId = useId();

  const lotSize = inst?.lotSize ?? 1;
  const tick = priceTicks(inst?.tickSize) ?? 500;
  const lotCount = parseLots(draft.lots);
  const units = unitsFor(lotCount, lotSize);
  const ltp = quote?.ltp ?? null;
  // Positions are per account: a sell closes what the picked account holds.
  const accountPositions = accountId ? positions.filter((p) => p.accountId === accountId) : positions;
  const long = longQuantity(accountPositions, symbol, product);
  const estimate =
    product && Number.isSafeInteger(units)
      ? estimateOrder({
          side,
          type: draft.type,
          product,
          quantity: units,
          price: draft.price,
          triggerPrice: draft.trigger,
          ltp,
          longQuantity: long,
        })
      : null;

  const clearErrors = (field?: TicketField) => {
    if (field) setFieldErrors((e) => ({ ...e, [field]: undefined }));
    setBanner(null);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (sending.current) return;
    const errors = validateTicket({ symbol, instrument: inst ? 'known' : instrument.isPending ? 'loading' : 'unknown', draft, product });
    setFieldErrors(errors);
    setBanner(null);
    if (Object.keys(errors).length > 0 || !product) return;

    const body = orderBody(symbol, side, draft, units, product, accountId);
    const fingerprint = JSON.stringify(body);
    const key = unresolved.current?.fingerprint === fingerprint ? unresolved.current.key : crypto.randomUUID();
    unresolved.current = { fingerprint, key };
    sending.current = true;
    place.mutate(
      { body, idempotencyKey: key },
      {
        onSuccess: ({ order }) => {
          unresolved.current = null;
          setPlaced({ id: order.id, text: `${order.side} ${order.quantity} ${order.symbol} ${order.type}`, status: order.status });
        },
        onError: (error) => {
          if (isSettledAnswer(error)) unresolved.current = null;
          const view = refusalView(error);
          if (view.fieldErrors) setFieldErrors(view.fieldErrors);
          if (view.banner) setBanner(error);
        },
        onSettled: () => {
          sending.current = false;
        },
      },
    );
  };

  return {
    symbol,
    side,
    instrument,
    inst,
    ltp,
    bid: quote?.bid ?? null,
    ask: quote?.ask ?? null,
    lotSize,
    lotCount,
    units,
    products,
    product,
    draft,
    needsPrice: needsPrice(draft.type),
    needsTrigger: needsTrigger(draft.type),
    estimate,
    fieldErrors,
    /** The id of a field's error message, for aria-describedby. */
    errorId: (field: TicketField) => `${formId}-${field}-error`,
    banner,
    placed,
    pending: place.isPending,
    submitLabel: submitLabel(side, lotCount, symbol),
    submit,
    chooseType: (type: OrderType) => {
      setDraft((d) => prefillForType(d, type, ltp, tick));
      clearErrors();
    },
    changeLots: (lots: string) => {
      setDraft((d) => ({ ...d, lots }));
      clearErrors('quantity');
    },
    changePrice: (price: string) => {
      setDraft((d) => ({ ...d, price }));
      clearErrors('price');
    },
    /** A price from the touch (bid or ask) into the price box; a MARKET order becomes a LIMIT at it. */
    takePrice: (price: string) => {
      setDraft((d) => ({ ...(needsPrice(d.type) ? d : prefillForType(d, 'LIMIT', ltp, tick)), price }));
      clearErrors('price');
    },
    changeTrigger: (trigger: string) => {
      setDraft((d) => ({ ...d, trigger }));
      clearErrors('triggerPrice');
    },
    chooseProduct: setProduct,
  };
}

export type OrderTicketForm = ReturnType<typeof useOrderTicketForm>;
