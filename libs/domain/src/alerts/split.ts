import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

/** The two decision engines (docs/alerts.md "Engines"): A rules, B weighted agents. */
export const ALERT_ENGINES = ['A', 'B'] as const;
export type AlertEngine = (typeof ALERT_ENGINES)[number];

/**
 * The delivery's point in [0, 10000): the first four bytes of SHA-256(delivery id), big-endian,
 * modulo 10,000. Deterministic: the same delivery always gets the same point.
 */
export function splitPoint(deliveryId: string): number {
  const h = sha256(utf8ToBytes(deliveryId));
  return (((h[0]! << 24) >>> 0) + (h[1]! << 16) + (h[2]! << 8) + h[3]!) % 10_000;
}

/**
 * The A/B route (docs/alerts.md "Processing"): engine A when the delivery's point falls below
 * `percentToA` (0..100, whole or with up to two decimals) of the range, else B. 0 → always B,
 * 100 → always A; a replay of the same delivery routes the same way.
 */
export function routeEngine(deliveryId: string, percentToA: number): AlertEngine {
  if (!Number.isFinite(percentToA) || percentToA < 0 || percentToA > 100) throw new RangeError(`split must be 0..100, got ${percentToA}`);
  return splitPoint(deliveryId) < Math.round(percentToA * 100) ? 'A' : 'B';
}

/** The other engine: the one whose decision is the shadow. */
export const shadowEngine = (routed: AlertEngine): AlertEngine => (routed === 'A' ? 'B' : 'A');
