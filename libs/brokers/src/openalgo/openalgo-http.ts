import { BrokerError, brokerErrorFromTransport, classifyHttpStatus, type BrokerOperation } from '../adapter/broker.errors';

/**
 * A typed client for OpenAlgo's REST v1 (docs/brokers.md 3): every call is a `POST` under
 * `<host>/api/v1/` with a JSON body carrying the `apikey`; replies are `{"status":"success",…}`
 * or `{"status":"error","message":…}` without codes. Our own over `fetch` (as for Kite) because the
 * npm client returns HTTP errors instead of throwing and logs the API key (docs/brokers.md 3.8):
 * placing twice is the mistake an adapter must never make, and telling a timeout (OpenAlgo MAY
 * have taken the order) from a refusal needs the status, the body and the transport error.
 */

export const OPENALGO = 'openalgo';
/** OpenAlgo's default host (docs/brokers.md 3.1); every base URL is configuration. */
export const OPENALGO_DEFAULT_HOST = 'http://127.0.0.1:5000';
export const OPENALGO_DEFAULT_TIMEOUT_MS = 7_000;

export type OpenAlgoFetch = (input: string, init: RequestInit) => Promise<Response>;

export interface OpenAlgoHttpOptions {
  readonly apiKey: string;
  /** `http://127.0.0.1:5000`; `/api/v1` is appended. A trailing slash is fine. */
  readonly host: string;
  readonly timeoutMs?: number;
  readonly fetch?: OpenAlgoFetch;
}

/** The timeout's abort reason: a write that timed out is ambiguous (`brokerErrorFromTransport` reads the name). */
export class OpenAlgoTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An invalid or missing key (`Invalid openalgo apikey`, 401/403): the account's credentials are wrong. */
const API_KEY_MESSAGE = /api\s*key|apikey/i;

/**
 * The BrokerError an OpenAlgo error reply means (docs/brokers.md 3.6, 4.9): 401/403 about the API
 * key → `auth`; another 403 (mode or policy) → `final`; 404 on an order → `final`
 * `ORDER_NOT_FOUND`; 429 → `rate_limited`; 5xx → `ambiguous` for a write, `retryable` for a read;
 * other 4xx, and an error reply with a success status → `final`.
 */
export function openAlgoErrorFromReply(operation: BrokerOperation, status: number, message: string | null, path: string): BrokerError {
  let kind = classifyHttpStatus(operation, status);
  let code = `HTTP_${status}`;
  if (kind === 'auth') {
    if (message === null || API_KEY_MESSAGE.test(message)) code = 'INVALID_API_KEY';
    else {
      kind = 'final';
      code = 'FORBIDDEN';
    }
  }
  if (status === 404 && /order/i.test(path)) code = 'ORDER_NOT_FOUND';
  if (status >= 200 && status < 300) {
    kind = 'final';
    code = 'REFUSED';
  }
  const text = message ?? `HTTP ${status}`;
  return new BrokerError(kind, `${OPENALGO} ${operation}: ${text}`, {
    broker: OPENALGO,
    operation,
    code,
    brokerMessage: message,
    httpStatus: status,
    ...(kind === 'rate_limited' ? { retryAfterMs: 1_000 } : {}),
  });
}

/**
 * A reply that is not OpenAlgo JSON (an HTML page: a login page, a proxy's error page, the wrong
 * URL): after a write the outcome is unknown (`ambiguous`); after a read `retryable`. The message
 * says what the owner needs to check.
 */
export function openAlgoNotJson(operation: BrokerOperation, status: number, body: string): BrokerError {
  const html = /^\s*</.test(body);
  const what = html ? 'an HTML page' : 'a body that is not JSON';
  const kind = operation === 'read' ? 'retryable' : status >= 400 && status < 500 && status !== 408 ? 'final' : 'ambiguous';
  return new BrokerError(
    kind,
    `${OPENALGO} ${operation}: the host answered ${what} (HTTP ${status}), not OpenAlgo's API: check the host URL`,
    {
      broker: OPENALGO,
      operation,
      code: 'NOT_OPENALGO',
      brokerMessage: null,
      httpStatus: status,
    },
  );
}

/** One OpenAlgo instance, one API key. */
export class OpenAlgoHttpClient {
  readonly apiBase: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: OpenAlgoFetch;

  constructor(private readonly options: OpenAlgoHttpOptions) {
    this.apiBase = `${options.host.replace(/\/+$/, '')}/api/v1`;
    this.timeoutMs = options.timeoutMs ?? OPENALGO_DEFAULT_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new RangeError('timeoutMs must be positive');
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /**
   * `POST <host>/api/v1/<path>` with `{apikey, …body}`; the success reply as an object, or the
   * BrokerError it means. Never retries. A failure without a response: refused before sending →
   * `retryable`; a timeout or reset after sending → a write is `ambiguous`, a read `retryable`.
   */
  async post(path: string, operation: BrokerOperation, body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new OpenAlgoTimeoutError(this.timeoutMs)), this.timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await this.fetchImpl(`${this.apiBase}/${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ apikey: this.options.apiKey, ...body }),
        signal: controller.signal,
      });
      status = response.status;
      text = await response.text();
    } catch (e) {
      const cause = controller.signal.aborted && controller.signal.reason instanceof OpenAlgoTimeoutError ? controller.signal.reason : e;
      const err = brokerErrorFromTransport(OPENALGO, operation, cause);
      // Say where: the owner has to know which OpenAlgo host is down or not answering.
      const refused = err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' || err.code === 'EHOSTUNREACH';
      const detail = refused ? `cannot reach OpenAlgo at ${this.options.host}` : `no complete answer from OpenAlgo at ${this.options.host}`;
      throw new BrokerError(
        err.kind,
        `${OPENALGO} ${operation}: ${detail} (${err.code ?? 'TRANSPORT'}: ${err.message.replace(/^openalgo \w+: /, '')})`,
        { broker: OPENALGO, operation, code: err.code, brokerMessage: null },
        { cause },
      );
    } finally {
      clearTimeout(timer);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      if (status === 429 || (status >= 400 && status !== 408 && status < 500 && status !== 404)) {
        throw openAlgoErrorFromReply(operation, status, null, path);
      }
      throw openAlgoNotJson(operation, status, text);
    }
    if (!isObject(json)) throw openAlgoNotJson(operation, status, text);
    const message = typeof json.message === 'string' ? json.message : null;
    if (status >= 400 || json.status === 'error') throw openAlgoErrorFromReply(operation, status, message, path);
    if (json.status !== 'success') throw openAlgoNotJson(operation, status, text);
    return json;
  }
}
