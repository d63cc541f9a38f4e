import { signedIn, useTestApi } from './support/test-api';

const { api } = useTestApi({ BODY_LIMIT_BYTES: '4096', CORS_ORIGINS: 'https://desk.example.test' });

const isProblem = (res: { headers: Headers; body: any }, status: number, code: string) => {
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({
    status,
    code,
    type: expect.stringMatching(/^urn:tradeloop:problem:/),
    title: expect.any(String),
    detail: expect.any(String),
  });
};

describe('bad input gets a problem document, never a 500', () => {
  it('malformed JSON → 400', async () => {
    const res = await api.http.request('POST', '/api/v1/auth/login', {
      raw: '{"email": "a@b.c",',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    isProblem(res, 400, 'VALIDATION_FAILED');
  });

  it('empty JSON body → 400', async () => {
    const res = await api.http.request('POST', '/api/v1/auth/login', { raw: '', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    isProblem(res, 400, 'VALIDATION_FAILED');
  });

  it('wrong types → 400 naming each field', async () => {
    const res = await api.http.post('/api/v1/auth/register', { email: 42, password: ['x'], displayName: { a: 1 } });
    isProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors.map((e: any) => e.field).sort()).toEqual(['displayName', 'email', 'password']);
  });

  it('unknown fields → 400 naming them', async () => {
    const res = await api.http.post('/api/v1/auth/login', { email: 'a@b.c', password: 'whatever-123', isAdmin: true, roles: ['admin'] });
    isProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'isAdmin', message: 'is not a known field' },
        { field: 'roles', message: 'is not a known field' },
      ]),
    );
  });

  it('a JSON array or string instead of an object → 400', async () => {
    for (const raw of ['[]', '"text"', 'null', '123']) {
      const res = await api.http.request('POST', '/api/v1/auth/login', { raw, headers: { 'content-type': 'application/json' } });
      expect(res.status, raw).toBe(400);
    }
  });

  it('huge body → 413 before it is parsed', async () => {
    const res = await api.http.post('/api/v1/auth/login', { email: 'a@b.c', password: 'x'.repeat(10_000) });
    expect(res.status).toBe(413);
    isProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('unsupported content type → 415', async () => {
    const res = await api.http.request('POST', '/api/v1/auth/login', { raw: '<login/>', headers: { 'content-type': 'application/xml' } });
    expect(res.status).toBe(415);
    isProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('unknown API route → 404 problem, not the web app', async () => {
    const res = await api.http.request('GET', '/api/v1/nope', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    isProblem(res, 404, 'NOT_FOUND');
  });

  it('bad query parameters → 400', async () => {
    const { token } = await signedIn(api, ['admin']);
    for (const q of ['limit=0', 'limit=501', 'limit=abc', 'role=superuser', 'cursor=%%%', 'cursor=bm90LWEtY3Vyc29y', 'bogus=1']) {
      const res = await api.http.get(`/api/v1/admin/users?${q}`, token);
      expect(res.status, q).toBe(400);
      isProblem(res, 400, 'VALIDATION_FAILED');
    }
  });

  it('a non-uuid path id → 400, an unknown uuid → 404', async () => {
    const { token } = await signedIn(api, ['admin']);
    expect((await api.http.patch('/api/v1/admin/users/123', { disabled: true }, token)).status).toBe(400);
    const res = await api.http.patch('/api/v1/admin/users/00000000-0000-4000-8000-000000000000', { disabled: true }, token);
    expect(res.status).toBe(404);
    isProblem(res, 404, 'NOT_FOUND');
  });
});

describe('request ids, headers, CORS', () => {
  it('mints a request id, or keeps a sane incoming one', async () => {
    const minted = await api.http.get('/api/health');
    expect(minted.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await api.http.request('GET', '/api/health', { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-abc.123');
    // Replaced by a minted id (checked by its shape: a random UUID may well contain "bad" in hex).
    const replaced = await api.http.request('GET', '/api/health', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('problem documents carry the request id', async () => {
    const res = await api.http.request('GET', '/api/v1/auth/me', { headers: { 'x-request-id': 'req-42' } });
    expect(res.status).toBe(401);
    expect(res.body.requestId).toBe('req-42');
  });

  it('sets API security headers on API responses, including errors', async () => {
    for (const res of [await api.http.get('/api/health'), await api.http.get('/api/v1/auth/me')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    }
  });

  it("sets helmet's full set, with the SPA's CSP, on everything else", async () => {
    const res = await api.http.get('/api/docs');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('allows configured origins only', async () => {
    const allowed = await api.http.request('OPTIONS', '/api/v1/auth/login', {
      headers: {
        origin: 'https://desk.example.test',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://desk.example.test');
    const denied = await api.http.request('OPTIONS', '/api/v1/auth/login', {
      headers: { origin: 'https://evil.example.test', 'access-control-request-method': 'POST' },
    });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('operations endpoints', () => {
  it('health and readiness', async () => {
    expect((await api.http.get('/api/health')).body).toEqual({ status: 'ok' });
    const ready = await api.http.get('/api/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      checks: { postgres: { status: 'up' }, redis: { status: 'up' }, queue: { status: 'up' } },
    });
  });

  it('metrics expose request durations by route template and status', async () => {
    await api.http.get('/api/v1/auth/me');
    const res = await api.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/auth\/me"[^}]*status_code="401"/);
    expect(res.text).toContain('process_cpu_user_seconds_total');
    // Event-loop lag as a histogram (the 10 ms probe has run by now), and the group commit's batch sizes.
    expect(res.text).toMatch(/nodejs_event_loop_lag_seconds_bucket\{le="0.005"[^}]*\} \d+/);
    expect(res.text).toMatch(/nodejs_event_loop_lag_seconds_count\{[^}]*\} [1-9]/);
    expect(res.text).toContain('# TYPE group_commit_batch_size histogram');
  });

  it('OpenAPI is generated from the validating schemas', async () => {
    const res = await api.http.get('/api/docs-json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/auth/register',
      '/api/v1/auth/refresh',
      '/api/v1/auth/me',
      '/api/v1/admin/users',
      '/api/v1/admin/users/{id}',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    const ref: string = doc.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema.$ref;
    const schema = doc.components.schemas[ref.split('/').pop()!];
    expect(schema.required).toEqual(expect.arrayContaining(['email', 'password']));
    expect(schema.additionalProperties).toBe(false);
    expect(doc.components.securitySchemes.bearer).toBeDefined();
  });
});
