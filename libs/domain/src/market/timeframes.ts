/** Candle timeframes the platform serves (docs/api.md "Market data": 1m|5m|15m|1h|1d). */
export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '1d'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

export const TIMEFRAME_MS: Record<Timeframe, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

/**
 * Candles are aligned to Indian Standard Time (UTC+05:30, no daylight saving): a daily candle is
 * an IST calendar day and an hourly candle starts on the IST hour. For 1m/5m/15m this is the
 * same as UTC alignment, since 5 h 30 min is a whole number of 15-minute periods.
 */
export const IST_OFFSET_MS = 19_800_000;

export const isTimeframe = (v: unknown): v is Timeframe => typeof v === 'string' && (TIMEFRAMES as readonly string[]).includes(v);

/** Start (epoch ms, UTC) of the candle of `timeframe` that contains `ts`. */
export function bucketStart(ts: number, timeframe: Timeframe): number {
  const size = TIMEFRAME_MS[timeframe];
  return Math.floor((ts + IST_OFFSET_MS) / size) * size - IST_OFFSET_MS;
}
