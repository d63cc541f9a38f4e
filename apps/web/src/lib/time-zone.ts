/*
 * One clock for the whole app (issue 19, "two clocks"): every time is shown in the display zone —
 * India Standard Time by default (the market's), or the browser's own zone if the user prefers —
 * and labelled. The preference lives in this browser (localStorage); changing it reloads the page
 * so that every formatted time follows at once.
 */
import { useSyncExternalStore } from 'react';

export type DisplayZone = 'IST' | 'local';

const KEY = 'tradeloop.displayZone';
export const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;

function read(): DisplayZone {
  try {
    return globalThis.localStorage?.getItem(KEY) === 'local' ? 'local' : 'IST';
  } catch {
    return 'IST';
  }
}

let zone: DisplayZone = read();
const listeners = new Set<() => void>();

export const getDisplayZone = (): DisplayZone => zone;

/** For tests and the preference control: sets the zone (and stores it when asked). */
export function setDisplayZone(next: DisplayZone, opts: { persist?: boolean } = {}): void {
  zone = next;
  if (opts.persist) {
    try {
      globalThis.localStorage?.setItem(KEY, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }
  for (const l of listeners) l();
}

export function useDisplayZone(): DisplayZone {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, getDisplayZone);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The browser's UTC offset at `date` as "UTC+05:30". */
export function utcOffsetLabel(date = new Date()): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The label shown with times: "IST", or the browser's offset ("UTC−05:00"). */
export const zoneLabel = (at = new Date()): string => (zone === 'IST' ? 'IST' : utcOffsetLabel(at));

/** The wall-clock fields of an instant in the display zone. */
export function wallClock(epochMs: number): { year: number; month: number; day: number; hours: number; minutes: number; seconds: number } {
  if (zone === 'IST') {
    const d = new Date(epochMs + IST_OFFSET_MS);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hours: d.getUTCHours(),
      minutes: d.getUTCMinutes(),
      seconds: d.getUTCSeconds(),
    };
  }
  const d = new Date(epochMs);
  return {
    year: d.getFullYear(),
    month: d.getMonth() + 1,
    day: d.getDate(),
    hours: d.getHours(),
    minutes: d.getMinutes(),
    seconds: d.getSeconds(),
  };
}

/** A wall time typed in the display zone ("2026-12-07T10:30", an `<input type="datetime-local">`) → epoch ms, or NaN. */
export function wallToEpoch(value: string): number {
  if (zone === 'IST') {
    const withSeconds = /T\d\d:\d\d$/.test(value) ? `${value}:00` : value;
    return Date.parse(`${withSeconds}Z`) - IST_OFFSET_MS;
  }
  return new Date(value).getTime();
}
