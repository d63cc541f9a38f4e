import { demoUniverse } from '@tradeloop/domain';
import { InstrumentsRepository } from '@tradeloop/market';
import { signedIn, useTestApi } from './support/test-api';

const { api } = useTestApi();

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date('2026-11-22T00:00:00Z')));
});

describe('GET /api/v1/instruments', () => {
  it('finds by symbol prefix first, shortest symbol first', async () => {
    const { token } = await signedIn(api);
    const res = await api.http.get('/api/v1/instruments?query=nifty&limit=5', token);
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toEqual({
      symbol: 'NIFTY',
      exchange: 'NSE',
      name: 'Nifty 50',
      instrumentType: 'INDEX',
      lotSize: 1,
      tickSize: '0.05',
    });
    expect(res.body.items.map((i: any) => i.symbol)).toContain('NIFTY26NOVFUT');
  });

  it('finds by words of the name, and filters by exchange and type', async () => {
    const { token } = await signedIn(api);
    const byName = await api.http.get(`/api/v1/instruments?query=${encodeURIComponent('tata consult')}`, token);
    expect(byName.body.items.map((i: any) => i.symbol)).toEqual(['TCS']);
    const calls = await api.http.get('/api/v1/instruments?query=BANKNIFTY&exchange=NFO&instrumentType=CE&limit=500', token);
    expect(calls.body.items.length).toBeGreaterThanOrEqual(41);
    for (const i of calls.body.items)
      expect(i).toMatchObject({ exchange: 'NFO', instrumentType: 'CE', optionType: 'CE', lotSize: 30, underlying: 'BANKNIFTY' });
    expect(calls.body.items[0].strike).toMatch(/^\d+\.00$/);
    expect(calls.body.items[0].expiry).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('treats wildcards as text and refuses bad parameters', async () => {
    const { token } = await signedIn(api);
    expect((await api.http.get('/api/v1/instruments?query=%25', token)).body.items).toEqual([]);
    expect((await api.http.get('/api/v1/instruments?query=M%26M', token)).body.items[0].symbol).toBe('M&M');
    for (const q of ['exchange=BSE', 'instrumentType=OPT', 'limit=0', 'limit=501', 'bogus=1', `query=${'x'.repeat(65)}`]) {
      expect((await api.http.get(`/api/v1/instruments?${q}`, token)).status, q).toBe(400);
    }
    expect((await api.http.get('/api/v1/instruments?query=TCS')).status).toBe(401);
  });

  it('re-seeding is idempotent', async () => {
    const repo = api.app.get(InstrumentsRepository);
    const universe = demoUniverse(new Date('2026-11-22T00:00:00Z'));
    expect(await repo.upsert(universe)).toBe(universe.length);
    const { token } = await signedIn(api);
    const all = await api.http.get('/api/v1/instruments?limit=500', token);
    expect(all.body.items.length).toBe(Math.min(500, universe.length));
  });
});
