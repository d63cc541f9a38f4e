import { BrokerError } from '../adapter';
import { parseUpstoxEnvelope, UpstoxHttpClient, type UpstoxFetch } from './upstox-http';

async function caught(p: Promise<unknown>): Promise<BrokerError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BrokerError) return e;
    throw e;
  }
  throw new Error('expected a BrokerError');
}

const reply = (status: number, body: unknown): Response =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const error = (code: string, message: string) => ({
  status: 'error',
  errors: [
    { error_code: code, message, property_path: null, invalid_value: null, errorCode: code, propertyPath: null, invalidValue: null },
  ],
});

describe('UpstoxHttpClient', () => {
  const calls: { url: string; init: RequestInit }[] = [];
  let answer: (url: string, init: RequestInit) => Promise<Response>;
  const fetchStub: UpstoxFetch = (url, init) => {
    calls.push({ url, init });
    return answer(url, init);
  };
  const client = (timeoutMs = 500) =>
    new UpstoxHttpClient({ accessToken: 'tok', apiRoot: 'http://api.test/', orderRoot: 'http://hft.test', timeoutMs, fetch: fetchStub });
  beforeEach(() => {
    calls.length = 0;
  });

  it('sends writes to the order host and reads to the API root, Bearer token, JSON body', async () => {
    answer = async () => reply(200, { status: 'success', data: { order_ids: ['1'] }, metadata: { latency: 3 } });
    const env = await client().request({ method: 'POST', path: '/v3/order/place', host: 'order', operation: 'place', json: { a: 1 } });
    expect(env).toEqual({ status: 'success', data: { order_ids: ['1'] }, errors: [] });
    await client().request({ method: 'GET', path: '/v2/order/details', operation: 'read', query: new URLSearchParams({ order_id: '7' }) });
    expect(calls[0]!.url).toBe('http://hft.test/v3/order/place');
    expect(calls[0]!.init.body).toBe('{"a":1}');
    expect((calls[0]!.init.headers as Record<string, string>)['Authorization']).toBe('Bearer tok');
    expect((calls[0]!.init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(calls[1]!.url).toBe('http://api.test/v2/order/details?order_id=7');
  });

  it.each([
    [429, 'UDAPI10005', 'place', 'rate_limited'],
    [401, 'UDAPI100050', 'read', 'auth'],
    [401, 'UDAPI100050', 'place', 'auth'],
    [400, 'UDAPI100010', 'read', 'final'],
    [400, 'UDAPI100040', 'cancel', 'final'],
    [403, 'UDAPI100049', 'place', 'final'],
    [500, 'UDAPI100500', 'place', 'ambiguous'],
    [503, 'UDAPI100500', 'read', 'retryable'],
  ] as const)('HTTP %i %s on %s → %s, with the code and message kept', async (status, code, operation, kind) => {
    answer = async () => reply(status, error(code, 'the message'));
    const e = await caught(client().request({ method: 'GET', path: '/x', operation }));
    expect(e).toMatchObject({ kind, code, brokerMessage: 'the message', httpStatus: status, broker: 'upstox' });
    if (kind === 'rate_limited') expect(e.retryAfterMs).toBeGreaterThan(0);
  });

  it('UDAPI10005 is the rate limit whatever the status; camelCase-only errors are read too', async () => {
    answer = async () => reply(400, { status: 'error', errors: [{ errorCode: 'UDAPI10005', message: 'Too Many Request Sent' }] });
    expect(await caught(client().request({ method: 'GET', path: '/x', operation: 'read' }))).toMatchObject({
      kind: 'rate_limited',
      code: 'UDAPI10005',
    });
  });

  it('a 200 with a non-JSON body: a write is ambiguous, a read retryable', async () => {
    answer = async () => reply(200, '<html>502</html>');
    expect((await caught(client().request({ method: 'POST', path: '/v3/order/place', host: 'order', operation: 'place' }))).kind).toBe(
      'ambiguous',
    );
    expect((await caught(client().request({ method: 'GET', path: '/x', operation: 'read' }))).kind).toBe('retryable');
  });

  it('a timeout on a write is ambiguous (TIMEOUT), on a read retryable; a refused connection is retryable', async () => {
    answer = (_url, init) =>
      new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason as Error)));
    const place = await caught(client(50).request({ method: 'POST', path: '/v3/order/place', host: 'order', operation: 'place' }));
    expect(place).toMatchObject({ kind: 'ambiguous', code: 'TIMEOUT' });
    expect((await caught(client(50).request({ method: 'GET', path: '/x', operation: 'read' }))).kind).toBe('retryable');
    answer = async () => {
      throw Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      });
    };
    expect((await caught(client().request({ method: 'POST', path: '/v3/order/place', host: 'order', operation: 'place' }))).kind).toBe(
      'retryable',
    );
    answer = async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    };
    expect((await caught(client().request({ method: 'POST', path: '/v3/order/place', host: 'order', operation: 'place' }))).kind).toBe(
      'ambiguous',
    );
  });

  it('partial_success gives the data and the errors beside it', () => {
    const env = parseUpstoxEnvelope('place', {
      status: 200,
      retryAfter: null,
      body: JSON.stringify({
        status: 'partial_success',
        data: { order_ids: ['1'] },
        errors: [{ error_code: 'UDAPI1', message: 'slice refused' }],
      }),
    });
    expect(env.status).toBe('partial_success');
    expect(env.errors).toEqual([{ code: 'UDAPI1', message: 'slice refused', propertyPath: null, invalidValue: null }]);
  });
});
