import { z } from 'zod';
import { ORDER_SIDES, ORDER_TYPES, PRODUCTS } from '@tradeloop/domain';
import { orNull } from '../common';
import { PriceSchema } from '../market/instruments.schema';
import { MoneySchema } from '../wallet';

/**
 * The broker's own view of an account (docs/api.md "Broker accounts": `GET /broker-accounts/:id/funds|positions|orders`),
 * read from the broker as it is, beside ours. For a paper account the broker is our mock, and the
 * view is our own book of that account.
 */
export const BrokerFundsSchema = z.object({
  accountId: z.uuid(),
  broker: z.string(),
  /** What new orders can use now, at the broker. */
  availableCash: MoneySchema,
  /** Blocked at the broker for open orders and positions. */
  usedMargin: MoneySchema,
  asOf: z.iso.datetime(),
});
export type BrokerFundsDto = z.infer<typeof BrokerFundsSchema>;

export const BrokerPositionSchema = z.object({
  symbol: z.string(),
  exchange: z.string(),
  product: z.enum(PRODUCTS),
  netQuantity: z.number().int(),
  averagePrice: orNull(PriceSchema, 'flat'),
  lastPrice: orNull(PriceSchema, 'no price from the broker'),
  realisedPnl: MoneySchema,
});
export const BrokerPositionListSchema = z.object({ accountId: z.uuid(), broker: z.string(), items: z.array(BrokerPositionSchema) });
export type BrokerPositionList = z.infer<typeof BrokerPositionListSchema>;

export const BrokerOrderViewSchema = z.object({
  brokerOrderId: z.string(),
  symbol: z.string(),
  exchange: z.string(),
  side: z.enum(ORDER_SIDES),
  type: z.enum(ORDER_TYPES),
  product: z.enum(PRODUCTS),
  quantity: z.number().int(),
  filledQuantity: z.number().int(),
  price: orNull(PriceSchema, 'market order'),
  triggerPrice: orNull(PriceSchema, 'no trigger'),
  averagePrice: orNull(PriceSchema, 'nothing filled'),
  /** Our normalised status, and the broker's own words for it. */
  status: z.string(),
  rawStatus: z.string(),
  tag: orNull(z.string(), 'placed without a tag (outside this platform)'),
  placedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export const BrokerOrderViewListSchema = z.object({ accountId: z.uuid(), broker: z.string(), items: z.array(BrokerOrderViewSchema) });
export type BrokerOrderViewList = z.infer<typeof BrokerOrderViewListSchema>;
