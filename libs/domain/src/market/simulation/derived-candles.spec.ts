import type { Instrument } from '../instruments';
import { candleAt, columnsFromCandles } from '../candle-chunks';
import type { Candle } from '../candle';
import { TIMEFRAME_MS } from '../timeframes';
import { deriveCandles, withDerivedHistory } from './derived-candles';
import { derivativePreviousClose, derivativeValue, onTickSize } from './derivative-model';

const RUPEE = 10_000;
const ist = (iso: string) => Date.parse(`${iso}+05:30`);

const option = (type: 'CE' | 'PE', strikeRupees: number, expiry = '2026-11-24'): Instrument => ({
  symbol: `NIFTY26N${expiry.slice(8)}${strikeRupees}${type}`,
  exchange: 'NFO',
  name: 'test option',
  instrumentType: type,
  lotSize: 65,
  tickSize: 500,
  expiry,
  strike: strikeRupees * RUPEE,
  underlying: 'NIFTY',
});
const future: Instrument = {
  symbol: 'NIFTY26DECFUT',
  exchange: 'NFO',
  name: 'test future',
  instrumentType: 'FUT',
  lotSize: 65,
  tickSize: 1_000,
  expiry: '2026-12-29',
  underlying: 'NIFTY',
};

/** An index path of `n` 1m bars from `start`: a deterministic wiggle around `level` rupees. */
function indexBars(start: number, n: number, level = 25_900, stepMs = 60_000): Candle[] {
  const out: Candle[] = [];
  let close = level * RUPEE;
  for (let i = 0; i < n; i += 1) {
    const open = close;
    close = open + Math.round(Math.sin(i / 7) * 8 + Math.cos(i / 3) * 5) * RUPEE;
    out.push({ ts: start + i * stepMs, open, high: Math.max(open, close) + 2_500, low: Math.min(open, close) - 2_500, close, volume: 0 });
  }
  return out;
}

