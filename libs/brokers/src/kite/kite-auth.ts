import { createHash, timingSafeEqual } from 'node:crypto';

/** Kite's login page (docs/brokers.md 1.1); the adapter may be pointed at a fake's root instead. */
export const KITE_LOGIN_ROOT = 'https://kite.zerodha.com/connect/login';
/** Sent on every Kite call, the token exchange included. */
export const KITE_VERSION_HEADER = Object.freeze({ 'X-Kite-Version': '3' });

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const requireText = (value: string, name: string): void => {
  if (typeof value !== 'string' || value === '') throw new RangeError(`${name} must be a non-empty string`);
};

/**
 * Where to send the user's browser: `<loginRoot>?v=3&api_key=…`, plus `redirect_params`, which
 * Kite hands back unchanged to the app's redirect URL (so it carries our login state). The
 * params are encoded as a query string, then that string is encoded once more as one value.
 */
export function kiteLoginUrl(loginRoot: string, apiKey: string, redirectParams?: Readonly<Record<string, string>> | null): string {
  requireText(apiKey, 'apiKey');
  const url = new URL(loginRoot);
  url.searchParams.set('v', '3');
  url.searchParams.set('api_key', apiKey);
  if (redirectParams && Object.keys(redirectParams).length > 0) {
    url.searchParams.set('redirect_params', new URLSearchParams(redirectParams).toString());
  }
  return url.toString();
}

/** The `checksum` of `POST /session/token`: hex SHA-256 of api_key + request_token + api_secret. */
export function kiteSessionChecksum(apiKey: string, requestToken: string, apiSecret: string): string {
  requireText(apiKey, 'apiKey');
  requireText(requestToken, 'requestToken');
  requireText(apiSecret, 'apiSecret');
  return sha256Hex(apiKey + requestToken + apiSecret);
}

/** The form body of the token exchange (`POST /session/token`, form-encoded). */
export function kiteSessionForm(apiKey: string, requestToken: string, apiSecret: string): URLSearchParams {
  return new URLSearchParams({
    api_key: apiKey,
    request_token: requestToken,
    checksum: kiteSessionChecksum(apiKey, requestToken, apiSecret),
  });
}

/** A postback's checksum: hex SHA-256 of order_id + order_timestamp (as sent) + api_secret. */
export function kitePostbackChecksum(orderId: string, orderTimestamp: string, apiSecret: string): string {
  requireText(orderId, 'orderId');
  requireText(orderTimestamp, 'orderTimestamp');
  requireText(apiSecret, 'apiSecret');
  return sha256Hex(orderId + orderTimestamp + apiSecret);
}

const HEX64 = /^[0-9a-f]{64}$/i;

/**
 * Whether a postback body (parsed JSON) carries the checksum our api_secret gives it. Anything
 * malformed (no order id, timestamp or checksum, a checksum that is not 64 hex digits) is
 * simply not authentic. The comparison takes the same time wherever the digests differ.
 */
export function verifyKitePostback(body: unknown, apiSecret: string): boolean {
  requireText(apiSecret, 'apiSecret');
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const { order_id: orderId, order_timestamp: orderTimestamp, checksum } = body as Record<string, unknown>;
  if (typeof orderId !== 'string' || orderId === '') return false;
  if (typeof orderTimestamp !== 'string' || orderTimestamp === '') return false;
  if (typeof checksum !== 'string' || !HEX64.test(checksum)) return false;
  const expected = Buffer.from(kitePostbackChecksum(orderId, orderTimestamp, apiSecret), 'hex');
  return timingSafeEqual(expected, Buffer.from(checksum, 'hex'));
}

/** The `Authorization` header value of every authenticated call: `token api_key:access_token`. */
export function kiteAuthHeader(apiKey: string, accessToken: string): string {
  requireText(apiKey, 'apiKey');
  requireText(accessToken, 'accessToken');
  return `token ${apiKey}:${accessToken}`;
}

/** Both headers of an authenticated call. */
export const kiteHeaders = (apiKey: string, accessToken: string): Record<string, string> => ({
  ...KITE_VERSION_HEADER,
  Authorization: kiteAuthHeader(apiKey, accessToken),
});
