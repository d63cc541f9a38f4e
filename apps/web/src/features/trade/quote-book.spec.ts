import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Quote, TickEvent } from '@tradeloop/contracts';
import { QuoteBook } from './quote-book';
import { chartTime, lastCandleAttr, mergeBars, toBar } from './chart-data';

const frames: (() => void)[] = [];
beforeEach(() => {
  frames.length = 0;
  vi.stubGlobal('requestAnimationFrame', (fn: () => void) => frames.push(fn));
  vi.stubGlobal('cancelAnimationFrame', () => undefined);
});
afterEach(() => vi.unstubAllGlobals());
const nextFrame = () => frames.splice(0).forEach((fn) => fn());

const quote = (ltp: string, ts: string, change = '1.00'): Quote => ({
  symbol: 'RELIANCE',
  ltp,
  bid: ltp,
  ask: ltp,
  volume: 10,
  change,
  prevClose: '1400.00',
  ts,
});
const tick = (ltp: string, ts: string, seq = 1, change = '1.00'): TickEvent => ({
  symbol: 'RELIANCE',
  ltp,
  bid: ltp,
  ask: ltp,
  volume: 11,
  change,
  ts,
  seq,
});

describe('quote book', () => {
  it('keeps the newest update, counts LTP moves and their direction', () => {
    const book = new QuoteBook();
    book.applyQuote(quote('1401.00', '2026-11-23T04:00:00.000Z'));
    expect(book.get('RELIANCE')).toMatchObject({ ltp: '1401.00', prevClose: '1400.00', move: null, moves: 0 });
    book.applyTick(tick('1401.50', '2026-11-23T04:00:01.000Z'));
    expect(book.get('RELIANCE')).toMatchObject({ ltp: '1401.50', prevClose: '1400.00', move: 'up', moves: 1 });
    book.applyTick(tick('1400.95', '2026-11-23T04:00:02.000Z'));
    expect(book.get('RELIANCE')).toMatchObject({ move: 'down', moves: 2 });
    // An older REST answer arriving late changes nothing.
    book.applyQuote(quote('1390.00', '2026-11-23T04:00:00.500Z'));
    expect(book.get('RELIANCE')).toMatchObject({ ltp: '1400.95', moves: 2 });
  });

  it('tells a symbol’s listeners once per frame, only when something they show changed', () => {
    const book = new QuoteBook();
    const reliance = vi.fn();
    const tcs = vi.fn();
    book.subscribe('RELIANCE', reliance);
    book.subscribe('TCS', tcs);
    book.applyTick(tick('1401.00', '2026-11-23T04:00:01.000Z'));
    book.applyTick(tick('1401.05', '2026-11-23T04:00:02.000Z'));
    book.applyTick(tick('1401.10', '2026-11-23T04:00:03.000Z'));
    expect(reliance).not.toHaveBeenCalled();
    nextFrame();
    expect(reliance).toHaveBeenCalledTimes(1);
    expect(tcs).not.toHaveBeenCalled();
    book.applyTick({ ...tick('1401.10', '2026-11-23T04:00:04.000Z'), volume: 11 });
    nextFrame();
    expect(reliance).toHaveBeenCalledTimes(1);
    // The touch moving under an unchanged LTP is news too: the ticket and the row show bid and ask.
    book.applyTick({ ...tick('1401.10', '2026-11-23T04:00:05.000Z'), bid: '1401.05', ask: '1401.15' });
    nextFrame();
    expect(reliance).toHaveBeenCalledTimes(2);
    expect(book.get('RELIANCE')).toMatchObject({ bid: '1401.05', ask: '1401.15', moves: 2 });
  });
});

describe('chart data', () => {
  it('shifts times to IST seconds and merges live bars over history', () => {
    expect(chartTime('2026-11-23T03:45:00.000Z')).toBe(Date.UTC(2026, 10, 23, 3, 45) / 1000 + 19_800);
    const history = [
      { ts: '2026-11-23T03:45:00.000Z', open: '100.00', high: '101.00', low: '99.00', close: '100.50', volume: 5 },
      { ts: '2026-11-23T03:50:00.000Z', open: '100.50', high: '100.80', low: '100.10', close: '100.20', volume: 3 },
    ];
    const live = toBar({ ts: '2026-11-23T03:50:00.000Z', open: '100.50', high: '101.20', low: '100.10', close: '101.10', volume: 9 });
    const bars = mergeBars(history, [live]);
    expect(bars.map((b) => b.close)).toEqual([100.5, 101.1]);
    expect(lastCandleAttr(bars.at(-1)!)).toBe('2026-11-23T03:50:00.000Z|101.10|9');
    expect(lastCandleAttr(null)).toBe('');
  });
});
