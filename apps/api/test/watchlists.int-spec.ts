import { demoUniverse } from '@tradeloop/domain';
import { WATCHLIST_MAX_SYMBOLS, WATCHLISTS_MAX_PER_USER } from '@tradeloop/contracts';
import { Db } from '@tradeloop/platform';
import { DEFAULT_WATCHLIST_SYMBOLS, InstrumentsRepository } from '@tradeloop/market';
import { signedIn, useTestApi } from './support/test-api';

const { api } = useTestApi();

const universe = demoUniverse(new Date('2026-11-22T00:00:00Z'));
const SYMBOLS = universe.map((i) => i.symbol);
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(universe);
});

const sql = <T>(text: string, params: unknown[] = []) => api.app.get(Db).sql.rows<T>(text, params);
const rowCounts = async (userId: string) =>
  (
    await sql<{ lists: number; items: number }>(
      `SELECT (SELECT count(*) FROM watchlists WHERE user_id = $1)::int AS lists,
              (SELECT count(*) FROM watchlist_items i JOIN watchlists w ON w.id = i.watchlist_id WHERE w.user_id = $1)::int AS items`,
      [userId],
    )
  )[0]!;

const get = (token: string) => api.http.get('/api/v1/watchlists', token);
const create = (token: string, body: unknown) => api.http.post('/api/v1/watchlists', body, token);
const rename = (token: string, id: string, body: unknown) => api.http.patch(`/api/v1/watchlists/${id}`, body, token);
const remove = (token: string, id: string) => api.http.request('DELETE', `/api/v1/watchlists/${id}`, { token });
const replace = (token: string, id: string, body: unknown) => api.http.request('PUT', `/api/v1/watchlists/${id}/symbols`, { body, token });
const add = (token: string, id: string, body: unknown) => api.http.post(`/api/v1/watchlists/${id}/symbols`, body, token);
const removeSymbol = (token: string, id: string, symbol: string) =>
  api.http.request('DELETE', `/api/v1/watchlists/${id}/symbols/${encodeURIComponent(symbol)}`, { token });

describe('GET /api/v1/watchlists', () => {
  it('gives a new user one default list of liquid names, and the same one on every later read', async () => {
    const { token } = await signedIn(api);
    const first = await get(token);
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      {
        id: expect.any(String),
        name: 'Watchlist 1',
        symbols: [...DEFAULT_WATCHLIST_SYMBOLS],
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    ]);
    expect(first.body.items[0].symbols.slice(0, 3)).toEqual(['NIFTY', 'BANKNIFTY', 'RELIANCE']);
    expect(new Date(first.body.items[0].createdAt).toISOString()).toBe(first.body.items[0].createdAt);
    const again = await get(token);
    expect(again.body).toEqual(first.body);
  });

  it('concurrent first reads create exactly one default list', async () => {
    const { user, token } = await signedIn(api);
    const responses = await Promise.all(Array.from({ length: 12 }, () => get(token)));
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
    const ids = new Set(responses.flatMap((r) => r.body.items.map((w: { id: string }) => w.id)));
    expect(ids.size).toBe(1);
    for (const r of responses) expect(r.body.items).toHaveLength(1);
    expect((await rowCounts(user.id)).lists).toBe(1);
  });

  it('does not add a default once the user has made a list, and keeps creation order', async () => {
    const { token } = await signedIn(api);
    expect((await create(token, { name: 'Banks' })).status).toBe(201);
    expect((await create(token, { name: 'IT' })).status).toBe(201);
    expect((await get(token)).body.items.map((w: { name: string }) => w.name)).toEqual(['Banks', 'IT']);
  });

  it('needs a signed-in user; every role may use it', async () => {
    expect((await api.http.get('/api/v1/watchlists')).status).toBe(401);
    for (const role of ['viewer', 'compliance', 'quant', 'admin'] as const) {
      const { token } = await signedIn(api, [role]);
      expect((await get(token)).status, role).toBe(200);
    }
  });
});

