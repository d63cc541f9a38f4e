import type { Redis } from 'ioredis';
import {
  blackScholes,
  demoUniverse,
  formatPrice,
  RISK_FREE_RATE,
  simulatedOpenInterest,
  todayIst,
  yearsToExpiry,
  type Instrument,
} from '@tradeloop/domain';
import { InstrumentsRepository, marketKeys } from '@tradeloop/market';
import { REDIS } from '@tradeloop/platform';
import { signedIn, useTestApi } from './support/test-api';

/**
 * `GET /api/v1/market/option-chain` against stored instruments and quotes as the feed writes
 * them (no feed runs here): every option of the nearest expiry priced by Black–Scholes at 12 %
 * with NIFTY at 25,912, so each side's implied volatility must read back as 12.0 %.
 */
const { api, ctx } = useTestApi();

const R = 10_000;
const SPOT = 25_912 * R;
const PREV = 25_850 * R;
let token: string;
let nifty: Instrument[];
let nearest: string;

const ticks = (now: number) => {
  const out: [string, string][] = [['NIFTY', JSON.stringify(['NIFTY', now, SPOT, SPOT, SPOT, 0, PREV, 1])]];
  for (const o of nifty) {
    if (o.instrumentType === 'FUT') continue;
    const price = blackScholes(
      o.instrumentType as 'CE' | 'PE',
      SPOT / R,
      o.strike! / R,
      yearsToExpiry(o.expiry!, now),
      0.12,
      RISK_FREE_RATE,
    );
    const ltp = Math.round((price * R) / 500) * 500;
    if (ltp < 500) continue;
    out.push([o.symbol, JSON.stringify([o.symbol, now, ltp, ltp - 500, ltp + 500, 650, ltp - 10_000, 1])]);
  }
  return out;
};

beforeAll(async () => {
  const universe = demoUniverse(new Date());
  await api.app.get(InstrumentsRepository).upsert(universe);
  nifty = universe.filter((i) => i.underlying === 'NIFTY');
  nearest = [...new Set(nifty.filter((i) => i.instrumentType === 'CE').map((i) => i.expiry!))]
    .filter((d) => d >= todayIst(new Date()))
    .sort()[0]!;
  const redis = api.app.get<Redis>(REDIS);
  await redis.hset(marketKeys(ctx.config.REDIS_PREFIX).quotes, Object.fromEntries(ticks(Date.now())));
  token = (await signedIn(api, ['trader'])).token;
});

describe('GET /api/v1/market/option-chain', () => {
  it('lists the nearest expiry around the money: quotes, the IV each LTP implies, the modelled OI', async () => {
    const res = await api.http.get('/api/v1/market/option-chain?underlying=nifty&strikes=3', token);
    expect(res.status).toBe(200);
    const chain = res.body;
    expect(chain).toMatchObject({ underlying: 'NIFTY', spot: '25912.00', expiry: nearest });
    expect(chain.expiries[0]).toBe(nearest);
    expect(chain.expiries).toEqual([...chain.expiries].sort());
    const step = 50;
    const atm = Math.round(25_912 / step) * step;
    expect(chain.atmStrike).toBe(formatPrice(atm * R));
    expect(chain.rows.map((r: { strike: string }) => r.strike)).toEqual(
      [-3, -2, -1, 0, 1, 2, 3].map((k) => formatPrice((atm + k * step) * R)),
    );
    for (const row of chain.rows) {
      for (const [side, kind] of [
        [row.call, 'CE'],
        [row.put, 'PE'],
      ] as const) {
        const instrument = nifty.find((i) => i.symbol === side.symbol)!;
        expect(instrument).toMatchObject({ instrumentType: kind, expiry: nearest, strike: Number(row.strike) * R });
        expect(side.lotSize).toBe(instrument.lotSize);
        expect(Number(side.iv)).toBeGreaterThanOrEqual(11.5);
        expect(Number(side.iv)).toBeLessThanOrEqual(12.5);
        expect(side.oi).toBe(simulatedOpenInterest(instrument, PREV));
        expect(side.oi % instrument.lotSize).toBe(0);
        expect(Number(side.ask) - Number(side.bid)).toBeCloseTo(0.1, 6);
        expect(side.change).toBe('1.00');
        expect(side.volume).toBe(650);
      }
    }
    // The ATM row's sides are worth about the same (put–call parity near the money).
    const mid = chain.rows[3];
    expect(Math.abs(Number(mid.call.ltp) - Number(mid.put.ltp))).toBeLessThan(150);
  });

  it('takes a later expiry by date, and says which are listed when asked for another', async () => {
    const first = (await api.http.get('/api/v1/market/option-chain?underlying=NIFTY', token)).body;
    const later = first.expiries[1];
    const res = await api.http.get(`/api/v1/market/option-chain?underlying=NIFTY&expiry=${later}&strikes=1`, token);
    expect(res.status).toBe(200);
    expect(res.body.expiry).toBe(later);
    expect(res.body.rows).toHaveLength(3);
    expect(res.body.rows.every((r: { call: { symbol: string } }) => nifty.find((i) => i.symbol === r.call.symbol)!.expiry === later)).toBe(
      true,
    );
    const wrong = await api.http.get('/api/v1/market/option-chain?underlying=NIFTY&expiry=2020-01-07', token);
    expect(wrong.status).toBe(400);
    expect(wrong.body.detail).toContain('listed:');
    expect(wrong.body.errors).toEqual([{ field: 'expiry', message: 'not a listed expiry of NIFTY' }]);
  });

  it('refuses what is not a chain: unknown symbols, symbols without options, bad queries', async () => {
    expect((await api.http.get('/api/v1/market/option-chain?underlying=NOPE', token)).status).toBe(404);
    const equity = await api.http.get('/api/v1/market/option-chain?underlying=M%26M', token);
    expect(equity.status).toBe(404);
    expect(equity.body.detail).toBe('M&M has no listed options');
    for (const qs of [
      '',
      'underlying=NIFTY&strikes=0',
      'underlying=NIFTY&strikes=26',
      'underlying=NIFTY&expiry=soon',
      'underlying=NIFTY&x=1',
    ]) {
      const res = await api.http.get(`/api/v1/market/option-chain?${qs}`, token);
      expect(res.status, qs).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    expect((await api.http.get('/api/v1/market/option-chain?underlying=NIFTY')).status).toBe(401);
  });
});
