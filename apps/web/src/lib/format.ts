import { IST_OFFSET_MS, wallClock, wallToEpoch, zoneLabel } from './time-zone';

export { utcOffsetLabel, zoneLabel } from './time-zone';

const pad = (n: number) => String(n).padStart(2, '0');

/** A time as `YYYY-MM-DD HH:mm:ss IST` in the display zone (lib/time-zone.ts), labelled: fixed width and sortable, whatever the browser. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const w = wallClock(t);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hours)}:${pad(w.minutes)}:${pad(w.seconds)} ${zoneLabel(new Date(t))}`;
}

/**
 * "06:00 IST, 7 Dec": a time in India Standard Time, labelled — for times that are IST by
 * definition whatever the browser's zone (a Kite session ends at 06:00 IST).
 */
export function formatIst(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const d = new Date(t + IST_OFFSET_MS);
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} IST, ${d.getUTCDate()} ${month}`;
}

/** "3m ago", "2h ago", "5d ago"; the exact time belongs in a title attribute. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86_400)}d ago`;
}

/**
 * The tail of a uuid: enough to tell rows apart at a glance. (The head of a v7 uuid is its
 * timestamp, identical for ids created close together.)
 */
export const shortId = (id: string): string => (id.length > 8 ? `…${id.slice(-8)}` : id);

/**
 * A `<input type="datetime-local">` value (a wall time in the display zone, no zone written) →
 * ISO 8601 UTC, or null when empty or unreadable.
 */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const t = wallToEpoch(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** An instant as an `<input type="datetime-local">` value in the display zone, minutes precision (the inverse of localInputToIso). */
export function epochToLocalInput(epochMs: number): string {
  const w = wallClock(epochMs);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hours)}:${pad(w.minutes)}`;
}

/** Time of day as `HH:mm:ss` in the display zone, for "as of" stamps and time columns (label them with zoneLabel()). */
export function formatClock(epochMs: number): string {
  const w = wallClock(epochMs);
  return `${pad(w.hours)}:${pad(w.minutes)}:${pad(w.seconds)}`;
}
