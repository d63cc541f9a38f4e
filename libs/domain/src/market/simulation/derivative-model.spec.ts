import type { Instrument } from '../instruments';
import { blackScholes } from './black-scholes';
import {
  atmIvOf,
  derivativeLiquidity,
  derivativePreviousClose,
  derivativeValue,
  expiryCloseAt,
  isDerivative,
  onTickSize,
  RISK_FREE_RATE,
  smileIv,
  yearsToExpiry,
} from './derivative-model';
import { previousSessionClose } from './nse-session';

const RUPEE = 10_000;
const ist = (iso: string) => Date.parse(`${iso}+05:30`);
const YEAR_MS = 365 * 86_400_000;

const option = (type: 'CE' | 'PE', strikeRupees: number, expiry = '2026-11-24', underlying = 'NIFTY'): Instrument => ({
  symbol: `${underlying}X${strikeRupees}${type}`,
  exchange: 'NFO',
  name: 'test option',
  instrumentType: type,
  lotSize: 65,
  tickSize: 500,
  expiry,
  strike: strikeRupees * RUPEE,
  underlying,
});
const future = (expiry = '2026-11-24'): Instrument => ({
  symbol: 'NIFTY26NOVFUT',
  exchange: 'NFO',
  name: 'test future',
  instrumentType: 'FUT',
  lotSize: 65,
  tickSize: 1_000,
  expiry,
  underlying: 'NIFTY',
});
const equity: Instrument = { symbol: 'TCS', exchange: 'NSE', name: 'TCS', instrumentType: 'EQ', lotSize: 1, tickSize: 500 };

describe('the derivative model: time to expiry', () => {
  it('runs to 15:30 IST of the expiry date', () => {
    expect(expiryCloseAt('2026-11-24')).toBe(ist('2026-11-24T15:30:00'));
    expect(yearsToExpiry('2026-11-24', ist('2026-11-24T15:30:00'))).toBe(0);
    expect(yearsToExpiry('2026-11-24', ist('2026-11-24T15:30:00') - YEAR_MS)).toBeCloseTo(1, 12);
    expect(yearsToExpiry('2026-11-24', ist('2026-11-25T15:30:00'))).toBeLessThan(0);
  });

  it('measures the previous close at 15:30 IST of the previous weekday session', () => {
    expect(previousSessionClose(ist('2026-11-24T10:00:00'))).toBe(ist('2026-11-23T15:30:00')); // Tuesday → Monday
    expect(previousSessionClose(ist('2026-11-23T00:00:00'))).toBe(ist('2026-11-20T15:30:00')); // Monday → Friday
    expect(previousSessionClose(ist('2026-11-22T12:00:00'))).toBe(ist('2026-11-20T15:30:00')); // Sunday → Friday
    expect(previousSessionClose(ist('2026-11-21T23:59:59'))).toBe(ist('2026-11-20T15:30:00')); // Saturday → Friday
    // After today's close it is still yesterday's: today's close becomes previous tomorrow.
    expect(previousSessionClose(ist('2026-11-24T20:00:00'))).toBe(ist('2026-11-23T15:30:00'));
  });
});

describe('the derivative model: prices', () => {
  const spot = 25_900 * RUPEE;
  const at = ist('2026-11-17T11:00:00'); // a week before expiry

  it('carries a future to expiry at the risk-free rate, and is the index after expiry', () => {
    const years = yearsToExpiry('2026-11-24', at);
    expect(derivativeValue(future(), spot, at)).toBeCloseTo(spot * Math.exp(RISK_FREE_RATE * years), 6);
    expect(derivativeValue(future(), spot, ist('2026-11-25T11:00:00'))).toBe(spot);
  });

  it('prices options by Black–Scholes at the smile, so put–call parity holds at every strike', () => {
    for (const strike of [24_000, 25_900, 27_500]) {
      const years = yearsToExpiry('2026-11-24', at);
      const iv = smileIv(atmIvOf('NIFTY'), 1, spot, strike * RUPEE);
      expect(derivativeValue(option('CE', strike), spot, at)).toBeCloseTo(
        blackScholes('CE', spot, strike * RUPEE, years, iv, RISK_FREE_RATE),
        6,
      );
      const call = derivativeValue(option('CE', strike), spot, at);
      const put = derivativeValue(option('PE', strike), spot, at);
      expect(call - put).toBeCloseTo(spot - strike * RUPEE * Math.exp(-RISK_FREE_RATE * years), 4);
    }
    // An at-the-money weekly NIFTY call is worth a couple of hundred rupees, not a placeholder.
    const atm = derivativeValue(option('CE', 25_900), spot, at) / RUPEE;
    expect(atm).toBeGreaterThan(100);
    expect(atm).toBeLessThan(400);
  });

  it('is worth its intrinsic value at and after expiry', () => {
    const close = ist('2026-11-24T15:30:00');
    expect(derivativeValue(option('CE', 25_000), spot, close)).toBe(900 * RUPEE);
    expect(derivativeValue(option('PE', 25_000), spot, close)).toBe(0);
    expect(derivativeValue(option('PE', 26_000), spot, close + 86_400_000)).toBe(100 * RUPEE);
  });

  it('has a skewed smile: ATM at the ATM volatility (scaled by √ the volatility ratio), strikes below spot dearer than above, far ones richer, never under 3 %', () => {
    expect(smileIv(0.12, 1, spot, spot)).toBeCloseTo(0.12, 12);
    expect(smileIv(0.12, 4, spot, spot)).toBeCloseTo(0.24, 12);
    expect(smileIv(0.12, 1, spot, spot * 0.95)).toBeGreaterThan(0.12);
    expect(smileIv(0.12, 1, spot, spot * 0.95)).toBeGreaterThan(smileIv(0.12, 1, spot, spot * 1.05));
    expect(smileIv(0.12, 1, spot, spot * 1.4)).toBeGreaterThan(0.12);
    expect(smileIv(0.01, 1, spot, spot)).toBe(0.03);
    expect(atmIvOf('NIFTY')).toBe(0.12);
    expect(atmIvOf('BANKNIFTY')).toBe(0.15);
    expect(atmIvOf('SOMETHING')).toBe(0.12);
    expect(atmIvOf(undefined)).toBe(0.12);
  });

  it('refuses what is not a future or an option', () => {
    expect(() => derivativeValue(equity, spot, at)).toThrow(RangeError);
    expect(isDerivative(equity)).toBe(false);
    expect(isDerivative(option('CE', 25_000))).toBe(true);
    expect(isDerivative(future())).toBe(true);
    expect(isDerivative({ ...option('CE', 25_000), strike: undefined })).toBe(false);
    expect(isDerivative({ ...future(), expiry: undefined })).toBe(false);
    expect(isDerivative({ ...future(), underlying: undefined })).toBe(false);
  });

  it('puts prices on the tick size, never below one tick', () => {
    expect(onTickSize(1_234_249, 500)).toBe(1_234_000);
    expect(onTickSize(1_234_250, 500)).toBe(1_234_500);
    expect(onTickSize(0, 500)).toBe(500);
    expect(onTickSize(-3, 1_000)).toBe(1_000);
  });
});

