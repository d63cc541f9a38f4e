import { z } from 'zod';
import { trimmedText } from '../common';
import { SeqSchema } from '../realtime/realtime.events';
import { PriceSchema } from './instruments.schema';

/** Levels per side in `GET /market/depth` and the `depth` event (docs/api.md "Market depth"). */
export const MARKET_DEPTH_LEVELS = 5;

/** `?symbol=RELIANCE`. */
export const DepthQuerySchema = z.strictObject({ symbol: trimmedText(40) });
export type DepthQuery = z.infer<typeof DepthQuerySchema>;

/** One level: a price (decimal string), the units resting there and the number of orders. */
export const DepthLevelSchema = z.object({
  price: PriceSchema,
  quantity: z.number().int().nonnegative(),
  orders: z.number().int().nonnegative(),
});
export type DepthLevelView = z.infer<typeof DepthLevelSchema>;

/**
 * The top of an instrument's book from the live feed: bids best (highest) first, asks best
 * (lowest) first, at most MARKET_DEPTH_LEVELS each. A known instrument the feed has not reported
 * depth for yet (an index, or nothing since the feed started) has empty sides and `ts` null.
 */
export const MarketDepthSchema = z.object({
  symbol: z.string(),
  bids: z.array(DepthLevelSchema).max(MARKET_DEPTH_LEVELS),
  asks: z.array(DepthLevelSchema).max(MARKET_DEPTH_LEVELS),
  ts: z.iso.datetime().nullable(),
});
export type MarketDepthView = z.infer<typeof MarketDepthSchema>;

/** `depth`: the latest book of a subscribed symbol (channel `depth`); `seq` as for ticks. */
export const DepthEventSchema = MarketDepthSchema.extend({ ts: z.iso.datetime(), seq: SeqSchema });
export type DepthEvent = z.infer<typeof DepthEventSchema>;
