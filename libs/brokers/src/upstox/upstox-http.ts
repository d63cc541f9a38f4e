import {
  BrokerError,
  brokerErrorFromHttp,
  brokerErrorFromTransport,
  classifyHttpStatus,
  DEFAULT_RATE_LIMIT_WAIT_MS,
  type BrokerOperation,
} from '../adapter/broker.errors';

/**
 * A typed Upstox REST client over Node's global `fetch` (docs/brokers.md 2). Why not the official
 * `upstox-js-sdk` (docs/brokers.md 2.8): it is untyped, callback-only, keeps its client in a
 * process-wide singleton (`ApiClient.instance`, overwritten by every `new ApiClient`), and its
 * superagent errors do not let a timeout (the order MAY exist) be told from a refusal. What
 * Upstox needs is small: a Bearer header, JSON bodies (the login exchange is form-encoded), and
 * the `{status, data | errors}` envelope. The order writes go to their own host
 * (`api-hft.upstox.com`), everything else to the API root; both are configuration.
 */

export const UPSTOX = 'upstox';
/** `UPSTOX_API_ROOT` (docs/brokers.md 2.3). */
export const UPSTOX_API_ROOT = 'https://api.upstox.com';
/** `UPSTOX_ORDER_ROOT`: place, modify and cancel (docs/brokers.md 2.2, 2.8). */
export const UPSTOX_ORDER_ROOT = 'https://api-hft.upstox.com';
/** Per request. The SDK waits 60 s; an order that hangs that long is better resolved by tag. */
export const UPSTOX_DEFAULT_TIMEOUT_MS = 7_000;

/** Upstox's error codes that decide a kind (docs/brokers.md 2.5). */
export const UPSTOX_CODES = Object.freeze({
  rateLimited: 'UDAPI10005',
  invalidToken: 'UDAPI100050',
  orderNotFound: 'UDAPI100010',
  cannotCancelTerminal: 'UDAPI100040',
  useUplinkBusiness: 'UDAPI100049',
});

export type UpstoxFetch = (input: string, init: RequestInit) => Promise<Response>;

export interface UpstoxHttpOptions {
  readonly accessToken: string;
  readonly apiRoot?: string;
  readonly orderRoot?: string;
  readonly timeoutMs?: number;
  readonly fetch?: UpstoxFetch;
  readonly now?: () => number;
}

export type UpstoxMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface UpstoxRequest {
  readonly method: UpstoxMethod;
  /** `/v2/order/retrieve-all`, `/v3/order/place`… */
  readonly path: string;
  /** Which host: `order` for place/modify/cancel, `api` for the rest. */
  readonly host?: 'api' | 'order';
  readonly operation: BrokerOperation;
  readonly query?: URLSearchParams;
  /** Sent as JSON. */
  readonly json?: unknown;
  readonly timeoutMs?: number;
}

export interface UpstoxHttpResponse {
  readonly status: number;
  readonly body: string;
  readonly retryAfter: string | null;
}

/** One entry of Upstox's `errors` list, both spellings read (docs/brokers.md 2.5: snake_case and deprecated camelCase). */
export interface UpstoxApiError {
  readonly code: string | null;
  readonly message: string | null;
  readonly propertyPath: string | null;
  readonly invalidValue: unknown;
}

/** The reply after the envelope: `data`, its status word (`success`, `partial_success`) and any errors beside it. */
export interface UpstoxEnvelope {
  readonly status: string;
  readonly data: unknown;
  readonly errors: readonly UpstoxApiError[];
}

export class UpstoxTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function readUpstoxErrors(value: unknown): UpstoxApiError[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((e) => ({
    code: str(e.error_code) ?? str(e.errorCode),
    message: str(e.message),
    propertyPath: str(e.property_path) ?? str(e.propertyPath),
    invalidValue: e.invalid_value ?? e.invalidValue ?? null,
  }));
}

/** A BrokerError for a reply that is not what Upstox sends (a write's outcome is then unknown: `ambiguous`). */
export function upstoxInvalidResponse(operation: BrokerOperation, detail: string, httpStatus: number | null = null): BrokerError {
  const kind = classifyHttpStatus(operation, 200);
  return new BrokerError(kind, `upstox ${operation}: unreadable response (${detail})`, {
    broker: UPSTOX,
    operation,
    code: 'INVALID_RESPONSE',
    brokerMessage: null,
    httpStatus,
  });
}

/**
 * The BrokerError an Upstox error reply means (docs/brokers.md 2.5, 4.9): `UDAPI10005` is the
 * rate limit whatever the status (no Retry-After is sent: the default wait applies); a 401 or
 * `UDAPI100050` is the session; `UDAPI100049` (a 403 for the wrong product tier) a refusal;
 * otherwise the HTTP status decides.
 */
