import { z } from 'zod';
import { ORDER_SIDES, ORDER_STATUSES } from '@tradeloop/domain';
import { InstantInputSchema, PageQuerySchema, pageOf, trimmedText } from '../common';
import { BROKER_KINDS } from '../brokers/broker-accounts.schema';
import { OrderSchema, TradeSchema } from './orders.schema';

/**
 * Compliance surveillance (docs/api.md "Orders, trades, positions"): every user's orders and
 * fills, newest first, with filters. The items are the order and trade a trader sees, plus whose
 * they are.
 */

/** Who placed an order: a person (the ticket, quick orders, alerts) or one of their strategies. */
export const PLACED_BY = ['person', 'strategy'] as const;
export type PlacedBy = (typeof PLACED_BY)[number];

/** `from` before `to` when both are given (`to` is exclusive, so equal would match nothing). */
const rangeInOrder = (q: { from?: string; to?: string }) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to);
const RANGE = { message: 'must be before to', path: ['from'] };

const orderFilters = {
  userId: z.uuid('not a user id').optional(),
  /** Exact symbol, case-insensitive (`m&m` finds `M&M`). */
  symbol: trimmedText(40).optional(),
  /** One status, or `open` for every working one (PENDING, OPEN, TRIGGER_PENDING, PARTIALLY_FILLED). */
  status: z.enum([...ORDER_STATUSES, 'open']).optional(),
  side: z.enum(ORDER_SIDES).optional(),
  /** The kind of broker account the order went through (`paper` is the mock broker). */
  accountKind: z.enum(BROKER_KINDS).optional(),
  placedBy: z.enum(PLACED_BY).optional(),
  /** Placed at or after this instant. */
  from: InstantInputSchema.optional(),
  /** Placed strictly before this instant. */
  to: InstantInputSchema.optional(),
};

const tradeFilters = {
  userId: z.uuid('not a user id').optional(),
  symbol: trimmedText(40).optional(),
  side: z.enum(ORDER_SIDES).optional(),
  accountKind: z.enum(BROKER_KINDS).optional(),
  /** The fills of one order. */
  orderId: z.uuid('not an order id').optional(),
  /** Executed at or after this instant. */
  from: InstantInputSchema.optional(),
  /** Executed strictly before this instant. */
  to: InstantInputSchema.optional(),
};

/** `GET /api/v1/compliance/orders`. */
export const SurveillanceOrderQuerySchema = PageQuerySchema.extend(orderFilters).refine(rangeInOrder, RANGE);
export type SurveillanceOrderQuery = z.infer<typeof SurveillanceOrderQuerySchema>;
/** `GET /api/v1/compliance/orders/export.csv`: the list's filters, every matching order. */
export const SurveillanceOrderExportQuerySchema = z.strictObject(orderFilters).refine(rangeInOrder, RANGE);
export type SurveillanceOrderExportQuery = z.infer<typeof SurveillanceOrderExportQuerySchema>;

/** `GET /api/v1/compliance/trades`. */
export const SurveillanceTradeQuerySchema = PageQuerySchema.extend(tradeFilters).refine(rangeInOrder, RANGE);
export type SurveillanceTradeQuery = z.infer<typeof SurveillanceTradeQuerySchema>;
/** `GET /api/v1/compliance/trades/export.csv`. */
export const SurveillanceTradeExportQuerySchema = z.strictObject(tradeFilters).refine(rangeInOrder, RANGE);
export type SurveillanceTradeExportQuery = z.infer<typeof SurveillanceTradeExportQuerySchema>;

export const SurveillanceOrderSchema = OrderSchema.extend({ userId: z.uuid() });
export type SurveillanceOrder = z.infer<typeof SurveillanceOrderSchema>;
export const SurveillanceOrderPageSchema = pageOf(SurveillanceOrderSchema);

export const SurveillanceTradeSchema = TradeSchema.extend({
  userId: z.uuid(),
  /** The broker of the order's account: `mock` (paper), `kite`, `upstox`, `openalgo`. */
  broker: z.string(),
});
export type SurveillanceTrade = z.infer<typeof SurveillanceTradeSchema>;
export const SurveillanceTradePageSchema = pageOf(SurveillanceTradeSchema);