describe('the derivative model: previous close', () => {
  it('is the model on the underlying’s previous close, at the time of that close', () => {
    const monday = ist('2026-11-23T10:00:00');
    const prevClose = 26_000 * RUPEE;
    for (const inst of [option('CE', 25_900), option('PE', 25_900), option('CE', 27_000), future()]) {
      const expected = onTickSize(derivativeValue(inst, prevClose, ist('2026-11-20T15:30:00')), inst.tickSize);
      expect(derivativePreviousClose(inst, prevClose, monday)).toBe(expected);
      // The same all day and over the weekend before it: it depends on the day, not the time.
      expect(derivativePreviousClose(inst, prevClose, ist('2026-11-23T15:29:00'))).toBe(expected);
    }
  });

  it('rises with the underlying for calls and futures, falls for puts, and is a sane price (not 1000.00)', () => {
    const day = ist('2026-11-18T09:20:00');
    const call = option('CE', 25_900);
    const put = option('PE', 25_900);
    const lo = 25_800 * RUPEE;
    const hi = 26_000 * RUPEE;
    expect(derivativePreviousClose(call, hi, day)).toBeGreaterThan(derivativePreviousClose(call, lo, day));
    expect(derivativePreviousClose(put, hi, day)).toBeLessThan(derivativePreviousClose(put, lo, day));
    expect(derivativePreviousClose(future(), hi, day)).toBeGreaterThan(derivativePreviousClose(future(), lo, day));
    const atm = derivativePreviousClose(call, 25_900 * RUPEE, day);
    expect(atm % call.tickSize).toBe(0);
    expect(atm).not.toBe(1_000 * RUPEE);
    expect(atm / RUPEE).toBeGreaterThan(100);
    expect(atm / RUPEE).toBeLessThan(400);
    // Far out of the money: a tick, not zero.
    expect(derivativePreviousClose(option('CE', 40_000), 25_900 * RUPEE, day)).toBe(500);
  });
});

describe('the derivative model: liquidity', () => {
  it('trades options most at the money, fading with the distance of the strike', () => {
    const spot = 25_900 * RUPEE;
    const atm = derivativeLiquidity(option('CE', 25_900), spot);
    const near = derivativeLiquidity(option('CE', 26_100), spot);
    const far = derivativeLiquidity(option('CE', 27_900), spot);
    expect(atm.weight).toBeGreaterThan(near.weight);
    expect(near.weight).toBeGreaterThan(far.weight);
    expect(far.weight).toBeGreaterThan(0);
    expect(atm.unitsPerDay).toBeCloseTo(400_000 * 65, 6);
    expect(near.unitsPerDay).toBeGreaterThan(far.unitsPerDay);
    expect(atm.spreadBps).toBe(40);
  });

  it('trades futures by expiry rank: the near month most', () => {
    const [r0, r1, r2] = [0, 1, 2].map((rank) => derivativeLiquidity(future(), 25_900 * RUPEE, rank));
    expect(r0!.weight).toBeGreaterThan(r1!.weight);
    expect(r1!.weight).toBeGreaterThan(r2!.weight);
    expect(r0!.unitsPerDay).toBe(100_000 * 65);
    expect(r1!.unitsPerDay).toBeCloseTo(10_000 * 65, 6);
    expect(r2!.unitsPerDay).toBeCloseTo(2_000 * 65, 6);
    expect(derivativeLiquidity(future(), 25_900 * RUPEE)).toEqual(r0);
  });
});
