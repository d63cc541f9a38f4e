import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { AlertPayload } from './payload';

/**
 * The canonical form of an alert (docs/alerts.md, intake step 5): the parsed payload — so numbers
 * are normalised ("1" and 1 are the same quantity, "2500.50" and 2500.5 the same price, in ticks),
 * strings trimmed, symbols upper-cased, the action one word — as JSON with its keys sorted at
 * every level. The passphrase is not part of it (it is never stored, and a changed passphrase
 * does not make another alert). Two alerts with the same canonical form are the same alert.
 */
export function canonicalAlert(p: AlertPayload): string {
  return stableJson({ v: 1, ...p, tags: [...p.tags] });
}

/** The dedup key: SHA-256 of the canonical form, lower-case hex (64 characters). */
export function alertDedupKey(p: AlertPayload): string {
  return sha256Hex(canonicalAlert(p));
}

/** SHA-256 of a UTF-8 string or bytes, lower-case hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return bytesToHex(sha256(typeof data === 'string' ? utf8ToBytes(data) : data));
}

/** JSON with object keys sorted at every level (arrays keep their order); undefined members dropped like JSON.stringify. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stableJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}
