import { brokerErrorFromTransport, type BrokerError, type BrokerOperation } from '../adapter/broker.errors';
import { kiteHeaders } from './kite-auth';
import { KITE } from './kite-orders';
import { parseKiteEnvelope, type KiteHttpResponse } from './kite-responses';

/**
 * Why our own client over `fetch` and not the `kiteconnect` REST client (docs/brokers.md 1.8, 1.5):
 * that client rejects 429, 502 and timeouts alike as a plain `NetworkException` object without
 * the HTTP status, so a rate limit (Kite did NOT take the order: safe to send again after the
 * wait) cannot be told from a timeout (Kite MAY have taken it: look it up by tag first), and it
 * turns a 200 with a non-JSON body into a `DataException`. Placing twice is the one mistake an
 * adapter must never make, and that decision needs the status. What Kite needs is small: form
 * bodies, two headers, an envelope — so a typed client over Node 20's global `fetch` (undici)
 * keeps the status, the raw body and the Retry-After header, takes a per-request timeout, and
 * lets tests inject `fetch` and the clock. The envelope is read by `parseKiteEnvelope`.
 */

/** Kite's default REST root (docs/brokers.md 1.2); every base URL is configuration. */
export const KITE_API_ROOT = 'https://api.kite.trade';
/** The SDK's default request timeout (docs/brokers.md 1.8). */
export const KITE_DEFAULT_TIMEOUT_MS = 7_000;

export type KiteFetch = (input: string, init: RequestInit) => Promise<Response>;

export interface KiteHttpOptions {
  readonly apiKey: string;
  readonly accessToken: string;
  /** Default `https://api.kite.trade`; a fake's root in tests. No trailing slash needed. */
  readonly apiRoot?: string;
  /** Per request, from the first byte sent to the last byte of the body read. Default 7 s. */
  readonly timeoutMs?: number;
  /** Default: the global `fetch` (undici). */
  readonly fetch?: KiteFetch;
  /** Epoch ms for Retry-After dates; default `Date.now`. */
  readonly now?: () => number;
}

export type KiteMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface KiteRequest {
  readonly method: KiteMethod;
  /** `/orders/regular`, `/portfolio/positions`… */
  readonly path: string;
  /** Decides the error kinds: a failed write may have happened (`ambiguous`), a failed read not. */
  readonly operation: BrokerOperation;
  /** Repeated keys allowed (`i=NSE:INFY&i=NSE:SBIN`). */
  readonly query?: URLSearchParams;
  /** Sent `application/x-www-form-urlencoded` (orders, docs/brokers.md 1.1). */
  readonly form?: URLSearchParams;
  readonly timeoutMs?: number;
}

/** The timeout's abort reason: `brokerErrorFromTransport` reads the name, and a write that timed out is ambiguous. */
export class KiteTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`);
  }
}

/** A typed Kite REST client: one instance per session (api key + access token). */
export class KiteHttpClient {
  readonly apiRoot: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly fetchImpl: KiteFetch;
  private readonly now: () => number;

  constructor(options: KiteHttpOptions) {
    this.apiRoot = (options.apiRoot ?? KITE_API_ROOT).replace(/\/+$/, '');
    this.headers = kiteHeaders(options.apiKey, options.accessToken);
    this.timeoutMs = options.timeoutMs ?? KITE_DEFAULT_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new RangeError('timeoutMs must be positive');
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
  }

  /** The full URL of a request (exposed for the bench's raw-fetch baseline). */
  url(request: Pick<KiteRequest, 'path' | 'query'>): string {
    const q = request.query && [...request.query.keys()].length > 0 ? `?${request.query.toString()}` : '';
    return `${this.apiRoot}${request.path}${q}`;
  }

  /** The headers and body `send` would use. */
  init(request: Pick<KiteRequest, 'method' | 'form'>): RequestInit {
    const headers: Record<string, string> = { ...this.headers };
    if (request.form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    return { method: request.method, headers, ...(request.form ? { body: request.form.toString() } : {}) };
  }

  /**
   * One exchange: status, body text and Retry-After, or a BrokerError for a failure without a
   * complete response (refused before sending: `retryable`; timeout, reset after sending: a write
   * is `ambiguous`, a read `retryable`). Never retries.
   */
  async send(request: KiteRequest): Promise<KiteHttpResponse> {
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new KiteTimeoutError(timeoutMs)), timeoutMs);
    try {
      const response = await this.fetchImpl(this.url(request), { ...this.init(request), signal: controller.signal });
      const body = await response.text();
      return { status: response.status, body, retryAfter: response.headers.get('retry-after') };
    } catch (e) {
      const cause = controller.signal.aborted && controller.signal.reason instanceof KiteTimeoutError ? controller.signal.reason : e;
      throw transportError(request.operation, cause);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `send`, then the envelope's `data` (or the BrokerError the response means, HTTP status kept). */
  async request(request: KiteRequest): Promise<unknown> {
    const response = await this.send(request);
    return parseKiteEnvelope(request.operation, response, this.now());
  }
}

function transportError(operation: BrokerOperation, err: unknown): BrokerError {
  return brokerErrorFromTransport(KITE, operation, err);
}
