import { randomUUID } from 'node:crypto';
import { AdminKillSwitchStatusSchema, RiskLimitsSchema } from '@tradeloop/contracts';
import { signedIn, useTestApi } from './support/test-api';

/** Admin reads of a user's risk limits and kill switch (docs/api.md "Risk"). */
const { api } = useTestApi();
let admin: { token: string };
let trader: { token: string; user: { id: string } };

const LIMITS = {
  maxOrderValue: '200000.00',
  maxPositionValue: '500000.00',
  maxOpenOrders: 7,
  maxDailyLoss: '2500.50',
  maxOrdersPerMinute: 30,
};
const expectProblem = (res: { status: number; headers: Headers; body: any }, status: number, code: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status, code });
};

beforeAll(async () => {
  admin = await signedIn(api, ['admin']);
  trader = await signedIn(api, ['trader']);
});

describe('GET /api/v1/admin/risk/limits/:userId', () => {
  it('returns the defaults, then what an admin set, with squareOffOnTrip kept when a PUT leaves it out', async () => {
    const path = `/api/v1/admin/risk/limits/${trader.user.id}`;
    const before = await api.http.get(path, admin.token);
    expect(before.status).toBe(200);
    expect(RiskLimitsSchema.strict().parse(before.body)).toMatchObject({ maxDailyLoss: '50000.00', squareOffOnTrip: false });

    const put = await api.http.request('PUT', path, { token: admin.token, body: { ...LIMITS, squareOffOnTrip: true } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ ...LIMITS, squareOffOnTrip: true, maxDrawdown: null });
    expect((await api.http.get(path, admin.token)).body).toEqual({ ...LIMITS, squareOffOnTrip: true, maxDrawdown: null });

    // A client that predates the field: its PUT changes the limits and keeps the setting.
    const older = await api.http.request('PUT', path, { token: admin.token, body: { ...LIMITS, maxOpenOrders: 8 } });
    expect(older.body).toEqual({ ...LIMITS, maxOpenOrders: 8, squareOffOnTrip: true, maxDrawdown: null });
    // The trader reads the same through their own route.
    expect((await api.http.get('/api/v1/risk/limits', trader.token)).body).toEqual({
      ...LIMITS,
      maxOpenOrders: 8,
      squareOffOnTrip: true,
      maxDrawdown: null,
    });
  });

  it('403 for a non-admin, 401 without a token, 404 for an unknown user, 400 for a malformed id or a bad flag', async () => {
    expectProblem(await api.http.get(`/api/v1/admin/risk/limits/${trader.user.id}`, trader.token), 403, 'FORBIDDEN');
    expectProblem(await api.http.get(`/api/v1/admin/risk/limits/${trader.user.id}`), 401, 'UNAUTHENTICATED');
    expectProblem(await api.http.get(`/api/v1/admin/risk/limits/${randomUUID()}`, admin.token), 404, 'NOT_FOUND');
    const bad = await api.http.get('/api/v1/admin/risk/limits/not-a-user', admin.token);
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'userId' })]);
    const flag = await api.http.request('PUT', `/api/v1/admin/risk/limits/${trader.user.id}`, {
      token: admin.token,
      body: { ...LIMITS, squareOffOnTrip: 'yes' },
    });
    expectProblem(flag, 400, 'VALIDATION_FAILED');
    expect(flag.body.errors).toEqual([expect.objectContaining({ field: 'squareOffOnTrip' })]);
  });
});

describe('GET /api/v1/admin/risk/kill-switch', () => {
  it('shows the global switch, and with ?userId= that user’s, as they change', async () => {
    const global = await api.http.get('/api/v1/admin/risk/kill-switch', admin.token);
    expect(global.status).toBe(200);
    expect(AdminKillSwitchStatusSchema.parse(global.body)).toEqual({ global: { engaged: false, reason: null, at: null }, user: null });

    const path = `/api/v1/admin/risk/kill-switch?userId=${trader.user.id}`;
    expect((await api.http.get(path, admin.token)).body.user).toEqual({ engaged: false, reason: null, at: null });
    const engage = await api.http.post(
      '/api/v1/admin/risk/kill-switch',
      { scope: 'user', userId: trader.user.id, engaged: true, reason: 'margin call' },
      admin.token,
    );
    expect(engage.status).toBe(200);
    const after = await api.http.get(path, admin.token);
    expect(after.body.user).toMatchObject({ engaged: true, reason: 'margin call' });
    expect(Date.parse(after.body.user.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(after.body.global.engaged).toBe(false);

    await api.http.post('/api/v1/admin/risk/kill-switch', { scope: 'global', engaged: true, reason: 'exchange outage' }, admin.token);
    expect((await api.http.get('/api/v1/admin/risk/kill-switch', admin.token)).body.global).toMatchObject({
      engaged: true,
      reason: 'exchange outage',
    });
    await api.http.post('/api/v1/admin/risk/kill-switch', { scope: 'global', engaged: false, reason: 'resolved' }, admin.token);
    expect((await api.http.get('/api/v1/admin/risk/kill-switch', admin.token)).body.global).toMatchObject({
      engaged: false,
      reason: 'resolved',
    });
  });

  it('403 for a non-admin, 404 for an unknown user, 400 for a malformed id or an unknown parameter', async () => {
    expectProblem(await api.http.get('/api/v1/admin/risk/kill-switch', trader.token), 403, 'FORBIDDEN');
    expectProblem(await api.http.get(`/api/v1/admin/risk/kill-switch?userId=${randomUUID()}`, admin.token), 404, 'NOT_FOUND');
    expectProblem(await api.http.get('/api/v1/admin/risk/kill-switch?userId=42', admin.token), 400, 'VALIDATION_FAILED');
    expectProblem(await api.http.get('/api/v1/admin/risk/kill-switch?scope=global', admin.token), 400, 'VALIDATION_FAILED');
  });
});
