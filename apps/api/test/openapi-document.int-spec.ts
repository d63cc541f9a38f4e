import { useTestApi } from './support/test-api';

/**
 * The OpenAPI document is the fuzzer's contract, and clients'. It lists every operation's
 * problem responses and types its fields as the server sends them.
 */
const { api } = useTestApi();

type Op = { responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>; security?: unknown[] };
let doc: { openapi: string; paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, any> } };
const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => ['get', 'put', 'post', 'patch', 'delete'].includes(m))
      .map(([method, op]) => ({ path, method, op })),
  );

beforeAll(async () => {
  const res = await api.http.get('/api/docs-json');
  expect(res.status).toBe(200);
  doc = res.body;
});

describe('/api/docs-json', () => {
  it('is OpenAPI 3.1 with a Problem schema', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.Problem).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']),
    });
  });

  it('lists the problem responses of every operation, as application/problem+json', () => {
    expect(operations().length).toBeGreaterThan(60);
    for (const { path, method, op } of operations()) {
      const label = `${method.toUpperCase()} ${path}`;
      const problems = Object.entries(op.responses).filter(([status]) => Number(status) >= 400);
      for (const [status, r] of problems)
        expect(r.content?.['application/problem+json']?.schema?.$ref, `${label} ${status}`).toBe('#/components/schemas/Problem');
      // Its success too: an answer the document does not list is a fuzzer failure (a DELETE's 204 once was).
      expect(
        Object.keys(op.responses).some((s) => s.startsWith('2') || s.startsWith('3')),
        `${label} documents its success status`,
      ).toBe(true);
      const statuses = problems.map(([s]) => Number(s));
      expect(statuses, label).toContain(400);
      expect(statuses, label).toContain(503);
      if (op.security?.length) expect(statuses, label).toContain(401);
      if (path.includes('{')) expect(statuses, label).toEqual(expect.arrayContaining([404, 414]));
      if (method !== 'get') expect(statuses, label).toEqual(expect.arrayContaining([413, 415]));
      expect(statuses, label).not.toContain(500);
    }
  });

  it('role-restricted routes list 403; route-specific refusals are listed where they happen', () => {
    const statuses = (method: string, path: string) => Object.keys(doc.paths[path]![method]!.responses).map(Number);
    expect(statuses('get', '/api/v1/admin/users')).toContain(403);
    expect(statuses('get', '/api/v1/wallet')).not.toContain(403);
    expect(statuses('post', '/api/v1/orders')).toEqual(expect.arrayContaining([403, 409, 422, 423]));
    expect(statuses('post', '/api/v1/auth/login')).toEqual(expect.arrayContaining([401, 429]));
    expect(statuses('post', '/api/v1/auth/register')).toContain(429);
    expect(statuses('post', '/api/v1/admin/wallets/{userId}/withdrawals')).toEqual(expect.arrayContaining([409, 422]));
  });

  it('documents the Idempotency-Key header where it is read: required for money and orders, optional for square-off', () => {
    const header = (method: string, path: string) =>
      (doc.paths[path]![method] as unknown as { parameters?: { in: string; name: string; required?: boolean }[] }).parameters?.find(
        (p) => p.in === 'header' && p.name === 'Idempotency-Key',
      );
    for (const [method, path] of [
      ['post', '/api/v1/orders'],
      ['post', '/api/v1/admin/wallets/{userId}/deposits'],
      ['post', '/api/v1/admin/wallets/{userId}/withdrawals'],
    ] as const) {
      expect(header(method, path), path).toMatchObject({ required: true });
    }
    expect(header('post', '/api/v1/positions/square-off')).toMatchObject({ required: false });
  });

  it('types nextCursor as a string or null (not an array), and other nullable strings alike', () => {
    const page = doc.components.schemas.AdminUserPageDto_Output;
    expect(page.properties.nextCursor.anyOf).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'string' }), { type: 'null' }]),
    );
    const order = doc.components.schemas.OrderDetailDto_Output;
    for (const field of ['brokerOrderId', 'rejectReason', 'clientTag']) {
      expect(order.properties[field].type, field).not.toBe('array');
      expect(order.properties[field].anyOf, field).toEqual(expect.arrayContaining([{ type: 'null' }]));
    }
  });
});
