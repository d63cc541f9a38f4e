import { z } from 'zod';
import { EXCHANGES, INSTRUMENT_TYPES } from '@tradeloop/domain';

/** A price as the API carries it: decimal string, 2–4 decimals ("24350.05"). */
export const PriceSchema = z.string().regex(/^-?\d+\.\d{2,4}$/);

export const InstrumentSchema = z.object({
  symbol: z.string(),
  exchange: z.enum(EXCHANGES),
  name: z.string(),
  instrumentType: z.enum(INSTRUMENT_TYPES),
  lotSize: z.number().int().positive(),
  tickSize: PriceSchema,
  expiry: z.iso.date().optional(),
  strike: PriceSchema.optional(),
  optionType: z.enum(['CE', 'PE']).optional(),
  underlying: z.string().optional(),
});
export type InstrumentDto = z.infer<typeof InstrumentSchema>;

export const InstrumentQuerySchema = z.strictObject({
  /** Symbol prefix or words of the name, case-insensitive. Empty lists the first instruments. */
  query: z.string().max(64).trim().optional(),
  exchange: z.enum(EXCHANGES).optional(),
  instrumentType: z.enum(INSTRUMENT_TYPES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type InstrumentQuery = z.infer<typeof InstrumentQuerySchema>;

export const InstrumentListSchema = z.object({ items: z.array(InstrumentSchema) });