export function upstoxErrorFromReply(
  operation: BrokerOperation,
  status: number,
  errors: readonly UpstoxApiError[],
  retryAfter: string | null,
  nowMs: number,
): BrokerError {
  const first = errors[0] ?? null;
  const code = first?.code ?? null;
  const message = first?.message ?? null;
  if (code === UPSTOX_CODES.rateLimited) {
    const e = brokerErrorFromHttp(UPSTOX, operation, { status: 429, code, message, retryAfter }, nowMs);
    return new BrokerError('rate_limited', e.message, {
      broker: UPSTOX,
      operation,
      code,
      brokerMessage: message,
      httpStatus: status,
      retryAfterMs: e.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS,
    });
  }
  if (code === UPSTOX_CODES.invalidToken || status === 401) {
    return new BrokerError('auth', `upstox ${operation}: ${message ?? 'the session is not valid'}`, {
      broker: UPSTOX,
      operation,
      code: code ?? 'HTTP_401',
      brokerMessage: message,
      httpStatus: status,
    });
  }
  if (code === UPSTOX_CODES.useUplinkBusiness) {
    return new BrokerError('final', `upstox ${operation}: ${message ?? code}`, {
      broker: UPSTOX,
      operation,
      code,
      brokerMessage: message,
      httpStatus: status,
    });
  }
  // A 2xx that says error is a refusal the broker understood.
  const effective = status >= 200 && status < 300 ? 400 : status;
  const e = brokerErrorFromHttp(UPSTOX, operation, { status: effective, code, message, retryAfter }, nowMs);
  return new BrokerError(e.kind, e.message, {
    broker: UPSTOX,
    operation,
    code: code ?? `HTTP_${status}`,
    brokerMessage: message,
    httpStatus: status,
    ...(e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs }),
  });
}

/** Reads Upstox's envelope: `success`/`partial_success` give the data, anything else the BrokerError it means. */
export function parseUpstoxEnvelope(operation: BrokerOperation, response: UpstoxHttpResponse, nowMs: number = Date.now()): UpstoxEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    if (response.status >= 200 && response.status < 300) throw upstoxInvalidResponse(operation, 'not JSON', response.status);
    throw brokerErrorFromHttp(UPSTOX, operation, { status: response.status, retryAfter: response.retryAfter }, nowMs);
  }
  if (!isObject(parsed)) throw upstoxInvalidResponse(operation, 'not an object', response.status);
  const errors = readUpstoxErrors(parsed.errors);
  const status = typeof parsed.status === 'string' ? parsed.status : '';
  const ok = response.status >= 200 && response.status < 300;
  if (ok && (status === 'success' || status === 'partial_success')) return { status, data: parsed.data ?? null, errors };
  if (ok && status !== 'error') throw upstoxInvalidResponse(operation, `status ${JSON.stringify(parsed.status)}`, response.status);
  throw upstoxErrorFromReply(operation, response.status, errors, response.retryAfter, nowMs);
}

/** The Upstox REST client: one per session (access token). Never retries. */
export class UpstoxHttpClient {
  readonly apiRoot: string;
  readonly orderRoot: string;
  private readonly accessToken: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: UpstoxFetch;
  private readonly now: () => number;

  constructor(options: UpstoxHttpOptions) {
    this.apiRoot = (options.apiRoot ?? UPSTOX_API_ROOT).replace(/\/+$/, '');
    this.orderRoot = (options.orderRoot ?? UPSTOX_ORDER_ROOT).replace(/\/+$/, '');
    this.accessToken = options.accessToken;
    this.timeoutMs = options.timeoutMs ?? UPSTOX_DEFAULT_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new RangeError('timeoutMs must be positive');
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
  }

  url(request: Pick<UpstoxRequest, 'path' | 'query' | 'host'>): string {
    const root = request.host === 'order' ? this.orderRoot : this.apiRoot;
    const q = request.query && [...request.query.keys()].length > 0 ? `?${request.query.toString()}` : '';
    return `${root}${request.path}${q}`;
  }

  init(request: Pick<UpstoxRequest, 'method' | 'json'>): RequestInit {
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${this.accessToken}` };
    if (request.json !== undefined) headers['Content-Type'] = 'application/json';
    return { method: request.method, headers, ...(request.json === undefined ? {} : { body: JSON.stringify(request.json) }) };
  }

  /** One exchange; a failure without a complete response is a BrokerError (a write's timeout or reset is `ambiguous`). */
  async send(request: UpstoxRequest): Promise<UpstoxHttpResponse> {
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new UpstoxTimeoutError(timeoutMs)), timeoutMs);
    try {
      const response = await this.fetchImpl(this.url(request), { ...this.init(request), signal: controller.signal });
      const body = await response.text();
      return { status: response.status, body, retryAfter: response.headers.get('retry-after') };
    } catch (e) {
      const cause = controller.signal.aborted && controller.signal.reason instanceof UpstoxTimeoutError ? controller.signal.reason : e;
      throw brokerErrorFromTransport(UPSTOX, request.operation, cause);
    } finally {
      clearTimeout(timer);
    }
  }

  async request(request: UpstoxRequest): Promise<UpstoxEnvelope> {
    const response = await this.send(request);
    return parseUpstoxEnvelope(request.operation, response, this.now());
  }
}
