import { z } from 'zod';
import { orNull } from '../common';
import { PriceSchema } from '../market/instruments.schema';
import { MoneySchema } from '../wallet';

/**
 * `GET /api/v1/broker-accounts/:id/holdings` (docs/api.md "Broker accounts"): the broker's delivery
 * holdings of the account as it reports them now (docs/brokers.md 4.12), beside its positions. A
 * paper account has none (its broker, our mock, never rolls a day).
 */
export const BrokerHoldingSchema = z.object({
  symbol: z.string(),
  exchange: z.string(),
  /** Settled in the demat account (for OpenAlgo: its one quantity). */
  quantity: z.number().int(),
  t1Quantity: orNull(z.number().int(), 'the broker does not report T1 apart (OpenAlgo)'),
  usedQuantity: orNull(z.number().int(), 'not reported'),
  averagePrice: orNull(PriceSchema, 'no acquisition price (received, not bought)'),
  lastPrice: orNull(PriceSchema, 'no price from the broker'),
  pnl: MoneySchema,
});
export const BrokerHoldingListSchema = z.object({ accountId: z.uuid(), broker: z.string(), items: z.array(BrokerHoldingSchema) });
export type BrokerHoldingList = z.infer<typeof BrokerHoldingListSchema>;

/**
 * `GET|POST /api/v1/compliance/broker-accounts/:id/holdings-baseline` (docs/api.md "Compliance
 * cases"): a live account's opening holdings baseline — the delivery shares it held at the broker
 * before the platform, which the daily reconciliation adds to our CNC side (docs/brokers.md 4.12).
 */
export const HoldingsBaselineSchema = z.object({
  accountId: z.uuid(),
  /** false: not captured yet (the account's first successful reconciliation captures it). */
  captured: z.boolean(),
  source: orNull(z.enum(['reconciliation', 'compliance']), 'not captured yet'),
  capturedBy: orNull(z.uuid(), 'captured by the reconciliation, or not yet'),
  /** The IST trading day whose holdings it was read from. */
  tradingDay: orNull(z.iso.date(), 'not captured yet'),
  capturedAt: orNull(z.iso.datetime(), 'not captured yet'),
  items: z.array(z.object({ symbol: z.string(), quantity: z.number().int().positive() })),
});
export type HoldingsBaseline = z.infer<typeof HoldingsBaselineSchema>;
