import { postTokenExchange, type TokenExchangeFetch } from '../adapter/token-exchange';
import { KITE_VERSION_HEADER, kiteSessionForm } from './kite-auth';
import { KITE } from './kite-orders';
import { kiteInvalidResponse, parseKiteEnvelope } from './kite-responses';

/** Kite's REST root (docs/brokers.md 1.1); a fake's root in tests. */
const DEFAULT_API_ROOT = 'https://api.kite.trade';

export type KiteSessionFetch = TokenExchangeFetch;

export interface KiteSessionOptions {
  /** `KITE_API_ROOT`: where `POST /session/token` is sent. */
  readonly apiRoot?: string;
  readonly fetch?: KiteSessionFetch;
  /** Abort the exchange after this long (a `retryable` BrokerError, code TIMEOUT). */
  readonly timeoutMs?: number;
}

/** What the exchange gives us: the token, and whose it is (Kite's user id, matched by postbacks). */
export interface KiteSession {
  readonly accessToken: string;
  readonly userId: string | null;
}

/**
 * The daily login's last step (docs/brokers.md 1.1, step 3): `POST {root}/session/token` with
 * api_key, request_token and the checksum, form-encoded. Kite's refusals (TokenException for a
 * used or expired request_token, InputException for a wrong api_key or checksum) come back as
 * BrokerErrors from `parseKiteEnvelope`, with Kite's message; a network failure or timeout as a
 * `retryable` one.
 */
export async function exchangeKiteRequestToken(
  apiKey: string,
  requestToken: string,
  apiSecret: string,
  options: KiteSessionOptions = {},
): Promise<KiteSession> {
  const root = (options.apiRoot ?? DEFAULT_API_ROOT).replace(/\/+$/, '');
  const { status, body, retryAfter } = await postTokenExchange({
    broker: KITE,
    label: 'kite session',
    url: `${root}/session/token`,
    headers: { ...KITE_VERSION_HEADER, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: () => kiteSessionForm(apiKey, requestToken, apiSecret).toString(),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const data = parseKiteEnvelope('read', { status, body, retryAfter });
  if (data === null || typeof data !== 'object') throw kiteInvalidResponse('read', 'session without data', status);
  const { access_token: accessToken, user_id: userId } = data as Record<string, unknown>;
  if (typeof accessToken !== 'string' || accessToken === '') throw kiteInvalidResponse('read', 'session without an access_token', status);
  return { accessToken, userId: typeof userId === 'string' && userId !== '' ? userId : null };
}
