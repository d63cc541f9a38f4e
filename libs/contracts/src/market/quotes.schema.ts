import { z } from 'zod';
import { trimmedText } from '../common';
import { PriceSchema } from './instruments.schema';

/** Most symbols one quotes request (or one subscribe call) may name. */
export const QUOTES_MAX_SYMBOLS = 200;

const SymbolSchema = trimmedText(40);

/** `?symbols=RELIANCE,TCS`: comma-separated, de-duplicated, order kept. */
export const QuotesQuerySchema = z.strictObject({
  symbols: z
    .string()
    .transform((s) => [
      ...new Set(
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(SymbolSchema).min(1, 'name at least one symbol').max(QUOTES_MAX_SYMBOLS, `at most ${QUOTES_MAX_SYMBOLS} symbols`)),
});
export type QuotesQuery = z.infer<typeof QuotesQuerySchema>;

/** A signed price difference ("-12.35"). */
export const PriceChangeSchema = z.string().regex(/^-?\d+\.\d{2,4}$/);

/**
 * Latest quote of an instrument. `change` is against the previous session's close (`prevClose`);
 * `volume` is units traded today.
 */
export const QuoteSchema = z.object({
  symbol: z.string(),
  ltp: PriceSchema,
  bid: PriceSchema,
  ask: PriceSchema,
  volume: z.number().int().nonnegative(),
  change: PriceChangeSchema,
  prevClose: PriceSchema,
  ts: z.iso.datetime(),
});
export type Quote = z.infer<typeof QuoteSchema>;

/** Known symbols without a quote yet (no tick since the feed started) are left out of `items`. */
export const QuoteListSchema = z.object({ items: z.array(QuoteSchema) });
export type QuoteList = z.infer<typeof QuoteListSchema>;
