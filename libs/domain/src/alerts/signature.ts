import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/*
 * Webhook authentication (docs/alerts.md "Intake", step 3):
 *   X-Tradeloop-Timestamp: <unix seconds>
 *   X-Tradeloop-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>
 * The timestamp is inside the signed text, so an old signed request cannot be replayed outside
 * the tolerance window with a fresh timestamp. Compared in constant time.
 */

export const SIGNATURE_HEADER = 'x-tradeloop-signature';
export const TIMESTAMP_HEADER = 'x-tradeloop-timestamp';

/** Why a signature was refused (the delivery's reject reason). */
export type SignatureProblem = 'SIGNATURE_MISSING' | 'SIGNATURE_MALFORMED' | 'SIGNATURE_INVALID' | 'TIMESTAMP_MISSING' | 'TIMESTAMP_STALE';

const toBytes = (b: string | Uint8Array): Uint8Array => (typeof b === 'string' ? utf8ToBytes(b) : b);

/** The signed text: timestamp + "." + raw body (the exact bytes received). */
export function signedBytes(timestamp: string, rawBody: string | Uint8Array): Uint8Array {
  const head = utf8ToBytes(`${timestamp}.`);
  const body = toBytes(rawBody);
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

/** The header value a sender puts in X-Tradeloop-Signature: `sha256=<hex>`. */
export function signWebhook(secret: string, timestamp: string, rawBody: string | Uint8Array): string {
  return `sha256=${bytesToHex(hmac(sha256, utf8ToBytes(secret), signedBytes(timestamp, rawBody)))}`;
}

/** Equal in constant time for inputs of the same length (the length itself is not secret: always 64 hex). */
export function constantTimeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const x = toBytes(a);
  const y = toBytes(b);
  let diff = x.length ^ y.length;
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Verifies one request: the timestamp is whole seconds within `toleranceSeconds` of `nowSeconds`
 * (either side: clocks drift), and the signature is the HMAC of timestamp + "." + body under
 * `secret`. Checked in this order, so a stale request is refused before any HMAC is computed.
 */
export function verifyWebhookSignature(input: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string | Uint8Array;
  nowSeconds: number;
  toleranceSeconds: number;
}): { ok: true } | { ok: false; problem: SignatureProblem } {
  const { timestamp, signature } = input;
  if (signature === undefined || signature === '') return { ok: false, problem: 'SIGNATURE_MISSING' };
  if (timestamp === undefined || timestamp === '') return { ok: false, problem: 'TIMESTAMP_MISSING' };
  if (!TIMESTAMP.test(timestamp)) return { ok: false, problem: 'TIMESTAMP_STALE' };
  if (Math.abs(input.nowSeconds - Number(timestamp)) > input.toleranceSeconds) return { ok: false, problem: 'TIMESTAMP_STALE' };
  const m = SIGNATURE.exec(signature.trim());
  if (!m) return { ok: false, problem: 'SIGNATURE_MALFORMED' };
  const expected = signWebhook(input.secret, timestamp, input.rawBody).slice('sha256='.length);
  return constantTimeEqual(m[1]!.toLowerCase(), expected) ? { ok: true } : { ok: false, problem: 'SIGNATURE_INVALID' };
}

/**
 * The stored form of a source's passphrase (passphrase mode): SHA-256 over a per-source salt and
 * the passphrase, `<salt hex>:<hash hex>`. A passphrase is a long random string we issue (not a
 * human password), so a fast hash is enough; the salt keeps equal passphrases apart.
 */
export function hashPassphrase(passphrase: string, saltHex: string): string {
  if (!/^[0-9a-f]{16,64}$/.test(saltHex)) throw new RangeError('salt must be 16 to 64 lower-case hex digits');
  return `${saltHex}:${bytesToHex(sha256(utf8ToBytes(`${saltHex}:${passphrase}`)))}`;
}

/** Whether `given` is the passphrase whose stored form is `stored` (constant-time over the hash). */
export function verifyPassphrase(given: string | null, stored: string): boolean {
  const colon = stored.indexOf(':');
  if (given === null || colon <= 0) return false;
  const expected = hashPassphrase(given, stored.slice(0, colon));
  return constantTimeEqual(expected, stored);
}
