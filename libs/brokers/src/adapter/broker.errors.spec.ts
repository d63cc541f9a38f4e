import {
  BrokerError,
  brokerErrorFromHttp,
  brokerErrorFromTransport,
  classifyHttpStatus,
  classifyTransportError,
  DEFAULT_RATE_LIMIT_WAIT_MS,
  isBrokerError,
  parseRetryAfter,
} from './broker.errors';

/** What Node's fetch throws: a TypeError whose cause carries the errno code. */
const fetchFailure = (code: string) =>
  Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`connect ${code}`), { code }) });

describe('classifying broker failures', () => {
  it('treats a 5xx or 408 after a write was sent as ambiguous, and as retryable for a read', () => {
    for (const status of [500, 502, 503, 504, 408]) {
      for (const op of ['place', 'modify', 'cancel'] as const) expect(classifyHttpStatus(op, status)).toBe('ambiguous');
      expect(classifyHttpStatus('read', status)).toBe('retryable');
    }
  });

  it('maps 429 to rate_limited, 401/403 to auth, other 4xx to final', () => {
    expect(classifyHttpStatus('place', 429)).toBe('rate_limited');
    expect(classifyHttpStatus('read', 403)).toBe('auth'); // Kite TokenException
    expect(classifyHttpStatus('place', 401)).toBe('auth'); // Upstox UDAPI100050
    for (const status of [400, 404, 405, 409, 410, 422]) expect(classifyHttpStatus('place', status)).toBe('final');
  });

  it('retries a write only when the transport failed before anything was sent', () => {
    expect(classifyTransportError('place', fetchFailure('ECONNREFUSED'))).toBe('retryable');
    expect(classifyTransportError('place', fetchFailure('ENOTFOUND'))).toBe('retryable');
    expect(classifyTransportError('place', { code: 'UND_ERR_CONNECT_TIMEOUT' })).toBe('retryable');
    expect(classifyTransportError('place', fetchFailure('ECONNRESET'))).toBe('ambiguous');
    expect(classifyTransportError('place', fetchFailure('ETIMEDOUT'))).toBe('ambiguous');
    expect(classifyTransportError('cancel', new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe(
      'ambiguous',
    );
    expect(classifyTransportError('place', new Error('something odd'))).toBe('ambiguous');
    expect(classifyTransportError('read', fetchFailure('ECONNRESET'))).toBe('retryable');
  });

  it('builds errors that keep the broker’s code and message and the original cause', () => {
    const e = brokerErrorFromHttp('kite', 'place', { status: 400, code: 'InputException', message: 'Invalid `tradingsymbol`' });
    expect(e).toBeInstanceOf(BrokerError);
    expect(isBrokerError(e)).toBe(true);
    expect(e).toMatchObject({
      kind: 'final',
      broker: 'kite',
      operation: 'place',
      code: 'InputException',
      brokerMessage: 'Invalid `tradingsymbol`',
      httpStatus: 400,
      canRetry: false,
    });
    const cause = fetchFailure('ECONNREFUSED');
    const t = brokerErrorFromTransport('upstox', 'place', cause);
    expect(t).toMatchObject({ kind: 'retryable', code: 'ECONNREFUSED', canRetry: true });
    expect(t.cause).toBe(cause);
  });

  it('waits as Retry-After says after a 429, or a default when it says nothing', () => {
    const now = Date.UTC(2026, 0, 5, 4, 0, 0);
    expect(brokerErrorFromHttp('upstox', 'place', { status: 429, code: 'UDAPI10005' }, now).retryAfterMs).toBe(DEFAULT_RATE_LIMIT_WAIT_MS);
    expect(brokerErrorFromHttp('openalgo', 'read', { status: 429, retryAfter: '2' }, now).retryAfterMs).toBe(2_000);
    expect(parseRetryAfter(new Date(now + 3_000).toUTCString(), now)).toBe(3_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
