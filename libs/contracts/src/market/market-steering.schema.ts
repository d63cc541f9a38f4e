import { z } from 'zod';
import { trimmedText, orNull } from '../common';
import { PriceSchema } from './instruments.schema';

/**
 * POST /api/v1/admin/market/steer — a test seam (MARKET_STEERING; docs/api.md "Market steering"):
 * the simulated market trades `symbol` at `price` (a decimal string on the instrument's tick) from
 * its next ticks on, until steered again; `null` hands the instrument back to the model.
 */
export const MarketSteerSchema = z.strictObject({
  symbol: trimmedText(40),
  price: z.string().max(20).trim().nullable(),
});
export type MarketSteerRequest = z.infer<typeof MarketSteerSchema>;

export const MarketSteerResponseSchema = z.object({
  symbol: z.string(),
  price: orNull(PriceSchema, 'released to the model'),
});
export type MarketSteerResponse = z.infer<typeof MarketSteerResponseSchema>;
