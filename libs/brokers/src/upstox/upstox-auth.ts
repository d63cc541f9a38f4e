import { postTokenExchange, type TokenExchangeFetch } from '../adapter/token-exchange';
import { parseUpstoxEnvelope, UPSTOX, UPSTOX_API_ROOT, upstoxInvalidResponse } from './upstox-http';

/**
 * Upstox's OAuth2 daily login (docs/brokers.md 2.1): the user is sent to the authorization dialog
 * with our `state`; Upstox redirects back with `code` and the same `state`; the code (single use,
 * success or not) is exchanged for an access token that lasts until 03:30 IST the next day.
 */

export interface UpstoxLoginUrlInput {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  /** `UPSTOX_API_ROOT`; default `https://api.upstox.com`. */
  readonly apiRoot?: string;
}

/** `<root>/v2/login/authorization/dialog?response_type=code&client_id=…&redirect_uri=…&state=…`. */
export function upstoxLoginUrl(input: UpstoxLoginUrlInput): string {
  const url = new URL(`${(input.apiRoot ?? UPSTOX_API_ROOT).replace(/\/+$/, '')}/v2/login/authorization/dialog`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('state', input.state);
  return url.toString();
}

/** The token request's form (docs/brokers.md 2.1 step 2). */
export function upstoxTokenForm(input: { code: string; clientId: string; clientSecret: string; redirectUri: string }): URLSearchParams {
  return new URLSearchParams({
    code: input.code,
    client_id: input.clientId,
    client_secret: input.clientSecret,
    redirect_uri: input.redirectUri,
    grant_type: 'authorization_code',
  });
}

export type UpstoxTokenFetch = TokenExchangeFetch;

export interface UpstoxTokenOptions {
  readonly apiRoot?: string;
  readonly fetch?: UpstoxTokenFetch;
  /** Default 10 s; a timeout is a `retryable` BrokerError (code TIMEOUT). */
  readonly timeoutMs?: number;
}

export interface UpstoxSession {
  readonly accessToken: string;
  /** Upstox's user id (`user_id`), matched by portfolio-stream messages. */
  readonly userId: string | null;
}

/**
 * `POST <root>/v2/login/authorization/token`, form-encoded. Upstox's own refusals (a used or
 * expired code, wrong client secret or redirect URI) are BrokerErrors with its code and message.
 */
export async function exchangeUpstoxCode(
  input: { code: string; clientId: string; clientSecret: string; redirectUri: string },
  options: UpstoxTokenOptions = {},
): Promise<UpstoxSession> {
  const root = (options.apiRoot ?? UPSTOX_API_ROOT).replace(/\/+$/, '');
  const { status, body, retryAfter } = await postTokenExchange({
    broker: UPSTOX,
    label: 'upstox token',
    url: `${root}/v2/login/authorization/token`,
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: () => upstoxTokenForm(input).toString(),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  // The token reply is the profile itself, not always wrapped in {status, data}: accept both.
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(body);
  } catch {
    // parseUpstoxEnvelope reports it
  }
  const record = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  const data =
    record && typeof record.access_token === 'string' && status >= 200 && status < 300
      ? record
      : parseUpstoxEnvelope('read', { status, body, retryAfter }).data;
  if (data === null || typeof data !== 'object') throw upstoxInvalidResponse('read', 'token reply without data', status);
  const { access_token: accessToken, user_id: userId } = data as Record<string, unknown>;
  if (typeof accessToken !== 'string' || accessToken === '')
    throw upstoxInvalidResponse('read', 'token reply without an access_token', status);
  return { accessToken, userId: typeof userId === 'string' && userId !== '' ? userId : null };
}
