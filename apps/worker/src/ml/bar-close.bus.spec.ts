import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Candle } from '@tradeloop/domain';
import type { CandleRow } from '@tradeloop/market';
import { BarCloseBus, BucketGatherer, type ClosedBars } from './bar-close.bus';

const candle = (ts: number, close = 100): Candle => ({ ts, open: close, high: close, low: close, close, volume: 1 });
const row = (symbol: string, ts: number, timeframe: CandleRow['timeframe'] = '1m'): CandleRow => ({ symbol, timeframe, candle: candle(ts) });

describe('BucketGatherer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hands a bucket on after the grace, completed with the candles no tick has closed yet', () => {
    const out: ClosedBars[] = [];
    const still = [row('C', 0)];
    const g = new BucketGatherer(new Set(['1m']), (b) => out.push(b), { graceMs: 250, openIn: (tf, ts) => still.filter((r) => r.timeframe === tf && r.candle.ts === ts), universe: () => 3 });
    g.add([row('A', 0), row('B', 0)]);
    expect(out).toHaveLength(0);
    vi.advanceTimersByTime(250);
    expect(out.map((b) => [b.ts, [...b.bars.keys()]])).toEqual([[0, ['A', 'B', 'C']]]);
  });

  it('goes at once when every symbol of the feed has closed the bucket', () => {
    const out: ClosedBars[] = [];
    const g = new BucketGatherer(new Set(['1m']), (b) => out.push(b), { graceMs: 250, universe: () => 2 });
    g.add([row('B', 60_000)]);
    expect(out).toHaveLength(0);
    g.add([row('A', 60_000)]);
    expect(out.map((b) => b.ts)).toEqual([60_000]);
  });

  it('drops and counts a bar that closes after its bucket was handed on, and ignores other timeframes', () => {
    const out: ClosedBars[] = [];
    const g = new BucketGatherer(new Set(['1m']), (b) => out.push(b), { graceMs: 250 });
    g.add([row('A', 0), row('A', 0, '5m')]);
    vi.advanceTimersByTime(250);
    g.add([row('B', 0)]);
    expect(g.late).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(out).toHaveLength(1);
    expect([...out[0]!.bars.keys()]).toEqual(['A']);
  });

  it('a closed bar wins over the open copy of the same symbol, and stop() cancels pending buckets', () => {
    const out: ClosedBars[] = [];
    const g = new BucketGatherer(new Set(['1m']), (b) => out.push(b), { graceMs: 250, openIn: () => [{ symbol: 'A', timeframe: '1m', candle: candle(0, 1) }] });
    g.add([row('A', 0)]);
    vi.advanceTimersByTime(250);
    expect(out[0]!.bars.get('A')!.close).toBe(100);
    g.add([row('A', 60_000)]);
    g.stop();
    vi.advanceTimersByTime(1000);
    expect(out).toHaveLength(1);
  });
});

describe('BarCloseBus', () => {
  it('runs every listener even when one fails, and reports the failure', async () => {
    const bus = new BarCloseBus();
    const errors: string[] = [];
    bus.onError = (err, what) => errors.push(`${what}: ${(err as Error).message}`);
    const seen: number[] = [];
    bus.onBars(() => {
      throw new Error('boom');
    });
    bus.onBars((b) => void seen.push(b.ts));
    await bus.emitBars({ timeframe: '1m', ts: 5, bars: new Map(), closedAt: 0 });
    expect(seen).toEqual([5]);
    expect(errors).toEqual(['bars: boom']);
  });
});
