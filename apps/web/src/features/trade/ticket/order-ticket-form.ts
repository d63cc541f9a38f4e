/*
 * The order ticket's form logic without React: parsing what is typed, the checks before sending,
 * the request body, and how a refusal is shown. useOrderTicketForm holds the state around it.
 */
import type { PositionDto } from '@tradeloop/contracts';
import { formatPrice as formatTicks, type OrderSide, type OrderType, type Product } from '@tradeloop/domain';
import { isApiError, type ApiError } from '../../../lib/api-error';
import { priceTicks } from '../../../lib/price';
import type { PlaceOrderBody } from '../orders-api';

/** The fields a refusal can name; any other field goes to the banner. */
export const TICKET_FIELDS = ['symbol', 'quantity', 'price', 'triggerPrice', 'product'] as const;
export type TicketField = (typeof TICKET_FIELDS)[number];
export type FieldErrors = Partial<Record<TicketField, string>>;

const isTicketField = (field: string): field is TicketField => (TICKET_FIELDS as readonly string[]).includes(field);

/** What the boxes hold, as typed. */
export interface TicketDraft {
  type: OrderType;
  lots: string;
  price: string;
  trigger: string;
}

export const INITIAL_DRAFT: TicketDraft = { type: 'MARKET', lots: '1', price: '', trigger: '' };

export const needsPrice = (type: OrderType) => type === 'LIMIT' || type === 'SL';
export const needsTrigger = (type: OrderType) => type === 'SL' || type === 'SL-M';

/** A whole number of lots, or NaN ("1.5", "", "-1" and the like). */
export const parseLots = (lots: string) => (/^\d+$/.test(lots.trim()) ? Number(lots.trim()) : NaN);

/** Lots × lot size; NaN unless the lot count is a safe integer. */
export const unitsFor = (lotCount: number, lotSize: number) => (Number.isSafeInteger(lotCount) ? lotCount * lotSize : NaN);

/** Rounds a price (ticks) down to the instrument's tick. */
export const toTick = (ticks: number, tick: number) => (tick > 0 ? Math.floor(ticks / tick) * tick : ticks);

/** Switching type prefills an empty price / trigger box from the LTP, rounded down to the tick (no floats). */
export function prefillForType(draft: TicketDraft, type: OrderType, ltp: string | null, tick: number): TicketDraft {
  const ltpTicks = priceTicks(ltp);
  if (ltpTicks === null) return { ...draft, type };
  const text = formatTicks(toTick(ltpTicks, tick));
  return {
    ...draft,
    type,
    price: needsPrice(type) && draft.price === '' ? text : draft.price,
    trigger: needsTrigger(type) && draft.trigger === '' ? text : draft.trigger,
  };
}

/** Long units of (symbol, product) a SELL can close without going short. */
export const longQuantity = (positions: readonly PositionDto[], symbol: string, product: Product | null) =>
  positions.filter((p) => p.symbol === symbol && p.product === product).reduce((a, p) => a + Math.max(0, p.netQuantity), 0);

/** The product picked if the instrument offers it, else the instrument's first. */
export const productFor = (choice: Product | null, products: readonly Product[]): Product | null =>
  choice && products.includes(choice) ? choice : (products[0] ?? null);

export interface TicketCheck {
  symbol: string;
  /** The instrument's state: known, still loading, or not found. */
  instrument: 'known' | 'loading' | 'unknown';
  draft: TicketDraft;
  product: Product | null;
}

/** The checks made before anything is sent; empty when the order can go. */
export function validateTicket({ symbol, instrument, draft, product }: TicketCheck): FieldErrors {
  const errors: FieldErrors = {};
  const lotCount = parseLots(draft.lots);
  if (instrument !== 'known') errors.symbol = instrument === 'loading' ? 'Loading the instrument…' : `Unknown instrument ${symbol}`;
  if (!Number.isSafeInteger(lotCount) || lotCount <= 0) errors.quantity = 'Enter a whole number of lots, at least 1';
  if (needsPrice(draft.type) && (priceTicks(draft.price.trim()) ?? 0) <= 0) errors.price = 'Enter a price';
  if (needsTrigger(draft.type) && (priceTicks(draft.trigger.trim()) ?? 0) <= 0) errors.triggerPrice = 'Enter a trigger price';
  if (!product) errors.product = 'This instrument cannot be traded';
  return errors;
}

/** The request: the account picked, units, and the price / trigger only for the types that take them, as typed (trimmed). */
export function orderBody(
  symbol: string,
  side: OrderSide,
  draft: TicketDraft,
  units: number,
  product: Product,
  accountId: string | null = null,
): PlaceOrderBody {
  return {
    ...(accountId ? { accountId } : {}),
    symbol,
    side,
    type: draft.type,
    quantity: units,
    product,
    ...(needsPrice(draft.type) ? { price: draft.price.trim() } : {}),
    ...(needsTrigger(draft.type) ? { triggerPrice: draft.trigger.trim() } : {}),
  };
}

/**
 * How a failed submission shows: field errors under the fields they name (the first message per
 * field), and the banner when there is nothing to put under a field or a field the ticket lacks.
 * `fieldErrors` undefined leaves the fields' errors as they are.
 */
export function refusalView(error: unknown): { fieldErrors?: FieldErrors; banner: boolean } {
  if (!isApiError(error) || error.fieldErrors.length === 0) return { banner: true };
  const fieldErrors: FieldErrors = {};
  for (const fe of error.fieldErrors) if (isTicketField(fe.field) && !fieldErrors[fe.field]) fieldErrors[fe.field] = fe.message;
  const banner = Object.keys(fieldErrors).length === 0 || error.fieldErrors.some((fe) => !isTicketField(fe.field));
  return { fieldErrors, banner };
}

const BANNER_TITLE: Record<string, string> = {
  KILL_SWITCH_ENGAGED: 'Refused: kill switch engaged',
  RISK_REJECTED: 'Refused by a risk rule',
  INSUFFICIENT_FUNDS: 'Insufficient funds',
  RATE_LIMITED: 'Too many orders',
  CONFLICT: 'Conflicting request',
  BROKER_LOGIN_REQUIRED: 'Broker login required',
  ACCOUNT_DISABLED: 'Account disabled',
};

/** The banner's code, title, detail and the refused fields the ticket has no box for. */
export function describeRefusal(error: ApiError | Error) {
  const api = isApiError(error) ? error : null;
  const code = api ? api.code : 'ERROR';
  const title = BANNER_TITLE[code] ?? (api?.status === 400 ? 'The order was not accepted' : 'Could not place the order');
  return {
    code,
    title,
    detail: api ? api.detail : error.message,
    fields: api ? api.fieldErrors.filter((fe) => !isTicketField(fe.field)) : [],
  };
}

/** "Buy 2 lots RELIANCE"; the lot count is left out while it is not a positive whole number. */
export function submitLabel(side: OrderSide, lotCount: number, symbol: string): string {
  const lots = Number.isSafeInteger(lotCount) && lotCount > 0 ? `${lotCount} lot${lotCount === 1 ? '' : 's'}` : '';
  return `${side === 'BUY' ? 'Buy' : 'Sell'} ${lots} ${symbol}`;
}
