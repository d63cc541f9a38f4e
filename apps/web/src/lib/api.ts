import { ApiError, apiErrorFrom, networkError } from './api-error';
import { refreshSession } from './token-refresh';
import { getSession } from './session';

export { ApiError, isApiError, describeError } from './api-error';

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Send without a bearer token and never refresh (login, register). */
  anonymous?: boolean;
  /** Extra request headers, e.g. `Idempotency-Key`, or an `accept` other than JSON. */
  headers?: Record<string, string>;
}

function buildUrl(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function send(path: string, options: RequestOptions, accessToken: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  // A FormData body (a file upload) sets its own multipart content type.
  const form = options.body instanceof FormData;
  if (options.body !== undefined && !form) headers['content-type'] = 'application/json';
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  try {
    return await fetch(buildUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : form ? (options.body as FormData) : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw networkError();
  }
}

async function parse<T>(response: Response): Promise<T> {
  if (response.status === 204 || response.headers.get('content-length') === '0') return undefined as T;
  return (await response.json()) as T;
}

/**
 * Calls the Tradeloop API. An expired access token (401 UNAUTHENTICATED) is refreshed once,
 * transparently, and the request retried; if the refresh is refused the session is cleared and
 * the route guard sends the user to /login.
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return parse<T>(await apiResponse(path, options));
}

/**
 * Like `api`, with the same refresh-and-retry, but hands back the successful Response itself:
 * for reading response headers or a body that is not JSON (a CSV download).
 */
export async function apiResponse(path: string, options: RequestOptions = {}): Promise<Response> {
  const session = options.anonymous ? null : getSession();
  let response = await send(path, options, session?.accessToken);
  if (response.status === 401 && session) {
    const error = await apiErrorFrom(response);
    if (error.code !== 'UNAUTHENTICATED') throw error;
    const refreshed = await refreshSession(session.refreshToken);
    if (!refreshed) throw error;
    response = await send(path, options, refreshed.accessToken);
  }
  if (!response.ok) throw await apiErrorFrom(response);
  return response;
}

export const isUnauthenticated = (error: unknown): boolean => error instanceof ApiError && error.status === 401;
