import { IST_OFFSET_MS } from '../timeframes';

const DAY = 86_400_000;
/** NSE normal market: 09:15–15:30 IST, Monday to Friday (holidays are not modelled). */
export const NSE_OPEN_MINUTE = 9 * 60 + 15;
export const NSE_CLOSE_MINUTE = 15 * 60 + 30;
export const SESSION_SECONDS = (NSE_CLOSE_MINUTE - NSE_OPEN_MINUTE) * 60;

/** Start of the IST calendar day containing `ts` (epoch ms). */
export const istDayStart = (ts: number): number => Math.floor((ts + IST_OFFSET_MS) / DAY) * DAY - IST_OFFSET_MS;

const isWeekday = (dayStart: number): boolean => {
  const dow = new Date(dayStart + IST_OFFSET_MS).getUTCDay();
  return dow >= 1 && dow <= 5;
};

/** The session [open, close) of the IST day containing `ts`, or null on a weekend. */
export function sessionOf(ts: number): { open: number; close: number } | null {
  const day = istDayStart(ts);
  if (!isWeekday(day)) return null;
  return { open: day + NSE_OPEN_MINUTE * 60_000, close: day + NSE_CLOSE_MINUTE * 60_000 };
}

export function isNseOpen(ts: number): boolean {
  const s = sessionOf(ts);
  return s !== null && ts >= s.open && ts < s.close;
}

/** Sessions overlapping [from, to), clipped to it, oldest first. */
export function sessionsBetween(from: number, to: number): { open: number; close: number }[] {
  const out: { open: number; close: number }[] = [];
  for (let day = istDayStart(from); day < to; day += DAY) {
    const s = sessionOf(day);
    if (!s) continue;
    const open = Math.max(s.open, from);
    const close = Math.min(s.close, to);
    if (open < close) out.push({ open, close });
  }
  return out;
}

/**
 * The close (15:30 IST) of the last session on an IST day before the one containing `ts`: the
 * "previous close" a quote's day change is measured against (Friday's for a Monday or a weekend).
 */
export function previousSessionClose(ts: number): number {
  for (let day = istDayStart(ts) - DAY; ; day -= DAY) {
    const s = sessionOf(day);
    if (s) return s.close;
  }
}

/** The next session open at or after `ts` (if the market is open at `ts`, that session's open is in the past: returns `ts`). */
export function nextOpen(ts: number): number {
  for (let day = istDayStart(ts); ; day += DAY) {
    const s = sessionOf(day);
    if (!s) continue;
    if (ts < s.open) return s.open;
    if (ts < s.close) return ts;
  }
}

/**
 * Relative trading intensity through the day: the familiar U shape of Indian equities — heavy at
 * the open, quiet over lunch, heavy into the close. 1 on average over a session; outside the
 * session (always-open demo mode) a flat 0.4.
 */
export function intradayIntensity(ts: number): number {
  const s = sessionOf(ts);
  if (!s || ts < s.open || ts >= s.close) return 0.4;
  const x = (ts - s.open) / (s.close - s.open);
  return 0.78 + 1.6 * Math.exp(-x / 0.07) + 1.2 * Math.exp(-(1 - x) / 0.09);
}
