import { IST_OFFSET_MS } from '../market/timeframes';

const DAY_MS = 86_400_000;
const TWO_PI = 2 * Math.PI;

/**
 * Fraction of the Indian Standard Time day elapsed at `ts` (epoch ms), in [0, 1): 09:15 IST (the
 * NSE open) is 0.3854…, 15:30 IST (the close) 0.6458…. IST has no daylight saving, so the
 * encoding is the same all year.
 */
export function istDayFraction(ts: number): number {
  const local = ts + IST_OFFSET_MS;
  return (local - Math.floor(local / DAY_MS) * DAY_MS) / DAY_MS;
}

/** Time of day as a point on the unit circle: [sin, cos] of 2π × {@link istDayFraction}. */
export function istTimeOfDay(ts: number): [sin: number, cos: number] {
  const a = TWO_PI * istDayFraction(ts);
  return [Math.sin(a), Math.cos(a)];
}

/**
 * Day of the week in IST, Monday = 0 … Sunday = 6 (ISO order minus one; pandas' `dayofweek` and
 * Python's `weekday()` use the same numbers). 1970-01-01 was a Thursday (3).
 */
export function istDayOfWeek(ts: number): number {
  const day = Math.floor((ts + IST_OFFSET_MS) / DAY_MS);
  return (((day + 3) % 7) + 7) % 7;
}
