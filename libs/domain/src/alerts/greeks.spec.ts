import { blackScholes, normalPdf } from '../market/simulation/black-scholes';
import {
  blackScholesGreeks,
  blackScholesGreeksInto,
  daysToExpiry,
  emptyGreeks,
  expiryCloseMs,
  impliedVolatility,
  optionGreeks,
} from './greeks';
import { EQUITY, ist, MONDAY, NIFTY_CE, NIFTY_PE } from './engines.fixture';

describe('normalPdf', () => {
  it('is the standard normal density', () => {
    expect(normalPdf(0)).toBeCloseTo(0.3989422804, 10);
    expect(normalPdf(1)).toBeCloseTo(0.2419707245, 10);
    expect(normalPdf(-1)).toBe(normalPdf(1));
    expect(normalPdf(1.96)).toBeCloseTo(0.0584409443, 10);
  });
});

describe('Black–Scholes greeks', () => {
  // Hull, Options, Futures and Other Derivatives, the running example of "The Greek Letters":
  // S = 49, K = 50, r = 5 %, σ = 20 %, T = 20 weeks (0.3846 y): c = 2.40, delta 0.522, gamma 0.066,
  // theta −4.31 a year, vega 12.1 per unit of σ.
  const T = 0.3846;
  const c = blackScholesGreeks('CE', 49, 50, T, 0.2, 0.05);
  const p = blackScholesGreeks('PE', 49, 50, T, 0.2, 0.05);

  it('matches Hull’s call values', () => {
    expect(c.price).toBeCloseTo(2.4, 2);
    expect(c.delta).toBeCloseTo(0.522, 3);
    expect(c.gamma).toBeCloseTo(0.066, 3);
    expect(c.theta * 365).toBeCloseTo(-4.31, 2);
    expect(c.vega * 100).toBeCloseTo(12.1, 1);
  });

  it('reports theta per calendar day and vega per vol point', () => {
    expect(c.theta).toBeCloseTo(-4.31 / 365, 4);
    expect(c.vega).toBeCloseTo(0.121, 3);
  });

  it('matches Hull’s call and put prices (S 42, K 40, r 10 %, σ 20 %, T 0.5: c 4.76, p 0.81)', () => {
    expect(blackScholesGreeks('CE', 42, 40, 0.5, 0.2, 0.1).price).toBeCloseTo(4.76, 2);
    expect(blackScholesGreeks('PE', 42, 40, 0.5, 0.2, 0.1).price).toBeCloseTo(0.81, 2);
  });

  it('prices like the simulator’s pricer', () => {
    expect(c.price).toBe(blackScholes('CE', 49, 50, T, 0.2, 0.05));
    expect(p.price).toBe(blackScholes('PE', 49, 50, T, 0.2, 0.05));
  });

  it.each([
    [49, 50, 0.3846, 0.2, 0.05],
    [26_000, 26_500, 7 / 365, 0.12, 0.065],
    [58_300, 55_000, 30 / 365, 0.15, 0.065],
    [100, 100, 1, 0.5, 0],
  ])('put–call parity at S %s K %s T %s σ %s r %s', (S, K, years, vol, r) => {
    const call = blackScholesGreeks('CE', S, K, years, vol, r);
    const put = blackScholesGreeks('PE', S, K, years, vol, r);
    const df = Math.exp(-r * years);
    expect(call.price - put.price).toBeCloseTo(S - K * df, 8 - Math.ceil(Math.log10(S)));
    expect(call.delta - put.delta).toBeCloseTo(1, 12);
    expect(call.gamma).toBe(put.gamma);
    expect(call.vega).toBe(put.vega);
    expect(call.theta - put.theta).toBeCloseTo((-r * K * df) / 365, 10);
    expect(call.delta).toBeGreaterThan(0);
    expect(put.delta).toBeLessThan(0);
  });

  it.each([
    ['CE', 49, 50, 0.3846, 0.2, 0.05],
    ['PE', 49, 50, 0.3846, 0.2, 0.05],
    ['CE', 26_000, 26_200, 5 / 365, 0.13, 0.065],
    ['PE', 26_000, 25_800, 5 / 365, 0.13, 0.065],
  ] as const)('%s greeks are the pricer’s derivatives (S %s K %s)', (kind, S, K, years, vol, r) => {
    const g = blackScholesGreeks(kind, S, K, years, vol, r);
    const price = (s: number, t: number, v: number) => blackScholes(kind, s, K, t, v, r);
    const h = S * 1e-3;
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-9);
    expect(rel(g.delta, (price(S + h, years, vol) - price(S - h, years, vol)) / (2 * h))).toBeLessThan(1e-3);
    expect(rel(g.gamma, (price(S + h, years, vol) - 2 * price(S, years, vol) + price(S - h, years, vol)) / (h * h))).toBeLessThan(1e-2);
    expect(rel(g.vega, (price(S, years, vol + 1e-4) - price(S, years, vol - 1e-4)) / 2e-4 / 100)).toBeLessThan(1e-3);
    const dt = years * 1e-3;
    expect(rel(g.theta, (price(S, years - dt, vol) - price(S, years + dt, vol)) / (2 * dt) / 365)).toBeLessThan(1e-3);
  });

  it.each([
    ['CE', 110, 100, 1, 10],
    ['CE', 100, 100, 0, 0],
    ['CE', 90, 100, 0, 0],
    ['PE', 90, 100, -1, 10],
    ['PE', 100, 100, 0, 0],
    ['PE', 110, 100, 0, 0],
  ] as const)('at expiry a %s at S %s K %s has delta %s, price the intrinsic %s, nothing else', (kind, S, K, delta, price) => {
    for (const [years, vol] of [
      [0, 0.2],
      [-0.01, 0.2],
      [0.1, 0],
    ]) {
      const g = blackScholesGreeks(kind, S, K, years!, vol!, 0.05);
      expect(g.delta).toBe(delta);
      expect(g.gamma).toBe(0);
      expect(g.theta).toBe(0);
      expect(g.vega).toBe(0);
      if (years! <= 0) expect(g.price).toBe(price);
    }
  });

  it('writes into the given object and returns it', () => {
    const out = emptyGreeks();
    expect(blackScholesGreeksInto(out, 'CE', 49, 50, T, 0.2, 0.05)).toBe(out);
    expect(out).toEqual(c);
  });
});

