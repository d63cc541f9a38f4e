import { z } from 'zod';
import { InstantInputSchema, trimmedText } from '../common';
import { TIMEFRAMES } from '@tradeloop/domain';
import { PriceSchema } from './instruments.schema';

/** At most this many candles per request; larger ranges are refused with a clear message. */
export const CANDLES_MAX = 100_000;
export const ARROW_STREAM_TYPE = 'application/vnd.apache.arrow.stream';

/** Without `from`, the latest this many candles up to `to` (gaps such as weekends skipped). */
export const CANDLES_DEFAULT_COUNT = 500;

/**
 * `from`/`to` select a time range [from, to); without `from`, the latest `limit` candles before
 * `to` (default now) are returned, however far back they are (a chart opened on a Sunday still
 * shows Friday's session).
 */
export const CandleQuerySchema = z
  .strictObject({
    symbol: trimmedText(40),
    timeframe: z.enum(TIMEFRAMES),
    from: InstantInputSchema.optional(),
    to: InstantInputSchema.optional(),
    limit: z.coerce.number().int().min(1).max(CANDLES_MAX).optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] })
  .refine((q) => !(q.from && q.limit), {
    message: 'give either from (a time range) or limit (the latest candles), not both',
    path: ['limit'],
  })
  .transform((q): CandleQuery => {
    const to = q.to ?? new Date().toISOString();
    return q.from
      ? { symbol: q.symbol, timeframe: q.timeframe, from: q.from, to }
      : { symbol: q.symbol, timeframe: q.timeframe, to, limit: q.limit ?? CANDLES_DEFAULT_COUNT };
  });
/** A time range [from, to), or the latest `limit` candles before `to`. */
export interface CandleQuery {
  symbol: string;
  timeframe: (typeof TIMEFRAMES)[number];
  from?: string;
  to: string;
  limit?: number;
}

export const CandleSchema = z.object({
  ts: z.iso.datetime(),
  open: PriceSchema,
  high: PriceSchema,
  low: PriceSchema,
  close: PriceSchema,
  volume: z.number().int(),
});
export type CandleDto = z.infer<typeof CandleSchema>;
export const CandleSeriesSchema = z.object({ symbol: z.string(), timeframe: z.enum(TIMEFRAMES), candles: z.array(CandleSchema) });
export type CandleSeries = z.infer<typeof CandleSeriesSchema>;