describe('POST /api/v1/watchlists', () => {
  it('creates a list with symbols in the given order', async () => {
    const { token } = await signedIn(api);
    const res = await create(token, { name: '  Momentum  ', symbols: ['TCS', 'RELIANCE', 'M&M', 'NIFTY'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Momentum', symbols: ['TCS', 'RELIANCE', 'M&M', 'NIFTY'] });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const listed = (await get(token)).body.items;
    expect(listed).toEqual([res.body]);
  });

  it('a duplicate name, in any case, is 409 CONFLICT', async () => {
    const { user, token } = await signedIn(api);
    expect((await create(token, { name: 'Swing' })).status).toBe(201);
    for (const name of ['Swing', 'swing', ' SWING ']) {
      const res = await create(token, { name, symbols: ['TCS'] });
      expect(res.status, name).toBe(409);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'CONFLICT', errors: [{ field: 'name', message: expect.any(String) }] });
      expect(res.body.detail).toContain(name.trim());
    }
    expect(await rowCounts(user.id)).toEqual({ lists: 1, items: 0 });
  });

  it('the same name is fine for two different users', async () => {
    const a = await signedIn(api);
    const b = await signedIn(api);
    expect((await create(a.token, { name: 'Core' })).status).toBe(201);
    expect((await create(b.token, { name: 'Core' })).status).toBe(201);
  });

  it(`refuses a list beyond ${WATCHLISTS_MAX_PER_USER} with a clear message, also under concurrent creates`, async () => {
    const { user, token } = await signedIn(api);
    const results = await Promise.all(Array.from({ length: WATCHLISTS_MAX_PER_USER + 3 }, (_, i) => create(token, { name: `List ${i}` })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(WATCHLISTS_MAX_PER_USER);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(3);
    for (const r of refused) {
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('VALIDATION_FAILED');
      expect(r.body.detail).toMatch(new RegExp(`most allowed \\(${WATCHLISTS_MAX_PER_USER}\\).*delete one`));
    }
    expect((await rowCounts(user.id)).lists).toBe(WATCHLISTS_MAX_PER_USER);
    // Deleting one makes room again.
    const lists = (await get(token)).body.items;
    expect(lists).toHaveLength(WATCHLISTS_MAX_PER_USER);
    expect((await remove(token, lists[0].id)).status).toBe(204);
    expect((await create(token, { name: 'One more' })).status).toBe(201);
  });

  it('unknown symbols are refused by name and nothing is written', async () => {
    const { user, token } = await signedIn(api);
    await get(token);
    const before = await rowCounts(user.id);
    const res = await create(token, { name: 'Typos', symbols: ['TCS', 'RELIANC', 'INFY', 'NOPE'] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.detail).toBe('Unknown symbols: RELIANC, NOPE');
    expect(res.body.errors).toEqual([
      { field: 'symbols.1', message: 'unknown symbol "RELIANC"' },
      { field: 'symbols.3', message: 'unknown symbol "NOPE"' },
    ]);
    expect(await rowCounts(user.id)).toEqual(before);
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: '   ' }, 'name'],
    [{ name: 'x'.repeat(41) }, 'name'],
    // The limit is on the name as sent: leading spaces do not buy room past it.
    [{ name: `   ${'x'.repeat(40)}` }, 'name'],
    [{ name: '\t \u00a0\u3000 ' }, 'name'],
    [{ name: 'ok', symbols: [' '] }, 'symbols.0'],
    [{ name: 42 }, 'name'],
    [{ name: 'ok', symbols: 'TCS' }, 'symbols'],
    [{ name: 'ok', symbols: [''] }, 'symbols.0'],
    [{ name: 'ok', symbols: ['TCS', 'TCS'] }, 'symbols.1'],
    [{ name: 'ok', symbols: SYMBOLS.slice(0, WATCHLIST_MAX_SYMBOLS + 1) }, 'symbols'],
    [{ name: 'ok', colour: 'red' }, 'colour'],
  ])('bad body %j → 400 naming %s, nothing written', async (body, field) => {
    const { user, token } = await signedIn(api);
    const res = await create(token, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect((await rowCounts(user.id)).lists).toBe(0);
  });

  it('a rename is held to the same rules: over the limit with leading spaces, or only spaces, is 400', async () => {
    const { token } = await signedIn(api);
    const list = (await create(token, { name: 'Keep' })).body;
    for (const name of [`  ${'y'.repeat(39)}`, '    ']) {
      const res = await rename(token, list.id, { name });
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('name');
    }
    expect((await get(token)).body.items.map((w: { name: string }) => w.name)).toEqual(['Keep']);
  });

  it('malformed JSON is 400, not 500', async () => {
    const { token } = await signedIn(api);
    const res = await api.http.request('POST', '/api/v1/watchlists', {
      raw: '{"name":',
      token,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
  });
});

describe('PATCH and DELETE /api/v1/watchlists/:id', () => {
  it('renames, refusing another list’s name but allowing a change of case of its own', async () => {
    const { token } = await signedIn(api);
    const a = (await create(token, { name: 'Alpha', symbols: ['TCS'] })).body;
    await create(token, { name: 'Beta' });
    const renamed = await rename(token, a.id, { name: 'Gamma' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: a.id, name: 'Gamma', symbols: ['TCS'], createdAt: a.createdAt });
    expect(Date.parse(renamed.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(a.updatedAt));
    const clash = await rename(token, a.id, { name: 'beta' });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('CONFLICT');
    expect((await rename(token, a.id, { name: 'GAMMA' })).body.name).toBe('GAMMA');
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(41) }, { name: 'ok', symbols: [] }]) {
      expect((await rename(token, a.id, body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('deletes a list and its items (204); then it is gone', async () => {
    const { user, token } = await signedIn(api);
    const keep = (await create(token, { name: 'Keep', symbols: ['INFY'] })).body;
    const drop = (await create(token, { name: 'Drop', symbols: ['TCS', 'RELIANCE'] })).body;
    const res = await remove(token, drop.id);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await get(token)).body.items.map((w: { id: string }) => w.id)).toEqual([keep.id]);
    expect(await rowCounts(user.id)).toEqual({ lists: 1, items: 1 });
    expect((await remove(token, drop.id)).status).toBe(404);
    expect((await rename(token, drop.id, { name: 'x' })).status).toBe(404);
  });

  it('deleting every list means the next read creates a fresh default', async () => {
    const { token } = await signedIn(api);
    const [only] = (await get(token)).body.items;
    expect((await remove(token, only.id)).status).toBe(204);
    const next = (await get(token)).body.items;
    expect(next).toHaveLength(1);
    expect(next[0].name).toBe('Watchlist 1');
    expect(next[0].id).not.toBe(only.id);
  });
});

describe('symbols of a list', () => {
  it('PUT replaces the whole ordered list: reorder, shrink, empty', async () => {
    const { token } = await signedIn(api);
    const [list] = (await get(token)).body.items;
    const put1 = await replace(token, list.id, { symbols: ['TCS', 'INFY', 'RELIANCE', 'HDFCBANK'] });
    expect(put1.status).toBe(200);
    expect(put1.body.symbols).toEqual(['TCS', 'INFY', 'RELIANCE', 'HDFCBANK']);
    const reordered = await replace(token, list.id, { symbols: ['HDFCBANK', 'RELIANCE', 'TCS', 'INFY'] });
    expect(reordered.body.symbols).toEqual(['HDFCBANK', 'RELIANCE', 'TCS', 'INFY']);
    expect((await get(token)).body.items[0].symbols).toEqual(['HDFCBANK', 'RELIANCE', 'TCS', 'INFY']);
    expect((await replace(token, list.id, { symbols: ['RELIANCE'] })).body.symbols).toEqual(['RELIANCE']);
    expect((await replace(token, list.id, { symbols: [] })).body.symbols).toEqual([]);
    const full = SYMBOLS.slice(0, WATCHLIST_MAX_SYMBOLS);
    expect((await replace(token, list.id, { symbols: full })).body.symbols).toEqual(full);
  });

  it('PUT refuses repeats, unknown symbols and too many, leaving the list as it was', async () => {
    const { token } = await signedIn(api);
    const [list] = (await get(token)).body.items;
    await replace(token, list.id, { symbols: ['TCS', 'INFY'] });
    const repeat = await replace(token, list.id, { symbols: ['RELIANCE', 'RELIANCE'] });
    expect(repeat.status).toBe(400);
    expect(repeat.body.errors[0]).toEqual({ field: 'symbols', message: 'symbols must not repeat' });
    const unknown = await replace(token, list.id, { symbols: ['RELIANCE', 'ZZZZ'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      detail: 'Unknown symbol: ZZZZ',
      errors: [{ field: 'symbols.1', message: 'unknown symbol "ZZZZ"' }],
    });
    const tooMany = await replace(token, list.id, { symbols: SYMBOLS.slice(0, WATCHLIST_MAX_SYMBOLS + 1) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0]).toEqual({ field: 'symbols', message: `at most ${WATCHLIST_MAX_SYMBOLS} symbols` });
    for (const body of [{}, { symbols: 'TCS' }, { symbols: [1] }, { symbols: [], extra: true }]) {
      expect((await replace(token, list.id, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await get(token)).body.items[0].symbols).toEqual(['TCS', 'INFY']);
  });

  it('POST appends; a symbol already there is 200 and changes nothing', async () => {
    const { token } = await signedIn(api);
    const [list] = (await get(token)).body.items;
    expect((await replace(token, list.id, { symbols: [] })).status).toBe(200);
    const first = await add(token, list.id, { symbol: 'RELIANCE' });
    expect(first.status).toBe(200);
    expect(first.body.symbols).toEqual(['RELIANCE']);
    const second = await add(token, list.id, { symbol: 'M&M' });
    expect(second.body.symbols).toEqual(['RELIANCE', 'M&M']);
    const again = await add(token, list.id, { symbol: 'RELIANCE' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(second.body);
  });

  it('POST refuses an unknown symbol and a full list', async () => {
    const { token } = await signedIn(api);
    const [list] = (await get(token)).body.items;
    const unknown = await add(token, list.id, { symbol: 'RELIANCEX' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      detail: 'Unknown symbol: RELIANCEX',
      errors: [{ field: 'symbol', message: 'unknown symbol "RELIANCEX"' }],
    });
    for (const body of [{}, { symbol: '' }, { symbol: ['TCS'] }, { symbol: 'TCS', position: 0 }]) {
      expect((await add(token, list.id, body)).status, JSON.stringify(body)).toBe(400);
    }
    const full = SYMBOLS.slice(0, WATCHLIST_MAX_SYMBOLS);
    await replace(token, list.id, { symbols: full });
    const over = await add(token, list.id, { symbol: SYMBOLS[WATCHLIST_MAX_SYMBOLS]! });
    expect(over.status).toBe(400);
    expect(over.body.code).toBe('VALIDATION_FAILED');
    expect(over.body.detail).toContain(`most allowed (${WATCHLIST_MAX_SYMBOLS})`);
    // Already present still answers 200 on a full list.
    expect((await add(token, list.id, { symbol: full[5] })).status).toBe(200);
    expect((await get(token)).body.items[0].symbols).toEqual(full);
  });

  it('concurrent appends to one list all land, each once, in some order', async () => {
    const { token } = await signedIn(api);
    const [list] = (await get(token)).body.items;
    expect((await replace(token, list.id, { symbols: [] })).status).toBe(200);
    const symbols = SYMBOLS.slice(0, 20);
    const results = await Promise.all([...symbols, ...symbols.slice(0, 5)].map((symbol) => add(token, list.id, { symbol })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const final = (await get(token)).body.items[0].symbols as string[];
    expect([...final].sort()).toEqual([...symbols].sort());
  });

  it('DELETE removes a symbol and answers with the list; an absent symbol changes nothing', async () => {
    const { token } = await signedIn(api);
    const [list] = (await get(token)).body.items;
    await replace(token, list.id, { symbols: ['TCS', 'M&M', 'INFY'] });
    const res = await removeSymbol(token, list.id, 'M&M');
    expect(res.status).toBe(200);
    expect(res.body.symbols).toEqual(['TCS', 'INFY']);
    const again = await removeSymbol(token, list.id, 'M&M');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
    // Appending after a removal goes to the end.
    expect((await add(token, list.id, { symbol: 'M&M' })).body.symbols).toEqual(['TCS', 'INFY', 'M&M']);
  });
});

describe('isolation between users', () => {
  it('another user’s list is 404 on every route and stays untouched', async () => {
    const owner = await signedIn(api);
    const other = await signedIn(api);
    const list = (await create(owner.token, { name: 'Private', symbols: ['TCS', 'INFY'] })).body;
    const before = (await get(owner.token)).body;

    const attempts = [
      await rename(other.token, list.id, { name: 'Mine now' }),
      await replace(other.token, list.id, { symbols: ['RELIANCE'] }),
      await add(other.token, list.id, { symbol: 'RELIANCE' }),
      await removeSymbol(other.token, list.id, 'TCS'),
      await remove(other.token, list.id),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
      expect(res.text).not.toContain('Private');
    }
    expect((await get(owner.token)).body).toEqual(before);
    const otherLists = (await get(other.token)).body.items;
    expect(otherLists.map((w: { name: string }) => w.name)).toEqual(['Watchlist 1']);
  });

  it.each(['not-a-uuid', MISSING_ID, '1', `${MISSING_ID}x`])('id %s → 404 on every route', async (id) => {
    const { token } = await signedIn(api);
    const responses = [
      await rename(token, id, { name: 'x' }),
      await remove(token, id),
      await replace(token, id, { symbols: [] }),
      await add(token, id, { symbol: 'TCS' }),
      await removeSymbol(token, id, 'TCS'),
    ];
    expect(responses.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
    for (const r of responses) expect(r.body.code).toBe('NOT_FOUND');
  });
});
