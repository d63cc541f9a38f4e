import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { BrokerError } from '../adapter';
import { KiteHttpClient } from './kite-http';
import { failure, json, startHttpStub, success, type HttpStub } from './kite-stub.fixture';

async function caught(p: Promise<unknown>): Promise<BrokerError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BrokerError) return e;
    throw e;
  }
  throw new Error('expected a BrokerError');
}

describe('KiteHttpClient', () => {
  let stub: HttpStub;
  beforeEach(async () => {
    stub = await startHttpStub();
  });
  afterEach(async () => {
    await stub.close();
  });

  const client = (over: Partial<ConstructorParameters<typeof KiteHttpClient>[0]> = {}) =>
    new KiteHttpClient({ apiKey: 'kk', accessToken: 'tt', apiRoot: `${stub.url}/`, timeoutMs: 2_000, ...over });

  it('sends the version and auth headers, a form body and repeated query keys; returns the envelope data', async () => {
    stub.handle((_req, res) => success(res, { order_id: '1' }));
    const form = new URLSearchParams({ tradingsymbol: 'INFY', quantity: '1' });
    expect(await client().request({ method: 'POST', path: '/orders/regular', operation: 'place', form })).toEqual({ order_id: '1' });
    const query = new URLSearchParams([
      ['i', 'NSE:INFY'],
      ['i', 'NSE:SBIN'],
    ]);
    await client().request({ method: 'GET', path: '/quote', operation: 'read', query });
    const [post, get] = stub.requests;
    expect(post).toMatchObject({ method: 'POST', path: '/orders/regular', body: 'tradingsymbol=INFY&quantity=1' });
    expect(post!.headers['x-kite-version']).toBe('3');
    expect(post!.headers.authorization).toBe('token kk:tt');
    expect(post!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(get!.query.getAll('i')).toEqual(['NSE:INFY', 'NSE:SBIN']);
  });

  it('keeps the HTTP status on errors: 429 rate limited with its wait, 502 ambiguous after a write, TokenException auth at any status', async () => {
    stub.handle((req, res) => {
      if (req.path === '/a') failure(res, 429, 'NetworkException', 'Too many requests');
      else if (req.path === '/b') {
        res.writeHead(502, { 'Content-Type': 'text/html' });
        res.end('<html>Bad gateway</html>');
      } else if (req.path === '/c') failure(res, 400, 'TokenException', 'Incorrect `api_key` or `access_token`.');
      else json(res, 429, { status: 'error', message: 'slow down' }, { 'Retry-After': '3' });
    });
    const a = await caught(client().request({ method: 'POST', path: '/a', operation: 'place' }));
    expect(a).toMatchObject({ kind: 'rate_limited', httpStatus: 429, retryAfterMs: 1_000 });
    const b = await caught(client().request({ method: 'POST', path: '/b', operation: 'place' }));
    expect(b).toMatchObject({ kind: 'ambiguous', httpStatus: 502 });
    const b2 = await caught(client().request({ method: 'GET', path: '/b', operation: 'read' }));
    expect(b2).toMatchObject({ kind: 'retryable', httpStatus: 502 });
    const c = await caught(client().request({ method: 'GET', path: '/c', operation: 'read' }));
    expect(c).toMatchObject({ kind: 'auth', httpStatus: 400, code: 'TokenException' });
    const d = await caught(client().request({ method: 'GET', path: '/d', operation: 'read' }));
    expect(d).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3_000 });
  });

  it('a 200 whose body is not JSON is INVALID_RESPONSE: ambiguous after a place, retryable after a read', async () => {
    stub.handle((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('OK');
    });
    expect(await caught(client().request({ method: 'POST', path: '/orders/regular', operation: 'place' }))).toMatchObject({
      kind: 'ambiguous',
      code: 'INVALID_RESPONSE',
      httpStatus: 200,
    });
    expect(await caught(client().request({ method: 'GET', path: '/orders', operation: 'read' }))).toMatchObject({
      kind: 'retryable',
      code: 'INVALID_RESPONSE',
    });
  });

  it('a request with no answer within the timeout: a place is ambiguous (it may have been taken), a read retryable', async () => {
    stub.handle(() => undefined); // never answers
    const place = await caught(client({ timeoutMs: 50 }).request({ method: 'POST', path: '/orders/regular', operation: 'place' }));
    expect(place).toMatchObject({ kind: 'ambiguous', code: 'TIMEOUT', operation: 'place' });
    const read = await caught(client({ timeoutMs: 50 }).request({ method: 'GET', path: '/orders', operation: 'read' }));
    expect(read).toMatchObject({ kind: 'retryable', code: 'TIMEOUT' });
  });

  it('a refused connection never reached Kite: even a place is retryable', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const e = await caught(
      client({ apiRoot: `http://127.0.0.1:${port}` }).request({ method: 'POST', path: '/orders/regular', operation: 'place' }),
    );
    expect(e).toMatchObject({ kind: 'retryable', code: 'ECONNREFUSED' });
  });

  it('uses an injected fetch', async () => {
    const seen: string[] = [];
    const c = client({
      apiRoot: 'http://fake.invalid',
      fetch: async (url) => {
        seen.push(url);
        return new Response(JSON.stringify({ status: 'success', data: [1] }), { status: 200 });
      },
    });
    expect(await c.request({ method: 'GET', path: '/orders', operation: 'read' })).toEqual([1]);
    expect(seen).toEqual(['http://fake.invalid/orders']);
  });
});
