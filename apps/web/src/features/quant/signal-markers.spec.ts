import { describe, expect, it } from 'vitest';
import type { SignalDto } from '@tradeloop/contracts';
import { chartTime } from '../trade/chart-data';
import { signalMarkers } from './signal-markers';

const iso = (minute: number, second = 0) => new Date(Date.UTC(2026, 10, 22, 9, minute, second)).toISOString();
const sig = (id: string, ts: string, signal: SignalDto['signal'], symbol = 'INFY'): SignalDto => ({
  id,
  modelId: '0190a000-0000-7000-8000-000000000001',
  modelVersion: '1',
  stage: 'production',
  symbol,
  ts,
  score: signal === 'BUY' ? 0.71 : 0.3,
  signal,
  featuresHash: 'h',
});
const bars = [0, 1, 2, 3].map((m) => chartTime(iso(m)));

describe('signalMarkers', () => {
  it('puts BUY below and SELL above the bar of the signal, oldest first; HOLD and other symbols draw nothing', () => {
    const markers = signalMarkers(
      [sig('s', iso(2), 'SELL'), sig('b', iso(1), 'BUY'), sig('h', iso(3), 'HOLD'), sig('t', iso(0), 'BUY', 'TCS')],
      'INFY',
      bars,
    );
    expect(markers.map((m) => [m.id, m.time, m.position, m.shape, m.text])).toEqual([
      ['b', bars[1], 'belowBar', 'arrowUp', 'B 0.71'],
      ['s', bars[2], 'aboveBar', 'arrowDown', 'S 0.30'],
    ]);
  });

  it('snaps a signal inside a bar to that bar and drops one before the first bar', () => {
    const markers = signalMarkers(
      [sig('mid', iso(2, 40), 'BUY'), sig('late', iso(9), 'BUY'), sig('early', iso(-1 + 0, -5), 'SELL')],
      'INFY',
      bars,
    );
    expect(markers.map((m) => [m.id, m.time])).toEqual([
      ['mid', bars[2]],
      ['late', bars[3]],
    ]);
  });

  it('merges one side’s signals on one bar into one marker that counts them and shows the strongest', () => {
    const strong = { ...sig('b2', iso(1, 20), 'BUY'), score: 0.9 };
    const markers = signalMarkers([sig('b1', iso(1), 'BUY'), strong, sig('s1', iso(1, 30), 'SELL')], 'INFY', bars);
    expect(markers.map((m) => [m.id, m.time, m.position, m.text])).toEqual([
      ['b1', bars[1], 'belowBar', 'B ×2 0.90'],
      ['s1', bars[1], 'aboveBar', 'S 0.30'],
    ]);
  });

  it('labels only the first marker of a run on consecutive bars, so labels never overlap', () => {
    const markers = signalMarkers(
      [sig('a', iso(0), 'BUY'), sig('b', iso(1), 'BUY'), sig('c', iso(2), 'BUY'), sig('s', iso(2), 'SELL'), sig('d', iso(3), 'SELL')],
      'INFY',
      bars,
    );
    expect(markers.map((m) => [m.id, m.text])).toEqual([
      ['a', 'B 0.71'],
      ['b', ''],
      ['c', ''],
      ['s', 'S 0.30'],
      ['d', ''],
    ]);
  });

  it('is empty without bars', () => {
    expect(signalMarkers([sig('b', iso(1), 'BUY')], 'INFY', [])).toEqual([]);
  });
});
