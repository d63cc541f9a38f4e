import { z } from 'zod';
import { PriceSchema } from '../market/instruments.schema';

const MoneySchema = z.string().regex(/^-?\d+\.\d{2}$/);

/** A delivered equity holding (CNC, long) of one broker account, marked to its latest quote. */
export const HoldingSchema = z.object({
  accountId: z.uuid(),
  symbol: z.string(),
  quantity: z.number().int().positive(),
  averagePrice: PriceSchema,
  /** Null while the symbol has no quote (the values that need it are null too). */
  ltp: PriceSchema.nullable(),
  prevClose: PriceSchema.nullable(),
  invested: MoneySchema,
  currentValue: MoneySchema.nullable(),
  /** (ltp − average) × quantity. */
  pnl: MoneySchema.nullable(),
  /** (ltp − previous close) × quantity. */
  dayChange: MoneySchema.nullable(),
});
export type HoldingDto = z.infer<typeof HoldingSchema>;

/** `GET /api/v1/portfolio`: the day's P&L and the holdings. */
export const PortfolioSchema = z.object({
  asOf: z.iso.datetime(),
  /** Realized today + open positions' unrealized at the latest quotes: the daily-loss limit's figure. */
  dayPnl: MoneySchema,
  realizedToday: MoneySchema,
  unrealized: MoneySchema,
  /** Open positions (any product) with a non-zero quantity. */
  openPositions: z.number().int().nonnegative(),
  holdings: z.array(HoldingSchema),
  holdingsTotal: z.object({ invested: MoneySchema, currentValue: MoneySchema, pnl: MoneySchema, dayChange: MoneySchema }),
});
export type PortfolioDto = z.infer<typeof PortfolioSchema>;

export const PNL_HISTORY_MAX_DAYS = 365;

export const PnlHistoryQuerySchema = z.strictObject({
  days: z.coerce.number().int().min(1).max(PNL_HISTORY_MAX_DAYS).default(30),
});
export type PnlHistoryQuery = z.infer<typeof PnlHistoryQuerySchema>;

/** `GET /api/v1/portfolio/pnl-history`: P&L to each trading day's close, oldest first. */
export const PnlHistorySchema = z.object({
  points: z.array(
    z.object({
      day: z.iso.date(),
      realized: MoneySchema,
      unrealized: MoneySchema,
      charges: MoneySchema,
      net: MoneySchema,
    }),
  ),
});
export type PnlHistoryDto = z.infer<typeof PnlHistorySchema>;
