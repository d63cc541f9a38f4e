import { z } from 'zod';
import { trimmedText } from '../common';
import { PriceSchema } from './instruments.schema';
import { PriceChangeSchema } from './quotes.schema';

/** Most strikes each side of the money one chain request may ask for. */
export const OPTION_CHAIN_MAX_STRIKES = 25;

/** `GET /api/v1/market/option-chain?underlying=NIFTY&expiry=2026-12-15&strikes=10`. */
export const OptionChainQuerySchema = z.strictObject({
  underlying: trimmedText(40),
  /** An expiry date (IST, YYYY-MM-DD); the nearest unexpired one when absent. */
  expiry: z.iso.date('a date such as 2026-12-15').optional(),
  /** Strikes each side of the at-the-money one. */
  strikes: z.coerce.number().int().min(1).max(OPTION_CHAIN_MAX_STRIKES).default(10),
});
export type OptionChainQuery = z.infer<typeof OptionChainQuerySchema>;

const OptionSideSchema = z.object({
  symbol: z.string(),
  lotSize: z.number().int().positive(),
  ltp: PriceSchema.nullable(),
  /** Against the previous close. */
  change: PriceChangeSchema.nullable(),
  bid: PriceSchema.nullable(),
  ask: PriceSchema.nullable(),
  volume: z.number().int().nonnegative().nullable(),
  /** Open interest in units; null where the market-data source gives none. */
  oi: z.number().int().nonnegative().nullable(),
  /** Implied volatility in percent with one decimal ("14.2"); null without a price or where none fits. */
  iv: z
    .string()
    .regex(/^\d+\.\d$/)
    .nullable(),
});
export type OptionSide = z.infer<typeof OptionSideSchema>;

export const OptionChainSchema = z.object({
  underlying: z.string(),
  /** The underlying's LTP; null before its first quote. */
  spot: PriceSchema.nullable(),
  expiry: z.iso.date(),
  /** Every unexpired expiry of the underlying's options, soonest first. */
  expiries: z.array(z.iso.date()),
  atmStrike: PriceSchema.nullable(),
  rows: z.array(z.object({ strike: PriceSchema, call: OptionSideSchema.nullable(), put: OptionSideSchema.nullable() })),
});
export type OptionChainView = z.infer<typeof OptionChainSchema>;
