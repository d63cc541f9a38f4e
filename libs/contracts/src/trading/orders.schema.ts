import { z } from 'zod';
import { trimmedText, orNull } from '../common';
import { ORDER_SIDES, ORDER_STATUSES, ORDER_TYPES, PRODUCTS, VALIDITIES } from '@tradeloop/domain';
import { PriceSchema } from '../market/instruments.schema';

const MoneySchema = z.string().regex(/^-?\d+\.\d{2}$/);
/** Prices arrive as decimal strings (docs/api.md "Conventions"); numbers are refused so no float ever becomes money. */
const PriceInput = z.string().max(20).trim();

/** POST /api/v1/orders. Field rules that need the instrument (lot size, tick size) run later. */
export const PlaceOrderSchema = z.strictObject({
  symbol: trimmedText(40),
  side: z.enum(ORDER_SIDES),
  type: z.enum(ORDER_TYPES),
  quantity: z.number().int('must be a whole number of units').positive('must be greater than zero').max(10_000_000),
  price: PriceInput.optional(),
  triggerPrice: PriceInput.optional(),
  product: z.enum(PRODUCTS),
  validity: z.enum(VALIDITIES).default('DAY'),
  tag: trimmedText(20)
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .optional(),
  /** The broker account to trade (GET /broker-accounts); the user's default account when absent. */
  accountId: z.uuid('must be a broker account id').optional(),
});
export type PlaceOrderRequest = z.infer<typeof PlaceOrderSchema>;

export const ModifyOrderSchema = z
  .strictObject({
    quantity: z.number().int().positive().max(10_000_000).optional(),
    price: PriceInput.optional(),
    triggerPrice: PriceInput.optional(),
  })
  .refine((m) => m.quantity !== undefined || m.price !== undefined || m.triggerPrice !== undefined, {
    message: 'change at least one of quantity, price, triggerPrice',
  });
export type ModifyOrderRequest = z.infer<typeof ModifyOrderSchema>;

export const OrderSchema = z.object({
  id: z.uuid(),
  clientTag: orNull(z.string(), 'no tag was given'),
  symbol: z.string(),
  side: z.enum(ORDER_SIDES),
  type: z.enum(ORDER_TYPES),
  product: z.enum(PRODUCTS),
  validity: z.enum(VALIDITIES),
  quantity: z.number().int(),
  filledQuantity: z.number().int(),
  price: PriceSchema.nullable(),
  triggerPrice: PriceSchema.nullable(),
  averagePrice: PriceSchema.nullable(),
  status: z.enum(ORDER_STATUSES),
  /** The broker account the order goes through. */
  accountId: z.uuid(),
  /** That account's broker: `mock` (paper), `kite`, `upstox`, `openalgo`. */
  broker: z.string(),
  brokerOrderId: orNull(z.string(), 'not yet at the broker'),
  rejectReason: orNull(z.string(), 'not rejected'),
  /** Funds held for the unfilled remainder (and short margin), in rupees. */
  reserved: MoneySchema,
  strategyId: orNull(z.string(), 'placed by a person'),
  /** The model signal a strategy placed this order for (GET /signals/:id leads to the model and features). */
  signalId: orNull(z.string(), 'not placed on a signal'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Order = z.infer<typeof OrderSchema>;

export const OrderHistoryEntrySchema = z.object({
  status: z.enum(ORDER_STATUSES),
  at: z.iso.datetime(),
  details: z.record(z.string(), z.unknown()),
});
export const OrderDetailSchema = OrderSchema.extend({ history: z.array(OrderHistoryEntrySchema) });
export type OrderDetail = z.infer<typeof OrderDetailSchema>;

export const OrderListQuerySchema = z.strictObject({
  status: z.enum([...ORDER_STATUSES, 'open']).optional(),
  symbol: z.string().max(40).trim().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const OrderListSchema = z.object({ items: z.array(OrderSchema) });

export const FeeLineSchema = z.object({ name: z.string(), kind: z.enum(['FEE', 'TAX']), amount: MoneySchema });
export const TradeSchema = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  symbol: z.string(),
  side: z.enum(ORDER_SIDES),
  product: z.enum(PRODUCTS),
  quantity: z.number().int(),
  price: PriceSchema,
  value: MoneySchema,
  fees: MoneySchema,
  charges: z.array(FeeLineSchema),
  brokerTradeId: z.string(),
  executedAt: z.iso.datetime(),
});
export type Trade = z.infer<typeof TradeSchema>;
export const TradeListSchema = z.object({ items: z.array(TradeSchema) });

export const PositionSchema = z.object({
  /** Positions are per broker account. */
  accountId: z.uuid(),
  symbol: z.string(),
  product: z.enum(PRODUCTS),
  netQuantity: z.number().int(),
  averagePrice: PriceSchema.nullable(),
  ltp: PriceSchema.nullable(),
  unrealizedPnl: MoneySchema,
  realizedPnl: MoneySchema,
});
export type PositionDto = z.infer<typeof PositionSchema>;
export const PositionListSchema = z.object({ items: z.array(PositionSchema) });
export const SquareOffSchema = z.strictObject({ symbol: trimmedText(40).optional() });
