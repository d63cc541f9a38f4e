import { z } from 'zod';
import { TIMEFRAME_MS, TIMEFRAMES } from '@tradeloop/domain';
import { PriceSchema } from './instruments.schema';

/** At most this many candles per request; larger ranges are refused with a clear message. */
export const CANDLES_MAX = 100_000;
export const ARROW_STREAM_TYPE = 'application/vnd.apache.arrow.stream';

/** Without `from`, this many candles back from `to` (which defaults to now). */
export const CANDLES_DEFAULT_COUNT = 500;

export const CandleQuerySchema = z
  .strictObject({
    symbol: z.string().trim().min(1).max(40),
    timeframe: z.enum(TIMEFRAMES),
    from: z.iso.datetime().optional(),
    to: z.iso.datetime().optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] })
  .transform((q) => {
    const to = q.to ?? new Date().toISOString();
    const from = q.from ?? new Date(Date.parse(to) - CANDLES_DEFAULT_COUNT * TIMEFRAME_MS[q.timeframe]).toISOString();
    return { ...q, from, to };
  });
export type CandleQuery = z.infer<typeof CandleQuerySchema>;

export const CandleSchema = z.object({
  ts: z.iso.datetime(),
  open: PriceSchema,
  high: PriceSchema,
  low: PriceSchema,
  close: PriceSchema,
  volume: z.number().int(),
});
export const CandleSeriesSchema = z.object({ symbol: z.string(), timeframe: z.enum(TIMEFRAMES), candles: z.array(CandleSchema) });
export type CandleSeries = z.infer<typeof CandleSeriesSchema>;
