const pad = (n: number) => String(n).padStart(2, '0');

/** Local time as `YYYY-MM-DD HH:mm:ss`: fixed width and sortable, whatever the browser locale. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;

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
 * A `<input type="datetime-local">` value (local wall time, no zone) → ISO 8601 UTC, or null
 * when empty or unreadable.
 */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The browser's UTC offset as "UTC+05:30", to label local-time inputs. */
export function utcOffsetLabel(date = new Date()): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Local time of day as `HH:mm:ss`, for "as of" stamps. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
