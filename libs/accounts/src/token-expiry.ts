/** India Standard Time is UTC+05:30 all year (no daylight saving). */
const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;
const DAY_MS = 24 * 3_600_000;
const SIX_HOURS_MS = 6 * 3_600_000;
const THREE_THIRTY_MS = (3 * 60 + 30) * 60_000;

/** The first `timeOfDayMs` (ms after midnight) IST strictly after `loginAt`. */
function nextIstTimeOfDay(loginAt: Date, timeOfDayMs: number): Date {
  const t = loginAt.getTime();
  if (!Number.isFinite(t)) throw new RangeError('loginAt must be a valid date');
  const istMs = t + IST_OFFSET_MS;
  let expiryIst = Math.floor(istMs / DAY_MS) * DAY_MS + timeOfDayMs;
  if (expiryIst <= istMs) expiryIst += DAY_MS;
  return new Date(expiryIst - IST_OFFSET_MS);
}

/**
 * When a Kite access token obtained at `loginAt` stops working: the first 06:00 IST strictly
 * after the login (docs/brokers.md 1.1, "until 06:00 the next day"). A login in the evening or
 * after midnight but before 06:00 IST both expire at the coming 06:00; a login at 06:00 or later
 * expires at 06:00 the next day.
 */
export function kiteTokenExpiry(loginAt: Date): Date {
  return nextIstTimeOfDay(loginAt, SIX_HOURS_MS);
}

/**
 * When an Upstox access token obtained at `loginAt` stops working: 03:30 IST the next day
 * (docs/brokers.md 2.1). Taken as the first 03:30 IST strictly after the login, so a login
 * between midnight and 03:30 expires the same night: asking for a login a day early is safe,
 * trading on a token Upstox has already dropped is not.
 */
export function upstoxTokenExpiry(loginAt: Date): Date {
  return nextIstTimeOfDay(loginAt, THREE_THIRTY_MS);
}
