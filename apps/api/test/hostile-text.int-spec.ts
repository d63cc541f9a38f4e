import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { demoUniverse, depositTx, walletBook } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerRepository } from '@tradeloop/wallet';
import { InstrumentsRepository } from '@tradeloop/market';
import { signedIn, useTestApi } from './support/test-api';
import type { HttpResponse } from './support/http-client';

/**
 * Every request shape that once answered 500 (NUL in text, lone surrogates, tampered cursors)
 * is a 400 problem document naming the field, and stores nothing: no table of the database
 * gains, loses or changes a row. The HTTP layer's own refusals are problem documents as well.
 */
const { api } = useTestApi();

let trader: { token: string; userId: string };
let admin: { token: string; userId: string };
let quant: { token: string; userId: string };
let watchlistId: string;

/** Every table's row count and a hash of its rows: "nothing stored" means none of it moved. */
async function databaseState(): Promise<Record<string, string>> {
  const db = api.app.get(Db);
  const tables = await db.sql.rows<{ name: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'candles%' ORDER BY 1`,
  );
  const state: Record<string, string> = {};
  for (const { name } of tables) {
    const row = await db.sql.one<{ n: string; h: string | null }>(
      `SELECT count(*)::text AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${name} t`,
    );
    state[name] = `${row.n}:${row.h ?? ''}`;
  }
  return state;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function expectBadRequest(res: HttpResponse<any>, field: string, label: string) {
  expect(res.status, `${label}: ${res.text.slice(0, 300)}`).toBe(400);
  expect(res.headers.get('content-type'), label).toContain('application/problem+json');
  expect(res.body.code, label).toBe('VALIDATION_FAILED');
  expect(
    (res.body.errors ?? []).map((e: { field: string }) => e.field),
    label,
  ).toContain(field);
}

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  const t = await signedIn(api, ['trader']);
  trader = { token: t.token, userId: t.user.id };
  const a = await signedIn(api, ['admin']);
  admin = { token: a.token, userId: a.user.id };
  const q = await signedIn(api, ['quant', 'trader']);
  quant = { token: q.token, userId: q.user.id };
  await api.app
    .get(Db)
    .tx((sql) => api.app.get(LedgerRepository).post(sql, depositTx(walletBook(trader.userId), 1_000_000_00n, 'test funding')));
  const wl = await api.http.post('/api/v1/watchlists', { name: 'Mine', symbols: ['INFY'] }, trader.token);
  expect(wl.status).toBe(201);
  watchlistId = wl.body.id;
});

describe('text that cannot be stored is a 400 naming the field, with nothing stored', () => {
  const order = { symbol: 'TCS', side: 'BUY', type: 'MARKET', quantity: 1, product: 'CNC' };
  // [label, method, path, body, field, who]
  const cases = (): [string, string, string, unknown, string, () => string | undefined][] => [
    [
      'login email (no login needed)',
      'POST',
      '/api/v1/auth/login',
      { email: 'a\u0000@example.com', password: 'xyyyyyyyyy1' },
      'email',
      () => undefined,
    ],
    ['login password', 'POST', '/api/v1/auth/login', { email: 'a@example.com', password: 'xyyyy\u0000yyyy1' }, 'password', () => undefined],
    [
      'register display name',
      'POST',
      '/api/v1/auth/register',
      { email: 'nul@example.com', password: 'long-enough-pw-1', displayName: 'a\u0000b' },
      'displayName',
      () => undefined,
    ],
    ['watchlist name', 'POST', '/api/v1/watchlists', { name: 'a\u0000b' }, 'name', () => trader.token],
    ['watchlist rename', 'PATCH', `/api/v1/watchlists/${watchlistId}`, { name: 'a\u0000b' }, 'name', () => trader.token],
    ['watchlist add symbol', 'POST', `/api/v1/watchlists/${watchlistId}/symbols`, { symbol: 'TC\u0000S' }, 'symbol', () => trader.token],
    [
      'watchlist replace symbols',
      'PUT',
      `/api/v1/watchlists/${watchlistId}/symbols`,
      { symbols: ['\u0000'] },
      'symbols.0',
      () => trader.token,
    ],
    ['order symbol', 'POST', '/api/v1/orders', { ...order, symbol: 'TCS\u0000' }, 'symbol', () => trader.token],
    ['own kill switch reason', 'POST', '/api/v1/risk/kill-switch', { engaged: true, reason: 'a\u0000b' }, 'reason', () => trader.token],
    [
      'admin kill switch reason',
      'POST',
      '/api/v1/admin/risk/kill-switch',
      { scope: 'user', userId: trader.userId, engaged: true, reason: 'a\u0000b' },
      'reason',
      () => admin.token,
    ],
    [
      'strategy name',
      'POST',
      '/api/v1/strategies',
      { name: 'a\u0000b', kind: 'ml-signal', symbols: ['INFY'], params: {}, mode: 'paper' },
      'name',
      () => quant.token,
    ],
    ['predict symbol', 'POST', `/api/v1/models/${randomUUID()}/predict`, { symbol: '\u0000' }, 'symbol', () => quant.token],
    [
      'deposit reference, lone high surrogate',
      'POST',
      `/api/v1/admin/wallets/${trader.userId}/deposits`,
      { amount: '100.00', reference: '\ud800' },
      'reference',
      () => admin.token,
    ],
    [
      'withdrawal reference, lone low surrogate',
      'POST',
      `/api/v1/admin/wallets/${trader.userId}/withdrawals`,
      { amount: '100.00', reference: 'x\udc00y' },
      'reference',
      () => admin.token,
    ],
    ['a key with NUL', 'POST', '/api/v1/watchlists', { name: 'ok', 'sym\u0000bols': [] }, 'sym\\u0000bols', () => trader.token],
    [
      'NUL deep in a strategy param',
      'POST',
      '/api/v1/strategies',
      { name: 'n', kind: 'ml-signal', symbols: ['INFY'], params: { a: { b: ['\u0000'] } }, mode: 'paper' },
      'params.a.b.0',
      () => quant.token,
    ],
    ['watchlist remove symbol (path)', 'DELETE', `/api/v1/watchlists/${watchlistId}/symbols/%00`, undefined, 'symbol', () => trader.token],
    ['instruments query', 'GET', '/api/v1/instruments?query=%00', undefined, 'query', () => trader.token],
    ['quotes symbols', 'GET', '/api/v1/market/quotes?symbols=%00', undefined, 'symbols', () => trader.token],
    ['candles symbol', 'GET', '/api/v1/market/candles?symbol=%00&timeframe=1m', undefined, 'symbol', () => trader.token],
    ['orders symbol', 'GET', '/api/v1/orders?symbol=%00', undefined, 'symbol', () => trader.token],
    ['admin users query', 'GET', '/api/v1/admin/users?query=%00', undefined, 'query', () => admin.token],
    ['signals symbol', 'GET', '/api/v1/signals?symbol=%00', undefined, 'symbol', () => quant.token],
    ['lone surrogate, percent-encoded in a query', 'GET', '/api/v1/instruments?query=%ED%A0%80', undefined, 'query', () => trader.token],
  ];

  it('each request shape', async () => {
    for (const [label, method, path, body, field, who] of cases()) {
      const before = await databaseState();
      const headers: Record<string, string> = method === 'POST' ? { 'idempotency-key': randomUUID() } : {};
      const res = await api.http.request(method, path, { body, token: who(), headers });
      // A surrogate's bytes percent-encoded are not UTF-8: the query decoder keeps the text as
      // sent ("%ED%A0%80"), which is plain text, so that one is an empty search, not a 400.
      if (label.startsWith('lone surrogate, percent-encoded')) {
        expect(res.status, label).toBe(200);
        expect(res.body.items, label).toEqual([]);
      } else expectBadRequest(res, field, label);
      expect(await databaseState(), label).toEqual(before);
    }
  });

  it('the same requests without the bad character are accepted (the guard is not refusing everything)', async () => {
    expect((await api.http.request('GET', '/api/v1/instruments?query=TC', { token: trader.token })).status).toBe(200);
    expect((await api.http.post('/api/v1/watchlists', { name: 'a b' }, trader.token)).status).toBe(201);
    expect((await api.http.request('GET', '/api/v1/admin/users?query=a', { token: admin.token })).status).toBe(200);
  });
});

describe('tampered cursors are a 400 naming the cursor, never a 500', () => {
  it('admin users and signals', async () => {
    const id = randomUUID();
    const lists: [string, unknown[], string][] = [
      ['/api/v1/admin/users', ['users', 'not-a-date', id], admin.token],
      ['/api/v1/admin/users', ['users', '2026-01-01 00:00:00+00', 'not-a-uuid'], admin.token],
      ['/api/v1/admin/users', ['users', '2026-02-31 00:00:00+00', id], admin.token],
      ['/api/v1/signals', ['signals', 1e300, id], quant.token],
      ['/api/v1/signals', ['signals', -1e20, id], quant.token],
      ['/api/v1/signals', ['signals', 8.64e15 + 1, id], quant.token],
      ['/api/v1/signals', ['signals', 1_700_000_000_000, 'x'], quant.token],
      ['/api/v1/compliance/audit', ['audit', '99999999999999999999'], admin.token],
      ['/api/v1/compliance/ledger', ['ledger', '9223372036854775808'], admin.token],
      ['/api/v1/wallet/entries', ['wallet', '-1'], trader.token],
      ['/api/v1/wallet/entries', ['ledger', '1'], trader.token],
    ];
    for (const [path, tuple, token] of lists) {
      const res = await api.http.get(`${path}?cursor=${b64(tuple)}`, token);
      expectBadRequest(res, 'cursor', `${path} ${JSON.stringify(tuple)}`);
    }
  });

  it('a cursor the server issued still pages', async () => {
    for (let i = 0; i < 3; i++) await signedIn(api, ['trader']);
    const first = await api.http.get('/api/v1/admin/users?limit=2', admin.token);
    expect(first.status).toBe(200);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await api.http.get(`/api/v1/admin/users?limit=2&cursor=${first.body.nextCursor}`, admin.token);
    expect(second.status).toBe(200);
    expect(second.body.items.length).toBeGreaterThan(0);
    const ids = new Set(first.body.items.map((u: { id: string }) => u.id));
    for (const u of second.body.items) expect(ids.has(u.id)).toBe(false);
  });
});

describe('the HTTP layer refuses with problem documents too', () => {
  /** One raw request over a socket: the parser's refusals never reach fetch-friendly code. */
  function raw(request: string): Promise<{ status: number; headers: string; body: string }> {
    const { port } = new URL(api.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
      let data = '';
      socket.setEncoding('latin1');
      socket.on('data', (d: string) => (data += d));
      socket.on('error', reject);
      socket.on('close', () => {
        const [head = '', body = ''] = data.split('\r\n\r\n');
        resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
      });
    });
  }

  it('a control character in a header → 400', async () => {
    const res = await raw('GET /api/health HTTP/1.1\r\nHost: x\r\nX-Note: a\u0001b\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.headers).toContain('content-type: application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('headers larger than the parser takes → 431', async () => {
    const res = await raw(`GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.headers).toContain('content-type: application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
  });

  it('a path parameter over the router limit → 414', async () => {
    const res = await api.http.get(`/api/v1/orders/${'a'.repeat(300)}`, trader.token);
    expect(res.status).toBe(414);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 414, code: 'URI_TOO_LONG' });
  });

  it('a percent-encoding that does not decode → 400', async () => {
    const res = await api.http.get('/api/v1/watchlists/abc/symbols/%E0%A4%A', trader.token);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });
});