describe('deriveCandles', () => {
  const start = ist('2026-11-17T09:15:00');
  const index = columnsFromCandles(indexBars(start, 375));

  it('gives a bar for every underlying bar (as much history as the index), each from the model at its time', () => {
    const call = option('CE', 25_900);
    const bars = deriveCandles(call, index, '1m');
    expect(bars.length).toBe(index.length);
    for (const i of [0, 1, 100, 374]) {
      const u = candleAt(index, i);
      const b = candleAt(bars, i);
      expect(b.ts).toBe(u.ts);
      expect(b.open).toBe(onTickSize(derivativeValue(call, u.open, u.ts), 500));
      expect(b.close).toBe(onTickSize(derivativeValue(call, u.close, u.ts + 60_000), 500));
      expect(b.high).toBe(onTickSize(derivativeValue(call, u.high, u.ts + 30_000), 500));
      expect(b.low).toBe(onTickSize(derivativeValue(call, u.low, u.ts + 30_000), 500));
    }
  });

  it('keeps every bar well formed: on the tick size, at least a tick, low ≤ open, close ≤ high, volume in whole lots', () => {
    for (const inst of [option('CE', 25_900), option('PE', 25_900), option('CE', 27_900), option('PE', 23_000), future]) {
      const bars = deriveCandles(inst, index, '1m');
      for (let i = 0; i < bars.length; i += 1) {
        const b = candleAt(bars, i);
        for (const p of [b.open, b.high, b.low, b.close]) {
          expect(p % inst.tickSize).toBe(0);
          expect(p).toBeGreaterThanOrEqual(inst.tickSize);
        }
        expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
        expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
        expect(b.volume % inst.lotSize).toBe(0);
        expect(b.volume).toBeGreaterThan(0);
      }
    }
  });

  it('moves calls and futures with the index and puts against it (a put is dearest at the index’s low)', () => {
    const call = deriveCandles(option('CE', 25_900), index, '1m');
    const put = deriveCandles(option('PE', 25_900), index, '1m');
    const fut = deriveCandles(future, index, '1m');
    let same = 0;
    let opposite = 0;
    for (let i = 0; i < index.length; i += 1) {
      const u = Math.sign(index.close[i]! - index.open[i]!);
      if (u === 0) continue;
      if (Math.sign(call.close[i]! - call.open[i]!) === u && Math.sign(fut.close[i]! - fut.open[i]!) === u) same += 1;
      if (Math.sign(put.close[i]! - put.open[i]!) === -u) opposite += 1;
    }
    const moves = Array.from(index.close).filter((c, i) => c !== index.open[i]).length;
    expect(same).toBe(moves);
    expect(opposite).toBe(moves);
    const i = 42;
    expect(put.high[i]).toBe(
      onTickSize(Math.max(derivativeValue(option('PE', 25_900), index.low[i]!, index.ts[i]! + 30_000), put.open[i]!, put.close[i]!), 500),
    );
    // A future is the index carried to expiry: above it.
    for (let k = 0; k < index.length; k += 1) expect(fut.close[k]!).toBeGreaterThan(index.close[k]!);
  });

  it('clips a daily bar to the session: it opens at 09:15 and closes at 15:30, so its close is the next day’s previous close', () => {
    const friday = ist('2026-11-20T00:00:00');
    const daily = columnsFromCandles([
      { ts: friday, open: 25_800 * RUPEE, high: 26_050 * RUPEE, low: 25_700 * RUPEE, close: 26_000 * RUPEE, volume: 0 },
    ]);
    for (const inst of [option('CE', 25_900), option('PE', 26_200), future]) {
      const [bar] = [candleAt(deriveCandles(inst, daily, '1d'), 0)];
      expect(bar.open).toBe(onTickSize(derivativeValue(inst, 25_800 * RUPEE, ist('2026-11-20T09:15:00')), inst.tickSize));
      expect(bar.close).toBe(onTickSize(derivativeValue(inst, 26_000 * RUPEE, ist('2026-11-20T15:30:00')), inst.tickSize));
      // Monday's quote measures its day change against exactly this close.
      expect(derivativePreviousClose(inst, 26_000 * RUPEE, ist('2026-11-23T09:20:00'))).toBe(bar.close);
    }
    // An hourly bar holding the open starts at 09:15; one holding the close ends at 15:30.
    const hourly = columnsFromCandles([
      { ts: ist('2026-11-20T09:00:00'), open: 25_800 * RUPEE, high: 25_800 * RUPEE, low: 25_800 * RUPEE, close: 25_800 * RUPEE, volume: 0 },
      { ts: ist('2026-11-20T15:00:00'), open: 25_800 * RUPEE, high: 25_800 * RUPEE, low: 25_800 * RUPEE, close: 25_800 * RUPEE, volume: 0 },
    ]);
    const h = deriveCandles(option('CE', 25_900), hourly, '1h');
    expect(h.open[0]).toBe(onTickSize(derivativeValue(option('CE', 25_900), 25_800 * RUPEE, ist('2026-11-20T09:15:00')), 500));
    expect(h.close[1]).toBe(onTickSize(derivativeValue(option('CE', 25_900), 25_800 * RUPEE, ist('2026-11-20T15:30:00')), 500));
  });

  it('leaves out bars from the expiry’s close on and ends the last one at it', () => {
    const bars5m = indexBars(ist('2026-11-24T15:15:00'), 6, 25_900, TIMEFRAME_MS['5m']); // 15:15 … 15:40
    const underlying = columnsFromCandles(bars5m);
    const call = option('CE', 25_000, '2026-11-24');
    const out = deriveCandles(call, underlying, '5m');
    expect(Array.from(out.ts)).toEqual(bars5m.filter((b) => b.ts < ist('2026-11-24T15:30:00')).map((b) => b.ts));
    // The 15:25 bar closes at the expiry: intrinsic value.
    expect(out.close[2]).toBe(onTickSize(Math.max(0, bars5m[2]!.close - 25_000 * RUPEE), 500));
    // A contract already expired before the history has none of it.
    expect(deriveCandles(option('CE', 25_000, '2026-11-10'), index, '1m').length).toBe(0);
  });

  it('trades at-the-money contracts more than far ones, the same volume at every read', () => {
    const sum = (inst: Instrument) => Array.from(deriveCandles(inst, index, '1m').volume).reduce((s, v) => s + v, 0);
    expect(sum(option('CE', 25_900))).toBeGreaterThan(5 * sum(option('CE', 27_900)));
    expect(deriveCandles(option('CE', 25_900), index, '1m')).toEqual(deriveCandles(option('CE', 25_900), index, '1m'));
    // The near-month future trades more than a far one.
    expect(sum(future)).toBeGreaterThan(
      Array.from(deriveCandles(future, index, '1m', { futureRank: 2 }).volume).reduce((s, v) => s + v, 0),
    );
    // Over a session an ATM option trades about the model's units per day (the intraday profile averages 1).
    const perDay = 400_000 * 65;
    expect(sum(option('CE', 25_900)) / perDay).toBeGreaterThan(0.5);
    expect(sum(option('CE', 25_900)) / perDay).toBeLessThan(1.6);
  });

  it('refuses an instrument that is not a future or option on an underlying', () => {
    expect(() =>
      deriveCandles({ symbol: 'TCS', exchange: 'NSE', name: 'TCS', instrumentType: 'EQ', lotSize: 1, tickSize: 500 }, index, '1m'),
    ).toThrow(RangeError);
    expect(deriveCandles(option('CE', 25_900), columnsFromCandles([]), '1m').length).toBe(0);
  });
});

describe('withDerivedHistory', () => {
  const bar = (ts: number, close: number): Candle => ({ ts, open: close, high: close, low: close, close, volume: 65 });
  const derived = columnsFromCandles([bar(1, 10), bar(2, 20), bar(3, 30), bar(4, 40), bar(5, 50)]);

  it('puts the derived bars before the contract’s first stored bar, then the stored ones', () => {
    const stored = columnsFromCandles([bar(3, 333), bar(5, 555)]);
    const out = withDerivedHistory(stored, derived, 3);
    expect(Array.from(out.ts)).toEqual([1, 2, 3, 5]);
    expect(Array.from(out.close)).toEqual([10, 20, 333, 555]);
  });

  it('is all derived when the contract has no stored bar, all stored when its bars start first', () => {
    expect(Array.from(withDerivedHistory(columnsFromCandles([]), derived, null).close)).toEqual([10, 20, 30, 40, 50]);
    const stored = columnsFromCandles([bar(2, 222)]);
    expect(Array.from(withDerivedHistory(stored, derived, 1).close)).toEqual([222]);
  });

  it('keeps the latest `limit` bars', () => {
    const stored = columnsFromCandles([bar(4, 444)]);
    expect(Array.from(withDerivedHistory(stored, derived, 4, 2).close)).toEqual([30, 444]);
    expect(Array.from(withDerivedHistory(stored, derived, 4, 10).close)).toEqual([10, 20, 30, 444]);
  });
});
