import { BrokerError } from './broker.errors';

/** The fetch a login token exchange needs (the global fetch fits; tests inject their own). */
export type TokenExchangeFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{
  status: number;
  text(): Promise<string>;
  headers: { get(name: string): string | null };
}>;

/** The raw reply of a token exchange, for the broker's own envelope parser. */
export interface TokenExchangeReply {
  readonly status: number;
  readonly body: string;
  readonly retryAfter: string | null;
}

export interface TokenExchangeRequest {
  readonly broker: string;
  /** Starts the error message, e.g. `kite session`. */
  readonly label: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  /** The form body, built inside the guarded call. */
  readonly body: () => string;
  /** Default: the global fetch. */
  readonly fetch?: TokenExchangeFetch;
  /** Default 10 s. */
  readonly timeoutMs?: number;
}

/**
 * POSTs a login form (Kite's session exchange, Upstox's token exchange) and reads the reply. A
 * timeout or a network failure is a `retryable` BrokerError (code `TIMEOUT` / `NETWORK`).
 */
export async function postTokenExchange(request: TokenExchangeRequest): Promise<TokenExchangeReply> {
  const doFetch = request.fetch ?? (globalThis.fetch as unknown as TokenExchangeFetch);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs ?? 10_000);
  try {
    const res = await doFetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body(),
      signal: controller.signal,
    });
    const status = res.status;
    const retryAfter = res.headers.get('retry-after');
    const body = await res.text();
    return { status, body, retryAfter };
  } catch (err) {
    const timedOut = controller.signal.aborted;
    throw new BrokerError('retryable', `${request.label}: ${timedOut ? 'timed out' : `network error: ${(err as Error).message}`}`, {
      broker: request.broker,
      operation: 'read',
      code: timedOut ? 'TIMEOUT' : 'NETWORK',
    });
  } finally {
    clearTimeout(timer);
  }
}