describe('days to expiry (IST)', () => {
  it('counts to 15:30 IST of the expiry day', () => {
    expect(expiryCloseMs('2026-12-08')).toBe(Date.parse('2026-12-08T10:00:00Z'));
    expect(daysToExpiry('2026-12-08', ist(MONDAY, '15:30'))).toBe(1);
    expect(daysToExpiry('2026-12-08', ist('2026-12-08', '03:30'))).toBe(0.5);
    expect(daysToExpiry('2026-12-08', ist('2026-12-08', '15:30'))).toBe(0);
    expect(daysToExpiry('2026-12-08', ist('2026-12-08', '21:30'))).toBe(-0.25);
  });

  it('is NaN for an unreadable expiry', () => {
    expect(expiryCloseMs('8 Dec 2026')).toBeNaN();
    expect(daysToExpiry('2026-13-45', 0)).toBeNaN();
  });
});

describe('optionGreeks', () => {
  it('prices an option instrument from ticks, its IV and days to expiry / 365', () => {
    const ts = ist(MONDAY, '15:30'); // one day to the Tuesday expiry
    const g = optionGreeks(NIFTY_CE, 259_000_000, 0.12, ts, 0.065);
    expect(g).toEqual(blackScholesGreeks('CE', 25_900, 26_000, 1 / 365, 0.12, 0.065));
    const put = optionGreeks(NIFTY_PE, 259_000_000, 0.12, ts, 0.065);
    expect(put.delta).toBeCloseTo(g.delta - 1, 12);
  });

  it('refuses what is not an option or bad inputs', () => {
    const ts = ist(MONDAY, '11:00');
    expect(() => optionGreeks(EQUITY, 1, 0.1, ts, 0.05)).toThrow(RangeError);
    expect(() => optionGreeks({ ...NIFTY_CE, expiry: 'soon' }, 1, 0.1, ts, 0.05)).toThrow(RangeError);
    expect(() => optionGreeks(NIFTY_CE, 0, 0.1, ts, 0.05)).toThrow(RangeError);
    expect(() => optionGreeks(NIFTY_CE, 1.5, 0.1, ts, 0.05)).toThrow(RangeError);
    expect(() => optionGreeks(NIFTY_CE, 1, NaN, ts, 0.05)).toThrow(RangeError);
    expect(() => optionGreeks(NIFTY_CE, 1, -0.1, ts, 0.05)).toThrow(RangeError);
    expect(() => optionGreeks(NIFTY_CE, 1, 0.1, NaN, 0.05)).toThrow(RangeError);
  });
});

describe('impliedVolatility', () => {
  it.each([
    ['CE', 49, 50, 0.3846, 0.2, 0.05],
    ['PE', 49, 50, 0.3846, 0.2, 0.05],
    ['CE', 25_900, 26_000, 1 / 365, 0.12, 0.065],
    ['PE', 25_900, 25_500, 5 / 365, 0.18, 0.065],
    ['CE', 58_300, 55_000, 30 / 365, 0.35, 0.065],
    ['PE', 100, 100, 2, 1.5, 0],
  ] as const)('recovers σ from a %s price (S %s K %s T %s σ %s)', (kind, S, K, years, vol, r) => {
    const price = blackScholes(kind, S, K, years, vol, r);
    expect(impliedVolatility(kind, price, S, K, years, r)).toBeCloseTo(vol, 5);
  });

  it('matches Hull’s call price of 2.40 at about 20 %', () => {
    expect(impliedVolatility('CE', 2.4, 49, 50, 0.3846, 0.05)).toBeCloseTo(0.2, 2);
  });

  it.each([
    ['below the discounted intrinsic value', 'CE', 0.5, 110, 100, 0.5],
    ['at the spot (a call can be worth no more)', 'CE', 110, 110, 100, 0.5],
    ['at expiry', 'CE', 10, 110, 100, 0],
    ['a zero price', 'PE', 0, 100, 100, 0.5],
    ['a NaN price', 'PE', NaN, 100, 100, 0.5],
    ['a negative spot', 'CE', 1, -100, 100, 0.5],
  ] as const)('is null for %s', (_name, kind, price, S, K, years) => {
    expect(impliedVolatility(kind, price, S, K, years, 0.05)).toBeNull();
  });
});
