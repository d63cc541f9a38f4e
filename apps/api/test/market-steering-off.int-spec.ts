import { signedIn, useTestApi } from './support/test-api';

/** The market steering seam is a test seam (docs/api.md "Market steering"): without MARKET_STEERING the route is a 404. */
const { api } = useTestApi();

it('POST /api/v1/admin/market/steer is a 404 while MARKET_STEERING is off (the default)', async () => {
  const admin = await signedIn(api, ['admin']);
  const res = await api.http.post('/api/v1/admin/market/steer', { symbol: 'RELIANCE', price: '100.00' }, admin.token);
  expect(res.status).toBe(404);
  expect(res.body.type ?? res.body.code ?? '').toBeTruthy();
});
